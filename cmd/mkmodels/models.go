package main

import "math"

// The test models. Each is a few kilobytes; their weights are closed-form, so
// the files are the same byte for byte on every run.

// typicalPose is the official M2S-GAN's mean pose (SPEC §1), the tiny
// models' resting pose.
func typicalPose() [13][2]float64 {
	return [13][2]float64{
		{0.494, 0.414}, {0.506, 0.393}, {0.475, 0.385}, {0.524, 0.373}, {0.445, 0.386},
		{0.598, 0.462}, {0.404, 0.472}, {0.676, 0.577}, {0.369, 0.580},
		{0.614, 0.588}, {0.435, 0.543}, {0.575, 0.745}, {0.449, 0.742},
	}
}

// spec says how to build one model.
type spec struct {
	doc        string
	bands      int64   // mel bands the model declares
	seconds    int64   // a fixed T, or 0 for a dynamic time axis
	noise      bool    // takes noise [1,T,8]
	extraInput bool    // takes an input the contract does not know
	joints     int64   // keypoints in the output
	flat       bool    // output [1,30T,2·joints] instead of [1,30T,joints,2]
	failsAtRun bool    // gathers an out-of-range band, so every run fails
	pixels     float32 // multiply the output by this frame size: pixel coordinates instead of [0,1]
	nanBelow   float32 // NaN in every frame whose mean mel is below this
}

// models lists the files mkmodels writes (besides not_onnx.onnx).
func models() map[string]spec {
	return map[string]spec{
		"tiny_ok.onnx": {doc: "mel [1,90T,128] + noise [1,T,8] -> motion [1,30T,13,2]: the mean of each 3 mel frames through a linear layer and a sigmoid around the typical pose, plus the second's mean noise",
			bands: 128, noise: true, joints: 13},
		"tiny_flat26.onnx": {doc: "mel [1,90T,128] -> motion [1,30T,26], no noise input",
			bands: 128, joints: 13, flat: true},
		"tiny_fixed10.onnx": {doc: "like tiny_ok with a fixed T of 10 s: mel [1,900,128] + noise [1,10,8] -> motion [1,300,13,2]",
			bands: 128, seconds: 10, noise: true, joints: 13},
		"wrong_bands.onnx": {doc: "mel [1,90T,64]: the wrong number of mel bands",
			bands: 64, joints: 13},
		"wrong_output.onnx": {doc: "motion [1,30T,12,2]: the wrong number of keypoints",
			bands: 128, noise: true, joints: 12},
		"extra_input.onnx": {doc: "takes an input named tempo besides mel and noise",
			bands: 128, noise: true, extraInput: true, joints: 13},
		"fails_at_run.onnx": {doc: "declares the contract but every run fails (Gather past the last band)",
			bands: 128, joints: 13, failsAtRun: true},
		"emits_pixels.onnx": {doc: "tiny_ok's motion times 720: pixel coordinates of a 720x720 frame instead of [0,1]",
			bands: 128, noise: true, joints: 13, pixels: 720},
		"emits_nan.onnx": {doc: "tiny_ok, but NaN in every frame whose mean mel is below 0.25: a model that breaks down in quiet passages",
			bands: 128, noise: true, joints: 13, nanBelow: 0.25},
	}
}

// notONNX is the content of not_onnx.onnx.
const notONNX = "This is a text file, not an ONNX model.\n"

