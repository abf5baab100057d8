package audio

import (
	"math"
	"math/rand"
	"testing"

	"github.com/podium-dev/podium/internal/npyfile"
	"github.com/podium-dev/podium/internal/testdata"
)

// TestMelFixture checks SPEC §2 steps 2–7 against the shared expected
// outputs (float64 [900,128]; a correct implementation is within 2e-5).
// expected_reflect_cvfloat.npy uses OpenCV's float32 resize coordinates; we
// use float64 coordinates, which stay within the same tolerance of it.
func TestMelFixture(t *testing.T) {
	sig, err := npyfile.Read(testdata.Path(t, "fixtures", "mel", "signal.npy"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		file    string
		zeroPad bool
	}{
		{"expected_reflect.npy", false},
		{"expected_constant.npy", true},
		{"expected_reflect_cvfloat.npy", false},
	} {
		t.Run(c.file, func(t *testing.T) {
			shape, want, err := npyfile.Read64(testdata.Path(t, "fixtures", "mel", c.file))
			if err != nil {
				t.Fatal(err)
			}
			m := MelSpectrogram(sig.Data, Options{ZeroPad: c.zeroPad})
			if len(shape) != 2 || shape[0] != m.Frames || shape[1] != MelBands || len(m.Data) != len(want) {
				t.Fatalf("mel has %d frames (%d values), expected shape %v", m.Frames, len(m.Data), shape)
			}
			worst, at := 0.0, 0
			for i, w := range want {
				if d := math.Abs(float64(m.Data[i]) - w); d > worst || math.IsNaN(d) {
					worst, at = d, i
				}
			}
			if !(worst <= 2e-5) {
				t.Fatalf("max |Δ| = %g at frame %d band %d, want ≤ 2e-5", worst, at/MelBands, at%MelBands)
			}
			t.Logf("max |Δ| = %.3g", worst)
		})
	}
}

// TestMelPaddingDiffers guards against the option being ignored: the band
// energies of the two paddings differ in the first and last STFT frames
// (which reach into the padding) and are identical in between.
func TestMelPaddingDiffers(t *testing.T) {
	x := chirp(3 * SampleRate)
	power := func(zeroPad bool) ([]float32, int) {
		s := newMelStream(Options{ZeroPad: zeroPad}, 0)
		s.write(x)
		return s.finish()
	}
	a, frames := power(false)
	b, _ := power(true)
	if frames != 1+len(x)/hop {
		t.Fatalf("%d STFT frames, want %d", frames, 1+len(x)/hop)
	}
	diff := func(f int) float64 {
		d := 0.0
		for i := f * MelBands; i < (f+1)*MelBands; i++ {
			d = math.Max(d, math.Abs(float64(a[i]-b[i]))/math.Max(float64(a[i]), 1e-12))
		}
		return d
	}
	if diff(0) < 1e-3 || diff(frames-1) < 1e-3 {
		t.Fatalf("reflect and zero padding agree at the edges (relative Δ %g, %g)", diff(0), diff(frames-1))
	}
	for f := 4; f < frames-4; f++ {
		if d := diff(f); d != 0 {
			t.Fatalf("paddings differ in frame %d, which holds no padding (relative Δ %g)", f, d)
		}
	}
}

func TestMelSilenceIsFloor(t *testing.T) {
	for _, n := range []int{SampleRate, 5000, 300} {
		m := MelSpectrogram(make([]float32, n), Options{})
		if want := int(float64(n) / SampleRate * MelRate); m.Frames != want || len(m.Data) != want*MelBands {
			t.Fatalf("%d samples: %d frames (%d values), want %d", n, m.Frames, len(m.Data), want)
		}
		for i, v := range m.Data {
			if v != 0 {
				t.Fatalf("%d samples of silence: value %d is %v, want 0 (the floor)", n, i, v)
			}
		}
	}
}

func TestMelEdgeLengths(t *testing.T) {
	if m := MelSpectrogram(nil, Options{}); m.Frames != 0 || len(m.Data) != 0 {
		t.Fatalf("empty input gave %d frames", m.Frames)
	}
	// Shorter than one STFT window, and shorter than the reflection (numpy
	// reflects repeatedly): still finite values in [0,1].
	for _, n := range []int{1, 2, 245, 246, 1000, 1025, 2049} {
		x := chirp(n)
		for _, zp := range []bool{false, true} {
			m := MelSpectrogram(x, Options{ZeroPad: zp})
			if want := int(float64(n) / SampleRate * MelRate); m.Frames != want {
				t.Fatalf("%d samples: %d frames, want %d", n, m.Frames, want)
			}
			for _, v := range m.Data {
				if !(v >= 0 && v <= 1) {
					t.Fatalf("%d samples: value %v outside [0,1]", n, v)
				}
			}
		}
	}
}

// TestMelStreamingEqualsOneShot feeds uneven blocks to the stream and
// expects bit-identical output.
func TestMelStreamingEqualsOneShot(t *testing.T) {
	x := chirp(7*SampleRate + 123)
	want := MelSpectrogram(x, Options{})
	rng := rand.New(rand.NewSource(5))
	s := newMelStream(Options{}, 0)
	for i := 0; i < len(x); {
		n := min(len(x)-i, 1+rng.Intn(30000))
		s.write(x[i : i+n])
		i += n
	}
	got := s.mel()
	if got.Frames != want.Frames {
		t.Fatalf("streamed %d frames, one-shot %d", got.Frames, want.Frames)
	}
	for i := range want.Data {
		if got.Data[i] != want.Data[i] {
			t.Fatalf("value %d streamed %v, one-shot %v", i, got.Data[i], want.Data[i])
		}
	}
}

func TestReflectIndex(t *testing.T) {
	// np.pad(np.arange(4), 7, mode="reflect"): numpy reflects repeatedly,
	// a mirror image with period 2·(4-1).
	want := []int{1, 0, 1, 2, 3, 2, 1, 0, 1, 2, 3, 2, 1, 0, 1, 2, 3, 2}
	for k, w := range want {
		if got := reflectIndex(k-7, 4); got != w {
			t.Fatalf("index %d: %d, numpy gives %d", k-7, got, w)
		}
	}
}

// chirp is a test tone sweeping 100 Hz → 8 kHz with a little noise.
func chirp(n int) []float32 {
	rng := rand.New(rand.NewSource(int64(n)))
	x := make([]float32, n)
	for i := range x {
		tt := float64(i) / SampleRate
		x[i] = float32(0.5*math.Sin(2*math.Pi*(100*tt+400*tt*tt)) + 0.01*rng.NormFloat64())
	}
	return x
}
