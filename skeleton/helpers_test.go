package skeleton

import (
	"math"

	"github.com/podium-dev/podium/motion"
)

// typicalPose is the mean pose of SPEC §1.
var typicalPose = [motion.Joints]motion.Point{
	{X: 0.494, Y: 0.414}, {X: 0.506, Y: 0.393}, {X: 0.475, Y: 0.385}, {X: 0.524, Y: 0.373}, {X: 0.445, Y: 0.386},
	{X: 0.598, Y: 0.462}, {X: 0.404, Y: 0.472}, {X: 0.676, Y: 0.577}, {X: 0.369, Y: 0.580},
	{X: 0.614, Y: 0.588}, {X: 0.435, Y: 0.543}, {X: 0.575, Y: 0.745}, {X: 0.449, Y: 0.742},
}

// conductingMotion is the typical pose with both hands beating at 2 beats
// per second (0.15 wide, 0.12 high), the elbows following: a realistic
// load for the painter.
func conductingMotion(frames int, rate float64) motion.Motion {
	m := motion.New(frames, rate)
	for f := 0; f < frames; f++ {
		for j, q := range typicalPose {
			m.Set(f, j, q)
		}
		ph := 2 * math.Pi * float64(f) / rate
		dx, dy := float32(0.075*math.Sin(ph)), float32(0.06*math.Abs(math.Cos(ph)))
		rw, lw := typicalPose[motion.RightWrist], typicalPose[motion.LeftWrist]
		m.Set(f, motion.RightWrist, motion.Point{X: rw.X + dx, Y: rw.Y - 0.05 + dy})
		m.Set(f, motion.LeftWrist, motion.Point{X: lw.X - dx, Y: lw.Y - 0.05 + dy})
		re, le := typicalPose[motion.RightElbow], typicalPose[motion.LeftElbow]
		m.Set(f, motion.RightElbow, motion.Point{X: re.X + dx/3, Y: re.Y + dy/3})
		m.Set(f, motion.LeftElbow, motion.Point{X: le.X - dx/3, Y: le.Y + dy/3})
	}
	return m
}
