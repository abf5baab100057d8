// Package series holds the small operations on per-frame signals that the
// beat tracker and the conductor share.
package series

import "math"

// SmoothInPlace runs a one-pole smoother of time constant tau frames forward
// and then backward: zero phase, O(n).
func SmoothInPlace(x []float32, tau float64) {
	if len(x) == 0 || tau <= 0 {
		return
	}
	a := float32(1 - math.Exp(-1/tau))
	y := x[0]
	for i := range x {
		y += a * (x[i] - y)
		x[i] = y
	}
	y = x[len(x)-1]
	for i := len(x) - 1; i >= 0; i-- {
		y += a * (x[i] - y)
		x[i] = y
	}
}

// MaxOver is the largest value of x[a..b], clipped to x's bounds; 0 when the
// range is empty.
func MaxOver(x []float32, a, b int) float32 {
	var m float32
	for t := max(0, a); t <= min(len(x)-1, b); t++ {
		m = max(m, x[t])
	}
	return m
}

// GapBetween reports whether active is false anywhere in frames a..b: the
// music stops between them.
func GapBetween(active []bool, a, b int) bool {
	for t := a; t <= b; t++ {
		if !active[t] {
			return true
		}
	}
	return false
}
