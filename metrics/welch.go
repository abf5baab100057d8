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
		mx, my := w.mean(x[off:off+w.n]), 0.0
		if y != nil {
			my = w.mean(y[off : off+w.n])
		}
		xs := x[off : off+w.n]
		for i, win := range w.window {
			w.re[i] = (xs[i] - mx) * win
			w.im[i] = 0
		}
		if y != nil {
			ys := y[off : off+w.n]
			for i, win := range w.window {
				w.im[i] = (ys[i] - my) * win
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
			j := (w.n - i) % w.n
			p := (w.re[i]*w.re[i] + w.im[i]*w.im[i] + w.re[j]*w.re[j] + w.im[j]*w.im[j]) / 2
			if i > 0 && 2*i != w.n {
				p *= 2 // one-sided: the negative frequencies' share
			}
			dst[i] += k * p
		}
	}
}

func (w *welcher) mean(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

// radix2 is an in-place iterative radix-2 complex FFT on split real and
// imaginary arrays. gonum's fftpack port spends most of a 256-point transform
// in its array accessors; this one is several times faster, which the ≤ 5 ms
// per 60 s pair budget needs.
type radix2 struct {
	n      int
	wr, wi []float64 // twiddles of every stage, stage after stage
	rev    []int     // bit-reversal permutation
}

func newRadix2(n int) *radix2 {
	r := &radix2{n: n, rev: make([]int, n)}
	// Stage with butterflies of size s uses exp(−2πik/s), k < s/2; size 2 and
	// 4 are done without multiplications.
	for size := 8; size <= n; size <<= 1 {
		for k := 0; k < size/2; k++ {
			s, c := math.Sincos(-2 * math.Pi * float64(k) / float64(size))
			r.wr = append(r.wr, c)
			r.wi = append(r.wi, s)
		}
	}
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
	if n >= 4 {
		// Sizes 2 and 4 together: twiddles 1 and −i.
		for s := 0; s+3 < n; s += 4 {
			a, b, c, d := re[s:s+4:s+4], im[s:s+4:s+4], 0, 0
			_, _ = c, d
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
	} else if n == 2 {
		re[0], re[1] = re[0]+re[1], re[0]-re[1]
		im[0], im[1] = im[0]+im[1], im[0]-im[1]
	}
	off := 0
	for size := 8; size <= n; size <<= 1 {
		half := size / 2
		wr, wi := r.wr[off:off+half], r.wi[off:off+half]
		off += half
		for s := 0; s < n; s += size {
			ar, ai := re[s:s+half], im[s:s+half]
			br, bi := re[s+half:s+size], im[s+half:s+size]
			for k := range ar {
				cr, ci := wr[k], wi[k]
				tr := cr*br[k] - ci*bi[k]
				ti := cr*bi[k] + ci*br[k]
				ur, ui := ar[k], ai[k]
				ar[k], ai[k] = ur+tr, ui+ti
				br[k], bi[k] = ur-tr, ui-ti
			}
		}
	}
}
