package dataset

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/podium-dev/podium/audio"
	"github.com/podium-dev/podium/dataset/datasettest"
	"github.com/podium-dev/podium/motion"
)

// collect drains the stream into good samples and skipped IDs with messages.
func collect(t *testing.T, d *Dataset) (good []Sample, bad map[string]string) {
	t.Helper()
	bad = map[string]string{}
	for s, err := range d.Samples(context.Background()) {
		var se *SampleError
		switch {
		case errors.As(err, &se):
			bad[se.ID()] = se.Error()
		case err != nil:
			t.Fatal(err)
		default:
			good = append(good, s)
		}
	}
	return good, bad
}

func TestReaderCountsAndSlicesLikeTheReference(t *testing.T) {
	root := t.TempDir()
	// Folder 10 must come after 2: numeric, not string, order.
	pairs := []int{2, 0, 10, 1}
	datasettest.Write(t, root, "val", pairs, 60)
	order := []int{0, 1, 2, 10}
	for _, c := range []struct{ length, perPair int }{{30, 2}, {60, 1}, {25, 2}, {7, 8}} {
		t.Run(strconv.Itoa(c.length)+"s", func(t *testing.T) {
			d, err := Open(root, Options{Split: "val", SampleLength: c.length})
			if err != nil {
				t.Fatal(err)
			}
			if got := d.Estimate(); got != len(pairs)*c.perPair {
				t.Errorf("estimate %d, want %d", got, len(pairs)*c.perPair)
			}
			good, bad := collect(t, d)
			if len(bad) != 0 {
				t.Fatalf("skipped %v", bad)
			}
			if len(good) != len(pairs)*c.perPair {
				t.Fatalf("%d samples, want %d", len(good), len(pairs)*c.perPair)
			}
			for i, s := range good {
				n, j := order[i/c.perPair], i%c.perPair
				if s.Folder != strconv.Itoa(n) || s.Piece != j || s.Start != j*c.length {
					t.Fatalf("sample %d is %s (start %d s), want %d_%d", i, s.ID(), s.Start, n, j)
				}
				if s.Mel.Frames != 90*c.length || s.Motion.Frames != 30*c.length || s.Motion.Rate != 30 {
					t.Fatalf("%s: %d mel rows and %d motion frames, want %d and %d", s.ID(), s.Mel.Frames, s.Motion.Frames, 90*c.length, 30*c.length)
				}
				// First and last rows are the pair's rows [90·j·L, 90·(j+1)·L).
				r0, r1 := 90*j*c.length, 90*(j+1)*c.length-1
				if s.Mel.Row(0)[0] != datasettest.MelValue(n, r0, 0) || s.Mel.Row(s.Mel.Frames - 1)[0] != datasettest.MelValue(n, r1, 0) ||
					s.Mel.Row(0)[1] != datasettest.MelValue(n, r0, 1) || s.Mel.Row(3)[77] != datasettest.MelValue(n, r0+3, 77) {
					t.Fatalf("%s: mel rows are not the pair's rows %d–%d", s.ID(), r0, r1)
				}
				f0, f1 := 30*j*c.length, 30*(j+1)*c.length-1
				if s.Motion.At(0, motion.RightHip).Y != datasettest.FrameMarker(f0) ||
					s.Motion.At(s.Motion.Frames-1, motion.RightHip).Y != datasettest.FrameMarker(f1) {
					t.Fatalf("%s: motion frames are not the pair's frames %d–%d", s.ID(), f0, f1)
				}
			}
		})
	}
}

// Pairs saved the way NumPy saves them in other layouts — Fortran order (a
// transposed mel, as the VirtualConductor recipe writes it), big-endian,
// float64 — read as the same samples, value for value, as the C-ordered
// little-endian float32 pairs; so do [1,T,13,2] and [T,26] motions.
func TestEveryNumPyLayoutReadsTheSameSamples(t *testing.T) {
	read := func(root string) []Sample {
		d, err := Open(root, Options{SampleLength: 5})
		if err != nil {
			t.Fatal(err)
		}
		good, bad := collect(t, d)
		if len(bad) > 0 || len(good) != 4 {
			t.Fatalf("%s: %d samples, skipped %v", root, len(good), bad)
		}
		return good
	}
	c := t.TempDir()
	datasettest.Write(t, c, "val", []int{0, 1}, 10)
	want := read(c)
	for _, l := range []datasettest.Layout{{Fortran: true}, {BigEndian: true}, {Fortran: true, BigEndian: true, Dtype: "f8"}} {
		root := t.TempDir()
		datasettest.WriteLayout(t, root, "val", []int{0, 1}, 10, l)
		for i, s := range read(root) {
			if s.ID() != want[i].ID() || !slices.Equal(s.Mel.Data, want[i].Mel.Data) || !slices.Equal(s.Motion.Data, want[i].Motion.Data) {
				t.Fatalf("%+v: sample %s differs from the C-ordered one", l, s.ID())
			}
		}
	}
	// The motion as [1,T,13,2] (Fortran) and [T,26].
	root := t.TempDir()
	datasettest.Write(t, root, "val", []int{0, 1}, 10)
	for n, shape := range [][]int{{1, 300, 13, 2}, {300, 26}} {
		path := filepath.Join(root, "val", strconv.Itoa(n), MotionFile)
		datasettest.WriteNPYLayout(t, path, shape, datasettest.Motion(n, 300).Data, datasettest.Layout{Fortran: true})
	}
	for i, s := range read(root) {
		if !slices.Equal(s.Motion.Data, want[i].Motion.Data) {
			t.Fatalf("sample %s: the [1,T,13,2] / [T,26] motion differs", s.ID())
		}
	}
}

