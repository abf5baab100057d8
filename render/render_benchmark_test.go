package render

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/podium-dev/podium/audio"
	"github.com/podium-dev/podium/compose"
	"github.com/podium-dev/podium/infer"
	"github.com/podium-dev/podium/motion"
	"github.com/podium-dev/podium/skeleton"

	"github.com/podium-dev/podium/internal/proctime"
)

// BenchmarkRender3min compares, on a generated 3-minute song at the
// default settings (720×720 panels, fitted camera, veryfast, CRF 23, AAC
// 192k):
//
//   - render: the whole pipeline (decode and mel, the engines, drawing on
//     all cores, encoding) through Run;
//   - encode-only: ffmpeg encoding exactly the frames render encodes,
//     all of them, drawn beforehand by render's own drawers and kept as
//     their differences in a file (see recording: 0.5–1.5 GB a panel),
//     through the same pipe with the same command line and soundtrack;
//
// for one panel (the built-in conductor; target: render ≥ 90 % of
// encode-only) and for three side by side (--compare builtin,plain and a
// tiny ONNX model, with the caption and labels; target ≥ 85 %). On a shared
// machine the speed of both drifts by ±10 % from one minute to the next, so
// the two run in alternating pairs (renderRounds of them, each order in
// turn) and the figures are the medians, the ratio that of each pair's own
// ratios. Before those, the render command renders the three panels once in
// a process of its own, whose peak memory is reported (three-panel-peak-MB;
// ffmpeg's own is apart). Run with -benchtime 1x; a round takes about one
// minute with one panel and two with three, on a 2-core machine.
func BenchmarkRender3min(b *testing.B) {
	needFFmpeg(b)
	dir := b.TempDir()
	src := filepath.Join(dir, "song.wav")
	lavfi(b, src, "sine=frequency=330:beep_factor=6:sample_rate=44100:duration=180")
	three := []string{"builtin", "plain", tinyModel("tiny_ok.onnx")}

	b.Run("three-panels", func(b *testing.B) {
		// First, while this process is still small: exec hands a child
		// the parent's peak as its own starting peak.
		b.ReportMetric(peakRenderMB(b, dir, src, three), "three-panel-peak-MB")
		opt := Defaults()
		opt.Inputs, opt.OutDir, opt.Force = []string{src}, filepath.Join(dir, "out3"), true
		opt.Compare, opt.Device = three, "cpu"
		benchRenderPairs(b, opt, src)
	})
	b.Run("one-panel", func(b *testing.B) {
		opt := Defaults()
		opt.Inputs, opt.OutDir, opt.Force = []string{src}, filepath.Join(dir, "out1"), true
		benchRenderPairs(b, opt, src)
	})
}

