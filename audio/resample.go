package audio

import (
	"math"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
)

// Resample converts mono samples from srIn to srOut Hz exactly as resampy
// 0.2.2's kaiser_best filter does, then pads with zeros (or cuts) to
// ceil(len·srOut/srIn) samples as librosa 0.8's load does (SPEC §2 step 1).
// Equal rates return a copy. Sums are taken in float64.
func Resample(x []float32, srIn, srOut int) []float32 {
	if srIn == srOut || len(x) == 0 || srIn <= 0 || srOut <= 0 {
		return append([]float32(nil), x...)
	}
	r := newResampler(srIn, srOut)
	out := make([]float32, 0, r.finalLen(len(x)))
	emit := func(y []float32) { out = append(out, y...) }
	r.write(x, emit)
	r.finish(emit)
	return out
}

// resampler is the streaming form of Resample: write feeds input as it is
// decoded, finish flushes the tail once the total length is known. It keeps
// only one filter's length of input history, so memory does not grow with
// the song.
type resampler struct {
	tab   *filterTables
	ratio float64 // ρ = srOut/srIn
	inc   float64 // 1/ρ, input samples per output sample

	hist     []float64 // input samples hist[0] = x[histBase]
	histBase int
	nIn      int // input samples written so far
	t        int // next output sample
	out      []float32
	workers  int
	fastOuts atomic.Int64 // outputs that took the phase-table path (tests check it is used)
}

// newResampler prepares the filter for one ratio; the tables cost ~1 MB and a
// fraction of a millisecond, so each stream builds its own.
func newResampler(srIn, srOut int) *resampler {
	ratio := float64(srOut) / float64(srIn)
	return &resampler{
		tab:     newFilterTables(srIn, srOut),
		ratio:   ratio,
		inc:     1 / ratio,
		workers: runtime.GOMAXPROCS(0),
	}
}

// finalLen is the length librosa's fix_length gives: ceil(len·ρ).
func (r *resampler) finalLen(nIn int) int { return int(math.Ceil(float64(nIn) * r.ratio)) }

// tau is the input time of output sample t as the reference computes it
// (t/ρ in float64; the fixture rules out resampy's accumulated register).
func (r *resampler) tau(t int) float64 { return float64(t) / r.ratio }

// write appends input samples and emits every output whose filter support
// is complete. emit's slice is reused after it returns.
func (r *resampler) write(x []float32, emit func([]float32)) {
	r.trim()
	// Grow once, then convert in place: appending sample by sample costs
	// a check per sample and, for a one-shot call, repeated copies.
	h0 := len(r.hist)
	r.hist = slices.Grow(r.hist, len(x))[:h0+len(x)]
	for i, v := range x {
		r.hist[h0+i] = float64(v)
	}
	r.nIn += len(x)
	// Output t is final once its right wing lies inside the input: the
	// widest wing has tab.maxTaps taps after n = floor(τ).
	ready := func(t int) bool { return int(r.tau(t))+1+r.tab.maxTaps <= r.nIn }
	end := max(r.t, int(float64(r.nIn-1-r.tab.maxTaps)*r.ratio))
	for end > r.t && !ready(end-1) {
		end--
	}
	for ready(end) {
		end++
	}
	r.produce(end, r.nIn, emit)
}

// finish emits the outputs that need the end of the input, then the zero
// padding of fix_length.
func (r *resampler) finish(emit func([]float32)) {
	nOut := int(float64(r.nIn) * r.ratio)
	r.produce(nOut, r.nIn, emit)
	pad := r.finalLen(r.nIn) - r.t
	if pad > 0 {
		z := make([]float32, min(pad, 1<<14))
		for pad > 0 {
			k := min(pad, len(z))
			emit(z[:k])
			pad -= k
			r.t += k
		}
	}
}

