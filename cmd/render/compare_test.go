package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestCompareFlags: --compare, --labels, --caption=false, --music-strip and
// --keypoints=drawn reach the render: two labelled panels over a strip,
// without the caption bar, keypoints per label at --fps; the help explains
// the new flags, and bad values are usage errors (exit 2).
func TestCompareFlags(t *testing.T) {
	needFFmpeg(t)
	dir := t.TempDir()
	song := filepath.Join(dir, "song.wav")
	tone(t, song, 2)
	out := filepath.Join(dir, "out")
	r := runCmd(t, renderCmd("--compare", "builtin,plain", "--labels", "ours,still", "--caption=false", "--music-strip",
		"--keypoints=drawn", "--fps", "60", "--size", "64x64", "--preset", "ultrafast", "-o", out, song))
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	size, err := exec.Command("ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height", "-of", "csv=p=0:s=x",
		filepath.Join(out, "song.mp4")).Output()
	if err != nil {
		t.Fatal(err)
	}
	// Two 64 px panels, each under a 16 px label bar, over a 32 px strip.
	if got := strings.TrimSpace(string(size)); got != "128x112" {
		t.Errorf("video %s, want 128x112", got)
	}
	for _, label := range []string{"ours", "still"} {
		var doc struct {
			FPS    float64 `json:"fps"`
			Frames int     `json:"frames"`
		}
		j, err := os.ReadFile(filepath.Join(out, "song."+label+".json"))
		if err != nil || json.Unmarshal(j, &doc) != nil || doc.FPS != 60 || doc.Frames != 120 {
			t.Errorf("song.%s.json: %+v, %v; want 120 frames at 60 fps (the drawn motion)", label, doc, err)
		}
	}

	h := runCmd(t, renderCmd("-h"))
	for _, f := range []string{"-compare", "-labels", "-framing", "-caption", "-music-strip", "--keypoints=drawn", "truth"} {
		if !strings.Contains(h.stderr, f) {
			t.Errorf("render -h does not explain %s", f)
		}
	}
	for _, args := range [][]string{{"--keypoints=maybe"}, {"--framing", "zoom"}, {"--compare", "builtin,jazz"},
		{"--labels", "alone"}, {"--caption=sometimes"}, {"--compare", "builtin", "--model", "m.onnx"}} {
		if r := runCmd(t, renderCmd(append(args, "-o", out, song)...)); r.code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", args, r.code, r.stderr)
		}
	}
}