// benchRenderPairs times renderRounds alternating pairs of a render of src
// with opt and an encode-only of exactly the frames it renders (recorded
// beforehand), and reports the medians.
func benchRenderPairs(b *testing.B, opt Options, src string) {
	render := func() (total, drawEncode float64) {
		rep, err := Run(context.Background(), opt)
		if err != nil || !rep.OK() {
			b.Fatalf("Run: %v %+v", err, rep.Entries)
		}
		e := rep.Entries[0]
		return float64(e.Frames) / e.Timings.Total, float64(e.Frames) / e.Timings.Encode
	}
	// As many replaying goroutines as render has drawing ones (Options.Workers).
	workers := runtime.NumCPU()
	rec := recordFrames(b, opt, src, workers)
	frames := rec.frames()
	fmt.Printf("%s: %d frames of %dx%d recorded in %.0f MB (a file)\n", b.Name(), frames, rec.w, rec.h, float64(rec.bytes())/1e6)
	enc := encoder{FFmpeg: "ffmpeg", Width: rec.w, Height: rec.h, FPS: 30, Preset: opt.Preset, CRF: opt.CRF,
		Audio: src, Out: filepath.Join(b.TempDir(), "encode-only.mp4")}
	encodeOnly := func() float64 {
		start := time.Now()
		if err := enc.run(context.Background(), frames, workers, func() frameDrawer { return newReplayDrawer(rec) }, nil); err != nil {
			b.Fatal(err)
		}
		return float64(frames) / time.Since(start).Seconds()
	}

	var renderFPS, drawEncodeFPS, encodeFPS, ratio, drawRatio []float64
	b.ResetTimer()
	for b.Loop() {
		for r := range renderRounds {
			var rf, df, ef float64
			if r%2 == 0 {
				rf, df = render()
				ef = encodeOnly()
			} else {
				ef = encodeOnly()
				rf, df = render()
			}
			fmt.Printf("%s round %d: render %.1f fps (drawing+encoding %.1f), ffmpeg alone %.1f fps: %.0f %%\n", b.Name(), r+1, rf, df, ef, 100*rf/ef)
			renderFPS, drawEncodeFPS, encodeFPS = append(renderFPS, rf), append(drawEncodeFPS, df), append(encodeFPS, ef)
			ratio, drawRatio = append(ratio, rf/ef), append(drawRatio, df/ef)
		}
	}
	b.ReportMetric(median(renderFPS), "render-fps")
	b.ReportMetric(median(encodeFPS), "encode-only-fps")
	b.ReportMetric(100*median(ratio), "%_of_encode-only")
	fmt.Printf("%s: 3-minute song, %dx%d frames, %s, median of %d rounds: render %.1f fps end to end (%.1f fps drawing+encoding), ffmpeg alone %.1f fps: %.0f %% end to end, %.0f %% drawing+encoding\n",
		b.Name(), rec.w, rec.h, opt.Preset, len(ratio), median(renderFPS), median(drawEncodeFPS), median(encodeFPS), 100*median(ratio), 100*median(drawRatio))
}

// recording is every frame of a song as render sends it to ffmpeg, so
// that encode-only encodes exactly the frames render encodes: how fast x264
// goes depends on what it is given, and a figure that beats harder in the
// song's loud middle than in its first seconds costs it more. Each frame is
// kept as its differences (runs of recordBlock bytes) from the frame that
// the encoder's buffer it is drawn into held before, lag frames earlier
// (the background's conversion for a buffer's first frame), as replayDrawer
// replays them: a still figure costs nothing, a moving one its moving part.
// The runs' bytes go to a file (1–3 GB for a 3-minute song), which the
// page cache holds while memory allows, rather than to the heap.
type recording struct {
	w, h  int
	lag   int // buffersPerWorker × workers
	bg    []byte
	first []int // per frame, its first run in runs; one more at the end
	runs  []recordRun
	file  *os.File
	out   *bufio.Writer
	size  int64 // bytes in the file
}

type recordRun struct {
	off, n int   // where in the frame, how many bytes
	at     int64 // where in the file
}

const recordBlock = 64

func newRecording(path string, w, h, lag int, bg []byte) (*recording, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	return &recording{w: w, h: h, lag: lag, bg: bg, file: f, out: bufio.NewWriterSize(f, 1<<20)}, nil
}

func (r *recording) frames() int { return len(r.first) - 1 }

func (r *recording) bytes() int64 { return r.size + int64(len(r.bg)) + 24*int64(len(r.runs)) }

// add appends one frame, as its differences from ref.
func (r *recording) add(frame, ref []byte) error {
	r.first = append(r.first, len(r.runs))
	differs := func(i int) bool {
		j := min(i+recordBlock, len(frame))
		return !bytes.Equal(frame[i:j], ref[i:j])
	}
	for i := 0; i < len(frame); {
		if !differs(i) {
			i += recordBlock
			continue
		}
		j := i
		for j < len(frame) && differs(j) {
			j += recordBlock
		}
		j = min(j, len(frame))
		r.runs = append(r.runs, recordRun{off: i, n: j - i, at: r.size})
		if _, err := r.out.Write(frame[i:j]); err != nil {
			return err
		}
		r.size += int64(j - i)
		i = j
	}
	return nil
}

