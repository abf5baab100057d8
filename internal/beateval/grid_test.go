package beateval

import (
	"os"
	"path/filepath"
	"testing"
)

// TestReadGrid reads both grid formats: the real recordings' {"t": s} beats
// with a list of tempi, and the synthesized samples' plain seconds with a
// metre; a beat that is not a time, or no beat, is refused.
func TestReadGrid(t *testing.T) {
	dir := t.TempDir()
	write := func(name, doc string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	g, err := ReadGrid(write("a.beats.json", `{"bpm": [140.0], "beats": [{"t": 0.43, "beat": 1}, {"t": 0.86, "beat": 2}]}`))
	if err != nil || g.BPM != 140 || len(g.Beats) != 2 || g.Beats[1] != 0.86 || g.Metre != 0 {
		t.Errorf("real grid: %+v %v", g, err)
	}
	g, err = ReadGrid(write("b.beats.json", `{"bpm": 90, "metre": 3, "beats": [1.5, 2.166667]}`))
	if err != nil || g.BPM != 90 || len(g.Beats) != 2 || g.Beats[0] != 1.5 || g.Metre != 3 {
		t.Errorf("sample grid: %+v %v", g, err)
	}
	for _, doc := range []string{`{"beats": ["x"]}`, `{"beats": []}`, `{"beats": [{"beat": 1}]}`, `not json`} {
		if _, err := ReadGrid(write("c.beats.json", doc)); err == nil {
			t.Errorf("%s accepted", doc)
		}
	}
	if got := GridPath("/m/song.ogg"); got != "/m/song.beats.json" {
		t.Errorf("GridPath: %s", got)
	}
}
