package beateval

import (
	"math"
	"testing"
)

func TestFMeasure(t *testing.T) {
	truth := []float64{1, 2, 3, 4}
	// Two hits (1.05, 2.96), one miss (3.5), one extra far away (9).
	f, p, r := FMeasure([]float64{1.05, 2.96, 3.5, 9}, truth, 0.07)
	if p != 0.5 || r != 0.5 || math.Abs(f-0.5) > 1e-12 {
		t.Errorf("F %.3f P %.3f R %.3f, want 0.5 each", f, p, r)
	}
	// One detection cannot claim two true beats.
	if _, _, r := FMeasure([]float64{1.0}, []float64{0.97, 1.03}, 0.07); r != 0.5 {
		t.Errorf("recall %.3f, want 0.5", r)
	}
	if f, _, _ := FMeasure(nil, truth, 0.07); f != 0 {
		t.Errorf("no detections: F %.3f, want 0", f)
	}
}

func TestMedianOffset(t *testing.T) {
	if d := MedianOffset([]float64{0.96, 1.96, 2.97, 5.5}, []float64{1, 2, 3}, 0.07); math.Abs(d+0.04) > 1e-9 {
		t.Errorf("median offset %.3f, want -0.040", d)
	}
	if d := MedianOffset([]float64{5}, []float64{1}, 0.07); !math.IsNaN(d) {
		t.Errorf("no pair within tolerance: %v, want NaN", d)
	}
}

func TestPeaksAsFindPeaks(t *testing.T) {
	// Expected values from scipy.signal.find_peaks(x, prominence=0.01,
	// distance=5) worked by hand: the bump at 3 is too close to the higher
	// one at 6; the ripple at 12 has prominence 0.005; the plateau 16–18
	// counts once at its middle.
	x := []float64{0, 0.1, 0.2, 0.3, 0.2, 0.3, 0.5, 0.3, 0.1, 0, 0.1, 0.095, 0.1, 0.095, 0.096, 0.2, 0.4, 0.4, 0.4, 0.1, 0}
	got := Peaks(x, 0.01, 5)
	want := []int{6, 17}
	if len(got) != len(want) {
		t.Fatalf("peaks %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("peaks %v, want %v", got, want)
		}
	}
	if p := Prominence(x, 12); math.Abs(p-0.005) > 1e-12 {
		t.Errorf("prominence of the ripple %.4f, want 0.005", p)
	}
	if p := Prominence(x, 6); math.Abs(p-0.5) > 1e-12 {
		t.Errorf("prominence of the highest peak %.4f, want 0.5 (down to the ends' 0)", p)
	}
}

func TestTempoFMeasure(t *testing.T) {
	var grid []float64
	for i := 0; i < 40; i++ {
		grid = append(grid, 1+0.5*float64(i))
	}
	everyOther := func(from int) []float64 {
		var d []float64
		for i := from; i < len(grid); i += 2 {
			d = append(d, grid[i]-0.03)
		}
		return d
	}
	if f, v := TempoFMeasure(everyOther(1), grid, 0.07); f != 1 || v != HalfOdd {
		t.Errorf("half tempo from the second beat: F %.3f (%s), want 1 (half-odd)", f, v)
	}
	if f, v := TempoFMeasure(everyOther(0), grid, 0.07); f != 1 || v != HalfEven {
		t.Errorf("half tempo from the first beat: F %.3f (%s), want 1 (half-even)", f, v)
	}
	var double, off []float64
	for i, g := range grid {
		double = append(double, g)
		off = append(off, g+0.25)
		if i+1 < len(grid) {
			double = append(double, g+0.25)
		}
	}
	if f, v := TempoFMeasure(double, grid, 0.07); f != 1 || v != DoubleMid {
		t.Errorf("double tempo: F %.3f (%s), want 1 (double)", f, v)
	}
	// Right tempo, half a beat off: only the double level catches it, at
	// about F = 2/3 (all precise, half recalled).
	if f, _ := TempoFMeasure(off, grid, 0.07); f > 0.7 {
		t.Errorf("half a beat off scores F %.3f; it must stay clearly below 0.9", f)
	}
}
