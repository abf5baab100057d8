package beateval

// Ictus detection and the tempo-allowing F-measure of issue 12: how the
// real-music evaluation (cmd/evalreal) and the conductor's tests score a
// wrist's beats against a beat grid.

// IctusProminence and IctusDistance define an ictus: a local maximum of the
// wrist's image y (its lowest point, y growing downwards) standing at least
// IctusProminence above its surroundings, at least IctusDistance frames from
// the next one (scipy.signal.find_peaks with prominence and distance).
const (
	IctusProminence = 0.01
	IctusDistance   = 5
)

// Ictuses returns the times in seconds of the ictuses in a wrist's image-y
// trajectory sampled at rate frames per second.
func Ictuses(y []float64, rate float64) []float64 {
	peaks := Peaks(y, IctusProminence, IctusDistance)
	times := make([]float64, len(peaks))
	for i, p := range peaks {
		times[i] = float64(p) / rate
	}
	return times
}

// Peaks finds the indices of local maxima of x as scipy.signal.find_peaks
// does with its distance and prominence arguments: plateaus count once, at
// their middle; among peaks closer than distance samples the higher ones are
// kept; then peaks less prominent than prominence are dropped. A peak's
// prominence is its height above the higher of the lowest points between it
// and the nearest higher sample on either side (or the signal's end).
func Peaks(x []float64, prominence float64, distance int) []int {
	n := len(x)
	var peaks []int
	for i := 1; i < n-1; {
		if x[i-1] < x[i] {
			j := i + 1
			for j < n-1 && x[j] == x[i] {
				j++ // a plateau: its right end is j-1
			}
			if x[j] < x[i] {
				peaks = append(peaks, (i+j-1)/2)
				i = j
				continue
			}
			i = j
			continue
		}
		i++
	}
	if distance > 1 && len(peaks) > 1 {
		// Highest first; each kept peak removes lower ones within distance.
		order := make([]int, len(peaks))
		for i := range order {
			order[i] = i
		}
		// Stable by height, ties broken by position as scipy does (argsort
		// is stable there, and it walks from the highest).
		sortByHeight(order, peaks, x)
		keep := make([]bool, len(peaks))
		for i := range keep {
			keep[i] = true
		}
		for _, i := range order {
			if !keep[i] {
				continue
			}
			for k := i - 1; k >= 0 && peaks[i]-peaks[k] < distance; k-- {
				keep[k] = false
			}
			for k := i + 1; k < len(peaks) && peaks[k]-peaks[i] < distance; k++ {
				keep[k] = false
			}
		}
		kept := peaks[:0]
		for i, p := range peaks {
			if keep[i] {
				kept = append(kept, p)
			}
		}
		peaks = kept
	}
	out := peaks[:0]
	for _, p := range peaks {
		if Prominence(x, p) >= prominence {
			out = append(out, p)
		}
	}
	return out
}

// sortByHeight orders peak indices from the highest peak to the lowest; of
// equal peaks the later comes first (scipy walks its stable argsort from the
// end).
func sortByHeight(order, peaks []int, x []float64) {
	less := func(a, b int) bool {
		ha, hb := x[peaks[a]], x[peaks[b]]
		if ha != hb {
			return ha > hb
		}
		return a > b
	}
	// Insertion sort: peaks come a few hundred at a time.
	for i := 1; i < len(order); i++ {
		for j := i; j > 0 && less(order[j], order[j-1]); j-- {
			order[j], order[j-1] = order[j-1], order[j]
		}
	}
}

// Prominence is the prominence of the sample at index p of x.
func Prominence(x []float64, p int) float64 {
	h := x[p]
	left := h
	for i := p - 1; i >= 0 && x[i] <= h; i-- {
		left = min(left, x[i])
	}
	right := h
	for i := p + 1; i < len(x) && x[i] <= h; i++ {
		right = min(right, x[i])
	}
	return h - max(left, right)
}

// Variant names a way of reading a beat grid at another metrical level.
type Variant string

// The levels TempoFMeasure tries.
const (
	Grid      Variant = "grid"      // the beats as annotated
	HalfEven  Variant = "half-even" // every other beat, from the first
	HalfOdd   Variant = "half-odd"  // every other beat, from the second
	DoubleMid Variant = "double"    // the beats and the midpoints between them
)

// Levels returns the grid read at each level TempoFMeasure tries.
func Levels(truth []float64) map[Variant][]float64 {
	var even, odd, double []float64
	for i, t := range truth {
		if i%2 == 0 {
			even = append(even, t)
		} else {
			odd = append(odd, t)
		}
		double = append(double, t)
		if i+1 < len(truth) {
			double = append(double, (t+truth[i+1])/2)
		}
	}
	return map[Variant][]float64{Grid: truth, HalfEven: even, HalfOdd: odd, DoubleMid: double}
}

// TempoFMeasure is FMeasure allowing half or double tempo: the best F of the
// detected times against the grid, every other beat of it from either phase,
// and the grid with its midpoints. It returns that F and the level it came
// from. Half a beat off at the grid's own tempo stays wrong: the midpoints
// only help a detection at double tempo, whose other half then hits the grid.
func TempoFMeasure(detected, truth []float64, tol float64) (float64, Variant) {
	best, level := -1.0, Grid
	levels := Levels(truth)
	for _, v := range []Variant{Grid, HalfEven, HalfOdd, DoubleMid} {
		if f, _, _ := FMeasure(detected, levels[v], tol); f > best {
			best, level = f, v
		}
	}
	return best, level
}
