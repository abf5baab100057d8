package audio

import (
	"bufio"
	"fmt"
	"math"
	"os"

	"github.com/podium-dev/podium/internal/npyfile"
)

// loadNPY reads a precomputed mel, [T,128] or [1,T,128] (the model input
// layout), float32 or float64.
func loadNPY(path string, opt Options) (Mel, Info, error) {
	f, err := os.Open(path)
	if err != nil {
		return Mel{}, Info{}, fmt.Errorf("decode %s: %w", path, err)
	}
	defer f.Close()
	a, err := npyfile.Decode(bufio.NewReader(f))
	if err != nil {
		return Mel{}, Info{}, fmt.Errorf("decode %s: %w", path, err)
	}
	shape := a.Shape
	if len(shape) == 3 && shape[0] == 1 {
		shape = shape[1:]
	}
	if len(shape) != 2 || shape[1] != MelBands || shape[0] == 0 {
		return Mel{}, Info{}, fmt.Errorf("decode %s: mel shape %v, want [T,%d] or [1,T,%d] with T > 0", path, a.Shape, MelBands, MelBands)
	}
	for i, v := range a.Data {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return Mel{}, Info{}, fmt.Errorf("decode %s: value %v at frame %d band %d", path, v, i/MelBands, i%MelBands)
		}
	}
	m := Mel{Frames: shape[0], Data: a.Data}
	if opt.MaxSeconds > 0 && m.Seconds() > opt.MaxSeconds {
		return Mel{}, Info{}, tooLong(path, m.Seconds(), opt.MaxSeconds)
	}
	return m, Info{Path: path, Seconds: m.Seconds()}, nil
}
