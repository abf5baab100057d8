//go:build cgo

package onnx

// Tests through ONNX Runtime. They need the library: make fetches it (make
// ort), and they fail, saying how to get it, when it is missing. The tests on
// the official M2S-GAN read ../shared and skip only where it is absent.

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/podium-dev/podium/audio"
	"github.com/podium-dev/podium/internal/npyfile"
	"github.com/podium-dev/podium/internal/testdata"
	"github.com/podium-dev/podium/motion"
)

// library finds ONNX Runtime as cmd/render does, failing the test when it is
// absent.
func library(t testing.TB) string {
	t.Helper()
	lib, err := FindLibrary("", os.Getenv(LibraryEnv))
	if err != nil {
		t.Fatal(err)
	}
	return lib
}

// tinyModel is the path of a model cmd/mkmodels wrote.
func tinyModel(name string) string { return filepath.Join("..", "..", "testdata", "models", name) }

// m2sgan is the path of the official M2S-GAN generator (SPEC §3).
func m2sgan(t testing.TB, file string) string {
	t.Helper()
	return testdata.Path(t, "models", "m2sgan", file)
}

func open(t testing.TB, path string, opt Options) *Engine {
	t.Helper()
	if opt.LibraryPath == "" {
		opt.LibraryPath = library(t)
	}
	if opt.Device == "" {
		opt.Device = "cpu"
	}
	e, err := Open(path, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := e.Close(); err != nil {
			t.Error(err)
		}
	})
	return e
}

