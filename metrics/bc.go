package metrics

import (
	"fmt"
	"math"
	"sort"

	"github.com/podium-dev/podium/motion"
)

// Beat Consistency (BC), the metric of Diffusion-Conductor (arXiv 2306.10065,
// after Bailando's Beat Align Score) with its units made consistent: music
// beats and motion beats both in seconds, σ in seconds. (The published code
// compares 90 Hz music-beat indices with 30 Hz motion-beat indices, σ = 3
// "frames", which caps its score near 1/3: its numbers and these are not on
// the same scale.)
const (
	// BCSigma is σ of BC's Gaussian, in seconds.
	BCSigma = 0.1
	// BCWindow is how far, in seconds, a motion beat's speed must stay above
	// its own on each side: ±10 frames at 30 fps.
	BCWindow = 10.0 / 30
)

// MotionBeats returns the times, in seconds, of a motion's beats: the local
// minima of its speed, the frame-to-frame Euclidean distance of each of the
// 13 joints summed over the joints, unsmoothed. Speed sample i, between
// frames i and i+1, sits at (i + ½)/rate. A minimum must be strictly below
// every other speed within BCWindow on each side (the window clipped at the
// ends, as scipy's argrelextrema clips it); a hold — a run of equal speeds,
// such as a motion that stops dead — counts once, at its middle, when it is
// below its neighbours on both sides. The first and last speeds are never
// beats, nor is a run reaching them, so a still motion has none.
func MotionBeats(m motion.Motion) ([]float64, error) {
	v, err := speed(m, nil)
	if err != nil {
		return nil, err
	}
	return speedMinima(v, m.Rate, nil), nil
}

// BeatConsistency is BC: the mean over the music beats (times in seconds) of
// exp(−d²/(2σ²)), d the distance in seconds to the nearest motion beat (see
// MotionBeats) and σ = BCSigma. It is 0 when the motion has no beat, and NaN
// when there is no music beat (nothing to be consistent with).
func BeatConsistency(musicBeats []float64, m motion.Motion) (float64, error) {
	return NewScorer().BeatConsistency(musicBeats, m)
}

// BeatConsistency is the package's BeatConsistency, reusing the Scorer's
// buffers.
func (s *Scorer) BeatConsistency(musicBeats []float64, m motion.Motion) (float64, error) {
	var err error
	if s.speed, err = speed(m, s.speed); err != nil {
		return 0, err
	}
	s.beats = speedMinima(s.speed, m.Rate, s.beats[:0])
	return bc(musicBeats, s.beats), nil
}

// bc scores music beats against sorted motion beats.
func bc(music, moves []float64) float64 {
	if len(music) == 0 {
		return math.NaN()
	}
	if len(moves) == 0 {
		return 0
	}
	total := 0.0
	for _, t := range music {
		i := sort.SearchFloat64s(moves, t) // the first motion beat at or after t
		d := math.Inf(1)
		if i < len(moves) {
			d = moves[i] - t
		}
		if i > 0 {
			d = min(d, t-moves[i-1])
		}
		total += math.Exp(-d * d / (2 * BCSigma * BCSigma))
	}
	return total / float64(len(music))
}

// speed returns the summed joint speed of a finite motion at a positive
// rate: frames−1 values, in buf when it is long enough.
func speed(m motion.Motion, buf []float64) ([]float64, error) {
	if len(m.Data) != m.Frames*Channels {
		return nil, fmt.Errorf("metrics: %d values for %d frames", len(m.Data), m.Frames)
	}
	if !(m.Rate > 0) {
		return nil, fmt.Errorf("metrics: motion rate %v is not positive", m.Rate)
	}
	n := max(m.Frames-1, 0)
	if cap(buf) < n {
		buf = make([]float64, n)
	}
	buf = buf[:n]
	for i := range buf {
		a, b := m.Data[i*Channels:(i+1)*Channels], m.Data[(i+1)*Channels:(i+2)*Channels]
		s := 0.0
		for j := 0; j < Channels; j += 2 {
			dx, dy := float64(b[j])-float64(a[j]), float64(b[j+1])-float64(a[j+1])
			s += math.Sqrt(dx*dx + dy*dy)
		}
		if s-s != 0 { // NaN or ±Inf
			return nil, fmt.Errorf("metrics: frame %d or %d is not finite", i, i+1)
		}
		buf[i] = s
	}
	return buf, nil
}

// speedMinima appends to out the times of the minima of v (see MotionBeats).
func speedMinima(v []float64, rate float64, out []float64) []float64 {
	w := int(math.Round(BCWindow * rate))
	for a := 1; a < len(v)-1; {
		b := a // the run of speeds equal to v[a] is [a, b]
		for b+1 < len(v) && v[b+1] == v[a] {
			b++
		}
		if v[a-1] != v[a] && b < len(v)-1 && below(v, a, b, w) {
			out = append(out, (float64(a+b)/2+0.5)/rate)
		}
		a = b + 1
	}
	return out
}

// below reports whether v[a] (= v[a..b]) is strictly below every speed within
// w of the run on either side.
func below(v []float64, a, b, w int) bool {
	x := v[a]
	for k := max(a-w, 0); k < a; k++ {
		if v[k] <= x {
			return false
		}
	}
	for k := b + 1; k <= min(b+w, len(v)-1); k++ {
		if v[k] <= x {
			return false
		}
	}
	return true
}
