package motion

import (
	"fmt"
	"math"
)

// The coordinates a model's motion may hold. The contract says x and y lie
// in [0, 1]; real ConductorMotion100 motion and the official M2S-GAN's stay
// within about [−0.1, 1.1] (M2S-GAN on its reference mel: 0.19–0.81), while a
// model that emits pixels gives hundreds. A joint more than half a picture
// outside it is taken for a broken model, not a wide gesture.
const (
	MinCoord = -0.5
	MaxCoord = 1.5
)

// ContractError is the first value of a motion that breaks the contract: not
// finite, or outside [MinCoord, MaxCoord].
type ContractError struct {
	Frame, Joint int
	Seconds      float64 // the frame's time
	Axis         string  // "x" or "y"
	Value        float32
}

func (e *ContractError) Error() string {
	where := fmt.Sprintf("frame %d (%.2f s) keypoint %d (%s)", e.Frame, e.Seconds, e.Joint, Name(e.Joint))
	v := float64(e.Value)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Sprintf("%s: %s is %v, not a coordinate", where, e.Axis, e.Value)
	}
	hint := ""
	if math.Abs(v) > 10 {
		hint = ": a pixel coordinate?"
	}
	return fmt.Sprintf("%s: %s = %.4g is far outside [0, 1] (podium accepts [%g, %g])%s", where, e.Axis, e.Value, MinCoord, MaxCoord, hint)
}

// CheckContract returns a *ContractError for the first value of m that is not
// finite or lies outside [MinCoord, MaxCoord], frames at m.Rate; nil when
// every value is a plausible coordinate.
func (m Motion) CheckContract() error {
	for i, v := range m.Data {
		if !(v >= MinCoord && v <= MaxCoord) { // also true for NaN
			f, j := i/(Joints*2), (i/2)%Joints
			axis := "x"
			if i%2 == 1 {
				axis = "y"
			}
			return &ContractError{Frame: f, Joint: j, Seconds: float64(f) / m.Rate, Axis: axis, Value: v}
		}
	}
	return nil
}
