package onnx

// Tests of the windowing, padding, noise and cross-fade logic with a fake
// runner: they need neither cgo nor the ONNX Runtime library.

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/podium-dev/podium/audio"
	"github.com/podium-dev/podium/motion"
)

// fakeModel is a frame-local "model": frame f of its output is a function of
// mel frames 3f..3f+2 and of the noise of f's second, so a correct windowing
// reproduces a single run over the whole song. It refuses windows shorter
// than minSeconds, like the official M2S-GAN does below 5 s.
type fakeModel struct {
	minSeconds int
	calls      []int // window lengths, in order
}

func (f *fakeModel) run(_ context.Context, mel, noise []float32, seconds int) ([]float32, error) {
	f.calls = append(f.calls, seconds)
	if seconds < f.minSeconds {
		return nil, fmt.Errorf("window of %d s is shorter than %d s", seconds, f.minSeconds)
	}
	if len(mel) != seconds*audio.MelRate*audio.MelBands || (noise != nil && len(noise) != seconds*NoiseDim) {
		return nil, fmt.Errorf("fake: %d mel values and %d noise values for %d s", len(mel), len(noise), seconds)
	}
	return fakeOutput(mel, noise, seconds), nil
}

func (f *fakeModel) close() error { return nil }

// fakeOutput is what fakeModel returns for a whole window.
func fakeOutput(mel, noise []float32, seconds int) []float32 {
	out := make([]float32, seconds*motion.Rate*motion.Joints*2)
	for fr := 0; fr < seconds*motion.Rate; fr++ {
		var n float32
		if noise != nil {
			n = noise[(fr/motion.Rate)*NoiseDim]
		}
		for k := 0; k < motion.Joints*2; k++ {
			m := mel[(3*fr+k%3)*audio.MelBands+k*4]
			out[fr*motion.Joints*2+k] = 0.3 + 0.4*m + 0.01*n
		}
	}
	return out
}

// testMel is a song of the given number of frames whose values vary from
// frame to frame and band to band.
func testMel(frames int) audio.Mel {
	m := audio.Mel{Frames: frames, Data: make([]float32, frames*audio.MelBands)}
	for i := range m.Data {
		f, b := i/audio.MelBands, i%audio.MelBands
		m.Data[i] = float32(0.5 + 0.25*math.Sin(0.013*float64(f)*float64(1+b%7)) + 0.2*math.Cos(0.31*float64(b)+0.002*float64(f)))
	}
	return m
}

func fakeEngine(c contract, opt Options, f *fakeModel) *Engine {
	return &Engine{path: "fake.onnx", opt: opt, c: c, run: f, device: "cpu"}
}

var withNoise = contract{mel: "mel", noise: "noise", output: "motion"}

func TestPlanWindows(t *testing.T) {
	for _, tc := range []struct{ total, win, overlap int }{
		{60, 60, 10}, {61, 60, 10}, {110, 60, 10}, {111, 60, 10}, {300, 60, 10},
		{3601, 60, 10}, {300, 60, 20}, {25, 10, 3}, {100, 7, 3}, {50, 4, 10},
	} {
		ws := planWindows(tc.total, tc.win, tc.overlap)
		if ws[0].start != 0 {
			t.Errorf("%+v: first window starts at %d", tc, ws[0].start)
		}
		last := ws[len(ws)-1]
		if tc.total > tc.win && last.start+last.seconds != tc.total {
			t.Errorf("%+v: last window ends at %d, want %d", tc, last.start+last.seconds, tc.total)
		}
		least := min(tc.overlap, tc.win/2)
		for i, w := range ws {
			if w.seconds != tc.win {
				t.Errorf("%+v: window %d is %d s", tc, i, w.seconds)
			}
			if i > 0 {
				if shared := ws[i-1].start + tc.win - w.start; shared < least || w.start <= ws[i-1].start {
					t.Errorf("%+v: windows %d and %d share %d s (starts %d, %d), want ≥ %d", tc, i-1, i, shared, ws[i-1].start, w.start, least)
				}
			}
		}
	}
	// Fewest windows: 300 s with 60 s windows and 10 s overlap is 6 windows.
	if n := len(planWindows(300, 60, 10)); n != 6 {
		t.Errorf("300 s: %d windows, want 6", n)
	}
}

