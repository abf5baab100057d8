package motion

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/podium-dev/podium/internal/atomicfile"
	"github.com/podium-dev/podium/internal/npyfile"
)

// ReadNPY reads a [T,13,2] (or [1,T,13,2], or [T,26]) motion at the given rate.
func ReadNPY(path string, rate float64) (Motion, error) {
	a, err := npyfile.Read(path)
	if err != nil {
		return Motion{}, err
	}
	s := a.Shape
	ok := (len(s) == 3 && s[1] == Joints && s[2] == 2) ||
		(len(s) == 4 && s[0] == 1 && s[2] == Joints && s[3] == 2) ||
		(len(s) == 2 && s[1] == Joints*2)
	if !ok {
		return Motion{}, fmt.Errorf("read %s: shape %v is not a [T,13,2] motion", path, s)
	}
	m, err := FromData(a.Data, rate)
	if err != nil {
		return Motion{}, fmt.Errorf("read %s: %w", path, err)
	}
	return m, nil
}

// WriteNPY writes the motion as a float32 [T,13,2] array, atomically.
func WriteNPY(path string, m Motion) error {
	rows := make([][Joints][2]float32, m.Frames)
	for f := range rows {
		for j := 0; j < Joints; j++ {
			p := m.At(f, j)
			rows[f][j] = [2]float32{p.X, p.Y}
		}
	}
	return npyfile.WriteFile(path, rows)
}

// jsonMotion is the JSON form of a motion, readable without NumPy.
type jsonMotion struct {
	FPS       float64              `json:"fps"`
	Frames    int                  `json:"frames"`
	Keypoints []string             `json:"keypoints"`
	Motion    [][Joints][2]float32 `json:"motion"`
}

// Names are the keypoint names in index order.
var names = [Joints]string{"nose", "left_eye", "right_eye", "left_ear", "right_ear",
	"left_shoulder", "right_shoulder", "left_elbow", "right_elbow",
	"left_wrist", "right_wrist", "left_hip", "right_hip"}

// Name returns the COCO name of keypoint j.
func Name(j int) string { return names[j] }

// WriteJSON writes the motion with its frame rate and keypoint names, atomically.
func WriteJSON(path string, m Motion) error {
	doc := jsonMotion{FPS: m.Rate, Frames: m.Frames, Keypoints: names[:], Motion: make([][Joints][2]float32, m.Frames)}
	for f := range doc.Motion {
		for j := 0; j < Joints; j++ {
			p := m.At(f, j)
			doc.Motion[f][j] = [2]float32{p.X, p.Y}
		}
	}
	return atomicfile.Write(path, func(w io.Writer) error { return json.NewEncoder(w).Encode(doc) })
}
