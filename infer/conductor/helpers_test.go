package conductor

import (
	"context"
	"math"
	"sync"
	"testing"

	"github.com/podium-dev/podium/audio"
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

// fMeasure matches detected to true times one-to-one within tol seconds
// (greedy in time order, the usual beat-tracking evaluation) and returns the
// F-measure, precision and recall.
func fMeasure(detected, truth []float64, tol float64) (f, precision, recall float64) {
	if len(detected) == 0 || len(truth) == 0 {
		return 0, 0, 0
	}
	used := make([]bool, len(truth))
	hits := 0
	j := 0
	for _, d := range detected {
		for j < len(truth) && truth[j] < d-tol {
			j++
		}
		best := -1
		for k := j; k < len(truth) && truth[k] <= d+tol; k++ {
			if !used[k] && (best < 0 || math.Abs(truth[k]-d) < math.Abs(truth[best]-d)) {
				best = k
			}
		}
		if best >= 0 {
			used[best] = true
			hits++
		}
	}
	precision = float64(hits) / float64(len(detected))
	recall = float64(hits) / float64(len(truth))
	if hits == 0 {
		return 0, precision, recall
	}
	return 2 * precision * recall / (precision + recall), precision, recall
}

// medianOffset is the median of detected minus nearest true time, over the
// pairs closer than tol.
func medianOffset(detected, truth []float64, tol float64) float64 {
	var d []float64
	for _, x := range detected {
		best := math.Inf(1)
		for _, y := range truth {
			if math.Abs(x-y) < math.Abs(best) {
				best = x - y
			}
		}
		if math.Abs(best) < tol {
			d = append(d, best)
		}
	}
	if len(d) == 0 {
		return math.NaN()
	}
	sortFloats(d)
	return d[len(d)/2]
}

func sortFloats(x []float64) {
	for i := 1; i < len(x); i++ {
		for j := i; j > 0 && x[j] < x[j-1]; j-- {
			x[j], x[j-1] = x[j-1], x[j]
		}
	}
}