func TestRampsSumToOne(t *testing.T) {
	for _, n := range []int{1, 2, 7, 300} {
		for x := 0; x < n; x++ {
			if s := ramp(x, n) + ramp(n-1-x, n); math.Abs(float64(s)-1) > 1e-6 {
				t.Fatalf("ramp(%d,%d)+ramp(%d,%d) = %v", x, n, n-1-x, n, s)
			}
			if x > 0 && ramp(x, n) < ramp(x-1, n) {
				t.Fatalf("ramp(·,%d) falls at %d", n, x)
			}
		}
		if ramp(n, n) != 1 || ramp(0, n) <= 0 {
			t.Fatalf("ramp(%d,%d) = %v, ramp(0,%d) = %v", n, n, ramp(n, n), n, ramp(0, n))
		}
	}
}

func TestReflectIndex(t *testing.T) {
	got := make([]int, 12)
	for i := range got {
		got[i] = reflectIndex(i, 4)
	}
	if want := []int{0, 1, 2, 3, 3, 2, 1, 0, 0, 1, 2, 3}; !slices.Equal(got, want) {
		t.Errorf("reflectIndex(0..11, 4) = %v, want %v", got, want)
	}
	if reflectIndex(5, 1) != 0 {
		t.Error("reflectIndex(5, 1) != 0")
	}
}

func TestSeededNoise(t *testing.T) {
	a, b := seededNoise(7, 300), seededNoise(7, 40)
	if !slices.Equal(a[:len(b)], b) {
		t.Error("the first 40 s of noise depend on how many seconds are drawn")
	}
	if slices.Equal(a, seededNoise(8, 300)) {
		t.Error("seeds 7 and 8 give the same noise")
	}
	var sum, sq float64
	for _, v := range a {
		sum += float64(v)
		sq += float64(v) * float64(v)
	}
	mean := sum / float64(len(a))
	std := math.Sqrt(sq/float64(len(a)) - mean*mean)
	if math.Abs(mean) > 0.1 || math.Abs(std-1) > 0.1 {
		t.Errorf("noise mean %.3f std %.3f, want standard normal", mean, std)
	}
}

// TestWindowsReproduceOneRun checks windows, overlaps, noise slicing, the
// cross-fade and the trim: with a frame-local model they must reproduce one
// run over the whole song, for songs of fractional length too.
func TestWindowsReproduceOneRun(t *testing.T) {
	for _, tc := range []struct {
		frames, win, overlap int
	}{
		{90 * 300, 60, 10},     // 5 min
		{90*200 + 41, 60, 10},  // fractional last second
		{90*61 + 1, 60, 10},    // one frame past a window
		{90*100 + 89, 7, 3},    // many short windows, three sharing some frames
		{90 * 60, 60, 10},      // exactly one window
		{90*37 + 2, 10, 0},     // default overlap larger than half a window
		{90*1200 + 17, 60, 10}, // 20 minutes
		{90*45 + 30, 20, 15},   // overlap close to the window
		{90*12 + 45, 60, 10},   // shorter than a window
	} {
		name := fmt.Sprintf("%d frames, %d/%d s", tc.frames, tc.win, tc.overlap)
		mel := testMel(tc.frames)
		e := fakeEngine(withNoise, Options{Seed: 3, Window: tc.win, Overlap: tc.overlap}, &fakeModel{})
		got, err := e.Generate(context.Background(), mel)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got.Frames != tc.frames/3 || got.Rate != motion.Rate || len(got.Data) != got.Frames*26 {
			t.Fatalf("%s: %d frames at %v fps, want %d at 30", name, got.Frames, got.Rate, tc.frames/3)
		}
		s := songSeconds(tc.frames)
		padded, _ := windowMel(mel, 0, s, nil)
		want := fakeOutput(padded, seededNoise(3, s), s)[:len(got.Data)]
		for i := range want {
			if d := math.Abs(float64(got.Data[i] - want[i])); d > 1e-6 {
				t.Fatalf("%s: frame %d value %d is %v, one run gives %v", name, i/26, i%26, got.Data[i], want[i])
			}
		}
	}
}

