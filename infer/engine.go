// Package infer turns a mel spectrogram into conducting motion. An Engine is
// either an ONNX model run by ONNX Runtime (package infer/onnx) or the built-in
// conductor that listens to the music itself (package infer/conductor).
package infer

import (
	"context"

	"github.com/podium-dev/podium/audio"
	"github.com/podium-dev/podium/motion"
)

// Engine makes motion from a mel. Generate returns exactly mel.MotionFrames()
// frames at motion.Rate; it is safe to call again for the next song but not
// from several goroutines at once.
type Engine interface {
	Name() string
	Generate(ctx context.Context, mel audio.Mel) (motion.Motion, error)
	Close() error
}
