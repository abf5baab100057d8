package onnx

import (
	"fmt"
	"strings"

	"github.com/podium-dev/podium/audio"
	"github.com/podium-dev/podium/motion"
)

// The contract's tensor names (SPEC §3).
const (
	melName    = "mel"
	noiseName  = "noise"
	motionName = "motion"
)

// tensorSpec is what a model declares about one input or output. A dynamic
// dimension is negative.
type tensorSpec struct {
	Name   string
	Tensor bool   // false for sequences, maps and the like
	Float  bool   // float32 elements
	Type   string // the element type, for messages
	Dims   []int64
}

// contract is what the engine learned from a model that passed checkContract.
type contract struct {
	mel, noise, output string // tensor names; noise is "" when absent
	seconds            int    // the fixed window length in seconds; 0 when dynamic
	flat               bool   // output [1, 30T, 26] rather than [1, 30T, 13, 2]
}

// checkContract checks a model's declared inputs and outputs against the
// contract: `mel` [1, 90T, 128], optional `noise` [1, T, 8], one output
// [1, 30T, 13, 2] or [1, 30T, 26] (several outputs are fine when one is named
// `motion`). T may be dynamic or fixed, but the same throughout.
func checkContract(path string, ins, outs []tensorSpec) (contract, error) {
	var c contract
	bad := func(kind string, s tensorSpec, want string) error {
		return fmt.Errorf("model %s: %s %q is %s, want %s", path, kind, s.Name, describe(s), want)
	}
	seconds := map[string]int64{} // T implied by each tensor with a fixed time axis
	for _, s := range ins {
		switch s.Name {
		case melName:
			want := fmt.Sprintf("float32 [1 90T %d] (%d mel bands, 90 frames a second)", audio.MelBands, audio.MelBands)
			if !s.Tensor || !s.Float || len(s.Dims) != 3 || !fits(s.Dims[0], 1) || !fits(s.Dims[2], audio.MelBands) {
				return c, bad("input", s, want)
			}
			if t := s.Dims[1]; t >= 0 {
				if t == 0 || t%audio.MelRate != 0 {
					return c, bad("input", s, want)
				}
				seconds[s.Name] = t / audio.MelRate
			}
			c.mel = s.Name
		case noiseName:
			want := fmt.Sprintf("float32 [1 T %d] (%d values a second)", NoiseDim, NoiseDim)
			if !s.Tensor || !s.Float || len(s.Dims) != 3 || !fits(s.Dims[0], 1) || !fits(s.Dims[2], NoiseDim) || s.Dims[1] == 0 {
				return c, bad("input", s, want)
			}
			if s.Dims[1] > 0 {
				seconds[s.Name] = s.Dims[1]
			}
			c.noise = s.Name
		default:
			return c, fmt.Errorf("model %s: input %q (%s) is not part of the contract, which has mel [1 90T %d] and optionally noise [1 T %d]",
				path, s.Name, describe(s), audio.MelBands, NoiseDim)
		}
	}
	if c.mel == "" {
		return c, fmt.Errorf("model %s: no input named %q (inputs: %s), want mel [1 90T %d]", path, melName, names(ins), audio.MelBands)
	}

	var out tensorSpec
	switch {
	case len(outs) == 1:
		out = outs[0]
	default:
		for _, s := range outs {
			if s.Name == motionName {
				out = s
			}
		}
		if out.Name == "" {
			return c, fmt.Errorf("model %s: %d outputs (%s) and none named %q, want one output [1 30T %d 2]",
				path, len(outs), names(outs), motionName, motion.Joints)
		}
	}
	want := fmt.Sprintf("float32 [1 30T %d 2] or [1 30T %d] (%d keypoints, 30 frames a second)", motion.Joints, 2*motion.Joints, motion.Joints)
	d := out.Dims
	switch {
	case !out.Tensor || !out.Float:
		return c, bad("output", out, want)
	case len(d) == 4 && fits(d[0], 1) && fits(d[2], motion.Joints) && fits(d[3], 2):
	case len(d) == 3 && fits(d[0], 1) && fits(d[2], 2*motion.Joints):
		c.flat = true
	default:
		return c, bad("output", out, want)
	}
	if t := d[1]; t >= 0 {
		if t == 0 || t%motion.Rate != 0 {
			return c, bad("output", out, want)
		}
		seconds[out.Name] = t / motion.Rate
	}
	c.output = out.Name

	var t int64
	for _, name := range []string{c.mel, c.noise, c.output} {
		if v, ok := seconds[name]; ok && name != "" {
			if t != 0 && v != t {
				return c, fmt.Errorf("model %s: its fixed time axes disagree (mel %s, noise %s, output %s), want T seconds throughout",
					path, dimOf(ins, c.mel), dimOf(ins, c.noise), dimOf(outs, c.output))
			}
			t = v
		}
	}
	c.seconds = int(t)
	return c, nil
}

// fits reports whether a declared dimension d can hold want.
func fits(d, want int64) bool { return d < 0 || d == want }

// describe writes a tensor's type and shape for a message, "?" marking a
// dynamic dimension.
func describe(s tensorSpec) string {
	if !s.Tensor {
		return "not a tensor"
	}
	return s.Type + " " + shape(s.Dims)
}

func shape(dims []int64) string {
	parts := make([]string, len(dims))
	for i, d := range dims {
		if d < 0 {
			parts[i] = "?"
		} else {
			parts[i] = fmt.Sprint(d)
		}
	}
	return "[" + strings.Join(parts, " ") + "]"
}

func names(specs []tensorSpec) string {
	if len(specs) == 0 {
		return "none"
	}
	ns := make([]string, len(specs))
	for i, s := range specs {
		ns[i] = fmt.Sprintf("%q", s.Name)
	}
	return strings.Join(ns, ", ")
}

func dimOf(specs []tensorSpec, name string) string {
	for _, s := range specs {
		if s.Name == name && len(s.Dims) > 1 {
			return shape(s.Dims)
		}
	}
	return "-"
}
