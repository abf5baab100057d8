// Package dataset reads the ConductorMotion100 layout (SPEC §1),
// <root>/<split>/<n>/{mel.npy,motion.npy}, as a stream of fixed-length samples
// cut the way the reference data loader (VirtualConductor
// ProspectiveCup/utils/dataset.py) cuts them: each pair of T30 motion frames
// gives floor(T30/30/L) non-overlapping samples of L seconds, sample j
// covering seconds [j·L, (j+1)·L), i.e. mel rows [90·j·L, 90·(j+1)·L) and
// motion rows [30·j·L, 30·(j+1)·L); a remainder shorter than L is dropped.
//
// Only one pair is held in memory at a time, so a 90-hour split streams in a
// few megabytes. Pairs are visited in numeric order of their folder names
// (the reference uses os.listdir order, which is arbitrary).
package dataset

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/podium-dev/podium/audio"
	"github.com/podium-dev/podium/motion"
)

// File names inside a pair's folder.
const (
	MelFile    = "mel.npy"
	MotionFile = "motion.npy"
)

// DefaultSampleLength is the reference evaluation's default sample length in
// seconds.
const DefaultSampleLength = 30

// pairSeconds is the length of every ConductorMotion100 pair (SPEC §1), used
// only to estimate how many samples a split holds before reading it.
const pairSeconds = 60

// Options chooses what part of a data set to read and how to cut it.
type Options struct {
	Split        string  // subfolder of the root: train, val or test; "" means val
	SampleLength int     // seconds per sample; 0 means DefaultSampleLength
	LimitHours   float64 // stop after this much music, as the reference does; 0 reads all
}

// Dataset is an opened split: the list of its pair folders, read lazily.
type Dataset struct {
	dir     string
	folders []string
	opt     Options
}

// Open lists the pair folders of root/split. A missing or empty split is an
// error; problems inside pairs are not (Samples reports them per pair).
func Open(root string, opt Options) (*Dataset, error) {
	if opt.Split == "" {
		opt.Split = "val"
	}
	if opt.SampleLength == 0 {
		opt.SampleLength = DefaultSampleLength
	}
	if opt.SampleLength < 0 {
		return nil, fmt.Errorf("dataset: sample length %d s is not positive", opt.SampleLength)
	}
	if opt.LimitHours < 0 || math.IsNaN(opt.LimitHours) {
		return nil, fmt.Errorf("dataset: limit %v hours is not a positive number", opt.LimitHours)
	}
	dir := filepath.Join(root, opt.Split)
	entries, err := os.ReadDir(dir)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("dataset: split %q not found: %s does not exist (want <root>/%s/<n>/{mel.npy,motion.npy})", opt.Split, dir, opt.Split)
		}
		return nil, fmt.Errorf("dataset: %w", err)
	}
	var folders []string
	for _, e := range entries {
		if e.IsDir() {
			folders = append(folders, e.Name())
		}
	}
	if len(folders) == 0 {
		return nil, fmt.Errorf("dataset: split %s holds no pair folders", dir)
	}
	slices.SortFunc(folders, compareNames)
	return &Dataset{dir: dir, folders: folders, opt: opt}, nil
}

// compareNames orders numeric names by value, before any other names, which
// sort as strings.
func compareNames(a, b string) int {
	na, ea := strconv.Atoi(a)
	nb, eb := strconv.Atoi(b)
	switch {
	case ea == nil && eb == nil && na != nb:
		if na < nb {
			return -1
		}
		return 1
	case ea == nil && eb != nil:
		return -1
	case ea != nil && eb == nil:
		return 1
	}
	if a < b {
		return -1
	} else if a > b {
		return 1
	}
	return 0
}

// Dir is the split's folder.
func (d *Dataset) Dir() string { return d.dir }

// Folders are the pair folder names in the order Samples visits them.
func (d *Dataset) Folders() []string { return slices.Clone(d.folders) }

// SampleLength is the length of every sample, in seconds.
func (d *Dataset) SampleLength() int { return d.opt.SampleLength }

// Estimate is the number of samples Samples will yield if every pair is the
// standard 60 s and none is bad, honouring the limit; it reads no data and
// serves progress reporting.
func (d *Dataset) Estimate() int {
	pairs := len(d.folders)
	if d.opt.LimitHours > 0 {
		// The reference stops after the pair that takes it past the limit.
		pairs = min(pairs, int(d.opt.LimitHours*3600/pairSeconds)+1)
	}
	return pairs * (pairSeconds / d.opt.SampleLength)
}

// Sample is one piece of a pair: SampleLength seconds of mel and real motion.
// Mel and Motion share memory with the pair's arrays.
type Sample struct {
	Folder string // the pair's folder name, <n>
	Piece  int    // index of the piece within the pair
	Start  int    // first second of the piece within the pair
	Mel    audio.Mel
	Motion motion.Motion
}

