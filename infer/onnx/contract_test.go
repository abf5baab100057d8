package onnx

import (
	"strings"
	"testing"
)

func TestCheckContract(t *testing.T) {
	f32 := func(name string, dims ...int64) tensorSpec {
		return tensorSpec{Name: name, Tensor: true, Float: true, Type: "float32", Dims: dims}
	}
	mel, noise, out := f32("mel", 1, -1, 128), f32("noise", 1, -1, 8), f32("motion", 1, -1, 13, 2)
	ok := []struct {
		name      string
		ins, outs []tensorSpec
		want      contract
	}{
		{"m2sgan", []tensorSpec{mel, noise}, []tensorSpec{out}, contract{mel: "mel", noise: "noise", output: "motion"}},
		{"no noise, flat output, any name", []tensorSpec{mel}, []tensorSpec{f32("y", -1, -1, 26)}, contract{mel: "mel", output: "y", flat: true}},
		{"fixed 60 s", []tensorSpec{f32("mel", 1, 5400, 128), f32("noise", 1, 60, 8)}, []tensorSpec{f32("motion", 1, 1800, 13, 2)},
			contract{mel: "mel", noise: "noise", output: "motion", seconds: 60}},
		{"fixed only at the output", []tensorSpec{mel}, []tensorSpec{f32("motion", 1, 300, 13, 2)}, contract{mel: "mel", output: "motion", seconds: 10}},
		{"dynamic bands", []tensorSpec{f32("mel", -1, -1, -1)}, []tensorSpec{out}, contract{mel: "mel", output: "motion"}},
		{"several outputs, one named motion", []tensorSpec{mel}, []tensorSpec{f32("features", 1, -1, 64), out}, contract{mel: "mel", output: "motion"}},
	}
	for _, tc := range ok {
		got, err := checkContract("m.onnx", tc.ins, tc.outs)
		if err != nil || got != tc.want {
			t.Errorf("%s: got %+v, %v; want %+v", tc.name, got, err, tc.want)
		}
	}

	bad := []struct {
		name      string
		ins, outs []tensorSpec
		want      []string // substrings of the error
	}{
		{"64 bands", []tensorSpec{f32("mel", 1, -1, 64)}, []tensorSpec{out}, []string{`input "mel" is float32 [1 ? 64]`, "128 mel bands"}},
		{"mel as int64", []tensorSpec{{Name: "mel", Tensor: true, Type: "int64", Dims: []int64{1, -1, 128}}}, []tensorSpec{out}, []string{`input "mel" is int64 [1 ? 128]`}},
		{"mel not 90 frames a second", []tensorSpec{f32("mel", 1, 100, 128)}, []tensorSpec{out}, []string{`"mel" is float32 [1 100 128]`, "90T"}},
		{"mel of rank 2", []tensorSpec{f32("mel", -1, 128)}, []tensorSpec{out}, []string{`"mel" is float32 [? 128]`}},
		{"batch of 2", []tensorSpec{f32("mel", 2, -1, 128)}, []tensorSpec{out}, []string{`"mel" is float32 [2 ? 128]`}},
		{"no mel", []tensorSpec{f32("spectrogram", 1, -1, 128)}, []tensorSpec{out}, []string{`input "spectrogram"`, "not part of the contract"}},
		{"extra input", []tensorSpec{mel, noise, f32("tempo", 1)}, []tensorSpec{out}, []string{`input "tempo" (float32 [1]) is not part of the contract`}},
		{"noise of 16", []tensorSpec{mel, f32("noise", 1, -1, 16)}, []tensorSpec{out}, []string{`input "noise" is float32 [1 ? 16]`, "[1 T 8]"}},
		{"12 keypoints", []tensorSpec{mel}, []tensorSpec{f32("motion", 1, -1, 12, 2)}, []string{`output "motion" is float32 [1 ? 12 2]`, "[1 30T 13 2] or [1 30T 26]"}},
		{"24 values", []tensorSpec{mel}, []tensorSpec{f32("motion", 1, -1, 24)}, []string{`output "motion" is float32 [1 ? 24]`}},
		{"output not 30 fps", []tensorSpec{mel}, []tensorSpec{f32("motion", 1, 45, 13, 2)}, []string{`[1 45 13 2]`}},
		{"sequence output", []tensorSpec{mel}, []tensorSpec{{Name: "motion"}}, []string{`output "motion" is not a tensor`}},
		{"two outputs, no motion", []tensorSpec{mel}, []tensorSpec{f32("a", 1, -1, 26), f32("b", 1, -1, 26)}, []string{`2 outputs ("a", "b") and none named "motion"`}},
		{"fixed axes disagree", []tensorSpec{f32("mel", 1, 5400, 128), f32("noise", 1, 30, 8)}, []tensorSpec{out}, []string{"fixed time axes disagree", "mel [1 5400 128], noise [1 30 8]"}},
	}
	for _, tc := range bad {
		_, err := checkContract("/models/m.onnx", tc.ins, tc.outs)
		if err == nil {
			t.Errorf("%s: accepted", tc.name)
			continue
		}
		msg := err.Error()
		if !strings.HasPrefix(msg, "model /models/m.onnx: ") || strings.Contains(msg, "\n") {
			t.Errorf("%s: error %q does not name the model on one line", tc.name, msg)
		}
		for _, w := range tc.want {
			if !strings.Contains(msg, w) {
				t.Errorf("%s: error %q lacks %q", tc.name, msg, w)
			}
		}
	}
}