// rawNPY writes a .npy file by hand with any dtype and shape.
func rawNPY(t *testing.T, path, descr, shape string, data []byte) {
	t.Helper()
	h := "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }\n"
	var b bytes.Buffer
	b.WriteString("\x93NUMPY\x01\x00")
	binary.Write(&b, binary.LittleEndian, uint16(len(h)))
	b.WriteString(h)
	b.Write(data)
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestBadPairsAreReportedAndSkipped(t *testing.T) {
	root := t.TempDir()
	// Ten-second pairs cut into 5 s samples keep the test small.
	datasettest.Write(t, root, "test", []int{0, 1, 2, 3, 4, 5, 6, 7}, 10)
	pair := func(n int, f string) string { return filepath.Join(root, "test", strconv.Itoa(n), f) }
	// 1: no motion.
	os.Remove(pair(1, MotionFile))
	// 2: truncated mel.
	raw, _ := os.ReadFile(pair(2, MelFile))
	os.WriteFile(pair(2, MelFile), raw[:len(raw)/2], 0o644)
	// 3: integer motion.
	rawNPY(t, pair(3, MotionFile), "<i4", "(300, 13, 2)", make([]byte, 300*26*4))
	// 4: three coordinates per keypoint.
	rawNPY(t, pair(4, MotionFile), "<f4", "(300, 13, 3)", make([]byte, 300*39*4))
	// 5: NaN in the second half only: piece 0 survives.
	m := datasettest.Motion(5, 300)
	m.Set(200, motion.LeftElbow, motion.Point{X: float32(math.NaN()), Y: 0.5})
	datasettest.WriteMotion(t, pair(5, MotionFile), m)
	// 6: mel covering only the first 5 s: piece 1 lacks mel.
	mel := make([][audio.MelBands]float32, 450)
	rows := bytes.Buffer{}
	binary.Write(&rows, binary.LittleEndian, mel)
	rawNPY(t, pair(6, MelFile), "<f4", "(450, 128)", rows.Bytes())
	// 7: a mel of the wrong width.
	rawNPY(t, pair(7, MelFile), "<f4", "(900, 64)", make([]byte, 900*64*4))

	d, err := Open(root, Options{Split: "test", SampleLength: 5})
	if err != nil {
		t.Fatal(err)
	}
	good, bad := collect(t, d)
	var ids []string
	for _, s := range good {
		ids = append(ids, s.ID())
	}
	if strings.Join(ids, " ") != "0_0 0_1 5_0 6_0" {
		t.Fatalf("good samples %v, want 0_0 0_1 5_0 6_0", ids)
	}
	want := map[string]string{
		"1":   "motion.npy is missing",
		"2":   "truncated data",
		"3":   `dtype "<i4" (4-byte integers) is not read`,
		"4":   "shape [300 13 3] is not a [T,13,2] motion",
		"5_1": "motion.npy (from frame 150): motion: frame 50 keypoint 7 is not finite",
		"6_1": "mel.npy has 450 frames, the piece needs rows 450–899",
		"7":   "shape [900 64] is not a [T,128] (or [1,T,128]) mel",
	}
	if len(bad) != len(want) {
		t.Errorf("skipped %v", bad)
	}
	for id, frag := range want {
		if !strings.Contains(bad[id], frag) {
			t.Errorf("skip %s: %q, want it to say %q", id, bad[id], frag)
		}
	}
}

func TestMissingOrEmptySplitIsAnError(t *testing.T) {
	root := t.TempDir()
	datasettest.Write(t, root, "val", []int{0}, 2)
	_, err := Open(root, Options{Split: "test"})
	if err == nil || !strings.Contains(err.Error(), `split "test" not found`) {
		t.Fatalf("error %v", err)
	}
	os.MkdirAll(filepath.Join(root, "train"), 0o755)
	_, err = Open(root, Options{Split: "train"})
	if err == nil || !strings.Contains(err.Error(), "holds no pair folders") {
		t.Fatalf("error %v", err)
	}
	if _, err := Open(root, Options{SampleLength: -1}); err == nil {
		t.Fatal("a negative sample length was accepted")
	}
}

func TestLimitStopsAfterThePairThatCrossesIt(t *testing.T) {
	root := t.TempDir()
	datasettest.Write(t, root, "val", []int{0, 1, 2, 3}, 60)
	// 0.02 h = 72 s: the reference keeps pair 0 (60 s), then pair 1 takes the
	// total to 120 s > 72 s and it stops there.
	d, err := Open(root, Options{LimitHours: 0.02})
	if err != nil {
		t.Fatal(err)
	}
	good, _ := collect(t, d)
	if len(good) != 4 || good[3].ID() != "1_1" || d.Estimate() != 4 {
		t.Fatalf("%d samples (estimate %d), want 4 from pairs 0 and 1", len(good), d.Estimate())
	}
}

func TestCancelledContextEndsTheStream(t *testing.T) {
	root := t.TempDir()
	datasettest.Write(t, root, "val", []int{0, 1}, 10)
	d, err := Open(root, Options{SampleLength: 5})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	n := 0
	for _, err := range d.Samples(ctx) {
		if err != nil {
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("error %v, want context.Canceled", err)
			}
			break
		}
		n++
		cancel()
	}
	if n != 2 {
		t.Fatalf("%d samples before the stream noticed the cancel, want pair 0's 2", n)
	}
}
