package skeleton

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/podium-dev/podium/motion"
)

// middleRow returns the centre row of the hat matrix: the smoothing kernel.
func middleRow(w, order int) []float64 {
	h := sgProjection(w, order)
	return h[(w/2)*w : (w/2+1)*w]
}

// TestSGKernelTables checks the smoothing kernels against published values.
func TestSGKernelTables(t *testing.T) {
	// Savitzky & Golay (1964), quartic/quintic, 7 points: (5, −30, 75, 131,
	// 75, −30, 5)/231. Orders 4 and 5 share their smoothing kernel.
	want7 := []float64{5, -30, 75, 131, 75, -30, 5}
	for i, c := range middleRow(7, 5) {
		if math.Abs(c-want7[i]/231) > 1e-12 {
			t.Errorf("window 7 order 5: c[%d] = %.15f, want %.15f", i, c, want7[i]/231)
		}
	}
	// Quadratic, 5 points: (−3, 12, 17, 12, −3)/35.
	want5 := []float64{-3, 12, 17, 12, -3}
	for i, c := range middleRow(5, 2) {
		if math.Abs(c-want5[i]/35) > 1e-12 {
			t.Errorf("window 5 order 2: c[%d] = %.15f, want %.15f", i, c, want5[i]/35)
		}
	}
	// Window 2m+1 = 19, order 4/5: the closed form of the quartic kernel
	// (Madden 1978, eq. for the smoothing case):
	// c_i = 15/4 · ((15m⁴+30m³−35m²−50m+12) − 35(2m²+2m−3)i² + 63i⁴)
	//       / ((2m+5)(2m+3)(2m+1)(2m−1)(2m−3)).
	const m = 9.0
	den := (2*m + 5) * (2*m + 3) * (2*m + 1) * (2*m - 1) * (2*m - 3)
	for k, c := range middleRow(19, 5) {
		i := float64(k - 9)
		want := 15.0 / 4 * ((15*m*m*m*m + 30*m*m*m - 35*m*m - 50*m + 12) - 35*(2*m*m+2*m-3)*i*i + 63*i*i*i*i) / den
		if math.Abs(c-want) > 1e-12 {
			t.Errorf("window 19 order 5: c[%d] = %.15f, want %.15f", k, c, want)
		}
	}
	// The centre weight by hand: 15/4 · 117012 / 2340135 = 0.187510…
	if c := middleRow(19, 5)[9]; math.Abs(c-438795.0/2340135) > 1e-12 {
		t.Errorf("window 19 centre weight %.15f, want %.15f", c, 438795.0/2340135)
	}
}

// series returns a motion whose every coordinate c follows fn(frame, c).
func series(frames int, fn func(f, c int) float64) motion.Motion {
	m := motion.New(frames, motion.Rate)
	for f := 0; f < frames; f++ {
		for c := 0; c < motion.Joints*2; c++ {
			m.Data[f*motion.Joints*2+c] = float32(fn(f, c))
		}
	}
	return m
}

func TestSmoothKeepsPolynomials(t *testing.T) {
	// Degree 5 in the time, a different one per channel: the order-5 fit
	// reproduces it everywhere, the 9 edge frames at each end included.
	for _, n := range []int{19, 20, 60, 301, 12, 7} {
		T := float64(n - 1)
		poly := func(f, c int) float64 {
			u := float64(f) / T
			k := float64(c) / 26
			return 0.5 + 0.1*k*u - 0.2*u*u + 0.05*u*u*u + 0.3*k*u*u*u*u - 0.25*u*u*u*u*u
		}
		m := series(n, poly)
		got := Smooth(m)
		if got.Frames != n || len(got.Data) != len(m.Data) || got.Rate != m.Rate {
			t.Fatalf("n=%d: %d frames, %d values, rate %v", n, got.Frames, len(got.Data), got.Rate)
		}
		for i, v := range got.Data {
			if d := math.Abs(float64(v) - float64(m.Data[i])); d > 2e-6 {
				t.Errorf("n=%d: frame %d channel %d: %v, want %v", n, i/26, i%26, v, m.Data[i])
				break
			}
		}
	}
}

