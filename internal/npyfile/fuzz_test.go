package npyfile

import (
	"bytes"
	"testing"
)

// FuzzDecode feeds arbitrary bytes to both decoders: none may panic, and
// whatever decodes must hold exactly the values its shape promises.
func FuzzDecode(f *testing.F) {
	good := "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }"
	f.Add(npy(good, f32bytes(1, 2, 3, 4)))
	f.Add(npy(good, f32bytes(1, 2)))
	f.Add(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", f64bytes(1, 2, 3)))
	f.Add(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (), }", f32bytes(7)))
	f.Add(npy("{'descr': '<i8', 'fortran_order': True, 'shape': (1, 0), }", nil))
	f.Add(npy("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", f32bytes(1)))
	f.Add([]byte(magic + "\x02\x00\xff\xff\xff\xff"))
	f.Add([]byte(magic))
	f.Fuzz(func(t *testing.T, raw []byte) {
		a, err := Decode(bytes.NewReader(raw))
		if err == nil {
			n := 1
			for _, d := range a.Shape {
				n *= d
			}
			if len(a.Data) != n {
				t.Fatalf("shape %v decoded with %d values", a.Shape, len(a.Data))
			}
		}
		shape, data, err64 := Decode64(bytes.NewReader(raw))
		if (err == nil) != (err64 == nil) {
			t.Fatalf("Decode says %v, Decode64 says %v", err, err64)
		}
		if err64 == nil && (len(shape) != len(a.Shape) || len(data) != len(a.Data)) {
			t.Fatalf("Decode64 disagrees: %v/%d vs %v/%d", shape, len(data), a.Shape, len(a.Data))
		}
	})
}
