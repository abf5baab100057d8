// Package npyfile reads and writes the NumPy arrays podium exchanges with the
// Python world (mels, motions, noise). Writing goes through
// codeberg.org/sbinet/npyio; reading is done here, because npyio trusts the
// header (it allocates whatever the header claims, slices the header text
// without bounds checks and reads a truncated file as zeros) and every caller
// needs the opposite: memory bounded by what the file really holds, the shape
// checked, and malformed files turned into errors rather than panics.
//
// It reads every layout NumPy writes for float arrays: C or Fortran order,
// little- or big-endian, float16, float32 or float64, format 1.0, 2.0 or 3.0.
// Whatever the layout, the values come back in C order.
package npyfile

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"codeberg.org/sbinet/npyio"

	"github.com/podium-dev/podium/internal/atomicfile"
)

// Array is a C-ordered float32 array and its shape.
type Array struct {
	Shape []int
	Data  []float32
}

// Header is what a .npy file says about the array it holds.
type Header struct {
	Major, Minor int    // format version
	Dtype        string // the descr: "<f4", or a structured dtype's list of fields as text
	Structured   bool   // Dtype is a list of fields, not a type string
	Fortran      bool   // column-major order
	Shape        []int  // nil for a scalar
	Offset       int    // bytes before the data: magic, version, length and header text
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

// chunkBytes is how much data is read at a time, and, where the size of the
// data is not known beforehand, how far allocation may run ahead of what the
// stream has proven to hold: a header claiming gigabytes in a short stream
// costs a chunk, not the claim.
const chunkBytes = 1 << 20

// Read reads a float .npy file as float32 in C order.
func Read(path string) (Array, error) {
	h, data, err := readFile[float32](path)
	return Array{Shape: h.Shape, Data: data}, err
}

// Read64 reads a float .npy file as float64 in C order, without the rounding
// that Read would apply to float64 data.
func Read64(path string) (shape []int, data []float64, err error) {
	h, data, err := readFile[float64](path)
	return h.Shape, data, err
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
		return Header{}, readError(path, err)
	}
	return h, nil
}

// Decode reads one float array from r as float32 in C order.
func Decode(r io.Reader) (Array, error) {
	h, data, err := decode[float32](r, -1)
	return Array{Shape: h.Shape, Data: data}, err
}

// Decode64 reads one float array from r as float64 in C order, without the
// rounding Decode applies to float64 data.
func Decode64(r io.Reader) (shape []int, data []float64, err error) {
	h, data, err := decode[float64](r, -1)
	return h.Shape, data, err
}

// readFile reads a file whose size bounds what its header may claim, so the
// array is allocated once, at its size, after that check.
func readFile[T float32 | float64](path string) (Header, []T, error) {
	f, err := os.Open(path)
	if err != nil {
		return Header{}, nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return Header{}, nil, readError(path, err)
	}
	size := st.Size()
	if !st.Mode().IsRegular() {
		size = -1 // a pipe or device: its size says nothing
	}
	h, data, err := decode[T](bufio.NewReaderSize(f, 64<<10), size)
	if err != nil {
		return Header{}, nil, readError(path, err)
	}
	return h, data, nil
}

// decode reads the header and the data. size is the stream's length in bytes
// from its start, or −1 when unknown.
func decode[T float32 | float64](r io.Reader, size int64) (Header, []T, error) {
	h, err := DecodeHeader(r)
	if err != nil {
		return Header{}, nil, err
	}
	ft, err := h.floatType()
	if err != nil {
		return Header{}, nil, err
	}
	n := h.Elements()
	avail := int64(-1)
	if size >= 0 {
		avail = max(size-int64(h.Offset), 0)
		if avail < int64(n)*int64(ft.size) {
			return Header{}, nil, fmt.Errorf("shape %v: %w", h.Shape, truncated(int(avail/int64(ft.size)), n))
		}
	}
	data, err := readValues[T](r, h, ft, avail >= 0)
	if err != nil {
		return Header{}, nil, fmt.Errorf("shape %v: %w", h.Shape, err)
	}
	return h, data, nil
}

// readError names the file: "read PATH: cause", as an *fs.PathError so that
// a caller with its own wording of the path can take the cause alone.
func readError(path string, err error) error {
	return &fs.PathError{Op: "read", Path: path, Err: err}
}

func truncated(have, want int) error {
	return fmt.Errorf("truncated data: %d of %d values present", have, want)
}

// readValues reads the h.Elements() values that follow the header, in
// chunks, and returns them in C order. When sized, the stream is known to
// hold them all and the result is allocated at once; otherwise it grows as
// the data arrive.
func readValues[T float32 | float64](r io.Reader, h Header, ft floatType, sized bool) ([]T, error) {
	n := h.Elements()
	perm := newPermuter(h)
	var out, vals []T
	if sized {
		out = make([]T, n)
		if perm != nil {
			vals = make([]T, min(n, chunkBytes/ft.size))
		}
	} else {
		out = make([]T, 0, min(n, chunkBytes/ft.size))
	}
	buf := make([]byte, min(n*ft.size, chunkBytes))
	for done := 0; done < n; {
		k := min(n-done, len(buf)/ft.size)
		got, err := io.ReadFull(r, buf[:k*ft.size])
		b := buf[:got-got%ft.size]
		m := len(b) / ft.size
		switch {
		case !sized:
			out = append(out, make([]T, m)...)
			convertTo(out[done:], b, ft)
		case perm == nil:
			convertTo(out[done:done+m], b, ft)
		default:
			convertTo(vals[:m], b, ft)
			place(perm, out, vals[:m])
		}
		done += m
		if err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return nil, truncated(done, n)
			}
			return nil, fmt.Errorf("read data: %w", err)
		}
	}
	if !sized && perm != nil {
		// The values came in file order; put them in C order now.
		c := make([]T, n)
		place(perm, c, out)
		out = c
	}
	return out, nil
}

// WriteFile writes v (a slice or nested array/slice of float32, as npyio takes
// it) to path atomically.
func WriteFile(path string, v any) error {
	return atomicfile.Write(path, func(w io.Writer) error { return npyio.Write(w, v) })
}