// produce computes outputs r.t..end-1 given nIn input samples (nIn is the
// total length when finishing: the right wing stops there), in parallel
// slices when there are many.
func (r *resampler) produce(end, nIn int, emit func([]float32)) {
	n := end - r.t
	if n <= 0 {
		return
	}
	if cap(r.out) < n {
		r.out = make([]float32, n)
	}
	out := r.out[:n]
	parts := r.workers
	if n < 4096 || parts < 2 {
		parts = 1
	}
	if parts == 1 {
		r.compute(out, r.t, nIn)
	} else {
		var wg sync.WaitGroup
		for p := 0; p < parts; p++ {
			a, b := n*p/parts, n*(p+1)/parts
			wg.Add(1)
			go func() {
				defer wg.Done()
				r.compute(out[a:b], r.t+a, nIn)
			}()
		}
		wg.Wait()
	}
	r.t = end
	emit(out)
}

// compute fills out with outputs t0, t0+1, … (resampy's resample_f, with
// the filter gathered per table offset so each wing is one contiguous dot
// product: Σ(h+ηd)x = Σhx + ηΣdx).
func (r *resampler) compute(out []float32, t0, nIn int) {
	tb := r.tab
	scale := tb.scale
	pt := tb.phases
	fast := 0
	defer func() { r.fastOuts.Add(int64(fast)) }()
	// Phase p = t mod L and base = (t div L)·M are stepped along rather
	// than divided out per sample: two integer divisions cost about as
	// much as the vectorised dot product itself.
	var pNext, base int
	if pt != nil {
		pNext, base = t0%pt.l, (t0/pt.l)*pt.m
	}
	for j := range out {
		t := t0 + j
		tau := r.tau(t)
		n := int(tau)
		frac := scale * (tau - float64(n))

		if pt != nil {
			p, nExact := pNext, base+pt.n[pNext]
			if pNext++; pNext == pt.l {
				pNext, base = 0, base+pt.m
			}
			// Fast path: the float τ agrees with the exact phase and both
			// wings are whole.
			if n == nExact {
				fL, fR := frac*kaiserPrec, (scale-frac)*kaiserPrec
				lo := n - pt.tapsL[p] + 1
				w := pt.w[pt.start[p]:pt.start[p+1]]
				if math.Abs(fL-pt.posL[p]) < phaseSlack && math.Abs(fR-pt.posR[p]) < phaseSlack &&
					tb.taps(int(fL)) == pt.tapsL[p] && tb.taps(int(fR)) == pt.tapsR[p] &&
					lo >= 0 && lo+len(w) <= nIn {
					out[j] = float32(dot(w, r.hist[lo-r.histBase:]))
					fast++
					continue
				}
			}
		}

		idx := frac * kaiserPrec
		off := int(idx)
		eta := idx - float64(off)
		m := tb.taps(off)
		iMax := min(n+1, m)
		// Left wing: x[n-iMax+1 .. n] against the reversed table's tail.
		xs := r.hist[n-iMax+1-r.histBase : n+1-r.histBase]
		hr, dr := tb.rev(off)
		var acc float64
		if eta == 0 {
			acc = dot(hr[m-iMax:], xs)
		} else {
			a, b := dot2(hr[m-iMax:], dr[m-iMax:], xs)
			acc = a + eta*b
		}

		frac = scale - frac
		idx = frac * kaiserPrec
		off = int(idx)
		eta = idx - float64(off)
		m = tb.taps(off)
		kMax := min(nIn-n-1, m)
		if kMax > 0 {
			xs = r.hist[n+1-r.histBase : n+1+kMax-r.histBase]
			hf, df := tb.fwd(off)
			if eta == 0 {
				acc += dot(hf[:kMax], xs)
			} else {
				a, b := dot2(hf[:kMax], df[:kMax], xs)
				acc += a + eta*b
			}
		}
		out[j] = float32(acc)
	}
}

// trim drops input history no future output can reach.
func (r *resampler) trim() {
	n := int(r.tau(r.t)) // first input sample of the next output
	keep := n - r.tab.maxTaps - 1
	drop := keep - r.histBase
	if drop < 1<<16 || drop < len(r.hist)/2 {
		return
	}
	r.hist = append(r.hist[:0], r.hist[drop:]...)
	r.histBase += drop
}
