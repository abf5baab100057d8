//go:build !amd64

package audio

// dotVec is the vector part of dot; without assembly there is none.
func dotVec(a, x []float64) (float64, int) { return 0, 0 }
