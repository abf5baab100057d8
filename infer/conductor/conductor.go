// Package conductor is the built-in engine: it listens to the mel and conducts.
package conductor

// PLACEHOLDER: the conductor helper replaces this file.

import (
	"context"
	"errors"

	"github.com/podium-dev/podium/audio"
	"github.com/podium-dev/podium/motion"
)

// Options tunes the conductor.
type Options struct {
	Seed int64 // adds natural variation; the same seed gives the same motion
}

// Conductor conducts from the music itself.
type Conductor struct{ opt Options }

// New returns a conductor.
func New(opt Options) *Conductor { return &Conductor{opt: opt} }

// Name is "builtin".
func (c *Conductor) Name() string { return "builtin" }

// Generate conducts the song.
func (c *Conductor) Generate(ctx context.Context, mel audio.Mel) (motion.Motion, error) {
	return motion.Motion{}, errors.New("conductor: not written yet")
}

// Close does nothing.
func (c *Conductor) Close() error { return nil }
