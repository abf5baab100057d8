package motion

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

func TestNPYRoundTrip(t *testing.T) {
	m := New(7, Rate)
	for i := range m.Data {
		m.Data[i] = float32(i) / 1000
	}
	path := filepath.Join(t.TempDir(), "m.npy")
	if err := WriteNPY(path, m); err != nil {
		t.Fatal(err)
	}
	got, err := ReadNPY(path, Rate)
	if err != nil {
		t.Fatal(err)
	}
	if got.Frames != 7 || len(got.Data) != len(m.Data) {
		t.Fatalf("read %d frames (%d values), want 7 (%d)", got.Frames, len(got.Data), len(m.Data))
	}
	for i := range m.Data {
		if got.Data[i] != m.Data[i] {
			t.Fatalf("value %d: got %v want %v", i, got.Data[i], m.Data[i])
		}
	}
}

func TestReadReferenceMotion(t *testing.T) {
	path := "../../shared/models/m2sgan/ref_motion.npy"
	if _, err := os.Stat(path); err != nil {
		t.Skip("../shared is absent:", err)
	}
	m, err := ReadNPY(path, Rate)
	if err != nil {
		t.Fatal(err)
	}
	if m.Frames != 1800 {
		t.Fatalf("reference motion has %d frames, want 1800 (SPEC §3)", m.Frames)
	}
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestWriteJSON(t *testing.T) {
	m := New(3, Rate)
	m.Set(2, RightWrist, Point{0.25, 0.75})
	path := filepath.Join(t.TempDir(), "m.json")
	if err := WriteJSON(path, m); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		FPS       float64
		Keypoints []string
		Motion    [][13][2]float32
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.FPS != 30 || len(doc.Motion) != 3 || doc.Keypoints[RightWrist] != "right_wrist" {
		t.Fatalf("unexpected JSON: fps %v, %d frames, keypoint %q", doc.FPS, len(doc.Motion), doc.Keypoints[RightWrist])
	}
	if doc.Motion[2][RightWrist] != [2]float32{0.25, 0.75} {
		t.Fatalf("right wrist of frame 2 is %v", doc.Motion[2][RightWrist])
	}
}

func TestResampleDoublesAndInterpolates(t *testing.T) {
	m := New(3, 30)
	m.Set(0, Nose, Point{0, 0})
	m.Set(1, Nose, Point{1, 2})
	m.Set(2, Nose, Point{2, 4})
	r := m.Resample(60)
	if r.Frames != 6 || r.Rate != 60 {
		t.Fatalf("got %d frames at %v fps, want 6 at 60", r.Frames, r.Rate)
	}
	if p := r.At(1, Nose); p.X != 0.5 || p.Y != 1 {
		t.Fatalf("frame 1 at 60 fps is %v, want halfway {0.5 1}", p)
	}
	if p := r.At(5, Nose); p.X != 2 {
		t.Fatalf("last frame holds %v, want the last pose", p)
	}
}
