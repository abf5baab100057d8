// Package synth synthesizes short orchestral test pieces (strings, brass,
// timpani) whose beat times, metre and dynamics are known exactly, so that the
// conductor's listening can be checked against the truth.
//
// Synthesis is plain additive/subtractive: detuned, low-passed saws for the
// strings, a bright filtered saw for the brass, a pitched decaying membrane for
// the timpani. Everything is deterministic: the same Piece renders the same
// samples and beat times on every machine.
package synth

import (
	"fmt"
	"math"
)

// Style chooses the accompaniment pattern of a piece.
type Style int

// The accompaniment patterns.
const (
	// Waltz: bass and timpani on the downbeat, short string chords on the
	// other beats, a sustained brass melody.
	Waltz Style = iota
	// March: timpani on every beat (accented on the downbeat), brass chords
	// accented on the downbeat, string chords on the weak beats.
	March
	// Chorale: legato string and brass chords re-articulated on every beat,
	// a bass note per beat, soft timpani on the downbeat.
	Chorale
	// Backbeat: a rock drum kit, kick on 1 and 3, snare on 2 and 4, hi-hat
	// eighths (the off-beat ones open and louder, as drummers play them),
	// a bass on the kicks and bright chord stabs on every off-beat. The off-beats
	// carry as much onset as the beats in the upper bands: only the kick
	// and the bass say where the beat is.
	Backbeat
)

// Point is one breakpoint of a curve over the piece, placed by bar position
// (0 is the first downbeat, Bars the end of the last bar).
type Point struct {
	Bar   float64 `json:"bar"`
	Value float64 `json:"value"`
}

// Piece describes one test piece.
type Piece struct {
	Name     string  // file stem, e.g. "waltz_3-4_90bpm"
	Format   string  // "ogg" or "mp3": how cmd/samplegen encodes it
	Style    Style   // accompaniment pattern
	Metre    int     // beats per bar: 2, 3 or 4
	Bars     int     // bars of music before the final chord
	Tempo    []Point // beats per minute by bar position, linear between points
	Dynamics []Point // loudness 0 (pp) … 1 (ff) by bar position, linear between points
	LeadIn   float64 // seconds of silence before the first downbeat
	Tail     float64 // seconds the final chord rings before silence ends the piece
	Root     float64 // tonic frequency in Hz of the bass octave (e.g. 65.41 for C2)
	Seed     uint64  // varies the melody and small velocity details
	// IntroBars (Backbeat only) opens the piece with that many bars of a
	// riff on the off-beats: kick, bass and chord stabs on every off-beat,
	// only a closed hi-hat on the beats, as a metal intro often goes.
	// Nothing in them but the groove that follows says where the beat is.
	IntroBars int
}

// Validate reports what is wrong with a piece description.
func (p Piece) Validate() error {
	switch {
	case p.Metre < 2 || p.Metre > 4:
		return fmt.Errorf("piece %q: metre %d is not 2, 3 or 4", p.Name, p.Metre)
	case p.Bars < 1:
		return fmt.Errorf("piece %q: %d bars", p.Name, p.Bars)
	case len(p.Tempo) == 0:
		return fmt.Errorf("piece %q: no tempo", p.Name)
	case p.LeadIn < 0 || p.Tail < 0:
		return fmt.Errorf("piece %q: negative lead-in or tail", p.Name)
	case p.Root <= 0:
		return fmt.Errorf("piece %q: root frequency %v", p.Name, p.Root)
	case p.IntroBars < 0 || p.IntroBars >= p.Bars || (p.IntroBars > 0 && p.Style != Backbeat):
		return fmt.Errorf("piece %q: %d intro bars of %d (Backbeat only)", p.Name, p.IntroBars, p.Bars)
	}
	for _, t := range p.Tempo {
		if t.Value < 20 || t.Value > 400 {
			return fmt.Errorf("piece %q: tempo %v BPM out of range", p.Name, t.Value)
		}
	}
	for _, d := range p.Dynamics {
		if d.Value < 0 || d.Value > 1 {
			return fmt.Errorf("piece %q: dynamic %v outside [0,1]", p.Name, d.Value)
		}
	}
	return nil
}

// curve evaluates a piecewise-linear curve at bar position x, holding the end
// values outside the breakpoints; def is used for an empty curve. Two points
// at the same bar make a step: the later one holds from that bar on.
func curve(c []Point, x, def float64) float64 {
	if len(c) == 0 {
		return def
	}
	i := -1 // the last breakpoint at or before x
	for k := range c {
		if c[k].Bar <= x {
			i = k
		}
	}
	switch {
	case i < 0:
		return c[0].Value
	case i == len(c)-1:
		return c[i].Value
	}
	a, b := c[i], c[i+1]
	return a.Value + (x-a.Bar)/(b.Bar-a.Bar)*(b.Value-a.Value)
}

// TempoAt is the tempo in BPM at bar position x.
func (p Piece) TempoAt(x float64) float64 { return curve(p.Tempo, x, 100) }

// DynamicAt is the loudness (0 pp … 1 ff) at bar position x.
func (p Piece) DynamicAt(x float64) float64 { return curve(p.Dynamics, x, 0.7) }

