package conductor

import (
	"context"
	"sync"
	"testing"

	"github.com/podium-dev/podium/audio"
	"github.com/podium-dev/podium/internal/beateval"
	"github.com/podium-dev/podium/internal/synth"
)

// rendered is a synthesized test piece with its real mel.
type rendered struct {
	piece synth.Piece
	synth.Rendered
	mel audio.Mel
}

// pieceCache renders each piece once per test binary: several tests listen to
// the same music.
type pieceCache struct {
	mu     sync.Mutex
	pieces map[string]*rendered
}

var cache = pieceCache{pieces: map[string]*rendered{}}

// render synthesizes p at 22 050 Hz and computes its mel with the real
// audio.MelSpectrogram, so the test hears what a user's file would give.
func render(t testing.TB, p synth.Piece) *rendered {
	t.Helper()
	cache.mu.Lock()
	defer cache.mu.Unlock()
	if r, ok := cache.pieces[p.Name]; ok {
		return r
	}
	r, err := synth.Render(context.Background(), p, audio.SampleRate)
	if err != nil {
		t.Fatal(err)
	}
	out := &rendered{piece: p, Rendered: r, mel: audio.MelSpectrogram(r.Samples, audio.Options{})}
	cache.pieces[p.Name] = out
	return out
}

func fMeasure(detected, truth []float64, tol float64) (f, precision, recall float64) {
	return beateval.FMeasure(detected, truth, tol)
}

func medianOffset(detected, truth []float64, tol float64) float64 {
	return beateval.MedianOffset(detected, truth, tol)
}
