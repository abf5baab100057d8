// Command mkmodels writes the tiny ONNX models the infer/onnx tests use into
// testdata/models, encoding the protobuf by hand so that neither the tests
// nor this program need Python or the onnx package. Run it with
// `go generate ./infer/onnx` (or `go run ./cmd/mkmodels`) after changing it,
// and commit the files it writes; a test checks they are up to date.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

func main() {
	out := flag.String("o", "testdata/models", "folder to write the models into")
	flag.Parse()
	if err := write(*out); err != nil {
		fmt.Fprintln(os.Stderr, "mkmodels:", err)
		os.Exit(1)
	}
}

// files returns every file mkmodels writes, by name.
func files() map[string][]byte {
	fs := map[string][]byte{"not_onnx.onnx": []byte(notONNX)}
	for name, s := range models() {
		fs[name] = build(name, s)
	}
	return fs
}

// write writes the files into dir.
func write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	fs := files()
	names := make([]string, 0, len(fs))
	for name := range fs {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, fs[name], 0o644); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
	}
	return nil
}