// TestSmoothImpulse smooths a unit impulse: inside, the response is the
// kernel itself; at the first frame it is the edge fit's leverage.
func TestSmoothImpulse(t *testing.T) {
	m := series(80, func(f, c int) float64 {
		if f == 40 && c == 3 {
			return 1
		}
		return 0
	})
	got := Smooth(m)
	kernel := middleRow(19, 5)
	for f := 0; f < 80; f++ {
		want := 0.0
		if d := f - 40; d >= -9 && d <= 9 {
			want = kernel[9-d] // the kernel is symmetric; index it as correlation
		}
		if v := float64(got.Data[f*26+3]); math.Abs(v-want) > 1e-7 {
			t.Errorf("frame %d: %v, want %v", f, v, want)
		}
		if v := got.Data[f*26+4]; v != 0 {
			t.Errorf("frame %d: the impulse leaked into another channel: %v", f, v)
		}
	}
	// scipy's mode='interp': the first 9 outputs are the order-5 fit over
	// the first 19 frames, so an impulse at frame 0 comes out at frame 0 as
	// that fit's leverage there, computed here independently of
	// sgProjection by solving the normal equations.
	edge := series(19, func(f, c int) float64 {
		if f == 0 {
			return 1
		}
		return 0
	})
	got = Smooth(edge)
	if want := leverage(19, 5, 0); math.Abs(float64(got.Data[0])-want) > 1e-6 {
		t.Errorf("edge impulse: frame 0 = %v, want the leverage %v", got.Data[0], want)
	}
}

// leverage solves the normal equations (VᵀV)a = Vᵀe_i by Gaussian
// elimination in plain float64 and returns the fit's value at point i.
func leverage(w, order, i int) float64 {
	n := order + 1
	ata := make([][]float64, n)
	for r := range ata {
		ata[r] = make([]float64, n+1)
	}
	pow := func(x float64, k int) float64 { return math.Pow(x, float64(k)) }
	for r := 0; r < n; r++ {
		for c := 0; c < n; c++ {
			for k := 0; k < w; k++ {
				x := float64(k-w/2) / float64(w/2)
				ata[r][c] += pow(x, r+c)
			}
		}
		ata[r][n] = pow(float64(i-w/2)/float64(w/2), r)
	}
	for c := 0; c < n; c++ {
		for r := c + 1; r < n; r++ {
			f := ata[r][c] / ata[c][c]
			for k := c; k <= n; k++ {
				ata[r][k] -= f * ata[c][k]
			}
		}
	}
	a := make([]float64, n)
	for r := n - 1; r >= 0; r-- {
		s := ata[r][n]
		for k := r + 1; k < n; k++ {
			s -= ata[r][k] * a[k]
		}
		a[r] = s / ata[r][r]
	}
	v := 0.0
	for r := 0; r < n; r++ {
		v += a[r] * pow(float64(i-w/2)/float64(w/2), r)
	}
	return v
}

func TestSmoothReducesNoise(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	m := series(600, func(f, c int) float64 { return 0.5 + 0.01*rng.NormFloat64() })
	got := Smooth(m)
	vin, vout := variance(m.Data), variance(got.Data)
	// White noise through the kernel keeps Σc² ≈ 0.19 of its variance.
	if ratio := vout / vin; ratio > 0.3 || ratio < 0.1 {
		t.Errorf("variance ratio after smoothing %.3f, want about 0.19", ratio)
	}
	if m.Data[0] == got.Data[0] && m.Data[100] == got.Data[100] {
		t.Error("Smooth returned the input values")
	}
}

func variance(x []float32) float64 {
	var s, ss float64
	for _, v := range x {
		s += float64(v)
	}
	mean := s / float64(len(x))
	for _, v := range x {
		ss += (float64(v) - mean) * (float64(v) - mean)
	}
	return ss / float64(len(x))
}

func TestSmoothShortAndIsolated(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	// Fewer than 7 frames: an unchanged copy.
	m := series(6, func(f, c int) float64 { return rng.Float64() })
	got := Smooth(m)
	for i := range m.Data {
		if got.Data[i] != m.Data[i] {
			t.Fatalf("6 frames: value %d changed", i)
		}
	}
	got.Data[0] = 42
	if m.Data[0] == 42 {
		t.Error("Smooth shares its input's data")
	}
	// The input is never modified.
	m = series(50, func(f, c int) float64 { return rng.Float64() })
	before := append([]float32(nil), m.Data...)
	Smooth(m)
	for i := range before {
		if m.Data[i] != before[i] {
			t.Fatal("Smooth modified its input")
		}
	}
	// Empty motions and inconsistent ones come back as they are.
	if got := Smooth(motion.Motion{}); got.Frames != 0 {
		t.Errorf("empty motion: %d frames", got.Frames)
	}
	bad := motion.Motion{Frames: 30, Rate: 30, Data: make([]float32, 7)}
	if got := Smooth(bad); len(got.Data) != 7 {
		t.Errorf("inconsistent motion: %d values", len(got.Data))
	}
}
