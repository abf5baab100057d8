package metrics

import (
	"math"
	"slices"
	"testing"

	"github.com/podium-dev/podium/dataset/datasettest"
	"github.com/podium-dev/podium/motion"
)

// steadyBeats is a beat every period seconds from first to last.
func steadyBeats(first, last, period float64) []float64 {
	var b []float64
	for t := first; t <= last+1e-9; t += period {
		b = append(b, t)
	}
	return b
}

// halfBeatLater moves every beat half-way to the next one (the last by half
// the previous interval).
func halfBeatLater(beats []float64) []float64 {
	out := make([]float64, len(beats))
	for k := range beats {
		if k+1 < len(beats) {
			out[k] = (beats[k] + beats[k+1]) / 2
		} else {
			out[k] = beats[k] + (beats[k]-beats[k-1])/2
		}
	}
	return out
}

// Motion that stops on every beat scores near 1; the same motion half a beat
// late scores low; a still motion has no beat and scores 0. The beats are a
// steady 100 BPM and a tempo that accelerates from 70 to 150 BPM.
func TestBeatConsistencyOnAndOffTheBeat(t *testing.T) {
	accel := []float64{1}
	for accel[len(accel)-1] < 29 {
		x := accel[len(accel)-1] / 29
		accel = append(accel, accel[len(accel)-1]+60/(70+80*x))
	}
	for name, beats := range map[string][]float64{"100 BPM": steadyBeats(1, 29, 0.6), "70→150 BPM": accel} {
		const frames = 900
		on, err := BeatConsistency(beats, datasettest.BeatMotion(beats, frames))
		if err != nil {
			t.Fatal(err)
		}
		off, err := BeatConsistency(beats, datasettest.BeatMotion(halfBeatLater(beats), frames))
		if err != nil {
			t.Fatal(err)
		}
		still, err := BeatConsistency(beats, motion.New(frames, Rate))
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: BC on the beats %.4f, half a beat late %.4f, still %v", name, on, off, still)
		if on < 0.95 || off > 0.4 || still != 0 {
			t.Errorf("%s: BC on the beats %.4f (want ≥ 0.95), half a beat late %.4f (want ≤ 0.4), still %v (want 0)", name, on, off, still)
		}
	}
}

// The beats of a motion whose joints stop on the given frames are those
// frames' speed samples; BC is the formula's value.
func TestMotionBeatsAndFormula(t *testing.T) {
	// One wrist moving with speed v[i] between frames i and i+1.
	v := []float64{5, 4, 3, 2, 1, 2, 3, 4, 5, 6, 7, 8, 9, 8, 7, 6, 5, 4, 3, 2, 0.5, 2, 3, 4, 5, 6, 7, 8, 9, 9, 9, 9, 9, 9}
	m := motion.New(len(v)+1, Rate)
	y := 0.0
	for i, s := range v {
		y += s / 1000
		m.Set(i+1, motion.LeftWrist, motion.Point{Y: float32(y)})
	}
	got, err := MotionBeats(m)
	if err != nil {
		t.Fatal(err)
	}
	// The minima at speed samples 4 and 20 (±10 frames below everything);
	// the flat end is never a beat.
	want := []float64{4.5 / 30, 20.5 / 30}
	if len(got) != 2 || math.Abs(got[0]-want[0]) > 1e-12 || math.Abs(got[1]-want[1]) > 1e-12 {
		t.Fatalf("motion beats %v, want %v", got, want)
	}
	music := []float64{0.1, 0.7, 2}
	bc, err := BeatConsistency(music, m)
	if err != nil {
		t.Fatal(err)
	}
	g := func(d float64) float64 { return math.Exp(-d * d / (2 * 0.1 * 0.1)) }
	if w := (g(0.1-want[0]) + g(want[1]-0.7) + g(2-want[1])) / 3; math.Abs(bc-w) > 1e-12 {
		t.Fatalf("BC %v, want %v", bc, w)
	}
	if nan, _ := BeatConsistency(nil, m); !math.IsNaN(nan) {
		t.Fatalf("BC with no music beat is %v, want NaN", nan)
	}
}

// A hold (the joints stopping dead for a few frames) is one beat, at its
// middle; a dip less than 10 frames from a deeper one is not a beat.
func TestMotionBeatsHoldsAndWindow(t *testing.T) {
	speeds := []float64{9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9.5, 9.7,
		9, 8, 7, 6, 5, 4, 3, 2.5, 3, 2, 1.5, 2, 3, 4, 5, 6, 7, 8, 9, 9.9, 10, 10.1, 10.2, 10.3, 10.4, 10.5}
	m := motion.New(len(speeds)+1, Rate)
	x := 0.0
	for i, s := range speeds {
		x += s / 1000
		for j := range motion.Joints {
			m.Set(i+1, j, motion.Point{X: float32(x)})
		}
	}
	got, err := MotionBeats(m)
	if err != nil {
		t.Fatal(err)
	}
	// The hold is speed samples 9–12 (middle 10.5); the dip at 31 is within 3
	// frames of the deeper one at 34.
	want := []float64{11 / 30.0, 34.5 / 30}
	if len(got) != len(want) || math.Abs(got[0]-want[0]) > 1e-9 || math.Abs(got[1]-want[1]) > 1e-9 {
		t.Fatalf("motion beats %v, want %v", got, want)
	}
}

func TestBeatConsistencyRefusesBadMotion(t *testing.T) {
	m := datasettest.BeatMotion([]float64{0.5, 1, 1.5}, 60)
	m.Data[100] = float32(math.NaN())
	if _, err := BeatConsistency([]float64{1}, m); err == nil {
		t.Fatal("NaN motion scored")
	}
	m = datasettest.BeatMotion([]float64{0.5, 1, 1.5}, 60)
	m.Rate = 0
	if _, err := BeatConsistency([]float64{1}, m); err == nil {
		t.Fatal("motion without a rate scored")
	}
}

// A Scorer gives the function's values pair after pair.
func TestScorerBeatConsistencyReusesBuffers(t *testing.T) {
	beats := steadyBeats(0.5, 9.5, 0.5)
	sc := NewScorer()
	for _, b := range [][]float64{beats, halfBeatLater(beats), beats[:5]} {
		m := datasettest.BeatMotion(b, 300)
		want, _ := BeatConsistency(beats, m)
		got, err := sc.BeatConsistency(beats, m)
		if err != nil || got != want {
			t.Fatalf("Scorer %v (%v), function %v", got, err, want)
		}
	}
	if b, _ := MotionBeats(datasettest.BeatMotion(beats, 300)); !slices.IsSorted(b) || len(b) < len(beats)-2 {
		t.Fatalf("motion beats %v for %d music beats", b, len(beats))
	}
}
