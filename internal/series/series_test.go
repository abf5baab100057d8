package series

import "testing"

func TestSmoothInPlaceIsZeroPhase(t *testing.T) {
	x := make([]float32, 201)
	x[100] = 1
	SmoothInPlace(x, 5)
	// A symmetric impulse response peaks where the impulse was.
	for i := 1; i < 20; i++ {
		if d := x[100-i] - x[100+i]; d > 1e-6 || d < -1e-6 {
			t.Fatalf("response not symmetric at ±%d: %g vs %g", i, x[100-i], x[100+i])
		}
	}
	if x[100] <= x[99] || x[100] >= 1 {
		t.Errorf("peak %g (neighbour %g): want a lowered peak at the impulse", x[100], x[99])
	}
}

func TestMaxOverAndGap(t *testing.T) {
	x := []float32{1, 5, 2, 7}
	if m := MaxOver(x, -3, 2); m != 5 {
		t.Errorf("MaxOver clipped to [0,2] = %g, want 5", m)
	}
	if m := MaxOver(x, 3, 10); m != 7 {
		t.Errorf("MaxOver clipped to [3,3] = %g, want 7", m)
	}
	active := []bool{true, true, false, true}
	if !GapBetween(active, 1, 3) || GapBetween(active, 0, 1) {
		t.Error("GapBetween wrong")
	}
}
