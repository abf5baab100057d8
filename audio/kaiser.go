package audio

import (
	"math"
	"sync"
)

// The kaiser_best interpolation filter of resampy ≤ 0.2.2 (SPEC §2 step 1).
// resampy shipped it as a precomputed table; it is recomputed here from the
// same recipe, which agrees with the shipped table to rounding.
const (
	kaiserZeros   = 64  // zero crossings of the sinc on one side
	kaiserPrec    = 512 // table entries per zero crossing
	kaiserN       = kaiserZeros * kaiserPrec
	kaiserRolloff = 0.9475937167399596 // the filter's cut-off as a fraction of Nyquist
	kaiserBeta    = 14.769656459379492 // Kaiser window shape
)

// kaiserBest returns the right half of the windowed sinc, kaiserN+1 entries,
// computed once: it is immutable and shared by every resampler.
var kaiserBest = sync.OnceValue(func() []float64 {
	h := make([]float64, kaiserN+1)
	i0b := besselI0(kaiserBeta)
	for i := range h {
		x := float64(kaiserZeros) * float64(i) / float64(kaiserN)
		// The symmetric window of length 2N+1 evaluated at k = N+i.
		k := float64(kaiserN + i)
		r := 2*k/float64(2*kaiserN) - 1
		w := besselI0(kaiserBeta*math.Sqrt(1-r*r)) / i0b
		h[i] = kaiserRolloff * sinc(kaiserRolloff*x) * w
	}
	return h
})

// sinc is the normalised sinc as numpy computes it.
func sinc(u float64) float64 {
	if u == 0 {
		return 1
	}
	y := math.Pi * u
	return math.Sin(y) / y
}

// besselI0 is the modified Bessel function of the first kind, order 0, by
// its power series, which converges quickly for the arguments used here
// (|x| ≤ 15): terms shrink below 1e-17 of the sum well before 60 terms.
func besselI0(x float64) float64 {
	sum, term := 1.0, 1.0
	q := x * x / 4
	for k := 1; k < 200; k++ {
		term *= q / float64(k*k)
		sum += term
		if term < sum*1e-18 {
			break
		}
	}
	return sum
}