// finish ends the recording, ready to replay.
func (r *recording) finish() error {
	r.first = append(r.first, len(r.runs))
	if err := r.out.Flush(); err != nil {
		return err
	}
	// Written back now, not during the first round: the kernel's writeback
	// of 1–3 GB of dirty pages took cores from the first render (its
	// round ran 3–5 % under the others').
	return r.file.Sync()
}

// replayDrawer sends a recording's frames; one per drawing goroutine, as
// render's drawers, so that each buffer gets the frames the recording
// assumed. A frame's runs lie together in the file: one read a frame.
type replayDrawer struct {
	r       *recording
	seen    map[*byte]bool
	scratch *[]byte
}

func newReplayDrawer(r *recording) replayDrawer {
	return replayDrawer{r: r, seen: map[*byte]bool{}, scratch: new([]byte)}
}

func (d replayDrawer) drawFrame(f int, dst []byte) {
	r := d.r
	if !d.seen[&dst[0]] {
		copy(dst, r.bg) // the buffer's first frame: recorded against the background
		d.seen[&dst[0]] = true
	}
	runs := r.runs[r.first[f]:r.first[f+1]]
	if len(runs) == 0 {
		return
	}
	start, end := runs[0].at, runs[len(runs)-1].at+int64(runs[len(runs)-1].n)
	if int64(cap(*d.scratch)) < end-start {
		*d.scratch = make([]byte, end-start)
	}
	buf := (*d.scratch)[:end-start]
	if _, err := r.file.ReadAt(buf, start); err != nil {
		panic(fmt.Sprintf("replay frame %d: %v", f, err)) // a benchmark's own temporary file
	}
	for _, run := range runs {
		copy(dst[run.off:run.off+run.n], buf[run.at-start:])
	}
}

// recordAll records frames 0..n-1 of d, each drawn into the buffer that
// the encoder would hand its goroutine for it.
func recordAll(rec *recording, d frameDrawer, n int) error {
	size := yuvSize(rec.w, rec.h)
	bufs := make([][]byte, rec.lag)
	prev := make([]byte, size)
	for f := range n {
		buf, ref := bufs[f%rec.lag], rec.bg
		if buf == nil {
			buf = make([]byte, size)
			bufs[f%rec.lag] = buf
		} else {
			copy(prev, buf)
			ref = prev
		}
		d.drawFrame(f, buf)
		if err := rec.add(buf, ref); err != nil {
			return err
		}
	}
	return rec.finish()
}

// recordFrames draws every frame render draws for src with opt, as render
// does (its engines, smoothing, camera, layout and drawers), and records
// them.
func recordFrames(b *testing.B, opt Options, src string, workers int) *recording {
	b.Helper()
	comp := composeFor(b, opt, src)
	w, h := comp.Size()
	d := newComposedDrawers(comp)().(composedDrawer)
	rec, err := newRecording(filepath.Join(b.TempDir(), "frames"), w, h, buffersPerWorker*workers, d.conv.bgYUV)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { rec.file.Close() })
	if err := recordAll(rec, d, comp.Frames()); err != nil {
		b.Fatal(err)
	}
	return rec
}