func readNPY(t testing.TB, path string) npyfile.Array {
	t.Helper()
	a, err := npyfile.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func maxDiff(a, b []float32) float64 {
	var d float64
	for i := range a {
		d = math.Max(d, math.Abs(float64(a[i])-float64(b[i])))
	}
	return d
}

// TestParityM2SGAN: the engine reproduces the reference motion of the
// official generator (SPEC §3: ONNX Runtime reproduces it within 2e-6).
func TestParityM2SGAN(t *testing.T) {
	e := open(t, m2sgan(t, "m2sgan_generator.onnx"), Options{})
	mel := readNPY(t, m2sgan(t, "ref_mel.npy"))
	noise := readNPY(t, m2sgan(t, "ref_noise.npy"))
	if !slices.Equal(mel.Shape, []int{1, 5400, 128}) || !slices.Equal(noise.Shape, []int{1, 60, 8}) {
		t.Fatalf("reference shapes %v %v", mel.Shape, noise.Shape)
	}
	m := audio.Mel{Frames: 5400, Data: mel.Data}
	for _, tc := range []struct {
		noise []float32
		ref   string
	}{
		{noise.Data, "ref_motion.npy"},
		{make([]float32, len(noise.Data)), "ref_motion_zero_noise.npy"},
	} {
		want := readNPY(t, m2sgan(t, tc.ref))
		got, err := e.GenerateWithNoise(context.Background(), m, tc.noise)
		if err != nil {
			t.Fatal(err)
		}
		if got.Frames != 1800 || len(want.Data) != len(got.Data) {
			t.Fatalf("%s: %d frames (%d values), want 1800 (%d)", tc.ref, got.Frames, len(got.Data), len(want.Data))
		}
		if d := maxDiff(got.Data, want.Data); d > 2e-6 {
			t.Errorf("%s: largest difference %.3g, want ≤ 2e-6", tc.ref, d)
		}
	}
}

// longMel is a 5-minute song built from the reference mel: the 60 s played
// forwards, backwards, shifted in time, quieter and sped up, and shifted by
// two bands, so no window sees the same music as another.
func longMel(ref []float32, frames int) audio.Mel {
	const B = audio.MelBands
	n := len(ref) / B
	out := audio.Mel{Frames: frames, Data: make([]float32, 0, frames*B)}
	for f := 0; f < frames; f++ {
		piece, i := f/n, f%n
		var src int
		switch piece % 5 {
		case 0:
			src = i
		case 1:
			src = n - 1 - i
		case 2:
			src = (i + 23*90) % n
		case 3:
			src = (i*7/5 + 11*90) % n
		default:
			src = (n - 1 - i + 37*90) % n
		}
		row := ref[src*B : (src+1)*B]
		for b := 0; b < B; b++ {
			v := row[b]
			switch piece % 5 {
			case 3:
				v = max(0, v-0.05)
			case 4:
				v = row[min(b+2, B-1)]
			}
			out.Data = append(out.Data, v)
		}
	}
	return out
}

// joinSteps returns the largest frame-to-frame step (the Euclidean norm over
// the 26 values) at the window joins, taken as the first and last shared
// frame and the middle of each overlap, and the 99th percentile of the steps
// everywhere else.
func joinSteps(m motion.Motion, ws []window) (join, p99 float64) {
	at := map[int]bool{}
	for i := 1; i < len(ws); i++ {
		a, b := ws[i].start*motion.Rate, (ws[i-1].start+ws[i-1].seconds)*motion.Rate
		at[a], at[b], at[(a+b)/2] = true, true, true
	}
	var rest []float64
	for f := 1; f < m.Frames; f++ {
		var s float64
		cur, prev := m.Frame(f), m.Frame(f-1)
		for k := range cur {
			d := float64(cur[k] - prev[k])
			s += d * d
		}
		s = math.Sqrt(s)
		if at[f] {
			join = math.Max(join, s)
		} else {
			rest = append(rest, s)
		}
	}
	sort.Float64s(rest)
	return join, rest[len(rest)*99/100]
}

func TestJoinStepsSeesACut(t *testing.T) {
	ws := planWindows(300, 60, 10)
	m := motion.New(300*motion.Rate, motion.Rate)
	for f := 0; f < m.Frames; f++ {
		for k, v := range m.Frame(f) {
			m.Frame(f)[k] = v + float32(0.5+0.05*math.Sin(float64(f)*0.2+float64(k)))
		}
	}
	if join, p99 := joinSteps(m, ws); join > p99 {
		t.Fatalf("smooth motion: join step %.4f > 99th percentile %.4f", join, p99)
	}
	cut := ws[3].start * motion.Rate
	for f := cut; f < m.Frames; f++ {
		m.Frame(f)[9*2+1] += 0.02
	}
	if join, p99 := joinSteps(m, ws); join <= p99 {
		t.Fatalf("a 0.02 jump at a join: join step %.4f ≤ 99th percentile %.4f", join, p99)
	}
}

// TestLongSongM2SGAN: 5 minutes (and a fraction) through the official
// generator: exact length, no zero frames, no seams where windows meet.
func TestLongSongM2SGAN(t *testing.T) {
	e := open(t, m2sgan(t, "m2sgan_generator.onnx"), Options{Seed: 1})
	ref := readNPY(t, m2sgan(t, "ref_mel.npy"))
	mel := longMel(ref.Data, 5*60*90+37)
	start := time.Now()
	got, err := e.Generate(context.Background(), mel)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%.0f s of music in %v", mel.Seconds(), time.Since(start).Round(time.Millisecond))
	if got.Frames != mel.Frames/3 || got.Rate != motion.Rate {
		t.Fatalf("%d frames at %v fps, want %d at 30", got.Frames, got.Rate, mel.Frames/3)
	}
	if err := got.Validate(); err != nil {
		t.Fatal(err)
	}
	for f := 0; f < got.Frames; f++ {
		zero := true
		for _, v := range got.Frame(f) {
			if v <= 0 || v >= 1 {
				t.Fatalf("frame %d holds %v, outside (0, 1)", f, v)
			}
			zero = zero && v == 0
		}
		if zero {
			t.Fatalf("frame %d is all zeros", f)
		}
	}
	ws := planWindows(songSeconds(mel.Frames), DefaultWindow, DefaultOverlap)
	join, p99 := joinSteps(got, ws)
	t.Logf("%d windows; largest step at a join %.5f, 99th percentile elsewhere %.5f", len(ws), join, p99)
	if join > p99 {
		t.Errorf("seam: a step of %.5f at a window join, above the 99th percentile %.5f of the other steps", join, p99)
	}
	// The last seconds move like the rest: the end is not frozen or padded.
	if end, all := wristStd(got, got.Frames-10*motion.Rate), wristStd(got, 0); end < 0.2*all {
		t.Errorf("the last 10 s barely move: wrist std %.4f against %.4f overall", end, all)
	}

	// One run over a whole song has no joins at all: windows stay close to
	// it everywhere. (On the first 130 s: one run over 5 minutes is slow.)
	prefix := audio.Mel{Frames: 130*90 + 37, Data: mel.Data[:(130*90+37)*audio.MelBands]}
	one, err := open(t, m2sgan(t, "m2sgan_generator.onnx"), Options{Seed: 1, Window: 400}).Generate(context.Background(), prefix)
	if err != nil {
		t.Fatal(err)
	}
	got, err = e.Generate(context.Background(), prefix)
	if err != nil {
		t.Fatal(err)
	}
	var sq float64
	for i := range one.Data {
		d := float64(one.Data[i] - got.Data[i])
		sq += d * d
	}
	rms, worst := math.Sqrt(sq/float64(len(one.Data))), maxDiff(one.Data, got.Data)
	t.Logf("%d windows against one run over %.0f s: rms %.5f, largest %.5f (wrist std %.4f)", len(planWindows(131, 60, 10)), prefix.Seconds(), rms, worst, wristStd(one, 0))
	if rms > 0.001 || worst > 0.02 {
		t.Errorf("windows differ from one run over the song by rms %.5f, at most %.5f; want ≤ 0.001 and ≤ 0.02", rms, worst)
	}

}

// wristStd is the mean std over time of the wrists' coordinates from frame
// from on.
func wristStd(m motion.Motion, from int) float64 {
	var total float64
	for _, j := range []int{motion.LeftWrist, motion.RightWrist} {
		for c := 0; c < 2; c++ {
			var s, s2 float64
			n := float64(m.Frames - from)
			for f := from; f < m.Frames; f++ {
				v := float64(m.Frame(f)[2*j+c])
				s += v
				s2 += v * v
			}
			total += math.Sqrt(math.Max(0, s2/n-(s/n)*(s/n)))
		}
	}
	return total / 4
}

// TestShortSongM2SGAN: songs shorter than the generator's 5 s minimum are
// padded, run and trimmed back, and move.
func TestShortSongM2SGAN(t *testing.T) {
	e := open(t, m2sgan(t, "m2sgan_generator.onnx"), Options{})
	ref := readNPY(t, m2sgan(t, "ref_mel.npy"))
	for _, frames := range []int{90*2 + 13, 90*4 + 45, 90 * 5, 90*9 + 1} {
		mel := audio.Mel{Frames: frames, Data: ref.Data[20*90*128 : (20*90+frames)*128]}
		got, err := e.Generate(context.Background(), mel)
		if err != nil {
			t.Fatalf("%.2f s: %v", mel.Seconds(), err)
		}
		if got.Frames != frames/3 {
			t.Fatalf("%.2f s: %d frames, want %d", mel.Seconds(), got.Frames, frames/3)
		}
		if err := got.Validate(); err != nil {
			t.Fatal(err)
		}
		for i, v := range got.Data {
			if v <= 0 || v >= 1 {
				t.Fatalf("%.2f s: frame %d holds %v", mel.Seconds(), i/26, v)
			}
		}
		if s := wristStd(got, 0); s < 0.002 {
			t.Errorf("%.2f s: the wrists do not move (std %.4f)", mel.Seconds(), s)
		}
	}
	if e.maxFail != 4 {
		t.Errorf("the longest window refused is %d s, want 4 (M2S-GAN needs 5 s)", e.maxFail)
	}
}

// TestSeedGivesIdenticalMotion: the same song and seed give byte-identical
// motion from separate engines; another seed gives other motion.
func TestSeedGivesIdenticalMotion(t *testing.T) {
	mel := testMel(90*75 + 40)
	run := func(seed int64) motion.Motion {
		e := open(t, tinyModel("tiny_ok.onnx"), Options{Seed: seed, Threads: 1})
		m, err := e.Generate(context.Background(), mel)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	a, b, c := run(5), run(5), run(6)
	if !slices.Equal(a.Data, b.Data) {
		t.Error("seed 5 twice: the motions differ")
	}
	if slices.Equal(a.Data, c.Data) {
		t.Error("seeds 5 and 6 give the same motion")
	}
}

// TestTinyModels runs the tiny models through windows, padding and both
// output layouts, against a single run of tiny_ok over the whole song (the
// tiny models are frame-local, so windows must not change anything).
func TestTinyModels(t *testing.T) {
	ctx := context.Background()
	mel := testMel(90*130 + 52)
	whole := open(t, tinyModel("tiny_ok.onnx"), Options{Window: 1000, Seed: 9})
	want, err := whole.Generate(ctx, mel)
	if err != nil {
		t.Fatal(err)
	}
	if want.Frames != mel.Frames/3 || want.Data[0] <= 0 || want.Data[0] >= 1 {
		t.Fatalf("one run: %d frames, first value %v", want.Frames, want.Data[0])
	}

	for _, tc := range []struct {
		name, model string
		opt         Options
	}{
		{"60 s windows", "tiny_ok.onnx", Options{Seed: 9}},
		{"7 s windows sharing 3 s", "tiny_ok.onnx", Options{Seed: 9, Window: 7, Overlap: 3}},
		{"a fixed 10 s model", "tiny_fixed10.onnx", Options{Seed: 9}},
	} {
		e := open(t, tinyModel(tc.model), tc.opt)
		got, err := e.Generate(ctx, mel)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got.Frames != want.Frames {
			t.Fatalf("%s: %d frames, want %d", tc.name, got.Frames, want.Frames)
		}
		if d := maxDiff(got.Data, want.Data); d > 1e-6 {
			t.Errorf("%s: differs from one run by %.3g", tc.name, d)
		}
	}

	// tiny_flat26 is tiny_ok without noise, with a [1,30T,26] output.
	zero := make([]float32, NoiseDim*songSeconds(mel.Frames))
	want, err = whole.GenerateWithNoise(ctx, mel, zero)
	if err != nil {
		t.Fatal(err)
	}
	got, err := open(t, tinyModel("tiny_flat26.onnx"), Options{}).Generate(ctx, mel)
	if err != nil {
		t.Fatal(err)
	}
	if d := maxDiff(got.Data, want.Data); got.Frames != want.Frames || d > 1e-6 {
		t.Errorf("tiny_flat26: %d frames, differs by %.3g from tiny_ok without noise", got.Frames, d)
	}

	// A 2.4 s song on the fixed 10 s model is padded to 10 s and trimmed.
	short := testMel(90*2 + 40)
	got, err = open(t, tinyModel("tiny_fixed10.onnx"), Options{Seed: 9}).Generate(ctx, short)
	if err != nil {
		t.Fatal(err)
	}
	want, err = whole.Generate(ctx, short)
	if err != nil {
		t.Fatal(err)
	}
	if d := maxDiff(got.Data, want.Data); got.Frames != short.Frames/3 || d > 1e-6 {
		t.Errorf("2.4 s on the 10 s model: %d frames, differs by %.3g", got.Frames, d)
	}
}

// TestWrongModels: each model the contract refuses gives one line naming the
// model, the tensor and what was expected.
func TestWrongModels(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.onnx")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	ok, err := os.ReadFile(tinyModel("tiny_ok.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	truncated := filepath.Join(dir, "truncated.onnx")
	if err := os.WriteFile(truncated, ok[:len(ok)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	lib := library(t)
	for _, tc := range []struct {
		path string
		want []string
	}{
		{tinyModel("wrong_bands.onnx"), []string{`input "mel" is float32 [1 ? 64]`, "want float32 [1 90T 128]"}},
		{tinyModel("wrong_output.onnx"), []string{`output "motion" is float32 [1 ? 12 2]`, "want float32 [1 30T 13 2] or [1 30T 26]"}},
		{tinyModel("extra_input.onnx"), []string{`input "tempo"`, "not part of the contract"}},
		{tinyModel("not_onnx.onnx"), []string{"not a readable ONNX model"}},
		{empty, []string{"the file is empty"}},
		{truncated, []string{"not a readable ONNX model"}},
		{filepath.Join(dir, "missing.onnx"), []string{"no such file"}},
	} {
		e, err := Open(tc.path, Options{LibraryPath: lib, Device: "cpu"})
		if err == nil {
			e.Close()
			t.Errorf("%s: opened", tc.path)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, tc.path) || strings.Contains(msg, "\n") {
			t.Errorf("%s: %q is not one line naming the model", tc.path, msg)
		}
		for _, w := range tc.want {
			if !strings.Contains(msg, w) {
				t.Errorf("%s: %q lacks %q", tc.path, msg, w)
			}
		}
	}
}

// TestModelThatFailsToRun: a model that loads but fails on every run gives
// an error naming it, not a panic.
func TestModelThatFailsToRun(t *testing.T) {
	path := tinyModel("fails_at_run.onnx")
	e := open(t, path, Options{})
	for _, frames := range []int{90 * 100, 90 * 3} {
		_, err := e.Generate(context.Background(), testMel(frames))
		if err == nil || !strings.Contains(err.Error(), path) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%d frames: error %v, want one line naming %s", frames, err, path)
		}
	}
}

func TestDevices(t *testing.T) {
	lib, path := library(t), tinyModel("tiny_ok.onnx")
	var notes []string
	e, err := Open(path, Options{LibraryPath: lib, Device: "auto", Notify: func(s string) { notes = append(notes, s) }})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	switch e.Device() {
	case "cpu":
		if len(notes) != 1 || !strings.Contains(notes[0], "CUDA") || strings.Contains(notes[0], "\n") {
			t.Errorf("auto fell back to the CPU with notices %q, want one line about CUDA", notes)
		}
	case "cuda":
		if len(notes) != 0 {
			t.Errorf("auto on CUDA: notices %q", notes)
		}
	default:
		t.Errorf("device %q", e.Device())
	}

	c, err := Open(path, Options{LibraryPath: lib, Device: "cuda"})
	if e.Device() == "cpu" {
		if err == nil {
			c.Close()
			t.Error("--device cuda without CUDA: opened")
		} else if msg := err.Error(); !strings.Contains(msg, "--ort-lib") || !strings.Contains(msg, "CUDA") || strings.Contains(msg, "\n") {
			t.Errorf("--device cuda without CUDA: %q", msg)
		}
	} else if err != nil {
		t.Errorf("--device cuda where auto found CUDA: %v", err)
	} else {
		c.Close()
	}

	if _, err := Open(path, Options{LibraryPath: lib, Device: "tpu"}); err == nil || !strings.Contains(err.Error(), `"tpu"`) {
		t.Errorf("--device tpu: error %v", err)
	}
	if !strings.Contains(e.Name(), "tiny_ok.onnx") {
		t.Errorf("Name() = %q", e.Name())
	}
}

func TestLibraryErrors(t *testing.T) {
	path := tinyModel("tiny_ok.onnx")
	_, err := Open(path, Options{LibraryPath: filepath.Join(t.TempDir(), "libonnxruntime.so.1")})
	if err == nil || !strings.Contains(err.Error(), "make ort") || strings.Contains(err.Error(), "\n") {
		t.Errorf("missing library: error %v, want one line saying how to get it", err)
	}
	library(t)
	other := filepath.Join(t.TempDir(), "other.so")
	if err := os.WriteFile(other, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	open(t, path, Options{}) // loads the real library, if no test did yet
	if _, err := Open(path, Options{LibraryPath: other}); err == nil || !strings.Contains(err.Error(), "already loaded") {
		t.Errorf("a second library in one process: error %v", err)
	}
}

// TestCancel: a cancelled context stops Generate, also during a run.
func TestCancel(t *testing.T) {
	e := open(t, m2sgan(t, "m2sgan_generator.onnx"), Options{})
	ref := readNPY(t, m2sgan(t, "ref_mel.npy"))
	mel := longMel(ref.Data, 20*60*90)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := e.Generate(ctx, mel)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error %v, want the context's", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("cancelling took %v", d)
	}
	// The engine still works afterwards.
	if _, err := e.Generate(context.Background(), audio.Mel{Frames: 900, Data: ref.Data[:900*128]}); err != nil {
		t.Errorf("after a cancelled run: %v", err)
	}
}

// TestModelsThatBreakTheContract: a model whose output holds NaN (from a quiet
// passage on) or pixel coordinates fails the song with one line naming the
// model, the first bad frame and the keypoint.
func TestModelsThatBreakTheContract(t *testing.T) {
	quietFrom := func(frames, first int) audio.Mel {
		m := testMel(frames)
		for i := first * audio.MelBands; i < len(m.Data); i++ {
			m.Data[i] = 0.1
		}
		return m
	}
	for _, tc := range []struct {
		model string
		mel   audio.Mel
		frame int
		want  string
	}{
		{"emits_nan.onnx", quietFrom(90*70, 90*65), 65 * 30, "output frame 1950 (65.00 s) keypoint 0 (nose): x is NaN"},
		{"emits_nan.onnx", quietFrom(90*3, 120), 40, "output frame 40 (1.33 s) keypoint 0 (nose): x is NaN"},
		{"emits_pixels.onnx", testMel(90 * 8), 0, "output frame 0 (0.00 s) keypoint 0 (nose): x = 3"},
	} {
		path := tinyModel(tc.model)
		e := open(t, path, Options{})
		_, err := e.Generate(context.Background(), tc.mel)
		var ce *motion.ContractError
		if !errors.As(err, &ce) || ce.Frame != tc.frame {
			t.Errorf("%s: error %v, want a contract error at frame %d", tc.model, err, tc.frame)
			continue
		}
		if msg := err.Error(); !strings.HasPrefix(msg, "model "+path+": ") || !strings.Contains(msg, tc.want) || strings.Contains(msg, "\n") {
			t.Errorf("%s: %q, want one line naming the model and saying %q", tc.model, msg, tc.want)
		}
	}
	// Where the music is loud throughout, the NaN model's motion is tiny_ok's.
	loud := testMel(90 * 20)
	got, err := open(t, tinyModel("emits_nan.onnx"), Options{Seed: 3}).Generate(context.Background(), loud)
	if err != nil {
		t.Fatal(err)
	}
	want, err := open(t, tinyModel("tiny_ok.onnx"), Options{Seed: 3}).Generate(context.Background(), loud)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Data, want.Data) {
		t.Errorf("emits_nan on loud music differs from tiny_ok by %.3g", maxDiff(got.Data, want.Data))
	}
}