// TestShortSongs checks that a song shorter than the model's minimum runs on
// the shortest window the model takes, reflected rather than silent, and
// that the minimum is remembered.
func TestShortSongs(t *testing.T) {
	f := &fakeModel{minSeconds: 5}
	e := fakeEngine(withNoise, Options{}, f)
	mel := testMel(90*2 + 50) // 2.56 s
	got, err := e.Generate(context.Background(), mel)
	if err != nil {
		t.Fatal(err)
	}
	if got.Frames != mel.MotionFrames() {
		t.Fatalf("%d frames, want %d", got.Frames, mel.MotionFrames())
	}
	if want := []int{3, 4, 5}; !slices.Equal(f.calls, want) {
		t.Errorf("tried windows %v, want %v", f.calls, want)
	}
	padded, _ := windowMel(mel, 0, 5, nil)
	want := fakeOutput(padded, seededNoise(0, 5), 5)[:len(got.Data)]
	if !slices.Equal(got.Data, want) {
		t.Error("the short song's motion is not the trimmed 5 s window")
	}
	// Reflection, not zeros: frame 300 (3.33 s) mirrors frame 2·230−1−300.
	if !slices.Equal(padded[300*audio.MelBands:301*audio.MelBands], mel.Row(2*230-1-300)) {
		t.Error("the padding does not mirror the song")
	}

	f.calls = nil
	if _, err := e.Generate(context.Background(), testMel(90*3)); err != nil {
		t.Fatal(err)
	}
	if want := []int{5}; !slices.Equal(f.calls, want) {
		t.Errorf("second short song tried %v, want %v (the minimum is known)", f.calls, want)
	}
	f.calls = nil
	if _, err := e.Generate(context.Background(), testMel(90*17)); err != nil {
		t.Fatal(err)
	}
	if want := []int{17}; !slices.Equal(f.calls, want) {
		t.Errorf("a 17 s song tried %v, want %v (its own length)", f.calls, want)
	}

	// A model that needs more than 8 s past the song: doubling, then bisection.
	f = &fakeModel{minSeconds: 23}
	e = fakeEngine(withNoise, Options{}, f)
	if _, err := e.Generate(context.Background(), testMel(90)); err != nil {
		t.Fatal(err)
	}
	if f.calls[len(f.calls)-1] != 23 || len(f.calls) > 15 {
		t.Errorf("1 s song on a ≥ 23 s model tried %v", f.calls)
	}

	// A model that takes no window at all fails with the model's error.
	f = &fakeModel{minSeconds: 1000}
	e = fakeEngine(withNoise, Options{}, f)
	_, err = e.Generate(context.Background(), testMel(90))
	if err == nil || !strings.Contains(err.Error(), "fake.onnx") || !strings.Contains(err.Error(), "shorter than 1000 s") {
		t.Errorf("model refusing every window: error %v", err)
	}
}

func TestFixedLengthModel(t *testing.T) {
	f := &fakeModel{}
	c := withNoise
	c.seconds = 10
	e := fakeEngine(c, Options{Window: 60}, f)
	mel := testMel(90*3 + 20)
	got, err := e.Generate(context.Background(), mel)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(f.calls, []int{10}) || got.Frames != mel.MotionFrames() {
		t.Errorf("3.2 s song on a 10 s model: windows %v, %d frames", f.calls, got.Frames)
	}
	f.calls = nil
	if _, err := e.Generate(context.Background(), testMel(90*25)); err != nil {
		t.Fatal(err)
	}
	for _, s := range f.calls {
		if s != 10 {
			t.Fatalf("25 s song on a 10 s model ran windows %v", f.calls)
		}
	}
}

