package metrics

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/dsp/fourier"
)

// WelchSegment is scipy.signal.welch's default segment length (nperseg).
const WelchSegment = 256

// Welch returns the one-sided power spectral density of x sampled at fs, as
// scipy.signal.welch(x, fs) computes it with every other argument left at its
// default: segments of 256 samples (all of x when it is shorter) overlapping
// by half, trailing samples that fill no whole segment dropped, each segment
// mean-removed and multiplied by a periodic Hann window, |rfft|² scaled to a
// density by 1/(fs·Σw²), every bin but DC (and Nyquist for even lengths)
// doubled, and the segments averaged. Bin k lies at k·fs/n for the segment
// length n.
func Welch(x []float64, fs float64) ([]float64, error) {
	if len(x) < 2 {
		return nil, fmt.Errorf("welch: %d samples is too short", len(x))
	}
	w := newWelcher(len(x), fs)
	out := make([]float64, w.bins())
	w.add(out, x, 1)
	return out, nil
}

// welcher holds one segment length's window, FFT plan and buffers so that
// many channels of the same length share them. Channels are transformed two
// at a time as the real and imaginary parts of one complex series: the sum of
// two real series' periodograms is (|Z[k]|² + |Z[n−k]|²)/2 of their complex
// transform Z, so no unpacking is needed and the 26 channels cost 13 FFTs.
type welcher struct {
	n, step int
	window  []float64
	scale   float64           // 1/(fs·Σw²)
	radix2  *radix2           // for power-of-two lengths (always, from 256 frames on)
	general *fourier.CmplxFFT // for other lengths
	z       []complex128      // the general path's buffer
	re, im  []float64         // the radix-2 path's buffers
}

// newWelcher prepares Welch's method for series of length samples.
func newWelcher(length int, fs float64) *welcher {
	n := min(WelchSegment, length)
	w := &welcher{n: n, step: n - n/2, window: make([]float64, n),
		z: make([]complex128, n), re: make([]float64, n), im: make([]float64, n)}
	if n&(n-1) == 0 {
		w.radix2 = newRadix2(n)
	} else {
		w.general = fourier.NewCmplxFFT(n)
	}
	sum := 0.0
	for i := range w.window {
		// scipy's 'hann' for spectral analysis is periodic (sym=False).
		w.window[i] = 0.5 - 0.5*math.Cos(2*math.Pi*float64(i)/float64(n))
		if n == 1 {
			w.window[i] = 1
		}
		sum += w.window[i] * w.window[i]
	}
	w.scale = 1 / (fs * sum)
	return w
}

// bins is the number of one-sided frequency bins.
func (w *welcher) bins() int { return w.n/2 + 1 }

// add accumulates weight × the Welch PSD of x into dst (length bins()).
func (w *welcher) add(dst, x []float64, weight float64) { w.add2(dst, x, nil, weight) }

// add2 accumulates weight × (PSD(x) + PSD(y)) into dst; y may be nil.
func (w *welcher) add2(dst, x, y []float64, weight float64) {
	segments := (len(x) - w.n/2) / w.step
	k := weight * w.scale / float64(segments)
	for s := 0; s < segments; s++ {
		off := s * w.step
		xs := x[off : off+w.n]
		win, re, im := w.window[:len(xs)], w.re[:len(xs)], w.im[:len(xs)]
		mx := sum(xs) / float64(len(xs))
		for i, v := range xs {
			re[i] = (v - mx) * win[i]
			im[i] = 0
		}
		if y != nil {
			ys := y[off : off+w.n][:len(xs)]
			my := sum(ys) / float64(len(ys))
			for i, v := range ys {
				im[i] = (v - my) * win[i]
			}
		}
		if w.radix2 != nil {
			w.radix2.transform(w.re, w.im)
		} else {
			for i := range w.z {
				w.z[i] = complex(w.re[i], w.im[i])
			}
			w.general.Coefficients(w.z, w.z)
			for i, v := range w.z {
				w.re[i], w.im[i] = real(v), imag(v)
			}
		}
		for i := range dst {
			j := w.n - i
			if i == 0 {
				j = 0
			}
			p := (re[i]*re[i] + im[i]*im[i] + re[j]*re[j] + im[j]*im[j]) / 2
			if i > 0 && 2*i != w.n {
				p *= 2 // one-sided: the negative frequencies' share
			}
			dst[i] += k * p
		}
	}
}

