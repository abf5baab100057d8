package motion

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func TestCheckContract(t *testing.T) {
	m := New(90, Rate)
	for f := range m.Frames {
		for j := range Joints {
			m.Set(f, j, Point{X: 0.3 + 0.03*float32(j), Y: 0.4})
		}
	}
	// Real motion reaches a little past the picture; that is allowed.
	m.Set(10, LeftWrist, Point{X: 1.1, Y: -0.1})
	if err := m.CheckContract(); err != nil {
		t.Fatalf("a plausible motion: %v", err)
	}
	for _, c := range []struct {
		frame, joint int
		p            Point
		want         string
	}{
		{45, RightWrist, Point{X: 0.4, Y: float32(math.NaN())}, "frame 45 (1.50 s) keypoint 10 (right_wrist): y is NaN, not a coordinate"},
		{3, Nose, Point{X: float32(math.Inf(-1)), Y: 0.4}, "frame 3 (0.10 s) keypoint 0 (nose): x is -Inf"},
		{60, LeftElbow, Point{X: 412.5, Y: 300}, "frame 60 (2.00 s) keypoint 7 (left_elbow): x = 412.5 is far outside [0, 1] (podium accepts [-0.5, 1.5]): a pixel coordinate?"},
		{89, RightHip, Point{X: 0.5, Y: 1.6}, "frame 89 (2.97 s) keypoint 12 (right_hip): y = 1.6 is far outside [0, 1]"},
	} {
		bad := m.Clone()
		bad.Set(c.frame, c.joint, c.p)
		err := bad.CheckContract()
		var ce *ContractError
		if !errors.As(err, &ce) || ce.Frame != c.frame || ce.Joint != c.joint || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, want one saying %q", err, c.want)
		}
	}
}