// ID names the sample as <n>_<piece>, usable as a file name.
func (s Sample) ID() string { return fmt.Sprintf("%s_%d", s.Folder, s.Piece) }

// SampleError is a bad pair or piece: reported, skipped, not fatal.
type SampleError struct {
	Folder string // the pair's folder name
	Piece  int    // the piece, or −1 when the whole pair is unusable
	Err    error
}

// ID names what was skipped: <n> for a pair, <n>_<piece> for a piece.
func (e *SampleError) ID() string {
	if e.Piece < 0 {
		return e.Folder
	}
	return fmt.Sprintf("%s_%d", e.Folder, e.Piece)
}

// Error says which sample was skipped and why.
func (e *SampleError) Error() string { return fmt.Sprintf("sample %s: %v", e.ID(), e.Err) }

// Unwrap returns the cause.
func (e *SampleError) Unwrap() error { return e.Err }

// Samples streams the split's samples in folder order. A bad pair or piece
// (missing file, malformed .npy, wrong shape, NaN) is yielded as a
// *SampleError and the stream goes on; a cancelled context is yielded as
// ctx.Err() and ends it. The limit counts the music of readable pairs.
func (d *Dataset) Samples(ctx context.Context) iter.Seq2[Sample, error] {
	return func(yield func(Sample, error) bool) {
		L := d.opt.SampleLength
		seconds := 0.0
		for _, name := range d.folders {
			if err := ctx.Err(); err != nil {
				yield(Sample{}, err)
				return
			}
			mel, mot, err := d.readPair(name)
			if err != nil {
				if !yield(Sample{}, &SampleError{Folder: name, Piece: -1, Err: err}) {
					return
				}
				continue
			}
			for j := range mot.Frames / motion.Rate / L {
				s, err := cut(name, j, L, mel, mot)
				if !yield(s, err) {
					return
				}
			}
			seconds += mot.Seconds()
			if d.opt.LimitHours > 0 && seconds/3600 > d.opt.LimitHours {
				return
			}
		}
	}
}

// cut slices piece j of a pair and checks it is finite.
func cut(name string, j, L int, mel audio.Mel, mot motion.Motion) (Sample, error) {
	s := Sample{Folder: name, Piece: j, Start: j * L}
	m0, m1 := j*L*audio.MelRate, (j+1)*L*audio.MelRate
	if mel.Frames < m1 {
		return Sample{}, &SampleError{Folder: name, Piece: j,
			Err: fmt.Errorf("%s has %d frames, the piece needs rows %d–%d (the motion is %.0f s)", MelFile, mel.Frames, m0, m1-1, mot.Seconds())}
	}
	s.Mel = audio.Mel{Frames: m1 - m0, Data: mel.Data[m0*audio.MelBands : m1*audio.MelBands]}
	f0, f1 := j*L*motion.Rate, (j+1)*L*motion.Rate
	s.Motion = motion.Motion{Rate: motion.Rate, Frames: f1 - f0, Data: mot.Data[f0*motion.Joints*2 : f1*motion.Joints*2]}
	for i, v := range s.Mel.Data {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return Sample{}, &SampleError{Folder: name, Piece: j,
				Err: fmt.Errorf("%s row %d is not finite", MelFile, m0+i/audio.MelBands)}
		}
	}
	if err := s.Motion.Validate(); err != nil {
		return Sample{}, &SampleError{Folder: name, Piece: j, Err: fmt.Errorf("%s (from frame %d): %w", MotionFile, f0, err)}
	}
	return s, nil
}

// readPair reads and shape-checks one folder's mel and motion.
func (d *Dataset) readPair(name string) (audio.Mel, motion.Motion, error) {
	dir := filepath.Join(d.dir, name)
	mot, err := ReadMotion(filepath.Join(dir, MotionFile))
	if err != nil {
		return audio.Mel{}, motion.Motion{}, err
	}
	mel, err := ReadMel(filepath.Join(dir, MelFile))
	if err != nil {
		return audio.Mel{}, motion.Motion{}, err
	}
	return mel, mot, nil
}

// ReadMotion reads a motion at 30 fps, the data set's and --pred's format:
// [T,13,2], [1,T,13,2] or [T,26], in any layout NumPy writes (see
// motion.ReadNPY), naming the file in every error.
func ReadMotion(path string) (motion.Motion, error) {
	m, err := motion.ReadNPY(path, motion.Rate)
	return m, missing(path, err)
}

// ReadMel reads a [T90,128] (or [1,T90,128]) mel in any layout NumPy writes
// (see audio.ReadMelNPY).
func ReadMel(path string) (audio.Mel, error) {
	m, err := audio.ReadMelNPY(path)
	return m, missing(path, err)
}

// missing turns a missing file into a short message.
func missing(path string, err error) error {
	if errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("%s is missing", path)
	}
	return err
}