// sum adds x with four independent accumulators: one running sum is bound by
// the latency of floating-point addition.
func sum(x []float64) float64 {
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+3 < len(x); i += 4 {
		s0 += x[i]
		s1 += x[i+1]
		s2 += x[i+2]
		s3 += x[i+3]
	}
	for ; i < len(x); i++ {
		s0 += x[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// radix2 is an in-place iterative complex FFT for power-of-two lengths on
// split real and imaginary arrays: sizes 2 and 4 merged without
// multiplications, then radix-4 stages (three multiplications per four
// points instead of radix-2's four), and a last radix-2 stage when the
// number of stages is odd. gonum's fftpack port spends most of a 256-point
// transform in its array accessors; this is several times faster, which the
// ≤ 5 ms per 60 s pair budget needs.
type radix2 struct {
	n     int
	rev   []int       // bit-reversal permutation
	quads []quadStage // radix-4 stages, block sizes 16, 64, …
	last  []float64   // final radix-2 stage twiddles (re, im interleaved), if any
}

// quadStage combines four sub-DFTs of length m into one of length 4m with
// twiddles w^k, w^2k, w^3k (w = exp(−2πi/4m), k < m), interleaved re, im.
type quadStage struct {
	m                            int
	w1r, w1i, w2r, w2i, w3r, w3i []float64 // w^k, w^2k, w^3k, k < m
}

func newRadix2(n int) *radix2 {
	r := &radix2{n: n, rev: make([]int, n)}
	bits := 0
	for 1<<bits < n {
		bits++
	}
	for i := range r.rev {
		j := 0
		for b := 0; b < bits; b++ {
			if i&(1<<b) != 0 {
				j |= 1 << (bits - 1 - b)
			}
		}
		r.rev[i] = j
	}
	m := 4
	for ; 4*m <= n; m *= 4 {
		q := quadStage{m: m, w1r: make([]float64, 0, m), w1i: make([]float64, 0, m), w2r: make([]float64, 0, m),
			w2i: make([]float64, 0, m), w3r: make([]float64, 0, m), w3i: make([]float64, 0, m)}
		for k := 0; k < m; k++ {
			angle := -2 * math.Pi * float64(k) / float64(4*m)
			s1, c1 := math.Sincos(angle)
			s2, c2 := math.Sincos(2 * angle)
			s3, c3 := math.Sincos(3 * angle)
			q.w1r, q.w1i = append(q.w1r, c1), append(q.w1i, s1)
			q.w2r, q.w2i = append(q.w2r, c2), append(q.w2i, s2)
			q.w3r, q.w3i = append(q.w3r, c3), append(q.w3i, s3)
		}
		r.quads = append(r.quads, q)
	}
	if n >= 4 && 2*m == n {
		for k := 0; k < m; k++ {
			s, c := math.Sincos(-2 * math.Pi * float64(k) / float64(n))
			r.last = append(r.last, c, s)
		}
	}
	return r
}

// transform replaces (re, im), both of length n, by their DFT
// Σ z[t]·exp(−2πikt/n).
func (r *radix2) transform(re, im []float64) {
	n := r.n
	re, im = re[:n], im[:n]
	for i, j := range r.rev {
		if i < j {
			re[i], re[j] = re[j], re[i]
			im[i], im[j] = im[j], im[i]
		}
	}
	if n == 2 {
		re[0], re[1] = re[0]+re[1], re[0]-re[1]
		im[0], im[1] = im[0]+im[1], im[0]-im[1]
		return
	}
	// Sizes 2 and 4 together: twiddles 1 and −i.
	for s := 0; s+3 < n; s += 4 {
		a, b := re[s:s+4:s+4], im[s:s+4:s+4]
		r0, i0 := a[0]+a[1], b[0]+b[1]
		r1, i1 := a[0]-a[1], b[0]-b[1]
		r2, i2 := a[2]+a[3], b[2]+b[3]
		r3, i3 := a[2]-a[3], b[2]-b[3]
		a[0], b[0] = r0+r2, i0+i2
		a[2], b[2] = r0-r2, i0-i2
		// (r3 + i·i3)·(−i) = i3 − i·r3
		a[1], b[1] = r1+i3, i1-r3
		a[3], b[3] = r1-i3, i1+r3
	}
	for _, q := range r.quads {
		m := q.m
		for s := 0; s < n; s += 4 * m {
			ar, ai := re[s:s+m], im[s:s+m]
			// Equal lengths let the compiler drop the bounds checks below.
			ai = ai[:len(ar)]
			br, bi := re[s+m : s+2*m][:len(ar)], im[s+m : s+2*m][:len(ar)]
			cr, ci := re[s+2*m : s+3*m][:len(ar)], im[s+2*m : s+3*m][:len(ar)]
			dr, di := re[s+3*m : s+4*m][:len(ar)], im[s+3*m : s+4*m][:len(ar)]
			w1r, w1i := q.w1r[:len(ar)], q.w1i[:len(ar)]
			w2r, w2i := q.w2r[:len(ar)], q.w2i[:len(ar)]
			w3r, w3i := q.w3r[:len(ar)], q.w3i[:len(ar)]
			for k := range ar {
				// In bit-reversed order the blocks hold the sub-DFTs of
				// x[4t], x[4t+2], x[4t+1], x[4t+3]: B gets w^2k, C w^k.
				pr, pi := ar[k], ai[k]
				qr, qi := w2r[k]*br[k]-w2i[k]*bi[k], w2r[k]*bi[k]+w2i[k]*br[k]
				ur, ui := w1r[k]*cr[k]-w1i[k]*ci[k], w1r[k]*ci[k]+w1i[k]*cr[k]
				vr, vi := w3r[k]*dr[k]-w3i[k]*di[k], w3r[k]*di[k]+w3i[k]*dr[k]
				e0r, e0i := pr+qr, pi+qi
				e1r, e1i := pr-qr, pi-qi
				f0r, f0i := ur+vr, ui+vi
				f1r, f1i := ur-vr, ui-vi
				ar[k], ai[k] = e0r+f0r, e0i+f0i
				cr[k], ci[k] = e0r-f0r, e0i-f0i
				// ∓i·(f1r + i·f1i) = ±f1i ∓ i·f1r
				br[k], bi[k] = e1r+f1i, e1i-f1r
				dr[k], di[k] = e1r-f1i, e1i+f1r
			}
		}
	}
	if r.last != nil {
		h := n / 2
		ar, ai := re[:h], im[:h]
		br, bi := re[h:], im[h:]
		for k := range ar {
			wr, wi := r.last[2*k], r.last[2*k+1]
			tr := wr*br[k] - wi*bi[k]
			ti := wr*bi[k] + wi*br[k]
			ur, ui := ar[k], ai[k]
			ar[k], ai[k] = ur+tr, ui+ti
			br[k], bi[k] = ur-tr, ui-ti
		}
	}
}
