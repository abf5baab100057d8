// Package npytest writes .npy files in the layouts NumPy writes — C or
// Fortran order, either byte order, float16, float32 or float64 — for tests.
// It shares no code with npyfile's reader, which it serves to check.
package npytest

import (
	"encoding/binary"
	"fmt"
	"math"
	"strings"
)

// Layout is how an array is stored, among the layouts NumPy writes.
type Layout struct {
	Fortran   bool   // column-major (first index fastest), as np.save writes a transposed array
	BigEndian bool   // '>' rather than '<'
	Dtype     string // "f2", "f4" or "f8"; "" means "f4"
}

// Encode returns a version 1.0 .npy file holding values, the C-ordered
// values of an array of the given shape, stored in layout l under the header
// NumPy writes.
func Encode(shape []int, values []float64, l Layout) []byte {
	kind := l.Dtype
	if kind == "" {
		kind = "f4"
	}
	dims := make([]string, len(shape))
	for i, d := range shape {
		dims[i] = fmt.Sprint(d)
	}
	tuple := strings.Join(dims, ", ")
	if len(shape) == 1 {
		tuple += ","
	}
	order, bo := "<", binary.AppendByteOrder(binary.LittleEndian)
	if l.BigEndian {
		order, bo = ">", binary.BigEndian
	}
	flag := "False"
	if l.Fortran {
		flag = "True"
		values = FortranOrder(shape, values)
	}
	var data []byte
	for _, v := range values {
		switch kind {
		case "f2":
			data = bo.AppendUint16(data, FloatToHalf(v))
		case "f4":
			data = bo.AppendUint32(data, math.Float32bits(float32(v)))
		case "f8":
			data = bo.AppendUint64(data, math.Float64bits(v))
		default:
			panic("npytest: dtype " + kind + " is not f2, f4 or f8")
		}
	}
	return WithHeader(fmt.Sprintf("{'descr': '%s%s', 'fortran_order': %s, 'shape': (%s), }", order, kind, flag, tuple), data)
}

// WithHeader returns a version 1.0 .npy file with the given header dictionary
// and data bytes, padded as NumPy pads it: the data start on a 64-byte
// boundary and the header ends in a newline. The header may say anything.
func WithHeader(header string, data []byte) []byte {
	pad := (64 - (10+len(header)+1)%64) % 64
	h := header + strings.Repeat(" ", pad) + "\n"
	out := []byte("\x93NUMPY\x01\x00")
	out = binary.LittleEndian.AppendUint16(out, uint16(len(h)))
	out = append(out, h...)
	return append(out, data...)
}

// FortranOrder returns the C-ordered values c of an array of the given shape
// in Fortran order, first index fastest.
func FortranOrder[T any](shape []int, c []T) []T {
	out := make([]T, 0, len(c))
	idx := make([]int, len(shape))
	for range c {
		at, stride := 0, 1
		for k := len(shape) - 1; k >= 0; k-- {
			at += idx[k] * stride
			stride *= shape[k]
		}
		out = append(out, c[at])
		for k := range shape {
			if idx[k]++; idx[k] < shape[k] {
				break
			}
			idx[k] = 0
		}
	}
	return out
}

// HalfValue is binary16's definition of the value of bits h: (−1)^s ·
// 2^(e−15) · (1 + m/1024), subnormals 2^−14 · m/1024.
func HalfValue(h uint16) float64 {
	s, e, m := h>>15, int(h>>10&0x1f), float64(h&0x3ff)
	var v float64
	switch e {
	case 0:
		v = math.Ldexp(m/1024, -14)
	case 31:
		v = math.Inf(1)
		if m != 0 {
			v = math.NaN()
		}
	default:
		v = math.Ldexp(1+m/1024, e-15)
	}
	if s == 1 {
		v = -v
	}
	return v
}

// FloatToHalf rounds v to the nearest binary16 (ties to the even pattern is
// not needed by the tests: either neighbour will do), by binary search over
// the finite non-negative patterns, whose values HalfValue orders.
func FloatToHalf(v float64) uint16 {
	if math.IsNaN(v) {
		return 0x7e00
	}
	var sign uint16
	if math.Signbit(v) {
		sign, v = 0x8000, -v
	}
	lo, hi := uint16(0), uint16(0x7c00) // 0x7c00 is +Inf
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		if HalfValue(mid) <= v {
			lo = mid
		} else {
			hi = mid
		}
	}
	if hi != 0x7c00 && HalfValue(hi)-v < v-HalfValue(lo) {
		lo = hi
	}
	return sign | lo
}
