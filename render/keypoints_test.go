package render

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/podium-dev/podium/audio"
	"github.com/podium-dev/podium/infer"
	"github.com/podium-dev/podium/internal/testdata"
	"github.com/podium-dev/podium/motion"
	"github.com/podium-dev/podium/skeleton"
)

// TestKeypointsAreTheEnginesMotion: for the official M2S-GAN on its
// reference mel, what --keypoints writes is, bit for bit, what the engine
// returns for the same mel and seed (30 fps, not smoothed: what evaluate
// scores and a researcher compares with PyTorch); --keypoints=drawn writes
// the motion as drawn instead (smoothed, at --fps).
func TestKeypointsAreTheEnginesMotion(t *testing.T) {
	needFFmpeg(t)
	model := testdata.Path(t, "models", "m2sgan", "m2sgan_generator.onnx")
	melPath := testdata.Path(t, "models", "m2sgan", "ref_mel.npy")
	dir := t.TempDir()
	src := filepath.Join(dir, "ref_mel.npy")
	data, err := os.ReadFile(melPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(src, data, 0o644); err != nil {
		t.Fatal(err)
	}

	const seed = 7
	mel, _, err := audio.Load(context.Background(), src, audio.Options{})
	if err != nil {
		t.Fatal(err)
	}
	eng, err := infer.Open(infer.Options{Model: model, Device: "cpu", Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	want, err := eng.Generate(context.Background(), mel)
	eng.Close()
	if err != nil {
		t.Fatal(err)
	}
	if want.Frames != 1800 {
		t.Fatalf("the engine made %d frames of the 60 s reference, want 1800", want.Frames)
	}

	render := func(out string, drawn bool, fps int) motion.Motion {
		t.Helper()
		opt := testOptions(out, src)
		opt.Engine, opt.Model, opt.Device, opt.Seed = "", model, "cpu", seed
		opt.Size, opt.FPS = Size{W: 32, H: 32}, fps
		opt.Keypoints, opt.DrawnKeypoints = true, drawn
		if rep, err := Run(context.Background(), opt); err != nil || !rep.OK() {
			t.Fatalf("Run: %v %+v", err, rep.Entries)
		}
		var doc struct {
			FPS    float64 `json:"fps"`
			Frames int     `json:"frames"`
		}
		j, err := os.ReadFile(filepath.Join(out, "ref_mel.json"))
		if err != nil || json.Unmarshal(j, &doc) != nil {
			t.Fatalf("read the JSON keypoints: %v", err)
		}
		m := readKeypoints(t, filepath.Join(out, "ref_mel.npy"))
		if doc.FPS != float64(fps) && drawn || doc.FPS != motion.Rate && !drawn || doc.Frames != m.Frames {
			t.Errorf("JSON says %d frames at %g fps; the .npy has %d", doc.Frames, doc.FPS, m.Frames)
		}
		return m
	}
	got := render(filepath.Join(dir, "engine"), false, 60)
	if got.Frames != want.Frames || !bytes.Equal(f32bytes(got.Data), f32bytes(want.Data)) {
		t.Errorf("--keypoints wrote %d frames that differ from the engine's %d (not bit for bit)", got.Frames, want.Frames)
	}
	drawnWant := skeleton.Smooth(want).Resample(60)
	drawn := render(filepath.Join(dir, "drawn"), true, 60)
	if drawn.Frames != 3600 || !bytes.Equal(f32bytes(drawn.Data), f32bytes(drawnWant.Data)) {
		t.Errorf("--keypoints=drawn wrote %d frames, not the smoothed motion at 60 fps (%d frames)", drawn.Frames, drawnWant.Frames)
	}
	if bytes.Equal(f32bytes(drawn.Data[:26*100]), f32bytes(want.Data[:26*100])) {
		t.Error("the drawn keypoints equal the engine's: nothing was smoothed")
	}
}
