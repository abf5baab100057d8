package moveeval

import (
	"math"
	"testing"

	"github.com/podium-dev/podium/motion"
)

// sine is a motion whose right wrist swings in y with amplitude a (std
// a/√2) and whose other joints stand still.
func sine(a float64) motion.Motion {
	m := motion.New(300, motion.Rate)
	for f := 0; f < m.Frames; f++ {
		for j := 0; j < motion.Joints; j++ {
			m.Set(f, j, motion.Point{X: 0.5, Y: 0.5})
		}
		m.Set(f, motion.RightWrist, motion.Point{X: 0.4, Y: float32(0.6 + a*math.Sin(2*math.Pi*float64(f)/30))})
	}
	return m
}

func TestStdRatiosAndSpread(t *testing.T) {
	s := StdXY(sine(0.04))
	if got, want := s[motion.RightWrist][1], 0.04/math.Sqrt2; math.Abs(got-want) > 1e-6 {
		t.Errorf("right wrist y std %.6f, want %.6f", got, want)
	}
	if s[motion.RightWrist][0] > 1e-7 || s[motion.Nose][1] > 1e-7 {
		t.Errorf("still coordinates have std %v, %v", s[motion.RightWrist][0], s[motion.Nose][1])
	}
	// Two songs: ours moves 0.02 and 0.06, the reference 0.04 and 0.04. The
	// ratio of the means is (0.02+0.06)/(0.04+0.04) = 1, though the
	// per-song ratios are 0.5 and 1.5; our spread is ×3, the reference's ×1.
	recs := []Recording{
		{Name: "a", Ours: StdXY(sine(0.02)), Ref: StdXY(sine(0.04))},
		{Name: "b", Ours: StdXY(sine(0.06)), Ref: StdXY(sine(0.04))},
	}
	if r := Ratios(recs)[motion.RightWrist][1]; math.Abs(r-1) > 1e-6 {
		t.Errorf("ratio of means %.6f, want 1", r)
	}
	ours, ref := Spreads(recs)
	if math.Abs(ours-3) > 1e-4 || math.Abs(ref-1) > 1e-4 {
		t.Errorf("spreads ×%.4f ×%.4f, want ×3 and ×1", ours, ref)
	}
	if got := SpreadTarget(2.8); math.Abs(got-1.9) > 1e-12 {
		t.Errorf("target for ×2.8 is ×%v, want ×1.9", got)
	}
	// The wrists' movement is the RMS of four stds: one of 0.04/√2, three 0.
	if w := s.Wrists(); math.Abs(w-0.02/math.Sqrt2) > 1e-6 {
		t.Errorf("wrist movement %.6f, want %.6f", w, 0.02/math.Sqrt2)
	}
}
