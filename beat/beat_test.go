package beat

import (
	"context"
	"math"
	"testing"

	"github.com/podium-dev/podium/audio"
	"github.com/podium-dev/podium/internal/beateval"
	"github.com/podium-dev/podium/internal/synth"
)

// TestListenFindsBeatsAndMetre checks the listening alone: detected beat times
// against the synthesizer's true beats (±70 ms) and the detected metre.
func TestListenFindsBeatsAndMetre(t *testing.T) {
	right := 0
	set := synth.TestSet()
	for _, p := range set {
		r, err := synth.Render(context.Background(), p, audio.SampleRate)
		if err != nil {
			t.Fatal(err)
		}
		an, err := Listen(context.Background(), audio.MelSpectrogram(r.Samples, audio.Options{}))
		if err != nil {
			t.Fatal(err)
		}
		times := make([]float64, len(an.Beats))
		for i, b := range an.Beats {
			times[i] = b.Time
		}
		f, prec, rec := beateval.FMeasure(times, r.Beats, 0.07)
		off := beateval.MedianOffset(times, r.Beats, 0.07)
		downOK := 0
		for _, i := range an.Downbeats {
			for _, d := range r.Downbeats {
				if math.Abs(times[i]-r.Beats[d]) < 0.07 {
					downOK++
					break
				}
			}
		}
		t.Logf("%-30s tempo %6.1f (true %5.1f) metre %d (true %d) beats %d/%d F %.3f P %.3f R %.3f offset %+.0f ms downbeats right %d/%d",
			p.Name, an.Tempo, p.TempoAt(0), an.Metre, p.Metre, len(times), len(r.Beats), f, prec, rec, 1000*off, downOK, len(an.Downbeats))
		if f < 0.9 {
			t.Errorf("%s: beat F-measure %.3f < 0.9", p.Name, f)
		}
		if an.Metre == p.Metre {
			right++
		}
	}
	if right < 8 {
		t.Errorf("metre right on %d of %d pieces, want ≥ 8", right, len(set))
	}
}
