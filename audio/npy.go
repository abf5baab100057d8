package audio

import (
	"errors"
	"fmt"
	"io/fs"
	"math"

	"github.com/podium-dev/podium/internal/npyfile"
)

// ReadMelNPY reads a precomputed mel, [T,128] or [1,T,128] (the model input
// layout), in any layout NumPy writes for float arrays (C or Fortran order,
// either byte order, float16/32/64: see npyfile). It checks the shape, not the
// values. Errors name the file ("read PATH: …", an *fs.PathError).
func ReadMelNPY(path string) (Mel, error) {
	a, err := npyfile.Read(path)
	if err != nil {
		return Mel{}, err
	}
	shape := a.Shape
	if len(shape) == 3 && shape[0] == 1 {
		shape = shape[1:]
	}
	if len(shape) != 2 || shape[1] != MelBands {
		return Mel{}, &fs.PathError{Op: "read", Path: path,
			Err: fmt.Errorf("shape %v is not a [T,%d] (or [1,T,%d]) mel", a.Shape, MelBands, MelBands)}
	}
	return Mel{Frames: shape[0], Data: a.Data}, nil
}

// loadNPY loads a precomputed mel as render's input: at least one frame, every
// value finite, within the length limit. Errors read "decode PATH: …", as for
// any other input.
func loadNPY(path string, opt Options) (Mel, Info, error) {
	m, err := ReadMelNPY(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the path is named once, below
		}
		return Mel{}, Info{}, fmt.Errorf("decode %s: %w", path, err)
	}
	if m.Frames == 0 {
		return Mel{}, Info{}, fmt.Errorf("decode %s: the mel has no frames", path)
	}
	for i, v := range m.Data {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return Mel{}, Info{}, fmt.Errorf("decode %s: value %v at frame %d band %d", path, v, i/MelBands, i%MelBands)
		}
	}
	if opt.MaxSeconds > 0 && m.Seconds() > opt.MaxSeconds {
		return Mel{}, Info{}, tooLong(path, m.Seconds(), opt.MaxSeconds)
	}
	return m, Info{Path: path, Seconds: m.Seconds()}, nil
}
