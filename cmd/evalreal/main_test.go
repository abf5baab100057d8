package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/podium-dev/podium/internal/testdata"
)

// TestReadGrid reads both grid formats: the real recordings' {"t": s} beats
// with a list of tempi, and the synthesized samples' plain seconds.
func TestReadGrid(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "a.beats.json")
	os.WriteFile(real, []byte(`{"bpm": [140.0], "beats": [{"t": 0.43, "beat": 1}, {"t": 0.86, "beat": 2}]}`), 0o644)
	times, bpm, err := readGrid(real)
	if err != nil || bpm != 140 || len(times) != 2 || times[1] != 0.86 {
		t.Errorf("real grid: %v %v %v", times, bpm, err)
	}
	synth := filepath.Join(dir, "b.beats.json")
	os.WriteFile(synth, []byte(`{"bpm": 90, "beats": [1.5, 2.166667]}`), 0o644)
	times, bpm, err = readGrid(synth)
	if err != nil || bpm != 90 || len(times) != 2 || times[0] != 1.5 {
		t.Errorf("sample grid: %v %v %v", times, bpm, err)
	}
	bad := filepath.Join(dir, "c.beats.json")
	os.WriteFile(bad, []byte(`{"beats": ["x"]}`), 0o644)
	if _, _, err := readGrid(bad); err == nil {
		t.Error("a grid with a non-time beat was accepted")
	}
}

// TestCollectPairsGrids: every shared real recording is found, the annotated
// ones with their grids.
func TestCollectPairsGrids(t *testing.T) {
	dir := testdata.Path(t, "realmusic")
	pieces, err := collect(options{real: []string{dir, filepath.Join(dir, "unannotated")}})
	if err != nil {
		t.Fatal(err)
	}
	annotated := 0
	for _, p := range pieces {
		if p.truth != nil {
			annotated++
			if p.bpm < 60 || len(p.truth) < 60 {
				t.Errorf("%s: %d beats at %v BPM", p.name, len(p.truth), p.bpm)
			}
		}
	}
	if len(pieces) != 12 || annotated != 6 {
		t.Errorf("%d recordings, %d annotated; want 12 and 6", len(pieces), annotated)
	}
}
