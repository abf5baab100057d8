package dataset

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/podium-dev/podium/dataset/datasettest"
)

// FuzzSamples puts arbitrary bytes in a pair's motion.npy and mel.npy and
// streams the split: whatever the files hold, reading must not panic, and a
// pair that reads must be cut into whole, finite samples. (The fuzzer's exec
// count may sit still for long stretches while it runs — golang/go#51484 —
// the target itself runs at ~100+ inputs per second.)
func FuzzSamples(f *testing.F) {
	seed := f.TempDir()
	datasettest.Write(f, seed, "val", []int{0}, 1)
	mot, _ := os.ReadFile(filepath.Join(seed, "val", "0", MotionFile))
	mel, _ := os.ReadFile(filepath.Join(seed, "val", "0", MelFile))
	f.Add(mot, mel)
	f.Add(mot[:len(mot)-3], mel)
	f.Add(mot, mel[:200])
	// The layouts NumPy writes besides C-ordered little-endian float32.
	for i, l := range []datasettest.Layout{{Fortran: true}, {BigEndian: true}, {Fortran: true, BigEndian: true, Dtype: "f8"}} {
		dir := filepath.Join(f.TempDir(), strconv.Itoa(i))
		datasettest.WriteLayout(f, dir, "val", []int{0}, 1, l)
		mot, _ := os.ReadFile(filepath.Join(dir, "val", "0", MotionFile))
		mel, _ := os.ReadFile(filepath.Join(dir, "val", "0", MelFile))
		f.Add(mot, mel)
		f.Add(mot[:len(mot)-9], mel[:len(mel)/2])
	}
	f.Add([]byte("\x93NUMPY\x01\x00\x46\x00{'descr': '<f4', 'fortran_order': False, 'shape': (0, 13, 2), }      \n"), mel)
	f.Fuzz(func(t *testing.T, motion, mel []byte) {
		root := t.TempDir()
		dir := filepath.Join(root, "val", "0")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, MotionFile), motion, 0o644)
		os.WriteFile(filepath.Join(dir, MelFile), mel, 0o644)
		d, err := Open(root, Options{SampleLength: 1})
		if err != nil {
			t.Fatal(err)
		}
		for s, err := range d.Samples(context.Background()) {
			var se *SampleError
			if err != nil {
				if !errors.As(err, &se) {
					t.Fatalf("fatal error from a bad pair: %v", err)
				}
				continue
			}
			if s.Mel.Frames != 90 || len(s.Mel.Data) != 90*128 || s.Motion.Frames != 30 || s.Motion.Validate() != nil {
				t.Fatalf("sample %s: %d mel rows (%d values), %d motion frames", s.ID(), s.Mel.Frames, len(s.Mel.Data), s.Motion.Frames)
			}
		}
	})
}