func TestGenerateWithNoise(t *testing.T) {
	e := fakeEngine(withNoise, Options{}, &fakeModel{})
	mel := testMel(90*70 + 10)
	noise := seededNoise(99, 71)
	a, err := e.GenerateWithNoise(context.Background(), mel, noise)
	if err != nil {
		t.Fatal(err)
	}
	e.opt.Seed = 99
	b, err := e.Generate(context.Background(), mel)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a.Data, b.Data) {
		t.Error("the seeded stream and the same noise given explicitly differ")
	}
	if _, err := e.GenerateWithNoise(context.Background(), mel, noise[:70*NoiseDim]); err == nil || !strings.Contains(err.Error(), "want 568") {
		t.Errorf("70 s of noise for a 70.1 s song: error %v", err)
	}
}

// shortModel returns one frame too few.
type shortModel struct{ fakeModel }

func (s *shortModel) run(ctx context.Context, mel, noise []float32, seconds int) ([]float32, error) {
	y, err := s.fakeModel.run(ctx, mel, noise, seconds)
	return y[:len(y)-motion.Joints*2], err
}

func TestGenerateErrors(t *testing.T) {
	bad := &Engine{path: "short.onnx", c: withNoise, run: &shortModel{}}
	for _, frames := range []int{90 * 100, 90 * 10} {
		if _, err := bad.Generate(context.Background(), testMel(frames)); err == nil || !strings.Contains(err.Error(), "short.onnx") {
			t.Errorf("a model one frame short, %d mel frames: error %v", frames, err)
		}
	}
	e := fakeEngine(withNoise, Options{}, &fakeModel{})
	if _, err := e.Generate(context.Background(), audio.Mel{}); err == nil {
		t.Error("empty mel: no error")
	}
	if _, err := e.Generate(context.Background(), audio.Mel{Frames: 10, Data: make([]float32, 5)}); err == nil {
		t.Error("mel with too few values: no error")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := e.Generate(ctx, testMel(900)); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: error %v", err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Generate(context.Background(), testMel(900)); err == nil || !strings.Contains(err.Error(), "closed") {
		t.Errorf("after Close: error %v", err)
	}
}

// scaledModel is fakeModel with its output scaled, as a model emitting pixel
// coordinates would give it.
type scaledModel struct {
	fakeModel
	scale float32
}

func (s *scaledModel) run(ctx context.Context, mel, noise []float32, seconds int) ([]float32, error) {
	y, err := s.fakeModel.run(ctx, mel, noise, seconds)
	for i := range y {
		y[i] *= s.scale
	}
	return y, err
}

// A model's output outside the contract fails the song, naming the model,
// the frame and the keypoint, however the song was windowed.
func TestOutputOutsideTheContract(t *testing.T) {
	for _, frames := range []int{90 * 3, 90 * 150} {
		e := &Engine{path: "pixels.onnx", c: withNoise, run: &scaledModel{scale: 720}}
		_, err := e.Generate(context.Background(), testMel(frames))
		var ce *motion.ContractError
		if !errors.As(err, &ce) || ce.Frame != 0 || ce.Joint != 0 ||
			!strings.HasPrefix(err.Error(), "model pixels.onnx: output frame 0 (0.00 s) keypoint 0 (nose): x = ") {
			t.Errorf("%d mel frames: error %v", frames, err)
		}
	}
	e := &Engine{path: "fine.onnx", c: withNoise, run: &scaledModel{scale: 1}}
	if _, err := e.Generate(context.Background(), testMel(900)); err != nil {
		t.Errorf("a model within the contract: %v", err)
	}
}
