package audio

// The resampler's dot products are most of a decode's CPU time (≈256 taps
// per output sample from 44.1 kHz). Go does not vectorise them; AVX2 with
// FMA does four taps per instruction, ~4× faster. Only the order and the
// rounding of the float64 sums change (relative 1e-16, far inside SPEC §2's
// 2e-6).

//go:noescape
func dotFMA(a, x *float64, n int) float64

func cpuHasFMA() bool

var haveFMA = cpuHasFMA()

// dotVec returns Σ a[i]·x[i] over all of a and len(a), or 0, 0 without
// AVX2/FMA.
func dotVec(a, x []float64) (float64, int) {
	n := len(a)
	if !haveFMA || n == 0 {
		return 0, 0
	}
	_ = x[n-1]
	return dotFMA(&a[0], &x[0], n), n
}
