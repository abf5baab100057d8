package audio

import (
	"math"

	"gonum.org/v1/gonum/floats"
)

// filterTables holds the kaiser_best filter for one ratio, gathered so that
// each filter offset o (the integer part of the fractional time, in table
// entries) owns contiguous runs h[o], h[o+step], h[o+2·step], … and the
// matching differences d; a wing of the filter response is then a plain dot
// product. Offsets run 0..step, so all runs together hold ≈ N entries.
type filterTables struct {
	scale   float64 // min(1, ρ)
	step    int     // int(scale·P): table entries per input sample
	maxTaps int     // longest run (offset 0)

	start []int     // start[o]: where run o begins in the flat arrays
	hf    []float64 // runs in filter order (right wing: x[n+1], x[n+2], …)
	df    []float64
	hr    []float64 // the same runs reversed (left wing: …, x[n-1], x[n])
	dr    []float64

	phases *phaseTables // nil when the ratio has too many phases
}

// newFilterTables scales the shared prototype for ratio ρ = srOut/srIn
// (resampy multiplies the table by ρ when downsampling, then takes
// differences) and gathers it.
func newFilterTables(srIn, srOut int) *filterTables {
	ratio := float64(srOut) / float64(srIn)
	proto := kaiserBest()
	nwin := len(proto)
	h := make([]float64, nwin)
	copy(h, proto)
	if ratio < 1 {
		for i := range h {
			h[i] *= ratio
		}
	}
	d := make([]float64, nwin)
	for i := 0; i+1 < nwin; i++ {
		d[i] = h[i+1] - h[i]
	}
	scale := math.Min(1, ratio)
	step := int(scale * kaiserPrec)
	ft := &filterTables{scale: scale, step: step, maxTaps: nwin / step}
	ft.start = make([]int, step+2)
	total := 0
	for o := 0; o <= step; o++ {
		ft.start[o] = total
		total += (nwin - o) / step
	}
	ft.start[step+1] = total
	ft.hf = make([]float64, total)
	ft.df = make([]float64, total)
	ft.hr = make([]float64, total)
	ft.dr = make([]float64, total)
	for o := 0; o <= step; o++ {
		s, m := ft.start[o], ft.taps(o)
		for i := 0; i < m; i++ {
			ft.hf[s+i] = h[o+i*step]
			ft.df[s+i] = d[o+i*step]
			ft.hr[s+m-1-i] = h[o+i*step]
			ft.dr[s+m-1-i] = d[o+i*step]
		}
	}
	ft.phases = newPhaseTables(ft, h, d, srIn, srOut)
	return ft
}

// taps is the run length for offset o: resampy's (nwin-o) div step.
func (ft *filterTables) taps(o int) int { return ft.start[o+1] - ft.start[o] }

// fwd returns run o in filter order.
func (ft *filterTables) fwd(o int) (h, d []float64) {
	s, e := ft.start[o], ft.start[o+1]
	return ft.hf[s:e], ft.df[s:e]
}

// rev returns run o reversed.
func (ft *filterTables) rev(o int) (h, d []float64) {
	s, e := ft.start[o], ft.start[o+1]
	return ft.hr[s:e], ft.dr[s:e]
}

// dot is Σ a[i]·x[i] over len(a) (x at least as long). The resampler's dot
// products are most of a decode's CPU (≈256 taps per output sample from
// 44.1 kHz); gonum's Dot is vectorised in assembly where the CPU allows. Only
// the order of the float64 sums differs from a plain loop (relative 1e-16,
// far inside SPEC §2's 2e-6).
func dot(a, x []float64) float64 { return floats.Dot(a, x[:len(a)]) }

// dot2 is (Σ a[i]·x[i], Σ b[i]·x[i]) in one pass over x.
func dot2(a, b, x []float64) (float64, float64) {
	x = x[:len(a)]
	b = b[:len(a)]
	var s0, s1, t0, t1 float64
	i := 0
	for ; i+2 <= len(a); i += 2 {
		x0, x1 := x[i], x[i+1]
		s0 += a[i] * x0
		t0 += b[i] * x0
		s1 += a[i+1] * x1
		t1 += b[i+1] * x1
	}
	for ; i < len(a); i++ {
		s0 += a[i] * x[i]
		t0 += b[i] * x[i]
	}
	return s0 + s1, t0 + t1
}
