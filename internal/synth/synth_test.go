package synth

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// TestBeatTimesFollowTempo checks beat spacing against the written tempo,
// including a tempo step.
func TestBeatTimesFollowTempo(t *testing.T) {
	p := Piece{Name: "step", Metre: 3, Bars: 4, Tempo: []Point{{0, 60}, {2, 60}, {2, 120}}, LeadIn: 0.5, Root: 55}
	b := p.BeatTimes()
	if len(b) != 13 {
		t.Fatalf("%d beats, want 4 bars × 3 + final = 13", len(b))
	}
	if b[0] != 0.5 {
		t.Fatalf("first beat at %v, want the lead-in 0.5", b[0])
	}
	for k := 1; k < len(b); k++ {
		want := 1.0
		if k > 6 {
			want = 0.5
		}
		if d := b[k] - b[k-1]; math.Abs(d-want) > 1e-9 {
			t.Fatalf("beat %d follows %v s after the previous, want %v", k, d, want)
		}
	}
}

// TestRenderDeterministicWithOnsetsOnBeats renders a piece twice and checks
// that the samples are identical, and that the signal's energy rises at the
// beats: the short-time energy just after each beat exceeds that just before.
func TestRenderDeterministicWithOnsetsOnBeats(t *testing.T) {
	ctx := context.Background()
	for _, p := range TestSet() {
		a, err := Render(ctx, p, 22050)
		if err != nil {
			t.Fatal(err)
		}
		b, err := Render(ctx, p, 22050)
		if err != nil {
			t.Fatal(err)
		}
		for i := range a.Samples {
			if a.Samples[i] != b.Samples[i] {
				t.Fatalf("%s: sample %d differs between two renders", p.Name, i)
			}
		}
		if math.Abs(float64(len(a.Samples))/22050-p.Duration()) > 1e-3 {
			t.Fatalf("%s: %d samples for %v s", p.Name, len(a.Samples), p.Duration())
		}
		// Energy of the first difference: a high-pass that weighs the
		// string and brass attacks as much as the bass and timpani. The
		// backbeat's beats are its kick and snare under off-beat hats and
		// stabs: there the plain energy.
		energy := func(from, to float64) float64 {
			i0, i1 := max(int(from*22050), 1), min(int(to*22050), len(a.Samples))
			s := 0.0
			for i := i0; i < i1; i++ {
				d := float64(a.Samples[i] - a.Samples[i-1])
				if p.Style == Backbeat {
					d = float64(a.Samples[i])
				}
				s += d * d
			}
			return s / float64(i1-i0)
		}
		rises := 0
		for _, bt := range a.Beats {
			if energy(bt, bt+0.05) > 1.1*energy(bt-0.05, bt) {
				rises++
			}
		}
		if frac := float64(rises) / float64(len(a.Beats)); frac < 0.9 {
			t.Errorf("%s: energy rises at only %.0f%% of the beats", p.Name, 100*frac)
		}
		if energy(0, p.LeadIn-0.01) != 0 {
			t.Errorf("%s: the lead-in is not silent", p.Name)
		}
	}
}

// TestCommittedBeatsMatch regenerates the committed samples' beat times and
// compares them with test_samples/<name>.beats.json.
func TestCommittedBeatsMatch(t *testing.T) {
	for _, p := range Samples() {
		path := filepath.Join("..", "..", "test_samples", p.Name+".beats.json")
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%s: %v (run make samples)", p.Name, err)
		}
		var doc struct {
			Metre     int       `json:"metre"`
			Beats     []float64 `json:"beats"`
			Downbeats []int     `json:"downbeats"`
		}
		if err := json.Unmarshal(raw, &doc); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if _, err := os.Stat(filepath.Join("..", "..", "test_samples", p.Name+"."+p.Format)); err != nil {
			t.Errorf("%s: audio file missing: %v", p.Name, err)
		}
		want := p.BeatTimes()
		if doc.Metre != p.Metre || len(doc.Beats) != len(want) {
			t.Fatalf("%s: file has metre %d and %d beats, generator %d and %d", p.Name, doc.Metre, len(doc.Beats), p.Metre, len(want))
		}
		for i := range want {
			if math.Abs(doc.Beats[i]-want[i]) > 1e-6 {
				t.Fatalf("%s: beat %d at %v in the file, %v regenerated", p.Name, i, doc.Beats[i], want[i])
			}
		}
		for i, d := range doc.Downbeats {
			if d != i*p.Metre {
				t.Fatalf("%s: downbeat %d is beat %d, want %d", p.Name, i, d, i*p.Metre)
			}
		}
	}
}

// TestOffBeatIntroAccentsTheOffBeats: in OffBeatIntro's intro the signal's
// energy rises at the off-beats far more than at the beats (it is what the
// conductor's test is about), and after it the backbeat's kick and snare
// make it rise at the beats; an intro on a style other than Backbeat is
// refused.
func TestOffBeatIntroAccentsTheOffBeats(t *testing.T) {
	p := OffBeatIntro()
	r, err := Render(context.Background(), p, 22050)
	if err != nil {
		t.Fatal(err)
	}
	energy := func(from, to float64) float64 {
		i0, i1 := max(int(from*22050), 0), min(int(to*22050), len(r.Samples))
		s := 0.0
		for _, v := range r.Samples[i0:i1] {
			s += float64(v) * float64(v)
		}
		return s / float64(max(1, i1-i0))
	}
	rise := func(t0 float64) float64 { return energy(t0, t0+0.05) / (energy(t0-0.05, t0) + 1e-12) }
	introBeats := p.IntroBars * p.Metre
	var onIntro, offIntro, onGroove float64
	for k := 1; k+1 < len(r.Beats); k++ {
		b := r.Beats[k]
		mid := (b + r.Beats[k+1]) / 2
		switch {
		case k < introBeats-1:
			onIntro += rise(b) / float64(introBeats-2)
			offIntro += rise(mid) / float64(introBeats-2)
		case k > introBeats:
			onGroove += rise(b) / float64(len(r.Beats)-introBeats-2)
		}
	}
	t.Logf("mean energy rise: intro beats ×%.2f, intro off-beats ×%.2f, groove beats ×%.2f", onIntro, offIntro, onGroove)
	if offIntro < 3*onIntro || onGroove < 2 {
		t.Errorf("intro: ×%.2f at the beats, ×%.2f at the off-beats; groove ×%.2f at the beats", onIntro, offIntro, onGroove)
	}
	bad := p
	bad.Style = Waltz
	if bad.Validate() == nil {
		t.Error("an off-beat intro on a waltz was accepted")
	}
}
