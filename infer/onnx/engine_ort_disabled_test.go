//go:build !cgo

package onnx

import (
	"strings"
	"testing"
)

func TestOpenWithoutCGO(t *testing.T) {
	_, err := Open("model.onnx", Options{})
	if err == nil || !strings.Contains(err.Error(), "model.onnx") || !strings.Contains(err.Error(), "cgo") {
		t.Errorf("error %v, want one naming the model and cgo", err)
	}
}
