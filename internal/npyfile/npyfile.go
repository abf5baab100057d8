// Package npyfile reads and writes the NumPy arrays podium exchanges with the
// Python world (mels, motions, noise). Writing goes through
// codeberg.org/sbinet/npyio; reading is done here, because npyio trusts the
// header (it allocates whatever the header claims, slices the header text
// without bounds checks and reads a truncated file as zeros) and every caller
// needs the opposite: float32 or float64 on disk, the shape checked, memory
// bounded by what the file really holds, and malformed files turned into
// errors rather than panics.
package npyfile

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"github.com/podium-dev/podium/internal/atomicfile"
	"io"
	"math"
	"os"

	"codeberg.org/sbinet/npyio"
)

// Array is a C-ordered float32 array and its shape.
type Array struct {
	Shape []int
	Data  []float32
}

// Header is what a .npy file says about the array it holds.
type Header struct {
	Major, Minor int    // format version
	Dtype        string // the descr string, e.g. "<f4"
	Fortran      bool   // column-major order
	Shape        []int  // nil for a scalar
}

// Elements is the number of values the shape holds.
func (h Header) Elements() int {
	n := 1
	for _, d := range h.Shape {
		n *= d
	}
	return n
}

// maxElements bounds what one file may claim to hold (4 GiB of float32), so a
// corrupt header cannot overflow the element count.
const maxElements = 1 << 30

// chunkBytes is how much data is read (and allocated) ahead of what the file
// has proven to hold, so a header claiming gigabytes in a short file costs a
// chunk, not the claim.
const chunkBytes = 1 << 20

// Read reads a float32 or float64 .npy file as float32.
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

// ReadHeader reads only the header of a .npy file, to check its dtype and
// shape before paying for the data.
func ReadHeader(path string) (Header, error) {
	f, err := os.Open(path)
	if err != nil {
		return Header{}, err
	}
	defer f.Close()
	h, err := DecodeHeader(bufio.NewReader(f))
	if err != nil {
		return Header{}, fmt.Errorf("read %s: %w", path, err)
	}
	return h, nil
}

// Decode reads one little-endian float32 or float64 array from r, converting
// float64 to float32.
func Decode(r io.Reader) (Array, error) {
	h, err := DecodeHeader(r)
	if err != nil {
		return Array{}, err
	}
	size, err := elemSize(h)
	if err != nil {
		return Array{}, err
	}
	n := h.Elements()
	out := make([]float32, 0, min(n, chunkBytes/4))
	err = readValues(r, n, size, func(b []byte) {
		for i := 0; i < len(b); i += size {
			if size == 4 {
				out = append(out, math.Float32frombits(binary.LittleEndian.Uint32(b[i:])))
			} else {
				out = append(out, float32(math.Float64frombits(binary.LittleEndian.Uint64(b[i:]))))
			}
		}
	})
	if err != nil {
		return Array{}, fmt.Errorf("shape %v: %w", h.Shape, err)
	}
	return Array{Shape: h.Shape, Data: out}, nil
}

// Decode64 reads one little-endian float32 or float64 array from r as
// float64, without the rounding Decode applies to float64 data.
func Decode64(r io.Reader) (shape []int, data []float64, err error) {
	h, err := DecodeHeader(r)
	if err != nil {
		return nil, nil, err
	}
	size, err := elemSize(h)
	if err != nil {
		return nil, nil, err
	}
	n := h.Elements()
	data = make([]float64, 0, min(n, chunkBytes/8))
	err = readValues(r, n, size, func(b []byte) {
		for i := 0; i < len(b); i += size {
			if size == 4 {
				data = append(data, float64(math.Float32frombits(binary.LittleEndian.Uint32(b[i:]))))
			} else {
				data = append(data, math.Float64frombits(binary.LittleEndian.Uint64(b[i:])))
			}
		}
	})
	if err != nil {
		return nil, nil, fmt.Errorf("shape %v: %w", h.Shape, err)
	}
	return h.Shape, data, nil
}

// Read64 reads a float32 or float64 .npy file as float64, without the rounding
// that Read would apply to float64 data.
func Read64(path string) (shape []int, data []float64, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	shape, data, err = Decode64(bufio.NewReader(f))
	if err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", path, err)
	}
	return shape, data, nil
}

// elemSize checks that the array is a C-ordered little-endian float array and
// returns the bytes per value.
func elemSize(h Header) (int, error) {
	if h.Fortran {
		return 0, errors.New("Fortran-ordered arrays are not supported (save with C order)")
	}
	switch h.Dtype {
	case "<f4":
		return 4, nil
	case "<f8":
		return 8, nil
	}
	return 0, fmt.Errorf("dtype %q is not little-endian float32 (<f4) or float64 (<f8)", h.Dtype)
}

// readValues reads n values of size bytes in chunks, handing each chunk to
// put; it fails if the data end early.
func readValues(r io.Reader, n, size int, put func([]byte)) error {
	buf := make([]byte, min(n*size, chunkBytes))
	for done := 0; done < n; {
		k := min(n-done, len(buf)/size)
		got, err := io.ReadFull(r, buf[:k*size])
		put(buf[:got-got%size])
		done += got / size
		if err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return fmt.Errorf("truncated data: %d of %d values present", done, n)
			}
			return fmt.Errorf("read data: %w", err)
		}
	}
	return nil
}

// WriteFile writes v (a slice or nested array/slice of float32, as npyio takes
// it) to path atomically.
func WriteFile(path string, v any) error {
	return atomicfile.Write(path, func(w io.Writer) error { return npyio.Write(w, v) })
}
