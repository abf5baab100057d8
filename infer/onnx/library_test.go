package onnx

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFindLibraryOrder(t *testing.T) {
	dir := t.TempDir()
	flag, env := filepath.Join(dir, "flag.so"), filepath.Join(dir, "env.so")
	for _, p := range []string{flag, env} {
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := FindLibrary(flag, env); err != nil || got != flag {
		t.Errorf("flag and env set: %q, %v; want the flag's %q", got, err, flag)
	}
	if got, err := FindLibrary("", env); err != nil || got != env {
		t.Errorf("env set: %q, %v; want %q", got, err, env)
	}

	t.Setenv("XDG_CACHE_HOME", dir)
	want := filepath.Join(dir, "podium", "onnxruntime-1.30.0", "libonnxruntime.so.1")
	if got, err := DefaultLibraryPath(); err != nil || got != want {
		t.Errorf("DefaultLibraryPath = %q, %v; want %q", got, err, want)
	}
	_, err := FindLibrary("", "")
	if err == nil {
		t.Fatal("no cached library: no error")
	}
	msg := err.Error()
	for _, s := range []string{want, "make ort", "--ort-lib", LibraryEnv} {
		if !strings.Contains(msg, s) {
			t.Errorf("missing library: %q lacks %q", msg, s)
		}
	}
	if strings.Contains(msg, "\n") {
		t.Errorf("missing library: %q is not one line", msg)
	}
	if err := os.MkdirAll(filepath.Dir(want), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(want, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, err := FindLibrary("", ""); err != nil || got != want {
		t.Errorf("cached library: %q, %v; want %q", got, err, want)
	}

	if _, err := FindLibrary(filepath.Join(dir, "nope.so"), env); err == nil || !strings.Contains(err.Error(), "--ort-lib") {
		t.Errorf("missing --ort-lib file: error %v, want one naming --ort-lib", err)
	}
	if _, err := FindLibrary(dir, ""); err == nil || !strings.Contains(err.Error(), "folder") {
		t.Errorf("a folder as library: error %v", err)
	}
}
