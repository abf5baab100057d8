package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCommittedModelsUpToDate: testdata/models holds exactly what mkmodels
// writes now (regenerate with `go generate ./infer/onnx`), each file small.
func TestCommittedModelsUpToDate(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata", "models")
	want := files()
	for name, data := range want {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Errorf("%s: %v (run go generate ./infer/onnx)", name, err)
			continue
		}
		if !bytes.Equal(got, data) {
			t.Errorf("%s differs from what mkmodels writes now (run go generate ./infer/onnx)", name)
		}
		if len(data) > 50<<10 {
			t.Errorf("%s is %d bytes, want < 50 KB", name, len(data))
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if _, ok := want[e.Name()]; !ok && strings.HasSuffix(e.Name(), ".onnx") {
			t.Errorf("%s is not written by mkmodels", e.Name())
		}
	}
}

// TestWriteIsDeterministic: two runs write the same bytes.
func TestWriteIsDeterministic(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	for _, d := range []string{a, b} {
		if err := write(d); err != nil {
			t.Fatal(err)
		}
	}
	for name := range files() {
		x, _ := os.ReadFile(filepath.Join(a, name))
		y, _ := os.ReadFile(filepath.Join(b, name))
		if len(x) == 0 || !bytes.Equal(x, y) {
			t.Errorf("%s: %d and %d bytes, not equal", name, len(x), len(y))
		}
	}
}

// TestVarint checks the encoder against protobuf's documented examples.
func TestVarint(t *testing.T) {
	var m msg
	m.varint(1, 150)
	if want := []byte{0x08, 0x96, 0x01}; !bytes.Equal(m, want) {
		t.Errorf("field 1 = 150: % x, want % x", []byte(m), want)
	}
	m = nil
	m.str(2, "testing")
	if want := append([]byte{0x12, 0x07}, "testing"...); !bytes.Equal(m, want) {
		t.Errorf("field 2 = \"testing\": % x, want % x", []byte(m), want)
	}
	m = nil
	m.varint(3, -1) // int64 −1 is ten bytes
	if len(m) != 11 || m[10] != 0x01 {
		t.Errorf("field 3 = -1: % x", []byte(m))
	}
}
