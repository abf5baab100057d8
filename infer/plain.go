package infer

import (
	"context"

	"github.com/podium-dev/podium/audio"
	"github.com/podium-dev/podium/motion"
)

// typicalPose is the mean pose of the official M2S-GAN over 60 s (SPEC §1).
var typicalPose = [motion.Joints][2]float32{
	{0.494, 0.414}, {0.506, 0.393}, {0.475, 0.385}, {0.524, 0.373}, {0.445, 0.386},
	{0.598, 0.462}, {0.404, 0.472}, {0.676, 0.577}, {0.369, 0.580},
	{0.614, 0.588}, {0.435, 0.543}, {0.575, 0.745}, {0.449, 0.742},
}

// TypicalPose returns the mean conductor pose of SPEC §1.
func TypicalPose() [motion.Joints]motion.Point {
	var pose [motion.Joints]motion.Point
	for j, p := range typicalPose {
		pose[j] = motion.Point{X: p[0], Y: p[1]}
	}
	return pose
}

// Plain is the competition's zero baseline: the same pose in every frame.
type Plain struct{}

// Name is "plain".
func (Plain) Name() string { return "plain" }

// Generate holds the typical pose for the length of the song.
func (Plain) Generate(ctx context.Context, mel audio.Mel) (motion.Motion, error) {
	m := motion.New(mel.MotionFrames(), motion.Rate)
	pose := TypicalPose()
	for f := 0; f < m.Frames; f++ {
		for j, p := range pose {
			m.Set(f, j, p)
		}
	}
	return m, ctx.Err()
}

// Close does nothing.
func (Plain) Close() error { return nil }
