package infer

import (
	"fmt"

	"github.com/podium-dev/podium/infer/conductor"
	"github.com/podium-dev/podium/infer/onnx"
)

// Options chooses and configures an engine.
type Options struct {
	Model   string // an .onnx model; "" uses Engine
	Engine  string // "builtin" (default) or "plain"; ignored when Model is set
	Device  string // auto, cpu or cuda (ONNX only)
	ORTLib  string // libonnxruntime.so path (ONNX only); "" finds the cached one
	Threads int    // ONNX Runtime intra-op threads; 0 means all cores
	Seed    int64  // noise and variation seed
	Notify  func(string)
}

// Open returns the engine the options name.
func Open(opt Options) (Engine, error) {
	if opt.Model != "" {
		return onnx.Open(opt.Model, onnx.Options{Device: opt.Device, LibraryPath: opt.ORTLib,
			Threads: opt.Threads, Seed: opt.Seed, Notify: opt.Notify})
	}
	switch opt.Engine {
	case "", "builtin":
		return conductor.New(conductor.Options{Seed: opt.Seed}), nil
	case "plain":
		return Plain{}, nil
	default:
		return nil, fmt.Errorf("unknown engine %q (want builtin or plain, or give a model)", opt.Engine)
	}
}
