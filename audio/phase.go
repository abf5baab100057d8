package audio

// phaseTables speeds up rational ratios ρ = L/M (in lowest terms): output
// t = qL + p sits at input time qM + pM/L, so its fractional position, and
// with it every filter weight h[o+i·step] + η·d[o+i·step], depends only on
// the phase p. Precomputing the weights per phase, left wing reversed and
// right wing after it, turns each output into one dot product of ≈2·64/scale
// taps instead of two interpolated ones.
//
// The reference computes τ = t/ρ in floating point, so its wing positions
// differ from the exact ones by rounding: ~1e-9 table entries early in a
// song, up to ~1e-5 after two hours. Where a position moves by less than
// phaseSlack with the same tap counts, the table is used: that is a time
// shift of < phaseSlack/(scale·P) input samples, which changes the output
// by at most π times that of full scale (1.3e-6 from 48 kHz). Where τ lands
// on the other side of a whole number (resampy's filter is not continuous
// there, as its step is int(scale·P)), and at the ends of the signal where
// wings are cut short, the output takes the general path, which follows
// the float τ.
type phaseTables struct {
	l, m  int       // ρ = l/m
	n     []int     // n[p] = floor(p·m/l): whole input samples of phase p
	posL  []float64 // exact positions of the two wings in table entries,
	posR  []float64 // to check against the ones from the float τ
	tapsL []int     // left-wing length (taps on x[n-tapsL+1 .. n])
	tapsR []int     // right-wing length (taps on x[n+1 .. n+tapsR])
	start []int     // weights of phase p: w[start[p]:start[p+1]]
	w     []float64 // per phase: left wing reversed, then right wing
}

// phaseSlack is the largest wing-position difference (in table entries)
// between the float τ and the exact phase for which the table is used.
const phaseSlack = 1e-4

// maxPhaseWeights caps the tables (8 MB); odd rates with a huge L use the
// general path only.
const maxPhaseWeights = 1 << 20

// newPhaseTables returns nil when the ratio needs too many phases.
func newPhaseTables(ft *filterTables, h, d []float64, srIn, srOut int) *phaseTables {
	g := gcd(srIn, srOut)
	l, m := srOut/g, srIn/g
	if l*(2*ft.maxTaps) > maxPhaseWeights {
		return nil
	}
	pt := &phaseTables{l: l, m: m,
		n: make([]int, l), posL: make([]float64, l), posR: make([]float64, l),
		tapsL: make([]int, l), tapsR: make([]int, l), start: make([]int, l+1)}
	for p := 0; p < l; p++ {
		pt.n[p] = p * m / l
		frac := ft.scale * (float64(p*m%l) / float64(l))
		oL, eL := splitOffset(frac)
		oR, eR := splitOffset(ft.scale - frac)
		pt.posL[p], pt.posR[p] = frac*kaiserPrec, (ft.scale-frac)*kaiserPrec
		nL, nR := ft.taps(oL), ft.taps(oR)
		pt.tapsL[p], pt.tapsR[p] = nL, nR
		pt.start[p] = len(pt.w)
		for i := nL - 1; i >= 0; i-- {
			k := oL + i*ft.step
			pt.w = append(pt.w, h[k]+eL*d[k])
		}
		for i := 0; i < nR; i++ {
			k := oR + i*ft.step
			pt.w = append(pt.w, h[k]+eR*d[k])
		}
	}
	pt.start[l] = len(pt.w)
	return pt
}

// splitOffset turns a fractional position (in input samples, scaled) into
// resampy's table offset and interpolation factor.
func splitOffset(frac float64) (int, float64) {
	idx := frac * kaiserPrec
	o := int(idx)
	return o, idx - float64(o)
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}