// build encodes one model.
func build(name string, s spec) []byte {
	i64 := func(n string, v ...int64) msg { return int64Tensor(n, []int64{int64(len(v))}, v) }
	t90, t, t30 := dim{param: "T90"}, dim{param: "T"}, dim{param: "T30"}
	if s.seconds > 0 {
		t90, t, t30 = dim{size: 90 * s.seconds}, dim{size: s.seconds}, dim{size: 30 * s.seconds}
	}
	width := 2 * s.joints
	g := graph{name: name, doc: s.doc}
	g.inputs = append(g.inputs, valueInfo("mel", typeFloat, dim{size: 1}, t90, dim{size: s.bands}))
	if s.noise {
		g.inputs = append(g.inputs, valueInfo("noise", typeFloat, dim{size: 1}, t, dim{size: 8}))
	}
	if s.extraInput {
		g.inputs = append(g.inputs, valueInfo("tempo", typeFloat, dim{size: 1}))
	}

	w, b := weights(s.bands, s.joints)
	g.initializers = append(g.initializers,
		i64("pool_shape", 1, -1, 3, s.bands),
		floatTensor("w", []int64{s.bands, width}, w),
		floatTensor("b", []int64{width}, b),
	)
	mel := "mel"
	if s.failsAtRun {
		g.initializers = append(g.initializers, i64("band", 1000))
		g.nodes = append(g.nodes,
			node("Gather", "gather_past_the_end", []string{"mel", "band"}, []string{"gathered"}, intAttr("axis", 2)),
			node("Reshape", "to_bands", []string{"gathered", "pool_shape"}, []string{"mel_again"}))
		mel = "mel_again"
	}
	g.nodes = append(g.nodes,
		node("Reshape", "group_3_frames", []string{mel, "pool_shape"}, []string{"grouped"}),
		node("ReduceMean", "mean_3_frames", []string{"grouped"}, []string{"pooled"}, intsAttr("axes", 2), intAttr("keepdims", 0)),
		node("MatMul", "linear", []string{"pooled", "w"}, []string{"lin"}),
		node("Add", "bias", []string{"lin", "b"}, []string{"logits"}),
	)
	logits := "logits"
	if s.noise {
		// Each second's mean noise, repeated over its 30 frames, nudges every
		// coordinate: the output depends on the noise of its own second only.
		g.initializers = append(g.initializers,
			i64("repeats", 1, 1, 30),
			i64("frames_shape", 1, -1, 1),
			floatTensor("noise_scale", []int64{1}, []float32{0.05}),
		)
		g.nodes = append(g.nodes,
			node("ReduceMean", "noise_mean", []string{"noise"}, []string{"noise_sec"}, intsAttr("axes", 2), intAttr("keepdims", 1)),
			node("Tile", "noise_30fps", []string{"noise_sec", "repeats"}, []string{"noise_tiled"}),
			node("Reshape", "noise_frames", []string{"noise_tiled", "frames_shape"}, []string{"noise_frames"}),
			node("Mul", "noise_scaled", []string{"noise_frames", "noise_scale"}, []string{"noise_term"}),
			node("Add", "add_noise", []string{"logits", "noise_term"}, []string{"noisy"}),
		)
		logits = "noisy"
	}
	// The output stages, each applied to the previous one's output: the
	// sigmoid, then what the broken models do to it.
	type stage struct{ op, name, with string }
	stages := []stage{{"Sigmoid", "squash", ""}}
	if s.pixels != 0 {
		g.initializers = append(g.initializers, floatTensor("frame_size", []int64{1}, []float32{s.pixels}))
		stages = append(stages, stage{"Mul", "to_pixels", "frame_size"})
	}
	if s.nanBelow != 0 {
		// sqrt(mean mel − threshold) is NaN in quiet frames; times 0 it adds
		// nothing elsewhere.
		g.initializers = append(g.initializers,
			floatTensor("quiet", []int64{1}, []float32{s.nanBelow}),
			floatTensor("zero", []int64{1}, []float32{0}))
		g.nodes = append(g.nodes,
			node("ReduceMean", "loudness", []string{"pooled"}, []string{"loudness"}, intsAttr("axes", 2), intAttr("keepdims", 1)),
			node("Sub", "above_quiet", []string{"loudness", "quiet"}, []string{"above"}),
			node("Sqrt", "nan_when_quiet", []string{"above"}, []string{"root"}),
			node("Mul", "nan_or_zero", []string{"root", "zero"}, []string{"nan_term"}))
		stages = append(stages, stage{"Add", "add_nan", "nan_term"})
	}
	last := "flat" // the last stage's output, reshaped into keypoints
	if s.flat {
		last = "motion"
	}
	in := logits
	for i, st := range stages {
		out := st.name
		if i == len(stages)-1 {
			out = last
		}
		ins := []string{in}
		if st.with != "" {
			ins = append(ins, st.with)
		}
		g.nodes = append(g.nodes, node(st.op, st.name, ins, []string{out}))
		in = out
	}
	if s.flat {
		g.outputs = append(g.outputs, valueInfo("motion", typeFloat, dim{size: 1}, t30, dim{size: width}))
	} else {
		g.initializers = append(g.initializers, i64("out_shape", 1, -1, s.joints, 2))
		g.nodes = append(g.nodes, node("Reshape", "keypoints", []string{"flat", "out_shape"}, []string{"motion"}))
		g.outputs = append(g.outputs, valueInfo("motion", typeFloat, dim{size: 1}, t30, dim{size: s.joints}, dim{size: 2}))
	}
	return model(g, 13)
}

// weights returns a closed-form [bands, 2·joints] matrix and a bias that
// puts the sigmoid's output around the typical pose, arms moving most.
func weights(bands, joints int64) (w, b []float32) {
	width := 2 * joints
	w = make([]float32, bands*width)
	b = make([]float32, width)
	pose := typicalPose()
	for k := int64(0); k < width; k++ {
		j := k / 2
		gain := 0.3
		if j >= 7 && j <= 10 { // elbows and wrists
			gain = 1.5
		}
		for m := int64(0); m < bands; m++ {
			w[m*width+k] = float32(gain * math.Sin(0.37*float64(m)+1.9*float64(k)+0.5) / math.Sqrt(float64(bands)))
		}
		p := 0.5
		if j < 13 {
			p = pose[j][k%2]
		}
		b[k] = float32(math.Log(p / (1 - p)))
	}
	return w, b
}
