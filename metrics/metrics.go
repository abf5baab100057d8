// Package metrics computes the ConductorMotion100 competition's metrics (SPEC
// §5) exactly as its code does, in float64: the rhythm density error (RDE),
// the strength contour error (SCE) and the standard deviation proportion (SDP).
// A motion of T frames at 30 fps is viewed as 26 channels (13 keypoints × x, y).
package metrics

import (
	"fmt"
	"math"

	"github.com/podium-dev/podium/motion"
)

// The competition's constants (SPEC §5).
const (
	Rate       = 30 // frames per second the metrics assume (Welch's fs)
	Channels   = motion.Joints * 2
	RDELow     = 6  // first PSD bin of RDE (0.70 Hz)
	RDEHigh    = 26 // one past the last PSD bin of RDE (2.93 Hz)
	PoolWindow = 60 // strength-contour average-pool window, frames
	PoolStride = 30 // strength-contour average-pool stride, frames
	// MinFrames is the shortest motion all three metrics are defined for:
	// one pooling window (the PSD needs only 2·RDEHigh−2 = 50).
	MinFrames = PoolWindow
	// errorScale is the factor inside ln(scale·mse + 1) of RDE and SCE.
	errorScale = 1e7
)

// channels returns the motion as 26 float64 series, checking that it is
// finite and long enough; buf, if long enough, holds them.
func channels(m motion.Motion, buf []float64) ([Channels][]float64, error) {
	var ch [Channels][]float64
	if len(m.Data) != m.Frames*Channels {
		return ch, fmt.Errorf("metrics: %d values for %d frames", len(m.Data), m.Frames)
	}
	if m.Frames < MinFrames {
		return ch, fmt.Errorf("metrics: %d frames is shorter than the %d the metrics need", m.Frames, MinFrames)
	}
	if len(buf) < Channels*m.Frames {
		buf = make([]float64, Channels*m.Frames)
	}
	for c := range ch {
		ch[c] = buf[c*m.Frames : (c+1)*m.Frames]
	}
	for t := 0; t < m.Frames; t++ {
		for c, v := range m.Data[t*Channels : (t+1)*Channels] {
			f := float64(v)
			if f-f != 0 { // NaN or ±Inf
				return ch, fmt.Errorf("metrics: frame %d keypoint %d is not finite", t, c/2)
			}
			ch[c][t] = f
		}
	}
	return ch, nil
}

// psd is P of SPEC §5: the channels' Welch PSDs summed and divided by 26.
func psd(w *welcher, ch *[Channels][]float64) []float64 {
	out := make([]float64, w.bins())
	for c := 0; c < Channels; c += 2 {
		w.add2(out, ch[c], ch[c+1], 1.0/Channels)
	}
	return out
}

// contour is the strength contour: v_t = |mean over channels of m[t−1]−m[t]|
// with v_0 = 0, average-pooled over PoolWindow frames every PoolStride frames
// without padding (torch AvgPool1d(60, 30)).
func contour(ch *[Channels][]float64) []float64 {
	frames := len(ch[0])
	v := make([]float64, frames)
	for t := 1; t < frames; t++ {
		s := 0.0
		for _, x := range ch {
			s += x[t-1] - x[t]
		}
		v[t] = math.Abs(s / Channels)
	}
	out := make([]float64, (frames-PoolWindow)/PoolStride+1)
	for k := range out {
		s := 0.0
		for _, x := range v[k*PoolStride : k*PoolStride+PoolWindow] {
			s += x
		}
		out[k] = s / PoolWindow
	}
	return out
}

// sd is the mean over the channels of their unbiased (ddof 1) standard
// deviation over time.
func sd(ch *[Channels][]float64) float64 {
	total := 0.0
	for _, x := range ch {
		mean := sum(x) / float64(len(x))
		// Four accumulators, as in sum: one is bound by addition latency.
		var s0, s1, s2, s3 float64
		i := 0
		for ; i+3 < len(x); i += 4 {
			d0, d1, d2, d3 := x[i]-mean, x[i+1]-mean, x[i+2]-mean, x[i+3]-mean
			s0 += d0 * d0
			s1 += d1 * d1
			s2 += d2 * d2
			s3 += d3 * d3
		}
		for ; i < len(x); i++ {
			s0 += (x[i] - mean) * (x[i] - mean)
		}
		total += math.Sqrt(((s0 + s1) + (s2 + s3)) / float64(len(x)-1))
	}
	return total / Channels
}

// logError is ln(1e7·mean((a−b)²) + 1) over the given ranges.
func logError(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		d := a[i] - b[i]
		s += d * d
	}
	return math.Log(errorScale*s/float64(len(a)) + 1)
}

// PSD returns P of SPEC §5 for a motion: the Welch PSDs (fs = 30) of its 26
// channels summed and divided by 26. Bin k is at k·30/n Hz, n = min(256, T).
func PSD(m motion.Motion) ([]float64, error) {
	ch, err := channels(m, nil)
	if err != nil {
		return nil, err
	}
	return psd(newWelcher(m.Frames, Rate), &ch), nil
}

// Contour returns a motion's strength contour (SPEC §5): the absolute mean
// velocity of its 26 channels, average-pooled over 2 s every 1 s; a 60 s
// motion gives 59 values.
func Contour(m motion.Motion) ([]float64, error) {
	ch, err := channels(m, nil)
	if err != nil {
		return nil, err
	}
	return contour(&ch), nil
}

// SD returns the motion's mean over the 26 channels of the unbiased standard
// deviation over time, the numerator or denominator of SDP.
func SD(m motion.Motion) (float64, error) {
	ch, err := channels(m, nil)
	if err != nil {
		return 0, err
	}
	return sd(&ch), nil
}

