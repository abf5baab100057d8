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