// BeatTimes returns the time in seconds of every beat, including the final
// chord's downbeat after the last bar: Bars·Metre+1 values. Each beat lasts
// 60/BPM seconds at the tempo of its own bar position, so tempo ramps and
// steps give accelerating or slowing beats exactly as written.
func (p Piece) BeatTimes() []float64 {
	n := p.Bars*p.Metre + 1
	beats := make([]float64, n)
	t := p.LeadIn
	for k := 0; k < n; k++ {
		beats[k] = t
		t += 60 / p.TempoAt(float64(k)/float64(p.Metre))
	}
	return beats
}

// Duration is the piece's length in seconds: lead-in, bars, final chord's tail.
func (p Piece) Duration() float64 {
	b := p.BeatTimes()
	return b[len(b)-1] + p.Tail
}

// OffBeatMix is the rock test piece of the Backbeat style: 4/4 at 128 BPM.
func OffBeatMix() Piece {
	return Piece{Name: "backbeat_4-4_128bpm", Style: Backbeat, Metre: 4, Bars: 12,
		Tempo: []Point{{0, 128}}, Dynamics: []Point{{0, 0.75}},
		LeadIn: 1, Tail: 1.5, Root: 55, Seed: 12}
}

// OffBeatIntro is a Backbeat piece that opens with four bars on the
// off-beats (IntroBars): 4/4 at 140 BPM, as the shared war_of_freedom does.
func OffBeatIntro() Piece {
	return Piece{Name: "backbeat_4-4_140bpm_offbeat_intro", Style: Backbeat, Metre: 4, Bars: 20, IntroBars: 4,
		Tempo: []Point{{0, 140}}, Dynamics: []Point{{0, 0.8}},
		LeadIn: 1, Tail: 1.5, Root: 49, Seed: 13}
}

// Samples returns the three pieces committed under test_samples/.
func Samples() []Piece {
	return []Piece{
		{
			Name: "waltz_3-4_90bpm", Format: "ogg", Style: Waltz, Metre: 3, Bars: 14,
			Tempo:    []Point{{0, 90}},
			Dynamics: []Point{{0, 0.55}, {6, 0.7}, {10, 0.6}, {14, 0.75}},
			LeadIn:   1.5, Tail: 2.5, Root: 43.65, Seed: 1,
		},
		{
			Name: "march_2-4_120bpm", Format: "mp3", Style: March, Metre: 2, Bars: 22,
			Tempo:    []Point{{0, 120}},
			Dynamics: []Point{{0, 0.8}, {8, 0.8}, {8, 0.55}, {16, 0.55}, {16, 0.9}},
			LeadIn:   1.2, Tail: 2, Root: 58.27, Seed: 2,
		},
		{
			Name: "chorale_4-4_72bpm_crescendo", Format: "ogg", Style: Chorale, Metre: 4, Bars: 8,
			Tempo:    []Point{{0, 72}},
			Dynamics: []Point{{0, 0.1}, {8, 1}},
			LeadIn:   1.5, Tail: 3, Root: 65.41, Seed: 3,
		},
	}
}

// TestSet returns eleven pieces with known beats for testing beat tracking
// and metre detection: the three samples plus pieces at 60–180 BPM in all
// three metres, one with a tempo step, one with a ritardando, one with a
// crescendo and the rock OffBeatMix.
func TestSet() []Piece {
	set := Samples()
	set = append(set,
		Piece{Name: "chorale_4-4_60bpm", Style: Chorale, Metre: 4, Bars: 7,
			Tempo: []Point{{0, 60}}, Dynamics: []Point{{0, 0.6}},
			LeadIn: 1, Tail: 2, Root: 55, Seed: 4},
		Piece{Name: "march_2-4_176bpm", Style: March, Metre: 2, Bars: 30,
			Tempo: []Point{{0, 176}}, Dynamics: []Point{{0, 0.75}},
			LeadIn: 1, Tail: 1.5, Root: 49, Seed: 5},
		Piece{Name: "waltz_3-4_150bpm", Style: Waltz, Metre: 3, Bars: 20,
			Tempo: []Point{{0, 150}}, Dynamics: []Point{{0, 0.7}},
			LeadIn: 1, Tail: 1.5, Root: 41.2, Seed: 6},
		Piece{Name: "march_4-4_104bpm", Style: March, Metre: 4, Bars: 12,
			Tempo: []Point{{0, 104}}, Dynamics: []Point{{0, 0.7}},
			LeadIn: 1, Tail: 1.5, Root: 61.74, Seed: 7},
		Piece{Name: "waltz_3-4_84to120bpm_step", Style: Waltz, Metre: 3, Bars: 20,
			Tempo: []Point{{0, 84}, {10, 84}, {10, 120}}, Dynamics: []Point{{0, 0.65}},
			LeadIn: 1, Tail: 1.5, Root: 46.25, Seed: 8},
		Piece{Name: "chorale_4-4_96to80bpm_rit", Style: Chorale, Metre: 4, Bars: 10,
			Tempo: []Point{{0, 96}, {5, 96}, {10, 80}}, Dynamics: []Point{{0, 0.75}},
			LeadIn: 1, Tail: 2, Root: 73.42, Seed: 9},
		Piece{Name: "march_2-4_100bpm_crescendo", Style: March, Metre: 2, Bars: 16,
			Tempo: []Point{{0, 100}}, Dynamics: []Point{{0, 0.1}, {16, 1}},
			LeadIn: 1, Tail: 1.5, Root: 55, Seed: 10},
		OffBeatMix(),
	)
	return set
}

// semis is the frequency n equal-tempered semitones above f.
func semis(f float64, n int) float64 { return f * math.Pow(2, float64(n)/12) }
