package render

import (
	"bytes"
	"context"
	"fmt"
	"image/color"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/podium-dev/podium/audio"
	"github.com/podium-dev/podium/compose"
	"github.com/podium-dev/podium/infer"
	"github.com/podium-dev/podium/internal/npyfile"
	"github.com/podium-dev/podium/motion"
	"github.com/podium-dev/podium/skeleton"
)

// tinyModel is a model cmd/mkmodels wrote (testdata/models).
func tinyModel(name string) string { return filepath.Join("..", "testdata", "models", name) }

// videoSize asks ffprobe for the width and height of a video's stream.
func videoSize(t testing.TB, path string) (w, h int) {
	t.Helper()
	out, err := exec.Command("ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height",
		"-of", "csv=p=0:s=x", path).Output()
	if err != nil {
		t.Fatalf("ffprobe %s: %v", path, err)
	}
	if _, err := fmt.Sscanf(strings.TrimSpace(string(out)), "%dx%d", &w, &h); err != nil {
		t.Fatalf("ffprobe %s: size %q: %v", path, out, err)
	}
	return w, h
}

// rgbFrame is a decoded rgb24 frame.
type rgbFrame struct {
	pix  []byte
	w, h int
}

func (f rgbFrame) at(x, y int) color.NRGBA {
	i := (y*f.w + x) * 3
	return color.NRGBA{f.pix[i], f.pix[i+1], f.pix[i+2], 0xff}
}

// diffFrom sums the absolute channel differences of the pixel at (x, y)
// from c.
func (f rgbFrame) diffFrom(x, y int, c color.RGBA) int {
	p := f.at(x, y)
	return abs(int(p.R)-int(c.R)) + abs(int(p.G)-int(c.G)) + abs(int(p.B)-int(c.B))
}

