package conductor

import (
	"context"
	"encoding/json"
	"os"
	"testing"

	"github.com/podium-dev/podium/audio"
	"github.com/podium-dev/podium/internal/beateval"
	"github.com/podium-dev/podium/internal/synth"
	"github.com/podium-dev/podium/internal/testdata"
	"github.com/podium-dev/podium/motion"
)

// rightWristIctuses finds the ictuses as issue 12 defines them: local maxima
// of the right wrist's image y, prominence ≥ 0.01, at least 5 frames apart.
func rightWristIctuses(m motion.Motion) []float64 {
	y := make([]float64, m.Frames)
	for f := range y {
		y[f] = float64(m.At(f, motion.RightWrist).Y)
	}
	return beateval.Ictuses(y, m.Rate)
}

// TestOffBeatMixConductedOnTheBeats: kick on 1 and 3, snare on 2 and 4,
// hi-hat eighths and off-beat chord stabs, where the upper bands are as loud
// on the off-beats as on the beats. The ictuses must fall on the beats (±70
// ms, the grid itself: half a beat off scores nothing).
func TestOffBeatMixConductedOnTheBeats(t *testing.T) {
	r := render(t, synth.OffBeatMix())
	m := generate(t, r.mel, 1)
	ict := rightWristIctuses(m)
	f, prec, rec := fMeasure(ict, r.Beats, 0.07)
	lead := -1000 * medianOffset(ict, r.Beats, 0.1)
	t.Logf("%d ictuses for %d beats: F %.3f (P %.3f R %.3f), lead %.0f ms", len(ict), len(r.Beats), f, prec, rec, lead)
	if f < 0.9 {
		t.Errorf("ictus F-measure %.3f on the off-beat mix, want ≥ 0.9 on the beats", f)
	}
}

// TestRealMusicOnTheBeat conducts two of the shared real rock mixes whose
// snare, guitar and cymbals accent the off-beats (a thrash beat: the snare on
// every off-beat) and scores the right wrist's ictuses against the chart's
// beat grid as issue 12 does: F ≥ 0.9 at ±70 ms, half or double tempo
// allowed, half a beat off not.
func TestRealMusicOnTheBeat(t *testing.T) {
	for _, name := range []string{"escape_from_chaosland", "metal_madness"} {
		path := testdata.Path(t, "realmusic", name+".ogg")
		mel, _, err := audio.Load(context.Background(), path, audio.Options{})
		if err != nil {
			t.Fatal(err)
		}
		raw, err := os.ReadFile(testdata.Path(t, "realmusic", name+".beats.json"))
		if err != nil {
			t.Fatal(err)
		}
		var grid struct {
			Beats []struct {
				T float64 `json:"t"`
			} `json:"beats"`
		}
		if err := json.Unmarshal(raw, &grid); err != nil {
			t.Fatal(err)
		}
		truth := make([]float64, len(grid.Beats))
		for i, b := range grid.Beats {
			truth[i] = b.T
		}
		m := generate(t, mel, 0)
		f, level := beateval.TempoFMeasure(rightWristIctuses(m), truth, 0.07)
		t.Logf("%s: ictus F %.3f (%s)", name, f, level)
		if f < 0.9 {
			t.Errorf("%s: ictus F-measure %.3f < 0.9", name, f)
		}
	}
}
