// Package npyfile reads and writes the NumPy arrays podium exchanges with the
// Python world (mels, motions, noise), on top of codeberg.org/sbinet/npyio.
// It adds what every caller needs: float32 or float64 on disk, the shape
// checked, and malformed files turned into errors rather than panics.
package npyfile

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"codeberg.org/sbinet/npyio"
)

// Array is a C-ordered float32 array and its shape.
type Array struct {
	Shape []int
	Data  []float32
}

// maxElements bounds what one file may claim to hold (4 GiB of float32), so a
// corrupt header cannot make us allocate without limit.
const maxElements = 1 << 30

// Read reads a float32 or float64 .npy file.
func Read(path string) (Array, error) {
	f, err := os.Open(path)
	if err != nil {
		return Array{}, err
	}
	defer f.Close()
	a, err := Decode(bufio.NewReader(f))
	if err != nil {
		return Array{}, fmt.Errorf("read %s: %w", path, err)
	}
	return a, nil
}

// Decode reads one float32 or float64 array from r.
func Decode(r io.Reader) (a Array, err error) {
	defer func() {
		if p := recover(); p != nil {
			a, err = Array{}, fmt.Errorf("malformed .npy: %v", p)
		}
	}()
	rd, err := npyio.NewReader(r)
	if err != nil {
		return Array{}, fmt.Errorf("not a .npy file: %w", err)
	}
	h := rd.Header
	if h.Descr.Fortran {
		return Array{}, errors.New("Fortran-ordered arrays are not supported (save with C order)")
	}
	n := 1
	for _, d := range h.Descr.Shape {
		if d < 0 || (d > 0 && n > maxElements/d) {
			return Array{}, fmt.Errorf("implausible shape %v", h.Descr.Shape)
		}
		n *= d
	}
	shape := append([]int(nil), h.Descr.Shape...)
	switch dtype(h.Descr.Type) {
	case "<f4", "|f4":
		var data []float32
		if err := rd.Read(&data); err != nil {
			return Array{}, fmt.Errorf("read float32 data: %w", err)
		}
		if len(data) != n {
			return Array{}, fmt.Errorf("shape %v needs %d values, file holds %d", shape, n, len(data))
		}
		return Array{Shape: shape, Data: data}, nil
	case "<f8", "|f8":
		var data []float64
		if err := rd.Read(&data); err != nil {
			return Array{}, fmt.Errorf("read float64 data: %w", err)
		}
		if len(data) != n {
			return Array{}, fmt.Errorf("shape %v needs %d values, file holds %d", shape, n, len(data))
		}
		out := make([]float32, len(data))
		for i, v := range data {
			out[i] = float32(v)
		}
		return Array{Shape: shape, Data: out}, nil
	default:
		return Array{}, fmt.Errorf("dtype %q is not little-endian float32 or float64", h.Descr.Type)
	}
}

// Read64 reads a float32 or float64 .npy file as float64, without the rounding
// that Read would apply to float64 data.
func Read64(path string) (shape []int, data []float64, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	defer func() {
		if p := recover(); p != nil {
			shape, data, err = nil, nil, fmt.Errorf("read %s: malformed .npy: %v", path, p)
		}
	}()
	rd, err := npyio.NewReader(bufio.NewReader(f))
	if err != nil {
		return nil, nil, fmt.Errorf("read %s: not a .npy file: %w", path, err)
	}
	shape = append([]int(nil), rd.Header.Descr.Shape...)
	switch dtype(rd.Header.Descr.Type) {
	case "<f8", "|f8":
		err = rd.Read(&data)
	case "<f4", "|f4":
		var d32 []float32
		err = rd.Read(&d32)
		data = make([]float64, len(d32))
		for i, v := range d32 {
			data[i] = float64(v)
		}
	default:
		err = fmt.Errorf("dtype %q is not little-endian float32 or float64", rd.Header.Descr.Type)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", path, err)
	}
	return shape, data, nil
}

// WriteFile writes v (a slice or nested array/slice of float32, as npyio takes
// it) to path atomically: a temporary file in the same folder, then a rename.
func WriteFile(path string, v any) error {
	tmp, err := os.CreateTemp(dirOf(path), ".tmp-*.npy")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	w := bufio.NewWriter(tmp)
	if err := npyio.Write(w, v); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := w.Flush(); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

func dirOf(path string) string { return filepath.Dir(path) }

// dtype returns the header's type string without the quotes some writers keep.
func dtype(s string) string { return strings.Trim(s, "'\" ") }
