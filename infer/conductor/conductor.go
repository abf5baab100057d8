// Package conductor is the built-in engine: it listens to the mel (beat,
// tempo, metre, loudness, where the music stops) and conducts it with the
// standard beat patterns, the way SPEC §7 describes, without trained weights.
//
// What it hears comes from package beat; the beat patterns and the body are
// in conduct.go, the arm's inverse kinematics in pose.go.
package conductor

import (
	"context"
	"fmt"

	"github.com/podium-dev/podium/audio"
	"github.com/podium-dev/podium/beat"
	"github.com/podium-dev/podium/motion"
)

// Options tunes the conductor.
type Options struct {
	Seed int64 // adds natural variation; the same seed gives the same motion
}

// Conductor conducts from the music itself. It holds no state between songs,
// so one Conductor may conduct any number of songs in turn.
type Conductor struct{ opt Options }

// New returns a conductor.
func New(opt Options) *Conductor { return &Conductor{opt: opt} }

// Name is "builtin".
func (c *Conductor) Name() string { return "builtin" }

// Generate conducts the song: exactly mel.MotionFrames() frames at
// motion.Rate, every value in [0,1]. The same mel and seed give the same
// motion.
func (c *Conductor) Generate(ctx context.Context, mel audio.Mel) (motion.Motion, error) {
	if len(mel.Data) != mel.Frames*audio.MelBands {
		return motion.Motion{}, fmt.Errorf("conductor: mel has %d values for %d frames of %d bands", len(mel.Data), mel.Frames, audio.MelBands)
	}
	an, err := beat.Listen(ctx, mel)
	if err != nil {
		return motion.Motion{}, fmt.Errorf("conductor: %w", err)
	}
	return Conduct(ctx, an, mel.MotionFrames(), c.opt.Seed)
}

// Close does nothing: the conductor holds no resources.
func (c *Conductor) Close() error { return nil }
