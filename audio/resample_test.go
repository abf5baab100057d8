package audio

import (
	"encoding/json"
	"math"
	"math/rand"
	"os"
	"testing"

	"github.com/podium-dev/podium/internal/npyfile"
	"github.com/podium-dev/podium/internal/testdata"
)

// TestResampleFixture checks parity with resampy 0.2.2 kaiser_best + librosa
// fix_length on the shared fixtures (SPEC §2 step 1: within 2e-6).
func TestResampleFixture(t *testing.T) {
	raw, err := os.ReadFile(testdata.Path(t, "fixtures", "resample", "cases.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cases map[string]struct {
		SrIn    int   `json:"sr_in"`
		InShape []int `json:"in_shape"`
		OutLen  int   `json:"out_len"`
	}
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatal(err)
	}
	if len(cases) < 2 {
		t.Fatalf("cases.json lists %d cases, want the 44.1 kHz and 48 kHz ones", len(cases))
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			in, err := npyfile.Read(testdata.Path(t, "fixtures", "resample", name+"_in.npy"))
			if err != nil {
				t.Fatal(err)
			}
			if len(in.Shape) != 2 || in.Shape[0] != c.InShape[0] || in.Shape[1] != c.InShape[1] {
				t.Fatalf("input shape %v, cases.json says %v", in.Shape, c.InShape)
			}
			x := make([]float32, in.Shape[0])
			mixDown(in.Data, in.Shape[1], x)
			_, want, err := npyfile.Read64(testdata.Path(t, "fixtures", "resample", name+"_expected.npy"))
			if err != nil {
				t.Fatal(err)
			}
			got := Resample(x, c.SrIn, SampleRate)
			if len(got) != c.OutLen || len(want) != c.OutLen {
				t.Fatalf("length %d, expected file %d, cases.json %d", len(got), len(want), c.OutLen)
			}
			worst, at := 0.0, 0
			for i := range want {
				if d := math.Abs(float64(got[i]) - want[i]); d > worst {
					worst, at = d, i
				}
			}
			if worst > 2e-6 {
				t.Fatalf("max |Δ| = %g at sample %d, want ≤ 2e-6", worst, at)
			}
			t.Logf("max |Δ| = %.3g", worst)
		})
	}
}

// TestResampleMatchesOracle compares the gathered-table resampler with a
// literal transcription of resampy's loop over rates the fixtures lack
// (upsampling, odd ratios, short inputs shorter than the filter).
func TestResampleMatchesOracle(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	for _, c := range []struct{ sr, n int }{
		{8000, 4000}, {11025, 3001}, {16000, 8000}, {32000, 7777}, {44056, 9000},
		{96000, 20000}, {48000, 100}, {44100, 3}, {192000, 30000},
	} {
		x := make([]float32, c.n)
		for i := range x {
			x[i] = float32(rng.NormFloat64() * 0.3)
		}
		got := Resample(x, c.sr, SampleRate)
		want := resampyDirect(x, c.sr, SampleRate, false)
		wantLen := int(math.Ceil(float64(c.n) * SampleRate / float64(c.sr)))
		if len(got) != wantLen {
			t.Fatalf("%d Hz, %d samples: length %d, want ceil = %d", c.sr, c.n, len(got), wantLen)
		}
		for i := range got {
			w := 0.0 // fix_length pads the int() length up to ceil() with zeros
			if i < len(want) {
				w = want[i]
			}
			if d := math.Abs(float64(got[i]) - w); d > 1e-6 {
				t.Fatalf("%d Hz: sample %d = %v, oracle %v", c.sr, i, got[i], w)
			}
		}
	}
}

func TestResampleEqualRatesCopies(t *testing.T) {
	x := []float32{1, 2, 3}
	y := Resample(x, SampleRate, SampleRate)
	y[0] = 9
	if x[0] != 1 || len(y) != 3 || y[2] != 3 {
		t.Fatalf("equal rates must return an independent copy, got %v (input now %v)", y, x)
	}
	if got := Resample(nil, 44100, SampleRate); len(got) != 0 {
		t.Fatalf("empty input gave %d samples", len(got))
	}
}

// TestResampleStreamingChunks feeds the streaming resampler in uneven
// chunks and expects exactly the one-shot result.
func TestResampleStreamingChunks(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	x := make([]float32, 300000)
	for i := range x {
		x[i] = float32(math.Sin(float64(i)*0.01) + 0.1*rng.NormFloat64())
	}
	for _, sr := range []int{44100, 48000, 16000} {
		want := Resample(x, sr, SampleRate)
		r := newResampler(sr, SampleRate)
		var got []float32
		emit := func(y []float32) { got = append(got, y...) }
		for i := 0; i < len(x); {
			n := min(len(x)-i, 1+rng.Intn(70000))
			r.write(x[i:i+n], emit)
			i += n
		}
		r.finish(emit)
		if len(got) != len(want) {
			t.Fatalf("%d Hz: streamed %d samples, one-shot %d", sr, len(got), len(want))
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("%d Hz: sample %d streamed %v, one-shot %v", sr, i, got[i], want[i])
			}
		}
	}
}

// TestResamplePhaseTables: the per-phase weights (fast path) must agree with
// the general path that follows the float τ, and must actually be used.
func TestResamplePhaseTables(t *testing.T) {
	x := noise(48000)
	for _, sr := range []int{44100, 48000, 32000, 96000, 8000} {
		fast := newResampler(sr, SampleRate)
		if fast.tab.phases == nil {
			t.Fatalf("%d Hz: no phase tables", sr)
		}
		slow := newResampler(sr, SampleRate)
		slow.tab.phases = nil
		run := func(r *resampler) []float32 {
			var y []float32
			emit := func(b []float32) { y = append(y, b...) }
			r.write(x, emit)
			r.finish(emit)
			return y
		}
		a, b := run(fast), run(slow)
		for i := range a {
			if d := math.Abs(float64(a[i] - b[i])); d > 1e-7 {
				t.Fatalf("%d Hz: sample %d fast %v, general %v", sr, i, a[i], b[i])
			}
		}
		// All but the outputs near the ends (and the rare float τ that falls
		// just short of a whole number) take the fast path.
		if n := fast.fastOuts.Load(); n < int64(len(a))*95/100 {
			t.Fatalf("%d Hz: %d of %d outputs took the fast path", sr, n, len(a))
		}
		if n := slow.fastOuts.Load(); n != 0 {
			t.Fatalf("%d Hz: %d outputs took the fast path without tables", sr, n)
		}
	}
	if newResampler(44056, SampleRate).tab.phases != nil {
		t.Fatal("44056 Hz (11025 phases) should fall back to the general path")
	}
}
