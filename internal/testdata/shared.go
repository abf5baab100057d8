// Package testdata finds the shared reference data (../shared beside the
// repository) for tests.
package testdata

import (
	"os"
	"path/filepath"
	"testing"
)

// SharedDir returns the absolute path of the shared folder that sits beside the
// repository root (the folder holding go.mod). Tests that need it skip, saying
// why, only where it is absent.
func SharedDir(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's folder")
		}
		dir = parent
	}
	shared := filepath.Join(filepath.Dir(dir), "shared")
	if _, err := os.Stat(filepath.Join(shared, "docs", "SPEC.md")); err != nil {
		t.Skipf("the shared reference data is absent (%s): %v", shared, err)
	}
	return shared
}

// Path joins elements onto SharedDir.
func Path(t testing.TB, elem ...string) string {
	t.Helper()
	return filepath.Join(append([]string{SharedDir(t)}, elem...)...)
}
