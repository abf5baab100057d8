package render

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/podium-dev/podium/audio"
	"github.com/podium-dev/podium/compose"
	"github.com/podium-dev/podium/infer"
	"github.com/podium-dev/podium/motion"
	"github.com/podium-dev/podium/skeleton"
)

// needFFmpeg skips where ffmpeg is not installed (make test installs it).
func needFFmpeg(t testing.TB) {
	t.Helper()
	for _, tool := range []string{"ffmpeg", "ffprobe"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed (make setup installs it)", tool)
		}
	}
}

// makeTone writes seconds of a 440 Hz tone with 2 Hz clicks, at 44.1 kHz,
// with ffmpeg's lavfi.
func makeTone(t testing.TB, path string, seconds float64) {
	t.Helper()
	src := fmt.Sprintf("sine=frequency=440:beep_factor=4:sample_rate=44100:duration=%g", seconds)
	out, err := exec.Command("ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", src, path).CombinedOutput()
	if err != nil {
		t.Fatalf("generate %s: %v: %s", path, err, out)
	}
}

// probe returns ffprobe's streams of path.
func probe(t testing.TB, path string) []probeStream {
	t.Helper()
	s, err := probeStreams(context.Background(), "ffprobe", path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func streamOf(t testing.TB, streams []probeStream, kind string) probeStream {
	t.Helper()
	for _, s := range streams {
		if s.CodecType == kind {
			return s
		}
	}
	t.Fatalf("no %s stream in %+v", kind, streams)
	return probeStream{}
}

func seconds(t testing.TB, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("duration %q: %v", s, err)
	}
	return v
}

// indexDrawer paints frame f as a flat grey level that encodes f, after a
// random delay, so frames finish out of order across goroutines.
type indexDrawer struct {
	w, h int
	rng  *rand.Rand
}

func (d indexDrawer) drawFrame(f int, dst []byte) {
	time.Sleep(time.Duration(d.rng.IntN(3)) * time.Millisecond)
	n := d.w * d.h
	for i := range dst[:n] {
		dst[i] = byte(16 + 4*(f%50))
	}
	for i := n; i < len(dst); i++ {
		dst[i] = 128
	}
}

// TestEncoderOrdersFrames sends frames drawn out of order by several
// goroutines and decodes the (lossless) video: every frame arrives, in order.
func TestEncoderOrdersFrames(t *testing.T) {
	needFFmpeg(t)
	dir := t.TempDir()
	const w, h, frames = 32, 32, 48
	enc := encoder{FFmpeg: "ffmpeg", Width: w, Height: h, FPS: 30, Preset: "ultrafast", CRF: 0, Out: filepath.Join(dir, "o.mp4")}
	var seed atomic.Uint64 // newDrawer runs in each drawing goroutine
	newDrawer := func() frameDrawer {
		return indexDrawer{w: w, h: h, rng: rand.New(rand.NewPCG(seed.Add(1), 7))}
	}
	n := 0
	if err := enc.run(context.Background(), frames, 5, newDrawer, func() { n++ }); err != nil {
		t.Fatal(err)
	}
	if n != frames {
		t.Errorf("progress saw %d frames, want %d", n, frames)
	}
	out, err := exec.Command("ffmpeg", "-loglevel", "error", "-i", enc.Out, "-f", "rawvideo", "-pix_fmt", "yuv420p", "pipe:1").Output()
	if err != nil {
		t.Fatal(err)
	}
	size := yuvSize(w, h)
	if len(out) != frames*size {
		t.Fatalf("decoded %d bytes, want %d frames of %d", len(out), frames, size)
	}
	for f := 0; f < frames; f++ {
		got := int(out[f*size+w*h/2])
		if want := 16 + 4*(f%50); got < want-1 || got > want+1 {
			t.Fatalf("frame %d has level %d, want %d: frames out of order", f, got, want)
		}
	}
}

// TestEncoderMuxesAudio encodes a skeleton over a tone: an h264 and an aac
// stream, the frame count sent, the video no longer than the audio.
func TestEncoderMuxesAudio(t *testing.T) {
	needFFmpeg(t)
	dir := t.TempDir()
	tone := filepath.Join(dir, "tone.wav")
	makeTone(t, tone, 2)
	m, err := infer.Plain{}.Generate(context.Background(), melOf(2))
	if err != nil {
		t.Fatal(err)
	}
	enc := encoder{FFmpeg: "ffmpeg", Width: 96, Height: 96, FPS: 30, Preset: "ultrafast", CRF: 23, Audio: tone, Out: filepath.Join(dir, "o.mp4")}
	comp, err := compose.New(compose.Options{PanelWidth: 96, PanelHeight: 96, Panels: []compose.Panel{{Motion: m}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := enc.run(context.Background(), m.Frames, 2, newComposedDrawers(comp), nil); err != nil {
		t.Fatal(err)
	}
	st := probe(t, enc.Out)
	v, a := streamOf(t, st, "video"), streamOf(t, st, "audio")
	if v.CodecName != "h264" || a.CodecName != "aac" {
		t.Errorf("codecs %s/%s, want h264/aac", v.CodecName, a.CodecName)
	}
	if v.ColorRange != "tv" || v.ColorSpace != "smpte170m" || v.PixFmt != "yuv420p" {
		t.Errorf("video is %s, range %q, colour space %q: want yuv420p tagged BT.601 limited range", v.PixFmt, v.ColorRange, v.ColorSpace)
	}
	if v.NbFrames != "60" {
		t.Errorf("%s video frames, want 60", v.NbFrames)
	}
	if d := seconds(t, a.Duration); d < 1.95 || d > 2.05 {
		t.Errorf("audio lasts %.3f s, want 2", d)
	}
}

// TestEncoderReportsDeadFFmpeg: an ffmpeg that dies (here: refused a file
// over 100 kB, as on a full disk) gives an error saying so.
func TestEncoderReportsDeadFFmpeg(t *testing.T) {
	needFFmpeg(t)
	dir := t.TempDir()
	wrapper := filepath.Join(dir, "ffmpeg")
	if err := os.WriteFile(wrapper, []byte("#!/bin/sh\nulimit -f 200\nexec ffmpeg \"$@\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	enc := encoder{FFmpeg: wrapper, Width: 256, Height: 256, FPS: 30, Preset: "ultrafast", CRF: 0, Out: filepath.Join(dir, "o.mp4")}
	err := enc.run(context.Background(), 300, 2, func() frameDrawer { return noiseDrawer{} }, nil)
	if err == nil {
		t.Fatal("no error from an ffmpeg killed by its file size limit")
	}
	if !strings.Contains(err.Error(), "ffmpeg") {
		t.Errorf("error %q does not name ffmpeg", err)
	}
}

// noiseDrawer fills frames with noise, which does not compress.
type noiseDrawer struct{}

func (d noiseDrawer) drawFrame(f int, dst []byte) {
	for i := range dst {
		dst[i] = byte(f * i * 2654435761 >> 24)
	}
}

// TestEncoderCanceled: cancelling stops ffmpeg at once with the context's error.
func TestEncoderCanceled(t *testing.T) {
	needFFmpeg(t)
	dir := t.TempDir()
	enc := encoder{FFmpeg: "ffmpeg", Width: 64, Height: 64, FPS: 30, Preset: "ultrafast", CRF: 23, Out: filepath.Join(dir, "o.mp4")}
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	start := time.Now()
	err := enc.run(ctx, 1_000_000, 2, func() frameDrawer { return indexDrawer{w: 64, h: 64, rng: rand.New(rand.NewPCG(1, 1))} }, func() {
		if n++; n == 20 {
			cancel()
		}
	})
	if err == nil || ctx.Err() == nil || !strings.Contains(err.Error(), "interrupted") {
		t.Fatalf("err = %v, want interrupted", err)
	}
	if time.Since(start) > 10*time.Second {
		t.Errorf("cancel took %v", time.Since(start))
	}
}

// ffmpegYUV converts an RGBA image with ffmpeg's default RGB→yuv420p.
func ffmpegYUV(t *testing.T, img *image.RGBA) []byte {
	t.Helper()
	b := img.Bounds()
	cmd := exec.Command("ffmpeg", "-loglevel", "error", "-f", "rawvideo", "-pix_fmt", "rgba", "-video_size", fmt.Sprintf("%dx%d", b.Dx(), b.Dy()),
		"-i", "pipe:0", "-f", "rawvideo", "-pix_fmt", "yuv420p", "pipe:1")
	cmd.Stdin = bytes.NewReader(img.Pix)
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != yuvSize(b.Dx(), b.Dy()) {
		t.Fatalf("ffmpeg gave %d bytes, want %d", len(out), yuvSize(b.Dx(), b.Dy()))
	}
	return out
}

// TestRGBAToYUV420MatchesFFmpeg: our conversion agrees with ffmpeg's default
// one (BT.601, limited range) within 1 on luma for random pixels and on
// chroma for flat colours (ffmpeg filters chroma across 2×2 blocks, we
// average them, so only flat areas compare exactly).
func TestRGBAToYUV420MatchesFFmpeg(t *testing.T) {
	needFFmpeg(t)
	const w, h = 64, 48
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	rng := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < len(img.Pix); i += 4 {
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = byte(rng.IntN(256)), byte(rng.IntN(256)), byte(rng.IntN(256)), 255
	}
	ours := make([]byte, yuvSize(w, h))
	rgbaToYUV420(img, ours)
	theirs := ffmpegYUV(t, img)
	for i := range w * h {
		if d := abs(int(ours[i]) - int(theirs[i])); d > 1 {
			t.Fatalf("luma %d: ours %d, ffmpeg %d", i, ours[i], theirs[i])
		}
	}
	for _, c := range [][3]byte{{255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {255, 255, 255}, {0, 0, 0}, {0xe0, 0x52, 0x2b}, {0x2b, 0x34, 0x42}} {
		flat := image.NewRGBA(image.Rect(0, 0, 8, 8))
		for i := 0; i < len(flat.Pix); i += 4 {
			flat.Pix[i], flat.Pix[i+1], flat.Pix[i+2], flat.Pix[i+3] = c[0], c[1], c[2], 255
		}
		ours := make([]byte, yuvSize(8, 8))
		rgbaToYUV420(flat, ours)
		theirs := ffmpegYUV(t, flat)
		for i := range ours {
			if d := abs(int(ours[i]) - int(theirs[i])); d > 1 {
				t.Errorf("colour %v, byte %d: ours %d, ffmpeg %d", c, i, ours[i], theirs[i])
				break
			}
		}
	}
}

// TestYUVConverterExact: skipping the background changes nothing: frames of
// a moving conductor (and one with stray pixels) convert exactly as
// rgbaToYUV420 converts them, at sizes that are and are not multiples of the
// chunk width.
func TestYUVConverterExact(t *testing.T) {
	m, err := infer.Plain{}.Generate(context.Background(), melOf(1))
	if err != nil {
		t.Fatal(err)
	}
	for f := range m.Frames { // sway the pose so traces appear
		for j := range motion.Joints {
			p := m.At(f, j)
			p.X += 0.05 * float32(math.Sin(float64(f)/3))
			m.Set(f, j, p)
		}
	}
	for _, size := range []Size{{160, 160}, {166, 122}} {
		style := skeleton.Style{Width: size.W, Height: size.H}
		conv := newYUVConverter(skeleton.NewPainter(style).Draw(motion.New(0, motion.Rate), 0))
		p := skeleton.NewPainter(style)
		want, got := make([]byte, yuvSize(size.W, size.H)), make([]byte, yuvSize(size.W, size.H))
		// Three reused buffers, as a drawing goroutine has; new ones hold
		// zeros, which is not the background.
		type buffer struct {
			pix  []byte
			held image.Rectangle
		}
		bufs, rbufs := make([]buffer, 3), make([]buffer, 3)
		for i := range bufs {
			bufs[i] = buffer{make([]byte, yuvSize(size.W, size.H)), image.Rect(0, 0, size.W, size.H)}
			rbufs[i] = buffer{make([]byte, yuvSize(size.W, size.H)), image.Rect(0, 0, size.W, size.H)}
		}
		for f := 0; f < m.Frames; f += 7 {
			img := p.Draw(m, f)
			if f == 14 {
				img.Pix[4*(size.W*3+17)] ^= 0x80 // one stray pixel in an empty row
			}
			rgbaToYUV420(img, want)
			conv.convert(img, got)
			if !bytes.Equal(want, got) {
				t.Fatalf("%v frame %d: the converter differs from the plain conversion", size, f)
			}
			if f == 14 {
				img.Pix[4*(size.W*3+17)] ^= 0x80 // outside Dirty the image must be the painter's
				rgbaToYUV420(img, want)
			}
			// Over the dirty rectangle alone, into a buffer of unknown
			// content (garbage).
			for i := range got {
				got[i] = byte(i * f)
			}
			all := image.Rect(0, 0, size.W, size.H)
			conv.convertIn(img, got, p.Dirty(), all, all)
			if !bytes.Equal(want, got) {
				t.Fatalf("%v frame %d: the converter over %v differs from the plain conversion", size, f, p.Dirty())
			}
			// Into render's reused buffers, each holding an earlier frame
			// outside the rectangle its conversion returned.
			buf := &bufs[(f/7)%len(bufs)]
			buf.held = conv.convertIn(img, buf.pix, p.Dirty(), buf.held, all)
			if !bytes.Equal(want, buf.pix) {
				t.Fatalf("%v frame %d: the converter into a reused buffer differs from the plain conversion", size, f)
			}
			// The same, looking only at the painter's rows' spans (here at
			// an origin, as a panel of a bigger frame would be).
			rbuf := &rbufs[(f/7)%len(rbufs)]
			rbuf.held = conv.convertRows(img, rbuf.pix, p.Dirty(), p.DirtyRows(), image.Point{}, rbuf.held, all)
			if !bytes.Equal(want, rbuf.pix) {
				t.Fatalf("%v frame %d: the converter by rows into a reused buffer differs from the plain conversion", size, f)
			}
			// A rectangle at the frame's edges and one that is empty.
			if p.Dirty().Empty() {
				continue
			}
			conv.convertIn(img, got, p.Dirty().Union(image.Rect(size.W-3, size.H-3, size.W, size.H)), all, all)
			if !bytes.Equal(want, got) {
				t.Fatalf("%v frame %d: the converter over a rectangle to the corner differs", size, f)
			}
		}
		// Nothing drawn: an empty rectangle, all background, also into a
		// buffer that held a frame.
		img := p.Draw(motion.Motion{}, 0)
		rgbaToYUV420(img, want)
		all := image.Rect(0, 0, size.W, size.H)
		conv.convertIn(img, got, p.Dirty(), all, all)
		if !p.Dirty().Empty() || !bytes.Equal(want, got) {
			t.Fatalf("%v: a blank frame (dirty %v) converts differently", size, p.Dirty())
		}
		if held := conv.convertIn(img, bufs[0].pix, p.Dirty(), bufs[0].held, all); !held.Empty() || !bytes.Equal(want, bufs[0].pix) {
			t.Fatalf("%v: a blank frame into a reused buffer converts differently (held %v)", size, held)
		}
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// TestArgsShape pins the command line's essentials: frames from the pipe,
// the soundtrack's first audio stream, H.264 yuv420p + AAC, faststart mp4, no
// -shortest.
func TestArgsShape(t *testing.T) {
	e := encoder{FFmpeg: "ffmpeg", Width: 720, Height: 720, FPS: 60, Preset: "veryfast", CRF: 20, Audio: "a b:c.mp3", Out: "/r/.x.mp4.tmp-1"}
	line := strings.Join(e.args(), " ")
	for _, want := range []string{"-f rawvideo", "-pix_fmt yuv420p", "-video_size 720x720", "-framerate 60", "-i pipe:0",
		"-map 0:v:0", "-map 1:a:0", "-c:v libx264", "-preset veryfast", "-crf 20", "-c:a aac", "-movflags +faststart", "-f mp4",
		"-color_range tv", "file:/r/.x.mp4.tmp-1"} {
		if !strings.Contains(line, want) {
			t.Errorf("command line lacks %q: %s", want, line)
		}
	}
	if strings.Contains(line, "shortest") {
		t.Errorf("command line uses -shortest: %s", line)
	}
	silent := encoder{FFmpeg: "ffmpeg", Width: 16, Height: 16, FPS: 30, Preset: "veryfast", CRF: 20, Out: "o"}
	if l := strings.Join(silent.args(), " "); strings.Contains(l, "1:a") || strings.Contains(l, "aac") {
		t.Errorf("a video without a soundtrack maps audio: %s", l)
	}
}

// melOf is a silent mel of the given length, enough for the plain engine.
func melOf(seconds float64) (m audio.Mel) {
	n := int(seconds * 90)
	m.Frames, m.Data = n, make([]float32, n*128)
	return m
}