// RDE returns the rhythm density error ln(1e7·mean_{k=6..25}(P_real[k] −
// P_gen[k])² + 1).
func RDE(ref, gen motion.Motion) (float64, error) {
	p, err := Compare(ref, gen)
	return p.RDE, err
}

// SCE returns the strength contour error ln(1e7·mean((contour_gen −
// contour_real)²) + 1).
func SCE(ref, gen motion.Motion) (float64, error) {
	p, err := Compare(ref, gen)
	return p.SCE, err
}

// Pair holds the metrics of one generated motion against the real one.
type Pair struct {
	RDE    float64 // rhythm density error
	SCE    float64 // strength contour error
	SDReal float64 // SD of the real motion
	SDGen  float64 // SD of the generated motion
}

// SDP is the pair's own SD proportion SD_gen / SD_real (a ratio, not a
// percentage); NaN when the real motion does not move.
func (p Pair) SDP() float64 {
	if p.SDReal == 0 {
		return math.NaN()
	}
	return p.SDGen / p.SDReal
}

// Compare computes every metric of a generated motion against the real one;
// both must have the same number of frames (at least MinFrames), all finite.
// To score many pairs, a Scorer saves the allocations.
func Compare(ref, gen motion.Motion) (Pair, error) { return NewScorer().Compare(ref, gen) }

// Scorer computes the metrics of pair after pair, keeping its FFT plan and
// buffers between them. It is not safe for concurrent use.
type Scorer struct {
	w     *welcher
	buf   []float64
	speed []float64 // BC's summed joint speed
	beats []float64 // BC's motion beats
}

// NewScorer returns a Scorer.
func NewScorer() *Scorer { return &Scorer{} }

// Compare is the package's Compare, reusing the Scorer's buffers.
func (s *Scorer) Compare(ref, gen motion.Motion) (Pair, error) {
	if ref.Frames != gen.Frames {
		return Pair{}, fmt.Errorf("metrics: real motion has %d frames, generated %d", ref.Frames, gen.Frames)
	}
	if s.w == nil || s.w.n != min(WelchSegment, ref.Frames) {
		s.w = newWelcher(ref.Frames, Rate)
	}
	// One motion at a time through the same buffer.
	if len(s.buf) < Channels*ref.Frames {
		s.buf = make([]float64, Channels*ref.Frames)
	}
	var p Pair
	ch, err := channels(ref, s.buf)
	if err != nil {
		return Pair{}, fmt.Errorf("real motion: %w", err)
	}
	pr, cr := psd(s.w, &ch), contour(&ch)
	p.SDReal = sd(&ch)
	if ch, err = channels(gen, s.buf); err != nil {
		return Pair{}, fmt.Errorf("generated motion: %w", err)
	}
	pg, cg := psd(s.w, &ch), contour(&ch)
	p.SDGen = sd(&ch)
	p.RDE = logError(pr[RDELow:RDEHigh], pg[RDELow:RDEHigh])
	p.SCE = logError(cg, cr)
	return p, nil
}

// Summary accumulates pairs into the data-set figures the competition
// publishes: RDE and SCE are means of the per-sample values, SDP is the ratio
// of the mean SDs (not the mean of the ratios).
type Summary struct {
	N                   int
	sumRDE, sumSCE      float64
	sumSDReal, sumSDGen float64

	// BCN counts the pairs with a Beat Consistency (those with music beats).
	BCN                 int
	sumBCReal, sumBCGen float64
}

// Add counts one pair.
func (s *Summary) Add(p Pair) {
	s.N++
	s.sumRDE += p.RDE
	s.sumSCE += p.SCE
	s.sumSDReal += p.SDReal
	s.sumSDGen += p.SDGen
}

// AddBC counts one pair's Beat Consistency, of the real and the generated
// motion against the same music beats; a pair without music beats (NaN) is
// not counted.
func (s *Summary) AddBC(real, gen float64) {
	if math.IsNaN(real) || math.IsNaN(gen) {
		return
	}
	s.BCN++
	s.sumBCReal += real
	s.sumBCGen += gen
}

// BCReal is the mean Beat Consistency of the real motions; NaN before any.
func (s Summary) BCReal() float64 { return meanOf(s.sumBCReal, s.BCN) }

// BCGen is the mean Beat Consistency of the generated motions; NaN before any.
func (s Summary) BCGen() float64 { return meanOf(s.sumBCGen, s.BCN) }

// RDE is the mean RDE; NaN before any pair.
func (s Summary) RDE() float64 { return s.mean(s.sumRDE) }

// SCE is the mean SCE; NaN before any pair.
func (s Summary) SCE() float64 { return s.mean(s.sumSCE) }

// SDReal is the mean SD of the real motions.
func (s Summary) SDReal() float64 { return s.mean(s.sumSDReal) }

// SDGen is the mean SD of the generated motions.
func (s Summary) SDGen() float64 { return s.mean(s.sumSDGen) }

// SDP is mean(SD_gen)/mean(SD_real), a ratio (×100 for the published %);
// NaN before any pair or when no real motion moves.
func (s Summary) SDP() float64 {
	if s.N == 0 || s.sumSDReal == 0 {
		return math.NaN()
	}
	return s.sumSDGen / s.sumSDReal
}

func (s Summary) mean(sum float64) float64 { return meanOf(sum, s.N) }

func meanOf(sum float64, n int) float64 {
	if n == 0 {
		return math.NaN()
	}
	return sum / float64(n)
}
