package audio

import "math"

// resampyDirect is resampy 0.2.2's resample_f transcribed literally (one
// channel, float64 accumulation): the oracle the fast resampler is checked
// against on arbitrary rates. accumulate selects the time register of 0.2.2
// (repeated addition) instead of t/ρ.
func resampyDirect(x []float32, srIn, srOut int, accumulate bool) []float64 {
	ratio := float64(srOut) / float64(srIn)
	h := append([]float64(nil), kaiserBest()...)
	if ratio < 1 {
		for i := range h {
			h[i] *= ratio
		}
	}
	d := make([]float64, len(h))
	for i := 0; i+1 < len(h); i++ {
		d[i] = h[i+1] - h[i]
	}
	scale := math.Min(1, ratio)
	inc := 1 / ratio
	step := int(scale * kaiserPrec)
	nwin := len(h)
	nOut := int(float64(len(x)) * ratio)
	y := make([]float64, nOut)
	reg := 0.0
	for t := 0; t < nOut; t++ {
		tau := reg
		if !accumulate {
			tau = float64(t) / ratio
		}
		n := int(tau)
		frac := scale * (tau - float64(n))
		idx := frac * kaiserPrec
		off := int(idx)
		eta := idx - float64(off)
		iMax := min(n+1, (nwin-off)/step)
		for i := 0; i < iMax; i++ {
			w := h[off+i*step] + eta*d[off+i*step]
			y[t] += w * float64(x[n-i])
		}
		frac = scale - frac
		idx = frac * kaiserPrec
		off = int(idx)
		eta = idx - float64(off)
		kMax := min(len(x)-n-1, (nwin-off)/step)
		for k := 0; k < kMax; k++ {
			w := h[off+k*step] + eta*d[off+k*step]
			y[t] += w * float64(x[n+k+1])
		}
		reg += inc
	}
	return y
}
