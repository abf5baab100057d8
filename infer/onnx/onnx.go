// Package onnx runs a conducting model exported to ONNX through ONNX Runtime.
package onnx

// PLACEHOLDER: the ONNX helper replaces this file.

import (
	"context"
	"errors"

	"github.com/podium-dev/podium/audio"
	"github.com/podium-dev/podium/motion"
)

// Options configures the runtime.
type Options struct {
	Device      string // auto, cpu or cuda
	LibraryPath string // libonnxruntime.so; "" finds the cached one
	Threads     int    // intra-op threads; 0 means the number of cores
	Seed        int64  // seeds the noise input of GAN generators
	Notify      func(string)
}

// Engine is a loaded ONNX model.
type Engine struct{}

// Open loads the model at path.
func Open(path string, opt Options) (*Engine, error) { return nil, errors.New("onnx: not written yet") }

// Name names the engine and its model.
func (e *Engine) Name() string { return "onnx" }

// Generate runs the model over the whole song.
func (e *Engine) Generate(ctx context.Context, mel audio.Mel) (motion.Motion, error) {
	return motion.Motion{}, errors.New("onnx: not written yet")
}

// Close releases the session.
func (e *Engine) Close() error { return nil }
