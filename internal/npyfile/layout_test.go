package npyfile

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/podium-dev/podium/internal/testdata"
)

// TestNumPyLayouts reads every case of ../shared/fixtures/npy/cases.json —
// the same values written by NumPy in each layout — and compares it, value
// by value in C order, with its reference, within the case's tolerance
// (none: exactly).
func TestNumPyLayouts(t *testing.T) {
	dir := testdata.Path(t, "fixtures", "npy")
	raw, err := os.ReadFile(filepath.Join(dir, "cases.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Cases []struct {
			File, Ref, Layout string
			Shape             []int
			Tolerance         float64
		}
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("cases.json: %v", err)
	}
	if len(doc.Cases) < 9 {
		t.Fatalf("cases.json lists %d cases, want its 9 layouts", len(doc.Cases))
	}
	for _, c := range doc.Cases {
		t.Run(c.File, func(t *testing.T) {
			ref, err := Read(filepath.Join(dir, c.Ref))
			if err != nil {
				t.Fatal(err)
			}
			got, err := Read(filepath.Join(dir, c.File))
			if err != nil {
				t.Fatalf("%s: %v", c.Layout, err)
			}
			if !slices.Equal(got.Shape, c.Shape) {
				t.Fatalf("%s: shape %v, want %v", c.Layout, got.Shape, c.Shape)
			}
			if len(got.Data) != len(ref.Data) {
				t.Fatalf("%s: %d values, the reference %d", c.Layout, len(got.Data), len(ref.Data))
			}
			for i, v := range got.Data {
				if d := math.Abs(float64(v - ref.Data[i])); d > c.Tolerance || v != v {
					t.Fatalf("%s: value %d (C order) is %v, the reference %v", c.Layout, i, v, ref.Data[i])
				}
			}
			// Read64 and the unsized stream decoder agree with Read.
			_, d64, err := Read64(filepath.Join(dir, c.File))
			if err != nil {
				t.Fatal(err)
			}
			f, err := os.ReadFile(filepath.Join(dir, c.File))
			if err != nil {
				t.Fatal(err)
			}
			streamed, err := Decode(bytes.NewReader(f))
			if err != nil {
				t.Fatal(err)
			}
			for i, v := range got.Data {
				if float32(d64[i]) != v || streamed.Data[i] != v {
					t.Fatalf("%s: value %d: Read %v, Read64 %v, Decode %v", c.Layout, i, v, d64[i], streamed.Data[i])
				}
			}
		})
	}
}

// TestFortranOrder writes arrays of several shapes whose values are their
// own C-order index, in Fortran order and in both byte orders, and checks
// each comes back in C order, through the sized (file) and unsized (stream)
// paths, including when the data span several read chunks that cut columns
// (a column is the run of values along the first index).
func TestFortranOrder(t *testing.T) {
	for _, shape := range [][]int{{7, 5}, {1, 7, 5}, {4, 3, 2}, {1, 4, 3, 2}, {3, 1, 4}, {2, 3, 4, 5}, {6}, {1, 1}, {0, 4},
		{300000, 2}, {3, 200000}, {1000, 300}, {7, 50000, 2}} {
		for _, big := range []bool{false, true} {
			name := fmt.Sprintf("%v big=%v", shape, big)
			n := 1
			for _, d := range shape {
				n *= d
			}
			c := make([]float64, n)
			for i := range c {
				c[i] = float64(i)
			}
			raw := npyBytes(shape, "f8", big, true, fortran(shape, c))
			path := filepath.Join(t.TempDir(), "a.npy")
			if err := os.WriteFile(path, raw, 0o644); err != nil {
				t.Fatal(err)
			}
			_, fromFile, err := Read64(path)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			_, fromStream, err := Decode64(bytes.NewReader(raw))
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if !slices.Equal(fromFile, c) || !slices.Equal(fromStream, c) {
				t.Fatalf("%s: not in C order (file %v…, stream %v…)", name, fromFile[:min(n, 8)], fromStream[:min(n, 8)])
			}
		}
	}
}

// fortran returns the C-ordered values c of the given shape in Fortran order.
func fortran(shape []int, c []float64) []float64 {
	out := make([]float64, 0, len(c))
	idx := make([]int, len(shape))
	for range c {
		at, stride := 0, 1
		for k := len(shape) - 1; k >= 0; k-- {
			at += idx[k] * stride
			stride *= shape[k]
		}
		out = append(out, c[at])
		for k := 0; k < len(shape); k++ { // first index fastest
			if idx[k]++; idx[k] < shape[k] {
				break
			}
			idx[k] = 0
		}
	}
	return out
}