// composeFor lays out the frames render draws for src with opt: its
// engines, smoothing, camera and layout.
func composeFor(b *testing.B, opt Options, src string) *compose.Composer {
	b.Helper()
	if err := opt.check(); err != nil {
		b.Fatal(err)
	}
	bt := &batch{opt: opt, panels: opt.panels()}
	engines, err := openEngines(&bt.opt, bt.panels, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer engines.Close()
	ctx := context.Background()
	mel, _, err := audio.Load(ctx, src, audio.Options{})
	if err != nil {
		b.Fatal(err)
	}
	in := input{Path: src, Rel: filepath.Base(src)}
	pms, err := engines.generate(ctx, in, mel, bt.panels)
	if err != nil {
		b.Fatal(err)
	}
	bt.toDrawn(pms)
	comp, err := bt.compose(ctx, in, mel, pms)
	if err != nil {
		b.Fatal(err)
	}
	return comp
}

// peakRenderMB renders src with the render command, --compare panels, in
// a process of its own and returns its peak resident memory in MB.
func peakRenderMB(b *testing.B, dir, src string, panels []string) float64 {
	b.Helper()
	bin := filepath.Join(dir, "render")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/render").CombinedOutput(); err != nil {
		b.Fatalf("build render: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "--compare", strings.Join(panels, ","), "--device", "cpu", "--force", "-o", filepath.Join(dir, "peak"), src)
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("render: %v\n%s", err, out)
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		b.Skip("no resource usage on this system")
	}
	mb := float64(ru.Maxrss) / 1024
	fmt.Printf("%s: peak resident memory of the render process: %.0f MB\n", b.Name(), mb)
	return mb
}

// renderRounds is how many render / encode-only pairs BenchmarkRender3min runs.
const renderRounds = 3

// median returns the middle value of x (the mean of the two middle ones
// for an even count); x is reordered.
func median(x []float64) float64 {
	if len(x) == 0 {
		return 0
	}
	slices.Sort(x)
	if n := len(x); n%2 == 0 {
		return (x[n/2-1] + x[n/2]) / 2
	}
	return x[len(x)/2]
}

// BenchmarkPeakRSS2h renders a generated 2-hour song (64×64, ultrafast) and
// reports the peak resident memory of this process (ffmpeg runs in its own
// processes: RUSAGE_CHILDREN would not help, as exec copies the parent's
// peak into the child's). It takes minutes, so it runs only with
// PODIUM_BENCH_RSS=1 (make bench-rss), alone: the figure is the whole test
// process's peak.
func BenchmarkPeakRSS2h(b *testing.B) {
	if os.Getenv("PODIUM_BENCH_RSS") != "1" {
		b.Skip("set PODIUM_BENCH_RSS=1 (make bench-rss) to render a 2-hour song")
	}
	needFFmpeg(b)
	dir := b.TempDir()
	src := filepath.Join(dir, "two hours.wav")
	lavfi(b, src, "sine=frequency=330:beep_factor=6:sample_rate=44100:duration=7200")
	opt := Defaults()
	opt.Inputs, opt.OutDir, opt.Force = []string{src}, filepath.Join(dir, "out"), true
	opt.Size, opt.Preset = Size{W: 64, H: 64}, "ultrafast"
	for b.Loop() {
		rep, err := Run(context.Background(), opt)
		if err != nil || !rep.OK() {
			b.Fatalf("Run: %v %+v", err, rep.Entries)
		}
		b.Logf("2-hour song: %d frames in %.0f s (decode %.0f s, infer %.0f s, draw+encode %.0f s)", rep.Entries[0].Frames,
			rep.Entries[0].Timings.Total, rep.Entries[0].Timings.Decode, rep.Entries[0].Timings.Infer, rep.Entries[0].Timings.Encode)
	}
	var self syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &self)
	b.ReportMetric(float64(self.Maxrss)/1024, "peak-MB")
}

// BenchmarkDrawAndConvert720 is the per-frame CPU cost render adds to
// encoding, on one core: drawing a 720×720 frame of the built-in conductor
// (with its wrist traces) and converting it to yuv420p, plainly and over the
// pre-converted background, and only inside the dirty rectangle as render
// does; with the unit square's mapping (a figure 41 % of the frame's
// height) and with the camera render fits to the song (65–90 %: more
// pixels to draw and convert).
func BenchmarkDrawAndConvert720(b *testing.B) {
	needFFmpeg(b)
	src := filepath.Join(b.TempDir(), "song.wav")
	lavfi(b, src, "sine=frequency=330:beep_factor=6:sample_rate=44100:duration=10")
	m := conductedMotion(b, src)
	for _, framing := range []string{"unit", "fit"} {
		style := skeleton.Style{Width: 720, Height: 720}
		if framing == "fit" {
			style.Camera = skeleton.FitCamera(style, m)
		}
		b.Run(framing, func(b *testing.B) { benchDrawAndConvert(b, style, m) })
	}
}

