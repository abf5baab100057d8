package npyfile

import (
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
)

// floatType is a float dtype podium reads: its size in bytes and byte order.
type floatType struct {
	size int // 2, 4 or 8
	big  bool
}

// floatType checks that the array holds floats podium reads and says how
// they are stored; anything else is refused with its dtype named.
func (h Header) floatType() (floatType, error) {
	if h.Structured {
		return floatType{}, fmt.Errorf("dtype %s is a structured (record) array; podium reads plain float16, float32 or float64 arrays", h.Dtype)
	}
	d := h.Dtype
	if len(d) >= 3 && (d[0] == '<' || d[0] == '>') && d[1] == 'f' {
		switch d[2:] {
		case "2", "4", "8":
			return floatType{size: int(d[2] - '0'), big: d[0] == '>'}, nil
		}
	}
	return floatType{}, fmt.Errorf("dtype %q (%s) is not read: podium reads float16, float32 and float64 arrays (<f2, <f4, <f8, either byte order)", d, describeDtype(d))
}

// describeDtype names a NumPy type string for a message: '<i8' is "8-byte
// integers".
func describeDtype(d string) string {
	if len(d) < 2 {
		return "unknown type"
	}
	kind, rest := d[1], d[2:]
	if d[0] != '<' && d[0] != '>' && d[0] != '|' && d[0] != '=' {
		kind, rest = d[0], d[1:]
	}
	size := ""
	if n, err := strconv.Atoi(rest); err == nil {
		size = strconv.Itoa(n) + "-byte "
	}
	switch kind {
	case 'f':
		return size + "floats"
	case 'i':
		return size + "integers"
	case 'u':
		return size + "unsigned integers"
	case 'c':
		return size + "complex numbers"
	case 'b', '?':
		return "booleans"
	case 'O':
		return "Python objects, stored as a pickle"
	case 'U':
		return "unicode strings"
	case 'S', 'a':
		return "byte strings"
	case 'V':
		return "raw bytes"
	case 'M':
		return "datetimes"
	case 'm':
		return "time deltas"
	}
	return "unknown type"
}

// convertTo decodes len(dst) values of the type from b, with one loop per
// stored type, so the type is decided once per
// chunk, not per value.
func convertTo[T float32 | float64](dst []T, b []byte, ft floatType) {
	var order binary.ByteOrder = binary.LittleEndian
	if ft.big {
		order = binary.BigEndian
	}
	switch {
	case ft.size == 4 && !ft.big:
		for i := range dst {
			dst[i] = T(math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:])))
		}
	case ft.size == 4:
		for i := range dst {
			dst[i] = T(math.Float32frombits(binary.BigEndian.Uint32(b[4*i:])))
		}
	case ft.size == 8 && !ft.big:
		for i := range dst {
			dst[i] = T(math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:])))
		}
	case ft.size == 8:
		for i := range dst {
			dst[i] = T(math.Float64frombits(binary.BigEndian.Uint64(b[8*i:])))
		}
	default:
		for i := range dst {
			dst[i] = T(halfToFloat32(order.Uint16(b[2*i:])))
		}
	}
}

// halfToFloat32 widens an IEEE 754 binary16 value exactly.
func halfToFloat32(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	man := uint32(h) & 0x3ff
	switch exp {
	case 0: // zero or subnormal: man · 2^−24, exact in float32
		return math.Float32frombits(math.Float32bits(float32(man)/(1<<24)) | sign)
	case 0x1f: // infinity or NaN, keeping the payload
		return math.Float32frombits(sign | 0x7f800000 | man<<13)
	}
	return math.Float32frombits(sign | (exp+127-15)<<23 | man<<13)
}