// readKeypoints reads a keypoints file written by render.
func readKeypoints(t testing.TB, path string) motion.Motion {
	t.Helper()
	m, err := motion.ReadNPY(path, motion.Rate)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// layoutOf is the layout render gives n panels of size × size.
func layoutOf(t testing.TB, n, size int, frames int, labels, caption bool) *compose.Composer {
	t.Helper()
	opt := compose.Options{PanelWidth: size, PanelHeight: size, Labels: labels}
	if caption {
		opt.Caption = "x"
	}
	for range n {
		opt.Panels = append(opt.Panels, compose.Panel{Motion: motion.New(frames, motion.Rate)})
	}
	c, err := compose.New(opt)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// checkFigures checks, on frame n of the video, that each panel's right
// wrist is drawn (in the conducting hand's accent) where that panel's drawn
// motion and the one camera fitted to all of them put it, and that each
// panel is blank where another panel's wrist is (well apart from its own).
func checkFigures(t *testing.T, fr rgbFrame, c *compose.Composer, size, n int, raw []motion.Motion) {
	t.Helper()
	style := skeleton.Style{Width: size, Height: size}
	drawn := make([]motion.Motion, len(raw))
	for i, m := range raw {
		drawn[i] = skeleton.Smooth(m)
	}
	cam := skeleton.FitCamera(style, drawn...)
	if cam.Scale < 1.2*float64(size) {
		t.Errorf("camera %+v: no closer than the unit square's (%d px)", cam, size)
	}
	accent := skeleton.ThemeColors(skeleton.Light).Right
	bg := c.Background()
	wrist := func(i int) (float64, float64) {
		q := drawn[i].At(n, motion.RightWrist)
		return cam.X + float64(q.X)*cam.Scale, cam.Y + float64(q.Y)*cam.Scale
	}
	for i := range drawn {
		o := c.PanelRect(i).Min
		x, y := wrist(i)
		px, py := o.X+int(x), o.Y+int(y)
		if got := fr.at(px, py); abs(int(got.R)-int(accent.R))+abs(int(got.G)-int(accent.G))+abs(int(got.B)-int(accent.B)) > 60 {
			t.Errorf("panel %d, frame %d: pixel (%d,%d) at its right wrist is %v, want the accent %v", i, n, px, py, got, accent)
		}
		for k := range drawn {
			ox, oy := wrist(k)
			if k == i || math.Hypot(ox-x, oy-y) < 0.12*cam.Scale {
				continue
			}
			qx, qy := o.X+int(ox), o.Y+int(oy)
			if got := fr.at(qx, qy); got == accent || (abs(int(got.R)-int(accent.R)) < 30 && abs(int(got.B)-int(accent.B)) < 30 && fr.diffFrom(qx, qy, bg.RGBAAt(qx, qy)) > 60) {
				t.Errorf("panel %d, frame %d: the accent at (%d,%d), where panel %d's wrist is: the panels share a motion", i, n, qx, qy, k)
			}
		}
	}
}

// TestRunCompareEndToEnd renders a generated song with three engines side
// by side (the built-in conductor, the still pose and a tiny ONNX model)
// and checks the video: three panels' width, the streams and their
// durations, each panel's figure where its own keypoints and the shared
// camera put it, the labels (different labels, different pixels), the
// keypoint files per panel; a second run skips the song.
func TestRunCompareEndToEnd(t *testing.T) {
	needFFmpeg(t)
	dir := t.TempDir()
	src := filepath.Join(dir, "song.wav")
	lavfi(t, src, "sine=frequency=330:beep_factor=6:sample_rate=44100:duration=3")
	out := filepath.Join(dir, "out")
	const size = 160
	opt := testOptions(out, src)
	opt.Engine = ""
	opt.Compare = []string{"builtin", "plain", tinyModel("tiny_ok.onnx")}
	opt.Keypoints, opt.Device = true, "cpu"
	var log bytes.Buffer
	opt.Log = &log
	rep, err := Run(context.Background(), opt)
	if err != nil || !rep.OK() {
		t.Fatalf("Run: %v %+v\n%s", err, rep.Entries, log.String())
	}
	if e := rep.Entries[0]; !strings.Contains(e.Engine, "builtin") || !strings.Contains(e.Engine, "plain") || !strings.Contains(e.Engine, "tiny_ok") {
		t.Errorf("report engine %q, want all three", e.Engine)
	}
	mp4 := filepath.Join(out, "song.mp4")
	lay := layoutOf(t, 3, size, 90, true, true)
	w, h := videoSize(t, mp4)
	if lw, lh := lay.Size(); w != 3*size || w != lw || h != lh || h < size {
		t.Fatalf("video %dx%d, want three %d px panels side by side: %dx%d", w, h, size, lw, lh)
	}
	st := probe(t, mp4)
	v, a := streamOf(t, st, "video"), streamOf(t, st, "audio")
	if v.CodecName != "h264" || a.CodecName != "aac" || v.NbFrames != "90" || len(st) != 2 {
		t.Errorf("streams %+v, want h264 with 90 frames and aac", st)
	}
	for _, s := range []probeStream{v, a} {
		if d := seconds(t, s.Duration); math.Abs(d-3) > 0.1 {
			t.Errorf("%s lasts %.3f s, want 3", s.CodecType, d)
		}
	}
	var raw []motion.Motion
	for _, label := range []string{"builtin", "plain", "tiny_ok"} {
		raw = append(raw, readKeypoints(t, filepath.Join(out, "song."+label+".npy")))
		if _, err := os.Stat(filepath.Join(out, "song."+label+".json")); err != nil {
			t.Error(err)
		}
	}
	for _, n := range []int{30, 61} {
		fr := rgbFrame{decodeFrame(t, mp4, n, w, h), w, h}
		checkFigures(t, fr, lay, size, n, raw)
		// Labels: ink in each label bar, and builtin's differs from plain's.
		bar := func(i int) []byte {
			r := lay.LabelRect(i)
			var b []byte
			for y := r.Min.Y; y < r.Max.Y; y++ {
				b = append(b, fr.pix[(y*w+r.Min.X)*3:(y*w+r.Max.X)*3]...)
			}
			return b
		}
		diff := 0
		b0, b1 := bar(0), bar(1)
		for i := range b0 {
			diff += abs(int(b0[i]) - int(b1[i]))
		}
		if diff < 2000 {
			t.Errorf("frame %d: label bars builtin and plain differ by %d: no labels", n, diff)
		}
	}
	if l := leftovers(t, out); len(l) > 0 {
		t.Errorf("left behind: %q", l)
	}
	if rep, _ := Run(context.Background(), opt); rep.Counts.Skipped != 1 {
		t.Errorf("second run: %+v, want the song skipped", rep.Counts)
	}
}

// TestRunComparePanelFails: a panel whose engine fails fails the song with
// one line naming the engine, and nothing is written, neither the video nor
// the other panels' keypoints; truth on a song that is no data-set sample
// fails the same way.
func TestRunComparePanelFails(t *testing.T) {
	needFFmpeg(t)
	dir := t.TempDir()
	src := filepath.Join(dir, "song.wav")
	lavfi(t, src, "sine=frequency=330:sample_rate=44100:duration=2")
	for _, tc := range []struct {
		panels []string
		want   string
	}{
		{[]string{"builtin", tinyModel("fails_at_run.onnx")}, "fails_at_run.onnx"},
		{[]string{"plain", "truth"}, "truth"},
	} {
		out := filepath.Join(dir, "out-"+tc.want)
		opt := testOptions(out, src)
		opt.Engine, opt.Compare, opt.Keypoints, opt.Device = "", tc.panels, true, "cpu"
		var log bytes.Buffer
		opt.Log = &log
		rep, err := Run(context.Background(), opt)
		if err != nil {
			t.Fatal(err)
		}
		e := rep.Entries[0]
		if e.Status != Failed || !strings.Contains(e.Reason, tc.want) {
			t.Errorf("%v: %s (%s), want failed naming %s", tc.panels, e.Status, e.Reason, tc.want)
		}
		if lines := strings.Split(strings.TrimSpace(log.String()), "\n"); len(lines) != 1 || !strings.Contains(lines[0], src) || !strings.Contains(lines[0], tc.want) {
			t.Errorf("%v: log %q, want one line naming the song and %s", tc.panels, log.String(), tc.want)
		}
		files, _ := os.ReadDir(out)
		for _, f := range files {
			if f.Name() != "report.json" {
				t.Errorf("%v: %s was left in the output folder", tc.panels, f.Name())
			}
		}
	}
}

// TestRunCompareOptions: the panel list and labels are checked before any
// song is rendered.
func TestRunCompareOptions(t *testing.T) {
	for _, mod := range []func(*Options){
		func(o *Options) { o.Compare = []string{"builtin", "jazz"} },
		func(o *Options) {
			o.Compare = []string{"a.onnx", "b.onnx", "c.onnx", "d.onnx", "e.onnx", "f.onnx", "g.onnx"}
		},
		func(o *Options) { o.Compare, o.Labels = []string{"builtin", "plain"}, []string{"one"} },
		func(o *Options) { o.Compare, o.Labels = []string{"builtin", "plain"}, []string{"same", "same"} },
		func(o *Options) { o.Compare = []string{"x/model.onnx", "y/model.onnx"} }, // one keypoint file name
		func(o *Options) { o.Compare, o.Model = []string{"builtin", "plain"}, "m.onnx" },
		func(o *Options) { o.Labels = []string{"alone"} },
		func(o *Options) { o.Framing = "zoom" },
		func(o *Options) { o.Caption = "maybe" },
		func(o *Options) { o.DrawnKeypoints = true },
	} {
		o := testOptions(t.TempDir(), t.TempDir())
		o.Engine = ""
		mod(&o)
		if _, err := Run(context.Background(), o); err == nil || !strings.Contains(err.Error(), "bad usage") {
			t.Errorf("compare %v labels %v: err = %v, want a usage error", o.Compare, o.Labels, err)
		}
	}
	ps, err := parsePanels([]string{" builtin", "../models/My Model.onnx", "truth"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []panelSpec{{"builtin", "builtin", ".builtin"}, {"../models/My Model.onnx", "My Model", ".My_Model"}, {"truth", "truth", ".truth"}} {
		if ps[i] != want {
			t.Errorf("panel %d: %+v, want %+v", i, ps[i], want)
		}
	}
}

// writeSample writes a ConductorMotion100 sample folder: a mel of the given
// seconds (a click every half second, for the conductor to hear) and a real
// motion whose right wrist circles and left wrist sways, frame for frame.
func writeSample(t testing.TB, dir string, seconds int, phase float64) motion.Motion {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	mel := make([][audio.MelBands]float32, 90*seconds)
	for f := range mel {
		for b := range mel[f] {
			mel[f][b] = 0.2
			if f%45 < 3 {
				mel[f][b] = 0.9
			}
		}
	}
	if err := npyfile.WriteFile(filepath.Join(dir, "mel.npy"), mel); err != nil {
		t.Fatal(err)
	}
	m := writeSampleMotion(30*seconds, phase)
	if err := motion.WriteNPY(filepath.Join(dir, "motion.npy"), m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestRunDatasetSamples builds a tiny data set and renders its split: each
// sample becomes a silent video of its real motion (the data-set
// visualiser), then the real motion beside the built-in conductor's; the
// truth panel follows motion.npy. The whole data set renders with
// --recursive, mirrored; a sample whose motion does not cover its music
// fails naming motion.npy.
func TestRunDatasetSamples(t *testing.T) {
	needFFmpeg(t)
	dir := t.TempDir()
	root := filepath.Join(dir, "ConductorMotion100")
	truths := map[string]motion.Motion{
		"0": writeSample(t, filepath.Join(root, "val", "0"), 2, 0),
		"1": writeSample(t, filepath.Join(root, "val", "1"), 2, 2),
	}
	writeSample(t, filepath.Join(root, "train", "7"), 2, 1)
	const size = 160

	silent := func(mp4 string) {
		t.Helper()
		for _, s := range probe(t, mp4) {
			if s.CodecType == "audio" {
				t.Errorf("%s has an audio stream; a data-set sample has no audio", mp4)
			}
		}
	}
	t.Run("truth", func(t *testing.T) {
		out := filepath.Join(dir, "visualised")
		opt := testOptions(out, filepath.Join(root, "val"))
		opt.Engine = ""
		rep, err := Run(context.Background(), opt)
		if err != nil || !rep.OK() || rep.Counts.Done != 2 {
			t.Fatalf("Run: %v %+v", err, rep.Entries)
		}
		for _, e := range rep.Entries {
			if e.Engine != "truth" || e.Frames != 60 {
				t.Errorf("%s: engine %q, %d frames; want truth, 60", e.Name, e.Engine, e.Frames)
			}
		}
		lay := layoutOf(t, 1, size, 60, false, false)
		for name, m := range truths {
			mp4 := filepath.Join(out, name+".mp4")
			silent(mp4)
			if w, h := videoSize(t, mp4); w != size || h != size {
				t.Errorf("%s: %dx%d, want one %d px panel", mp4, w, h, size)
			}
			for _, n := range []int{10, 35} {
				checkFigures(t, rgbFrame{decodeFrame(t, mp4, n, size, size), size, size}, lay, size, n, []motion.Motion{m})
			}
		}
	})
	t.Run("truth beside builtin", func(t *testing.T) {
		out := filepath.Join(dir, "compared")
		opt := testOptions(out, filepath.Join(root, "val", "1"))
		opt.Engine, opt.Compare, opt.Keypoints = "", []string{"truth", "builtin"}, true
		rep, err := Run(context.Background(), opt)
		if err != nil || !rep.OK() {
			t.Fatalf("Run: %v %+v", err, rep.Entries)
		}
		mp4 := filepath.Join(out, "1.mp4")
		silent(mp4)
		lay := layoutOf(t, 2, size, 60, true, true)
		w, h := videoSize(t, mp4)
		if lw, lh := lay.Size(); w != 2*size || w != lw || h != lh {
			t.Fatalf("%dx%d, want two panels: %dx%d", w, h, lw, lh)
		}
		truth := readKeypoints(t, filepath.Join(out, "1.truth.npy"))
		if !bytes.Equal(f32bytes(truth.Data), f32bytes(truths["1"].Data)) {
			t.Error("the truth panel's keypoints are not motion.npy's")
		}
		builtin := readKeypoints(t, filepath.Join(out, "1.builtin.npy"))
		checkFigures(t, rgbFrame{decodeFrame(t, mp4, 40, w, h), w, h}, lay, size, 40, []motion.Motion{truths["1"], builtin})
	})
	t.Run("recursive", func(t *testing.T) {
		out := filepath.Join(dir, "all")
		opt := testOptions(out, root)
		opt.Engine, opt.Recursive, opt.Size = "", true, Size{W: 32, H: 32}
		rep, err := Run(context.Background(), opt)
		if err != nil || !rep.OK() || rep.Counts.Done != 3 {
			t.Fatalf("Run: %v %+v", err, rep.Entries)
		}
		for _, p := range []string{"val/0.mp4", "val/1.mp4", "train/7.mp4"} {
			if _, err := os.Stat(filepath.Join(out, filepath.FromSlash(p))); err != nil {
				t.Error(err)
			}
		}
		// Without --recursive the root holds no sample: only sub-folders.
		opt.Recursive, opt.OutDir = false, filepath.Join(dir, "none")
		if rep, _ := Run(context.Background(), opt); rep.Counts.Done != 0 || len(rep.Ignored) != 2 {
			t.Errorf("the root without --recursive: %+v, ignored %+v", rep.Counts, rep.Ignored)
		}
	})
	t.Run("motion too short", func(t *testing.T) {
		bad := filepath.Join(dir, "bad", "3")
		writeSample(t, bad, 2, 0)
		short := motion.New(45, motion.Rate)
		if err := motion.WriteNPY(filepath.Join(bad, "motion.npy"), short); err != nil {
			t.Fatal(err)
		}
		opt := testOptions(filepath.Join(dir, "bad-out"), bad)
		opt.Engine = ""
		rep, err := Run(context.Background(), opt)
		if err != nil {
			t.Fatal(err)
		}
		if e := rep.Entries[0]; e.Status != Failed || !strings.Contains(e.Reason, filepath.Join(bad, "motion.npy")) || !strings.Contains(e.Reason, "45 frames") {
			t.Errorf("entry %+v, want failed naming motion.npy and its 45 frames", e)
		}
	})
}

// f32bytes is the bytes of float32 values, to compare bit for bit.
func f32bytes(v []float32) []byte {
	b := make([]byte, 0, 4*len(v))
	for _, x := range v {
		u := math.Float32bits(x)
		b = append(b, byte(u), byte(u>>8), byte(u>>16), byte(u>>24))
	}
	return b
}

// TestComposedConversion: a composed frame (panels whose width is no
// multiple of the converter's chunks, one standing still, labels, caption,
// strip) converted
// region by region into reused buffers, as render's drawers do, is exactly
// the plain conversion of the whole frame, frame after frame.
func TestComposedConversion(t *testing.T) {
	const size = 166
	var panels []compose.Panel
	for i := range 3 {
		m := writeSampleMotion(90, float64(i))
		panels = append(panels, compose.Panel{Label: fmt.Sprintf("panel %d", i), Motion: skeleton.Smooth(m)})
	}
	// A still panel, which is drawn once and converted once per buffer.
	still := writeSampleMotion(90, 0)
	for f := range still.Frames {
		copy(still.Frame(f), still.Frame(0))
	}
	panels = append(panels, compose.Panel{Label: "still", Motion: still})
	style := skeleton.Style{Width: size, Height: size}
	mel := audio.Mel{Frames: 270, Data: make([]float32, 270*audio.MelBands)}
	for i := range mel.Data {
		mel.Data[i] = float32(i%7) / 7
	}
	// The fitted camera, and one so close that the figures reach past
	// every edge of their panels.
	for _, cam := range []skeleton.Camera{skeleton.FitCamera(style, panels[0].Motion, panels[1].Motion, panels[2].Motion, panels[3].Motion), {Scale: 600, X: -215, Y: -180}} {
		c, err := compose.New(compose.Options{PanelWidth: size, PanelHeight: size, Camera: cam, Panels: panels, Labels: true,
			Caption: "song", Strip: &compose.Strip{Mel: mel, Beats: []float64{0.5, 1.5}}})
		if err != nil {
			t.Fatal(err)
		}
		checkComposedConversion(t, c)
	}
}

func checkComposedConversion(t *testing.T, c *compose.Composer) {
	t.Helper()
	defer checkRecording(t, c)
	w, h := c.Size()
	d := newComposedDrawers(c)().(composedDrawer)
	check := newComposedDrawers(c)().(composedDrawer)
	bufs := [][]byte{make([]byte, yuvSize(w, h)), make([]byte, yuvSize(w, h)), make([]byte, yuvSize(w, h))}
	want := make([]byte, yuvSize(w, h))
	for i, f := range []int{0, 5, 10, 30, 31, 60, 89, 2, 45} {
		d.drawFrame(f, bufs[i%3])
		img, _ := check.fr.Draw(f)
		rgbaToYUV420(img, want)
		if !bytes.Equal(bufs[i%3], want) {
			t.Fatalf("frame %d into buffer %d: differs from the plain conversion", f, i%3)
		}
	}
}

// writeSampleMotion is writeSample's motion without the files.
func writeSampleMotion(frames int, phase float64) motion.Motion {
	pose := infer.TypicalPose()
	m := motion.New(frames, motion.Rate)
	for f := range m.Frames {
		for j, q := range pose {
			m.Set(f, j, q)
		}
		a := 2*math.Pi*float64(f)/40 + phase
		rw, lw := pose[motion.RightWrist], pose[motion.LeftWrist]
		m.Set(f, motion.RightWrist, motion.Point{X: rw.X + float32(0.1*math.Cos(a)), Y: rw.Y - float32(0.1*math.Sin(a))})
		m.Set(f, motion.LeftWrist, motion.Point{X: lw.X + float32(0.05*math.Sin(a)), Y: lw.Y})
	}
	return m
}

// checkRecording: the benchmark's recording of a song's frames replays
// them exactly, through the encoder's buffers as they rotate, and takes less
// than the frames.
func checkRecording(t *testing.T, c *compose.Composer) {
	t.Helper()
	w, h := c.Size()
	d := newComposedDrawers(c)().(composedDrawer)
	const workers = 2
	rec, err := newRecording(filepath.Join(t.TempDir(), "frames"), w, h, buffersPerWorker*workers, d.conv.bgYUV)
	if err != nil {
		t.Fatal(err)
	}
	defer rec.file.Close()
	if err := recordAll(rec, d, c.Frames()); err != nil {
		t.Fatal(err)
	}
	check := newComposedDrawers(c)()
	want := make([]byte, yuvSize(w, h))
	replays := []replayDrawer{newReplayDrawer(rec), newReplayDrawer(rec)}
	bufs := make([][]byte, rec.lag)
	for i := range bufs {
		bufs[i] = make([]byte, yuvSize(w, h))
		for k := range bufs[i] {
			bufs[i][k] = 0x33
		}
	}
	for f := range c.Frames() {
		got := bufs[f%rec.lag]
		replays[f%workers].drawFrame(f, got)
		check.drawFrame(f, want)
		if !bytes.Equal(got, want) {
			t.Fatalf("the recording replays frame %d differently", f)
		}
	}
	if rec.bytes() >= int64(c.Frames()*yuvSize(w, h)/2) {
		t.Errorf("the recording takes %d bytes, half the frames' or more", rec.bytes())
	}
}