func benchDrawAndConvert(b *testing.B, style skeleton.Style, m motion.Motion) {
	p := skeleton.NewPainter(style)
	conv := newYUVConverter(skeleton.NewBackdrop(style).Image())
	dst := make([]byte, yuvSize(720, 720))
	// Each iteration covers every frame of the clip (make bench runs one
	// iteration); the metric is per frame.
	perFrame := func(b *testing.B, d time.Duration, n int) {
		b.ReportMetric(float64(d.Microseconds())/1000/float64(n), "ms/frame")
	}
	b.Run("draw", func(b *testing.B) {
		var d time.Duration
		for b.Loop() {
			start := time.Now()
			for f := range m.Frames {
				p.Draw(m, f)
			}
			d += time.Since(start)
		}
		perFrame(b, d, b.N*m.Frames)
	})
	// timeConversion times only convert, after drawing each frame untimed.
	timeConversion := func(convert func(img *image.RGBA)) func(b *testing.B) {
		return func(b *testing.B) {
			var d time.Duration
			for b.Loop() {
				for f := range m.Frames {
					img := p.Draw(m, f)
					start := time.Now()
					convert(img)
					d += time.Since(start)
				}
			}
			perFrame(b, d, b.N*m.Frames)
		}
	}
	b.Run("convert", timeConversion(func(img *image.RGBA) { rgbaToYUV420(img, dst) }))
	b.Run("convert-over-background", timeConversion(func(img *image.RGBA) { conv.convert(img, dst) }))
	held := image.Rect(0, 0, 720, 720)
	all := held
	b.Run("convert-dirty", timeConversion(func(img *image.RGBA) { held = conv.convertIn(img, dst, p.Dirty(), held, all) }))
}

// conductedMotion is what render draws for src: the built-in conductor's
// motion, smoothed.
func conductedMotion(b *testing.B, src string) motion.Motion {
	b.Helper()
	mel, _, err := audio.Load(context.Background(), src, audio.Options{})
	if err != nil {
		b.Fatal(err)
	}
	eng, err := infer.Open(infer.Options{})
	if err != nil {
		b.Fatal(err)
	}
	m, err := eng.Generate(context.Background(), mel)
	if err != nil {
		b.Fatal(err)
	}
	return skeleton.Smooth(m)
}

// BenchmarkComposedFrames is render's own CPU per frame, drawing and
// converting, as one of its drawing goroutines spends it: every second
// frame (two goroutines take turns) of a generated 40-second song, each
// into the next of the goroutine's buffersPerWorker buffers, for the one
// panel and the three panels (with caption and labels) of
// BenchmarkRender3min, without ffmpeg. It is the quick, steady measure of
// what that benchmark's ratios depend on.
func BenchmarkComposedFrames(b *testing.B) {
	needFFmpeg(b)
	dir := b.TempDir()
	src := filepath.Join(dir, "song.wav")
	lavfi(b, src, "sine=frequency=330:beep_factor=6:sample_rate=44100:duration=40")
	for _, c := range []struct {
		name    string
		compare []string
	}{{"one-panel", nil}, {"three-panels", []string{"builtin", "plain", tinyModel("tiny_ok.onnx")}}} {
		b.Run(c.name, func(b *testing.B) {
			opt := Defaults()
			opt.Inputs, opt.Compare, opt.Device = []string{src}, c.compare, "cpu"
			comp := composeFor(b, opt, src)
			w, h := comp.Size()
			d := newComposedDrawers(comp)()
			bufs := make([][]byte, buffersPerWorker)
			for i := range bufs {
				bufs[i] = make([]byte, yuvSize(w, h))
			}
			frames := 0
			cpu0 := proctime.CPU()
			for b.Loop() {
				for f := 0; f < comp.Frames(); f += 2 {
					d.drawFrame(f, bufs[(f/2)%len(bufs)])
					frames++
				}
			}
			cpu := proctime.CPU() - cpu0
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(frames), "ms/frame")
			if cpu > 0 {
				b.ReportMetric(cpu.Seconds()*1000/float64(frames), "cpu-ms/frame")
			}
		})
	}
}