// npyBytes encodes values as a version-1 .npy of the given float kind ("f2",
// "f4" or "f8"), byte order and order flag.
func npyBytes(shape []int, kind string, big, fortranOrder bool, values []float64) []byte {
	dims := make([]string, len(shape))
	for i, d := range shape {
		dims[i] = fmt.Sprint(d)
	}
	tuple := strings.Join(dims, ", ")
	if len(shape) == 1 {
		tuple += ","
	}
	order, bo := "<", binary.ByteOrder(binary.LittleEndian)
	if big {
		order, bo = ">", binary.BigEndian
	}
	flag := "False"
	if fortranOrder {
		flag = "True"
	}
	var data bytes.Buffer
	for _, v := range values {
		switch kind {
		case "f2":
			binary.Write(&data, bo, floatToHalf(float32(v)))
		case "f4":
			binary.Write(&data, bo, float32(v))
		default:
			binary.Write(&data, bo, v)
		}
	}
	return npy(fmt.Sprintf("{'descr': '%s%s', 'fortran_order': %s, 'shape': (%s), }", order, kind, flag, tuple), data.Bytes())
}

// floatToHalf rounds to the nearest binary16 by search over its 65 536 values
// (slow, but independent of the decoder under test).
func floatToHalf(f float32) uint16 {
	best, bestErr := uint16(0), math.Inf(1)
	for h := range 1 << 16 {
		v := halfByFormula(uint16(h))
		if e := math.Abs(v - float64(f)); e < bestErr {
			best, bestErr = uint16(h), e
		}
	}
	return best
}

// halfByFormula is binary16's definition: (−1)^s · 2^(e−15) · (1 + m/1024),
// subnormals 2^−14 · m/1024.
func halfByFormula(h uint16) float64 {
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

// Every one of the 65 536 half-precision values widens to what binary16's
// definition says.
func TestHalfToFloat32Exhaustive(t *testing.T) {
	for h := range 1 << 16 {
		got, want := halfToFloat32(uint16(h)), halfByFormula(uint16(h))
		if math.IsNaN(want) {
			if !math.IsNaN(float64(got)) {
				t.Fatalf("%#04x: %v, want NaN", h, got)
			}
			continue
		}
		if float64(got) != want || math.Signbit(float64(got)) != math.Signbit(want) {
			t.Fatalf("%#04x: %v, want %v", h, got, want)
		}
	}
}

func TestFloat16BothByteOrders(t *testing.T) {
	vals := []float64{0, 1, -2.5, 0.333, 65504, 6e-8, -0.0001}
	for _, big := range []bool{false, true} {
		shape, got, err := Decode64(bytes.NewReader(npyBytes([]int{7}, "f2", big, false, vals)))
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range got {
			if math.Abs(v-vals[i]) > math.Abs(vals[i])/1000+6e-8 || len(shape) != 1 {
				t.Fatalf("big=%v: value %d is %v, wrote %v", big, i, v, vals[i])
			}
		}
	}
}

// The layouts NumPy writes with other versions of the format: 3.0 (UTF-8
// header) and Python 2's long integers in the shape.
func TestVersion3AndLongShape(t *testing.T) {
	h := "{'descr': '>f4', 'fortran_order': True, 'shape': (2L, 3L), }\n"
	var b bytes.Buffer
	b.WriteString(magic)
	b.Write([]byte{3, 0})
	binary.Write(&b, binary.LittleEndian, uint32(len(h)))
	b.WriteString(h)
	binary.Write(&b, binary.BigEndian, []float32{0, 3, 1, 4, 2, 5}) // [[0 1 2] [3 4 5]] by columns
	a, err := Decode(&b)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a.Shape, []int{2, 3}) || !slices.Equal(a.Data, []float32{0, 1, 2, 3, 4, 5}) {
		t.Fatalf("read %v %v", a.Shape, a.Data)
	}
}

// A refused dtype is one line naming the file and the dtype.
func TestRefusedDtypeNamesFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "labels.npy")
	raw := npy("{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }", f64bytes(1, 2))
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Read(path)
	if err == nil || !strings.HasPrefix(err.Error(), "read "+path+": dtype \"<i8\" (8-byte integers)") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("error %q", err)
	}
}

// A file that is shorter than its header claims is refused before anything
// the size of the claim is allocated.
func TestShortFileRefusedBeforeAllocating(t *testing.T) {
	path := filepath.Join(t.TempDir(), "short.npy")
	raw := npyBytes([]int{3, 4}, "f4", false, true, make([]float64, 12))
	if err := os.WriteFile(path, raw[:len(raw)-5], 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(path); err == nil || !strings.Contains(err.Error(), "truncated data: 10 of 12 values present") {
		t.Fatalf("error %v", err)
	}
}
