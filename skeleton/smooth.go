package skeleton

import (
	"gonum.org/v1/gonum/mat"

	"github.com/podium-dev/podium/motion"
)

// The reference's smoothing (SPEC §4): scipy.signal.savgol_filter(x, 19, 5)
// along time, per coordinate.
const (
	sgWindow = 19
	sgOrder  = 5
)

// Smooth applies the Savitzky–Golay filter (window 19 frames, order 5) to
// each of the 26 coordinate series, as scipy's savgol_filter does with its
// default mode='interp': inside, each value is replaced by the value at the
// window's centre of the least-squares order-5 polynomial through its 19
// neighbours; the first and last 9 values come from the polynomial fitted to
// the first and last 19 frames. A polynomial of degree ≤ 5 passes unchanged.
//
// The window is counted in frames, so smooth at the model's 30 fps before
// resampling, as the reference does. Scipy refuses series shorter than the
// window; Smooth instead uses the largest odd window ≤ Frames that still
// exceeds the order (7..17), and returns an unchanged copy when Frames < 7.
// The result is a new motion; m is not modified. Non-finite values spread to
// the frames whose windows contain them.
func Smooth(m motion.Motion) motion.Motion {
	out := m.Clone()
	n := m.Frames
	if len(m.Data) != n*motion.Joints*2 {
		return out
	}
	w := sgWindow
	if n < w {
		w = n
		if w%2 == 0 {
			w--
		}
	}
	if w <= sgOrder {
		return out
	}
	h := sgProjection(w, sgOrder)
	half := w / 2
	const channels = motion.Joints * 2
	x := make([]float64, n)
	for c := 0; c < channels; c++ {
		for f := 0; f < n; f++ {
			x[f] = float64(m.Data[f*channels+c])
		}
		for f := 0; f < n; f++ {
			// Row r of the projection evaluates the fit over window
			// x[start:start+w] at its r-th point.
			start, r := f-half, half
			if f < half {
				start, r = 0, f
			} else if f >= n-half {
				start, r = n-w, f-(n-w)
			}
			row := h[r*w : (r+1)*w]
			var s float64
			for k, hk := range row {
				s += hk * x[start+k]
			}
			out.Data[f*channels+c] = float32(s)
		}
	}
	return out
}

// sgProjection returns the w×w hat matrix H = Q·Qᵀ (row-major) of the
// least-squares polynomial fit of the given order on w equally spaced points:
// (H·y)[i] is the fitted polynomial's value at point i. Its middle row is the
// classic Savitzky–Golay smoothing kernel; the other rows give scipy's
// mode='interp' edges. The abscissae are scaled to [-1, 1] so the Vandermonde
// matrix stays well conditioned; H does not depend on that scaling.
func sgProjection(w, order int) []float64 {
	half := float64(w / 2)
	a := mat.NewDense(w, order+1, nil)
	for i := 0; i < w; i++ {
		t := (float64(i) - half) / half
		p := 1.0
		for k := 0; k <= order; k++ {
			a.Set(i, k, p)
			p *= t
		}
	}
	var qr mat.QR
	qr.Factorize(a)
	var q mat.Dense
	qr.QTo(&q)
	thin := q.Slice(0, w, 0, order+1)
	var h mat.Dense
	h.Mul(thin, thin.T())
	out := make([]float64, w*w)
	for i := 0; i < w; i++ {
		for j := 0; j < w; j++ {
			out[i*w+j] = h.At(i, j)
		}
	}
	return out
}
