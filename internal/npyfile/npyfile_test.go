package npyfile

import (
	"bytes"
	"encoding/binary"
	"math"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/podium-dev/podium/internal/npyfile/npytest"
	"github.com/podium-dev/podium/internal/testdata"
)

// npy builds a version-1 .npy stream by hand, so the tests do not depend on
// the writer they check against.
func npy(header string, data []byte) []byte { return npytest.WithHeader(header, data) }

func f32bytes(v ...float32) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.LittleEndian, v)
	return b.Bytes()
}

func f64bytes(v ...float64) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.LittleEndian, v)
	return b.Bytes()
}

func TestDecodeFloat32(t *testing.T) {
	raw := npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", f32bytes(1, 2, 3, 4, 5, 6.5))
	a, err := Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Shape) != 2 || a.Shape[0] != 2 || a.Shape[1] != 3 {
		t.Fatalf("shape %v, want [2 3]", a.Shape)
	}
	if a.Data[5] != 6.5 || len(a.Data) != 6 {
		t.Fatalf("data %v", a.Data)
	}
}

func TestDecodeFloat64KeepsPrecision(t *testing.T) {
	// Keys in another order and a one-element tuple, as other writers produce.
	raw := npy(`{"shape": (2,), "fortran_order": False, "descr": "<f8"}`, f64bytes(0.1, -1e300))
	shape, data, err := Decode64(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if len(shape) != 1 || shape[0] != 2 || data[0] != 0.1 || data[1] != -1e300 {
		t.Fatalf("got %v %v", shape, data)
	}
	a, err := Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if a.Data[0] != float32(0.1) || !math.IsInf(float64(a.Data[1]), -1) {
		t.Fatalf("float32 view %v", a.Data)
	}
}

func TestDecodeVersion2AndScalar(t *testing.T) {
	var b bytes.Buffer
	b.WriteString(magic)
	b.Write([]byte{2, 0})
	h := "{'descr': '<f4', 'fortran_order': False, 'shape': ()}\n"
	binary.Write(&b, binary.LittleEndian, uint32(len(h)))
	b.WriteString(h)
	b.Write(f32bytes(42))
	a, err := Decode(&b)
	if err != nil {
		t.Fatal(err)
	}
	if a.Shape != nil || len(a.Data) != 1 || a.Data[0] != 42 {
		t.Fatalf("scalar read as %v %v", a.Shape, a.Data)
	}
}

func TestDecodeErrors(t *testing.T) {
	ok := "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }"
	cases := []struct {
		name string
		raw  []byte
		want string
	}{
		{"empty", nil, "not a .npy file"},
		{"text", []byte("hello, world, this is text"), "no \\x93NUMPY magic"},
		{"truncated data", npy(ok, f32bytes(1, 2)), "truncated data: 2 of 3 values"},
		{"truncated header", npy(ok, nil)[:30], "truncated .npy header"},
		{"int dtype", npy("{'descr': '<i4', 'fortran_order': False, 'shape': (3,), }", f32bytes(1, 2, 3)), `dtype "<i4"`},
		{"int64", npy("{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }", f64bytes(1, 2, 3)), `dtype "<i8" (8-byte integers)`},
		{"complex", npy("{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }", f64bytes(1, 2)), `dtype "<c16" (16-byte complex numbers)`},
		{"pickle", npy("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", []byte("\x80\x04")), `dtype "|O" (Python objects, stored as a pickle)`},
		{"float128", npy("{'descr': '<f16', 'fortran_order': False, 'shape': (1,), }", f64bytes(1, 2)), `dtype "<f16" (16-byte floats)`},
		{"structured", npy("{'descr': [('x', '<f4'), ('y', '<f4')], 'fortran_order': False, 'shape': (1,), }", f32bytes(1, 2)),
			"dtype [('x', '<f4'), ('y', '<f4')] is a structured (record) array"},
		{"unterminated fields", npy("{'descr': [('x', '<f4'), 'fortran_order': False, 'shape': (1,), }", f32bytes(1, 2)), `'}' where ']' closes the list of fields`},
		{"huge shape", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (100000, 100000), }", nil), "exceed the limit"},
		{"negative dim", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (-3,), }", nil), "plausible size"},
		{"missing key", npy("{'descr': '<f4', 'shape': (3,), }", f32bytes(1, 2, 3)), `no "fortran_order" key`},
		{"version 9", append([]byte(magic), 9, 0, 0, 0), "version 9.0"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Decode(bytes.NewReader(c.raw))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
		})
	}
}

// A header may claim far more data than the file holds; reading must fail
// after the file ends, having allocated about one chunk, not the claim.
func TestDecodeLyingHeaderAllocatesLittle(t *testing.T) {
	raw := npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000,), }", f64bytes(1, 2, 3))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := Decode(bytes.NewReader(raw))
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), "truncated data: 3 of 1000000000") {
		t.Fatalf("error %v, want truncated data", err)
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > 8<<20 {
		t.Fatalf("decoding allocated %d bytes for a 3-value file", got)
	}
}

func TestWriteReadRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.npy")
	rows := [][2]float32{{1, 2}, {3, 4}, {5, float32(math.Pi)}}
	if err := WriteFile(path, rows); err != nil {
		t.Fatal(err)
	}
	a, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Shape) != 2 || a.Shape[0] != 3 || a.Shape[1] != 2 || a.Data[5] != float32(math.Pi) {
		t.Fatalf("read back %v %v", a.Shape, a.Data)
	}
	h, err := ReadHeader(path)
	if err != nil {
		t.Fatal(err)
	}
	if h.Dtype != "<f4" || h.Elements() != 6 {
		t.Fatalf("header %+v", h)
	}
}

func TestReadFixtureMotion(t *testing.T) {
	path := testdata.Path(t, "fixtures", "metrics", "A_sines.npy")
	a, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Shape) != 3 || a.Shape[0] != 1800 || a.Shape[1] != 13 || a.Shape[2] != 2 || len(a.Data) != 1800*26 {
		t.Fatalf("fixture motion has shape %v and %d values", a.Shape, len(a.Data))
	}
	_, d64, err := Read64(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := range d64 {
		if float32(d64[i]) != a.Data[i] {
			t.Fatalf("value %d differs between Read and Read64", i)
		}
	}
}

func TestReadMissingFileNamesIt(t *testing.T) {
	_, err := Read(filepath.Join(t.TempDir(), "nope.npy"))
	if err == nil || !strings.Contains(err.Error(), "nope.npy") {
		t.Fatalf("error %v does not name the file", err)
	}
}
