package main

import (
	"path/filepath"
	"testing"

	"github.com/podium-dev/podium/internal/testdata"
)

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
