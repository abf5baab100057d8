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

// TestFlatnessTellsNoiseFromTone: Analysis.Flatness is the mel power's
// spectral flatness. White noise (every band equally loud) is 1; a few
// harmonics standing 40 dB above the rest (a tone) are near 0; the
// synthesized orchestral pieces are tonal.
func TestFlatnessTellsNoiseFromTone(t *testing.T) {
	const frames = 3 * audio.MelRate
	mel := func(value func(band int) float32) audio.Mel {
		m := audio.Mel{Frames: frames, Data: make([]float32, frames*audio.MelBands)}
		for f := 0; f < frames; f++ {
			for b := 0; b < audio.MelBands; b++ {
				m.Data[f*audio.MelBands+b] = value(b)
			}
		}
		return m
	}
	middle := func(x []float32) float64 { return float64(x[len(x)/2]) }
	noise, err := Listen(context.Background(), mel(func(int) float32 { return 0.9 }))
	if err != nil {
		t.Fatal(err)
	}
	tone, err := Listen(context.Background(), mel(func(b int) float32 {
		if b%16 == 3 {
			return 0.95
		}
		return 0.45
	}))
	if err != nil {
		t.Fatal(err)
	}
	r, err := synth.Render(context.Background(), synth.Samples()[2], audio.SampleRate)
	if err != nil {
		t.Fatal(err)
	}
	chorale, err := Listen(context.Background(), audio.MelSpectrogram(r.Samples, audio.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	var sum float64
	var n int
	for i, a := range chorale.Active {
		if a {
			sum += float64(chorale.Flatness[i])
			n++
		}
	}
	t.Logf("flatness: noise %.3f, tone %.4f, chorale %.4f", middle(noise.Flatness), middle(tone.Flatness), sum/float64(n))
	if v := middle(noise.Flatness); math.Abs(v-1) > 0.02 {
		t.Errorf("white noise has flatness %.3f, want 1", v)
	}
	if v := middle(tone.Flatness); v > 0.05 {
		t.Errorf("a tone has flatness %.3f, want near 0", v)
	}
	if v := sum / float64(n); v > 0.05 {
		t.Errorf("the synthesized chorale has flatness %.3f, want a tonal sound's (< 0.05)", v)
	}
}
