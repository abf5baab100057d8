//go:build !cgo

package onnx

import "fmt"

// Open reports that this build cannot run ONNX models: ONNX Runtime is loaded
// through cgo, and the binary was built with CGO_ENABLED=0.
func Open(path string, opt Options) (*Engine, error) {
	return nil, fmt.Errorf("open model %s: this podium was built without cgo (CGO_ENABLED=0), so it cannot load ONNX Runtime: rebuild with cgo", path)
}
