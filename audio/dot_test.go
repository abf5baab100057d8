package audio

import (
	"math"
	"testing"
)

// TestDotLengths: the vectorised dot product agrees with a plain sum for
// every length, so its 16-, 4- and 1-wide loops hand over correctly.
func TestDotLengths(t *testing.T) {
	x := noise(300)
	a, y := make([]float64, 300), make([]float64, 300)
	for i := range y {
		y[i], a[i] = float64(x[i]), float64(x[299-i])
	}
	for n := 0; n <= 300; n++ {
		var want float64
		for i := range n {
			want += a[i] * y[i]
		}
		if got := dot(a[:n], y); math.Abs(got-want) > 1e-12 {
			t.Fatalf("length %d: %g, want %g", n, got, want)
		}
	}
}
