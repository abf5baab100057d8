// Package motion holds the keypoint motion that flows from inference to drawing:
// 13 upper-body keypoints (COCO 0–12) in normalised image coordinates, at a
// known frame rate.
package motion

import (
	"fmt"
	"math"
)

// Joints is the number of keypoints in every frame.
const Joints = 13

// Rate is the frame rate, in frames per second, at which models produce motion.
const Rate = 30

// Keypoint indices, in the order of COCO 0–12 and of every model's output. The
// conductor faces the camera, so the Left joints have the larger x.
const (
	Nose = iota
	LeftEye
	RightEye
	LeftEar
	RightEar
	LeftShoulder
	RightShoulder
	LeftElbow
	RightElbow
	LeftWrist
	RightWrist
	LeftHip
	RightHip
)

// Point is one keypoint: x and y in [0,1], y growing downwards.
type Point struct{ X, Y float32 }

// Motion is a sequence of poses. Data is row-major [Frames][Joints][2].
type Motion struct {
	Rate   float64 // frames per second
	Frames int
	Data   []float32
}

// New returns a zero motion of the given length and frame rate.
func New(frames int, rate float64) Motion {
	return Motion{Rate: rate, Frames: frames, Data: make([]float32, frames*Joints*2)}
}

// FromData wraps a flat [frames][13][2] slice, checking its length.
func FromData(data []float32, rate float64) (Motion, error) {
	if len(data)%(Joints*2) != 0 {
		return Motion{}, fmt.Errorf("motion: %d values is not a whole number of %d-keypoint frames", len(data), Joints)
	}
	return Motion{Rate: rate, Frames: len(data) / (Joints * 2), Data: data}, nil
}

// At returns keypoint j of frame f.
func (m Motion) At(f, j int) Point {
	i := (f*Joints + j) * 2
	return Point{m.Data[i], m.Data[i+1]}
}

// Set stores keypoint j of frame f.
func (m Motion) Set(f, j int, p Point) {
	i := (f*Joints + j) * 2
	m.Data[i], m.Data[i+1] = p.X, p.Y
}

// Frame returns the 26 values of frame f (shared, not copied).
func (m Motion) Frame(f int) []float32 {
	return m.Data[f*Joints*2 : (f+1)*Joints*2]
}

// Seconds is the duration the motion covers.
func (m Motion) Seconds() float64 {
	if m.Rate <= 0 {
		return 0
	}
	return float64(m.Frames) / m.Rate
}

// Clone returns a deep copy.
func (m Motion) Clone() Motion {
	c := m
	c.Data = append([]float32(nil), m.Data...)
	return c
}

// Validate reports the first frame whose values are not finite, if any.
func (m Motion) Validate() error {
	if len(m.Data) != m.Frames*Joints*2 {
		return fmt.Errorf("motion: %d values for %d frames", len(m.Data), m.Frames)
	}
	for i, v := range m.Data {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return fmt.Errorf("motion: frame %d keypoint %d is not finite", i/(Joints*2), (i/2)%Joints)
		}
	}
	return nil
}

// Resample returns the motion at another frame rate by linear interpolation,
// covering the same duration: 30 → 60 fps doubles the frame count.
func (m Motion) Resample(rate float64) Motion {
	if rate == m.Rate || m.Frames == 0 {
		return m.Clone()
	}
	n := int(math.Round(float64(m.Frames) * rate / m.Rate))
	out := New(n, rate)
	for f := 0; f < n; f++ {
		t := float64(f) * m.Rate / rate
		i := int(t)
		if i >= m.Frames-1 {
			copy(out.Frame(f), m.Frame(m.Frames-1))
			continue
		}
		a := float32(t - float64(i))
		src0, src1, dst := m.Frame(i), m.Frame(i+1), out.Frame(f)
		for k := range dst {
			dst[k] = (1-a)*src0[k] + a*src1[k]
		}
	}
	return out
}
