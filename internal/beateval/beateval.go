// Package beateval scores detected event times (beats, ictuses) against true
// ones the way beat tracking is usually evaluated. The beat tracker's tests,
// the conductor's tests and the real-music evaluation share it.
package beateval

import (
	"math"
	"slices"
)

// FMeasure matches detected to true times one-to-one within tol seconds
// (greedy in time order, the usual beat-tracking evaluation) and returns the
// F-measure, precision and recall.
func FMeasure(detected, truth []float64, tol float64) (f, precision, recall float64) {
	if len(detected) == 0 || len(truth) == 0 {
		return 0, 0, 0
	}
	used := make([]bool, len(truth))
	hits := 0
	j := 0
	for _, d := range detected {
		for j < len(truth) && truth[j] < d-tol {
			j++
		}
		best := -1
		for k := j; k < len(truth) && truth[k] <= d+tol; k++ {
			if !used[k] && (best < 0 || math.Abs(truth[k]-d) < math.Abs(truth[best]-d)) {
				best = k
			}
		}
		if best >= 0 {
			used[best] = true
			hits++
		}
	}
	precision = float64(hits) / float64(len(detected))
	recall = float64(hits) / float64(len(truth))
	if hits == 0 {
		return 0, precision, recall
	}
	return 2 * precision * recall / (precision + recall), precision, recall
}

// MedianOffset is the median of detected minus nearest true time, over the
// pairs closer than tol; NaN when there is none.
func MedianOffset(detected, truth []float64, tol float64) float64 {
	var d []float64
	for _, x := range detected {
		best := math.Inf(1)
		for _, y := range truth {
			if math.Abs(x-y) < math.Abs(best) {
				best = x - y
			}
		}
		if math.Abs(best) < tol {
			d = append(d, best)
		}
	}
	if len(d) == 0 {
		return math.NaN()
	}
	slices.Sort(d)
	return d[len(d)/2]
}
