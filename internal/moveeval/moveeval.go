// Package moveeval compares how much two engines move on the same
// recordings, the way issue 12 judges the built-in conductor against the
// official M2S-GAN: each joint's x and y standard deviation, as a ratio of
// the means over the recordings, and how much the wrists' movement varies
// from song to song. The real-music evaluation (cmd/evalreal) and the
// conductor's tests share it.
package moveeval

import (
	"math"
	"slices"

	"github.com/podium-dev/podium/motion"
)

// Std is each joint's x and y standard deviation over a motion, in image
// units: Std[j][0] for x, Std[j][1] for y.
type Std [motion.Joints][2]float64

// StdXY is each joint's x and y standard deviation over the whole motion
// (the population standard deviation; raw motion, no smoothing).
func StdXY(m motion.Motion) Std {
	var s Std
	if m.Frames == 0 {
		return s
	}
	n := float64(m.Frames)
	for j := 0; j < motion.Joints; j++ {
		var mx, my, vx, vy float64
		for f := 0; f < m.Frames; f++ {
			p := m.At(f, j)
			mx += float64(p.X)
			my += float64(p.Y)
		}
		mx /= n
		my /= n
		for f := 0; f < m.Frames; f++ {
			p := m.At(f, j)
			vx += (float64(p.X) - mx) * (float64(p.X) - mx)
			vy += (float64(p.Y) - my) * (float64(p.Y) - my)
		}
		s[j] = [2]float64{math.Sqrt(vx / n), math.Sqrt(vy / n)}
	}
	return s
}

// Wrists is a song's wrist movement: the root mean square of both wrists' x
// and y standard deviations.
func (s Std) Wrists() float64 {
	var v float64
	for _, j := range []int{motion.LeftWrist, motion.RightWrist} {
		v += s[j][0]*s[j][0] + s[j][1]*s[j][1]
	}
	return math.Sqrt(v / 4)
}

// Recording is one recording's movement by the engine under test (Ours) and
// by the reference engine (Ref).
type Recording struct {
	Name      string
	Ours, Ref Std
}

// Ratios is, per joint and axis, the mean over the recordings of Ours'
// standard deviation divided by the mean of Ref's (SPEC §5's SDP is such a
// ratio of means), as a fraction (1 = as much as the reference).
func Ratios(recs []Recording) [motion.Joints][2]float64 {
	var r [motion.Joints][2]float64
	for j := range r {
		for a := range r[j] {
			var so, sr float64
			for _, rec := range recs {
				so += rec.Ours[j][a]
				sr += rec.Ref[j][a]
			}
			if sr > 0 {
				r[j][a] = so / sr
			}
		}
	}
	return r
}

// Spreads is how much the wrists' movement varies from song to song: the
// largest song's over the smallest's, for Ours and for Ref; 0 without
// recordings.
func Spreads(recs []Recording) (ours, ref float64) {
	if len(recs) == 0 {
		return 0, 0
	}
	o := make([]float64, len(recs))
	r := make([]float64, len(recs))
	for i, rec := range recs {
		o[i], r[i] = rec.Ours.Wrists(), rec.Ref.Wrists()
	}
	return spread(o), spread(r)
}

// SpreadTarget is the spread issue 12 asks of the conductor given the
// reference's: at least half of it, in ratio above 1.
func SpreadTarget(ref float64) float64 { return 1 + (ref-1)/2 }

// The band every joint's ratio must lie in.
const (
	MinRatio = 0.6
	MaxRatio = 1.6
)

func spread(x []float64) float64 {
	lo := slices.Min(x)
	if lo <= 0 {
		return math.Inf(1)
	}
	return slices.Max(x) / lo
}
