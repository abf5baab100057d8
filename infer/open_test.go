package infer

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/podium-dev/podium/audio"
	"github.com/podium-dev/podium/motion"
)

// melOf returns a mel of the given length whose bands pulse at 2 Hz, enough
// for every engine to have something to listen to.
func melOf(frames int) audio.Mel {
	m := audio.Mel{Frames: frames, Data: make([]float32, frames*audio.MelBands)}
	for f := 0; f < frames; f++ {
		v := float32(0.2)
		if f%45 < 5 {
			v = 0.9
		}
		for b := range m.Row(f) {
			m.Row(f)[b] = v
		}
	}
	return m
}

func TestPlainHoldsTheTypicalPose(t *testing.T) {
	eng, err := Open(Options{Engine: "plain"})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	m, err := eng.Generate(context.Background(), melOf(900))
	if err != nil {
		t.Fatal(err)
	}
	if m.Frames != 300 || m.Rate != motion.Rate {
		t.Fatalf("%d frames at %v fps, want 300 at 30", m.Frames, m.Rate)
	}
	pose := TypicalPose()
	for _, f := range []int{0, 150, 299} {
		if got := m.At(f, motion.RightWrist); got != pose[motion.RightWrist] {
			t.Fatalf("frame %d right wrist %v, want the typical %v", f, got, pose[motion.RightWrist])
		}
	}
}

func TestOpenChoosesTheEngine(t *testing.T) {
	for _, tc := range []struct {
		opt  Options
		name string
	}{
		{Options{}, "builtin"},
		{Options{Engine: "builtin"}, "builtin"},
		{Options{Engine: "plain"}, "plain"},
	} {
		eng, err := Open(tc.opt)
		if err != nil {
			t.Fatalf("%+v: %v", tc.opt, err)
		}
		if eng.Name() != tc.name {
			t.Errorf("%+v opened %q, want %q", tc.opt, eng.Name(), tc.name)
		}
		m, err := eng.Generate(context.Background(), melOf(450))
		if err != nil || m.Frames != 150 {
			t.Errorf("%s: %d frames, %v; want 150", tc.name, m.Frames, err)
		}
		eng.Close()
	}
	if _, err := Open(Options{Engine: "jazz"}); err == nil || !strings.Contains(err.Error(), "jazz") {
		t.Fatalf("unknown engine: %v, want an error naming it", err)
	}
}

func TestOpenModelGoesToONNX(t *testing.T) {
	model, err := filepath.Abs("../testdata/models/tiny_ok.onnx")
	if err != nil {
		t.Fatal(err)
	}
	eng, err := Open(Options{Model: model, Device: "cpu", ORTLib: os.Getenv("ONNXRUNTIME_SHARED_LIBRARY_PATH")})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	m, err := eng.Generate(context.Background(), melOf(900))
	if err != nil {
		t.Fatal(err)
	}
	if m.Frames != 300 {
		t.Fatalf("%d frames, want 300", m.Frames)
	}
	if _, err := Open(Options{Model: filepath.Join(t.TempDir(), "missing.onnx"), Device: "cpu"}); err == nil ||
		!strings.Contains(err.Error(), "missing.onnx") {
		t.Fatalf("missing model: %v, want an error naming it", err)
	}
}
