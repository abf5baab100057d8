package npyfile

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/podium-dev/podium/internal/npyfile/npytest"
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
			raw := npytest.Encode(shape, c, npytest.Layout{Dtype: "f8", BigEndian: big, Fortran: true})
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

// Every one of the 65 536 half-precision values widens to what binary16's
// definition says.
func TestHalfToFloat32Exhaustive(t *testing.T) {
	for h := range 1 << 16 {
		got, want := halfToFloat32(uint16(h)), npytest.HalfValue(uint16(h))
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
		shape, got, err := Decode64(bytes.NewReader(npytest.Encode([]int{7}, vals, npytest.Layout{Dtype: "f2", BigEndian: big})))
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
	raw := npytest.Encode([]int{3, 4}, make([]float64, 12), npytest.Layout{Fortran: true})
	if err := os.WriteFile(path, raw[:len(raw)-5], 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(path); err == nil || !strings.Contains(err.Error(), "truncated data: 10 of 12 values present") {
		t.Fatalf("error %v", err)
	}
	liar := filepath.Join(t.TempDir(), "liar.npy")
	if err := os.WriteFile(liar, npy("{'descr': '>f8', 'fortran_order': True, 'shape': (1000, 1000000), }", f64bytes(1, 2, 3)), 0o644); err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := Read(liar)
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), "truncated data: 3 of 1000000000 values present") {
		t.Fatalf("error %v", err)
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > 1<<20 {
		t.Fatalf("reading a 3-value file that claims 10⁹ allocated %d bytes", got)
	}
}
