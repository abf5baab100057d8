// Package datasettest writes small data sets in the ConductorMotion100 layout
// for tests, with values that say where they came from so that slicing can
// be checked.
package datasettest

import (
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"testing"

	"github.com/podium-dev/podium/audio"
	"github.com/podium-dev/podium/internal/npyfile/npytest"
	"github.com/podium-dev/podium/motion"
)

// MelValue is the value Write stores at mel row r, band b of pair n: band 0
// holds the row (r/2^16, exact in float32), band 1 the pair, the rest a
// smooth pattern in [0,1].
func MelValue(n, r, b int) float32 {
	switch b {
	case 0:
		return float32(r) / 65536
	case 1:
		return float32(n) / 1024
	}
	return float32(0.5 + 0.4*math.Sin(float64(r)/37+float64(b)/5+float64(n)))
}

// FrameMarker is the right hip's y that Write stores in motion frame f
// (f/2^12, exact in float32), so a test can tell which frame it holds.
func FrameMarker(f int) float32 { return float32(f) / 4096 }

// Motion is the motion Write stores for pair n over the given frames: a
// conductor-like sway of every keypoint (wrists most, at about 2 Hz) around
// the typical pose, the right hip's y replaced by FrameMarker.
func Motion(n, frames int) motion.Motion {
	m := motion.New(frames, motion.Rate)
	for f := 0; f < frames; f++ {
		t := float64(f) / motion.Rate
		for j := 0; j < motion.Joints; j++ {
			amp := 0.01
			if j == motion.LeftWrist || j == motion.RightWrist {
				amp = 0.05
			}
			ph := float64(j) + float64(n)
			x := 0.3 + 0.03*float64(j) + amp*math.Sin(2*math.Pi*(1.9+0.1*float64(n%3))*t+ph)
			y := 0.4 + 0.02*float64(j) + amp*math.Cos(2*math.Pi*2.1*t+ph)
			m.Set(f, j, motion.Point{X: float32(x), Y: float32(y)})
		}
		p := m.At(f, motion.RightHip)
		m.Set(f, motion.RightHip, motion.Point{X: p.X, Y: FrameMarker(f)})
	}
	return m
}

// Layout is how WriteLayout stores the arrays, among the layouts NumPy
// writes: C or Fortran order (np.save of a transposed array, as the
// VirtualConductor recipe saves its [T,128] mel), either byte order,
// float16, float32 or float64.
type Layout = npytest.Layout

// Write creates root/split/<n>/{mel.npy,motion.npy} for each n in pairs, each
// the given number of seconds long (60 in the real data set), C-ordered
// little-endian float32.
func Write(t testing.TB, root, split string, pairs []int, seconds int) {
	t.Helper()
	WriteLayout(t, root, split, pairs, seconds, Layout{})
}

// WriteLayout is Write with both files of every pair in the given layout; the
// values are the same whatever the layout.
func WriteLayout(t testing.TB, root, split string, pairs []int, seconds int, l Layout) {
	t.Helper()
	for _, n := range pairs {
		dir := filepath.Join(root, split, strconv.Itoa(n))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		rows := seconds * audio.MelRate
		mel := make([]float32, rows*audio.MelBands)
		for r := 0; r < rows; r++ {
			for b := 0; b < audio.MelBands; b++ {
				mel[r*audio.MelBands+b] = MelValue(n, r, b)
			}
		}
		WriteNPYLayout(t, filepath.Join(dir, "mel.npy"), []int{rows, audio.MelBands}, mel, l)
		m := Motion(n, seconds*motion.Rate)
		WriteNPYLayout(t, filepath.Join(dir, "motion.npy"), []int{m.Frames, motion.Joints, 2}, m.Data, l)
	}
}

// WriteMotion writes m as a float32 [T,13,2] .npy file.
func WriteMotion(t testing.TB, path string, m motion.Motion) {
	t.Helper()
	WriteNPY(t, path, []int{m.Frames, motion.Joints, 2}, m.Data)
}

// WriteNPY writes a C-ordered little-endian float32 array of the given shape
// as a version 1.0 .npy file. It writes the bytes itself (npytest) because
// npyio's reflective writer takes seconds for a 60 s mel.
func WriteNPY(t testing.TB, path string, shape []int, data []float32) {
	t.Helper()
	WriteNPYLayout(t, path, shape, data, Layout{})
}

// WriteNPYLayout writes data, C-ordered values of the given shape, as a
// version 1.0 .npy file in layout l, with the header NumPy would write.
func WriteNPYLayout(t testing.TB, path string, shape []int, data []float32, l Layout) {
	t.Helper()
	wide := make([]float64, len(data))
	for i, v := range data {
		wide[i] = float64(v)
	}
	if err := os.WriteFile(path, npytest.Encode(shape, wide, l), 0o644); err != nil {
		t.Fatal(err)
	}
}

// BeatMotion is a conductor-like motion of the given length at 30 fps whose
// summed joint speed has its minima at the given beat times (seconds, at
// least two, increasing): the wrists (and, half as far, the elbows) swing
// down and up between beats as cos(π·φ), φ the beat phase (k at beat k,
// linear between beats and extended past the ends at the first and last
// beat's pace), so they stop at every beat; the head and shoulders sway
// slowly, so no two frames are alike.
func BeatMotion(beats []float64, frames int) motion.Motion {
	m := motion.New(frames, motion.Rate)
	phase := func(t float64) float64 {
		k := sort.SearchFloat64s(beats, t) - 1 // beats[k] ≤ t < beats[k+1]
		k = max(0, min(k, len(beats)-2))
		return float64(k) + (t-beats[k])/(beats[k+1]-beats[k])
	}
	for f := 0; f < frames; f++ {
		t := float64(f) / motion.Rate
		swing := math.Cos(math.Pi * phase(t))
		for j := 0; j < motion.Joints; j++ {
			p := m.At(f, j)
			switch j {
			case motion.LeftWrist, motion.RightWrist:
				p.Y = float32(0.55 + 0.08*swing)
			case motion.LeftElbow, motion.RightElbow:
				p.Y = float32(0.58 + 0.04*swing)
			default:
				sway := 0.004 * math.Sin(2*math.Pi*0.15*t+float64(j))
				p.X = float32(0.3 + 0.03*float64(j) + sway)
				p.Y = float32(0.4 + 0.02*float64(j) + sway/2)
			}
			if j == motion.LeftWrist || j == motion.LeftElbow {
				p.X = float32(0.62 + 0.01*float64(j-motion.LeftElbow))
			} else if j == motion.RightWrist || j == motion.RightElbow {
				p.X = float32(0.38 - 0.01*float64(j-motion.RightElbow))
			}
			m.Set(f, j, p)
		}
	}
	return m
}
