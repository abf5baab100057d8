package npyfile

import (
	"bytes"
	"math"
	"testing"

	"github.com/podium-dev/podium/internal/npyfile/npytest"
)

// FuzzDecode feeds arbitrary bytes to the decoders: none may panic, whatever
// decodes must hold exactly the values its shape promises, and the stream
// path (size unknown, growing as data arrive) must agree bit for bit with the
// file path (size known, allocated at once) and with the float64 decoder.
func FuzzDecode(f *testing.F) {
	good := "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }"
	f.Add(npy(good, f32bytes(1, 2, 3, 4)))
	f.Add(npy(good, f32bytes(1, 2)))
	f.Add(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", f64bytes(1, 2, 3)))
	f.Add(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (), }", f32bytes(7)))
	f.Add(npy("{'descr': '<i8', 'fortran_order': True, 'shape': (1, 0), }", nil))
	f.Add(npy("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", f32bytes(1)))
	f.Add(npy("{'descr': [('a', '<f4'), ('b', [('c', '>i2')])], 'fortran_order': False, 'shape': (1,), }", f32bytes(1)))
	// The layouts NumPy writes: Fortran order, big-endian, float16, batched.
	f.Add(npytest.Encode([]int{3, 4}, seq(12), npytest.Layout{Fortran: true}))
	f.Add(npytest.Encode([]int{1, 5, 3}, seq(15), npytest.Layout{Fortran: true}))
	f.Add(npytest.Encode([]int{4, 3, 2}, seq(24), npytest.Layout{Fortran: true, BigEndian: true, Dtype: "f8"}))
	f.Add(npytest.Encode([]int{1, 3, 13, 2}, seq(78), npytest.Layout{Fortran: true, BigEndian: true}))
	f.Add(npytest.Encode([]int{2, 26}, seq(52), npytest.Layout{BigEndian: true, Dtype: "f2"}))
	f.Add(npytest.Encode([]int{6, 2}, seq(12), npytest.Layout{Fortran: true, Dtype: "f2"}))
	claims := npytest.Encode([]int{40, 3}, seq(120), npytest.Layout{Fortran: true, BigEndian: true, Dtype: "f8"})
	f.Add(claims[:len(claims)-20*8]) // 20 values short of its claim
	f.Add(npy("{'descr': '>f4', 'fortran_order': True, 'shape': (2L, 3L), }", f32bytes(1, 2, 3, 4, 5, 6)))
	f.Add([]byte(magic + "\x02\x00\xff\xff\xff\xff"))
	f.Add([]byte(magic + "\x03\x00\x10\x00\x00\x00{'descr': '>f2'}"))
	f.Add([]byte(magic))
	f.Fuzz(func(t *testing.T, raw []byte) {
		h, a, err := decode[float32](bytes.NewReader(raw), -1)
		if err == nil && len(a) != h.Elements() {
			t.Fatalf("shape %v decoded with %d values", h.Shape, len(a))
		}
		hs, sized, errSized := decode[float32](bytes.NewReader(raw), int64(len(raw)))
		if (err == nil) != (errSized == nil) {
			t.Fatalf("stream decoder says %v, sized decoder says %v", err, errSized)
		}
		if err == nil {
			if len(hs.Shape) != len(h.Shape) || len(sized) != len(a) {
				t.Fatalf("sized decoder: %v/%d, stream: %v/%d", hs.Shape, len(sized), h.Shape, len(a))
			}
			for i := range a {
				if math.Float32bits(a[i]) != math.Float32bits(sized[i]) {
					t.Fatalf("value %d: stream %v, sized %v", i, a[i], sized[i])
				}
			}
		}
		shape, data, err64 := Decode64(bytes.NewReader(raw))
		if (err == nil) != (err64 == nil) {
			t.Fatalf("Decode says %v, Decode64 says %v", err, err64)
		}
		if err64 == nil {
			if len(shape) != len(h.Shape) || len(data) != len(a) {
				t.Fatalf("Decode64 disagrees: %v/%d vs %v/%d", shape, len(data), h.Shape, len(a))
			}
			for i, v := range data {
				if float32(v) != a[i] && !(v != v && a[i] != a[i]) {
					t.Fatalf("value %d: Decode64 %v, Decode %v", i, v, a[i])
				}
			}
		}
	})
}

// seq is 0, 1, …, n−1.
func seq(n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = float64(i)
	}
	return s
}
