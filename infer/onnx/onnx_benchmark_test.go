//go:build cgo

package onnx

// Benchmarks on the official M2S-GAN and the 60 s reference mel, on the CPU
// with all cores. s_per_s is seconds of compute per second of music (the
// competition's Time metric, SPEC §5). Run them with
//
//	go test -run '^$' -bench . -benchtime 5x ./infer/onnx

import (
	"context"
	"slices"
	"testing"
	"time"

	ort "github.com/yalue/onnxruntime_go"

	"github.com/podium-dev/podium/audio"
	"github.com/podium-dev/podium/motion"
)

// refInputs loads the reference mel and noise.
func refInputs(b *testing.B) (audio.Mel, []float32) {
	mel := readNPY(b, m2sgan(b, "ref_mel.npy"))
	noise := readNPY(b, m2sgan(b, "ref_noise.npy"))
	return audio.Mel{Frames: 5400, Data: mel.Data}, noise.Data
}

// bareSession is ONNX Runtime alone: one session with its tensors bound once,
// the least any engine could spend on a window.
type bareSession struct {
	sess *ort.AdvancedSession
	ins  []*ort.Tensor[float32]
	out  *ort.Tensor[float32]
}

func newBare(b *testing.B, mel audio.Mel, noise []float32) *bareSession {
	if err := env.load(library(b)); err != nil {
		b.Fatal(err)
	}
	melT, err := ort.NewTensor(ort.NewShape(1, int64(mel.Frames), audio.MelBands), mel.Data)
	if err != nil {
		b.Fatal(err)
	}
	noiseT, err := ort.NewTensor(ort.NewShape(1, int64(len(noise)/NoiseDim), NoiseDim), noise)
	if err != nil {
		b.Fatal(err)
	}
	out, err := ort.NewEmptyTensor[float32](ort.NewShape(1, int64(mel.MotionFrames()), motion.Joints, 2))
	if err != nil {
		b.Fatal(err)
	}
	sess, err := newAdvanced(m2sgan(b, "m2sgan_generator.onnx"), melT, noiseT, out)
	if err != nil {
		b.Fatal(err)
	}
	s := &bareSession{sess: sess, ins: []*ort.Tensor[float32]{melT, noiseT}, out: out}
	b.Cleanup(func() {
		s.sess.Destroy()
		for _, t := range append(s.ins, s.out) {
			t.Destroy()
		}
	})
	return s
}

// newAdvanced opens the model as the engine does (all cores, one inter-op
// thread) with the tensors bound.
func newAdvanced(path string, mel, noise, out *ort.Tensor[float32]) (*ort.AdvancedSession, error) {
	so, err := ort.NewSessionOptions()
	if err != nil {
		return nil, err
	}
	defer so.Destroy()
	if err := so.SetIntraOpNumThreads(defaultThreads()); err != nil {
		return nil, err
	}
	if err := so.SetInterOpNumThreads(1); err != nil {
		return nil, err
	}
	return ort.NewAdvancedSession(path, []string{"mel", "noise"}, []string{"motion"},
		[]ort.Value{mel, noise}, []ort.Value{out}, so)
}

func reportSPerS(b *testing.B, spent time.Duration, seconds float64) {
	b.ReportMetric(spent.Seconds()/float64(b.N)/seconds, "s_per_s")
}

// BenchmarkM2SGAN60s: the engine's Generate over the 60 s reference song.
func BenchmarkM2SGAN60s(b *testing.B) {
	e := open(b, m2sgan(b, "m2sgan_generator.onnx"), Options{Device: "cpu"})
	mel, _ := refInputs(b)
	ctx := context.Background()
	if _, err := e.Generate(ctx, mel); err != nil { // warm up
		b.Fatal(err)
	}
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		if _, err := e.Generate(ctx, mel); err != nil {
			b.Fatal(err)
		}
	}
	reportSPerS(b, time.Since(start), mel.Seconds())
}

// BenchmarkBareSession60s: a bare ONNX Runtime session run on the same input.
func BenchmarkBareSession60s(b *testing.B) {
	mel, noise := refInputs(b)
	s := newBare(b, mel, noise)
	if err := s.sess.Run(); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		if err := s.sess.Run(); err != nil {
			b.Fatal(err)
		}
	}
	reportSPerS(b, time.Since(start), mel.Seconds())
}

// BenchmarkOverhead60s alternates the engine and the bare session, so both
// see the same load, and reports the engine's overhead in percent: the median
// over the pairs of runs (robust to a busy machine) and the total.
func BenchmarkOverhead60s(b *testing.B) {
	e := open(b, m2sgan(b, "m2sgan_generator.onnx"), Options{Device: "cpu"})
	mel, noise := refInputs(b)
	s := newBare(b, mel, noise)
	ctx := context.Background()
	var engine, bare time.Duration
	ratios := make([]float64, 0, b.N)
	for i := -1; i < b.N; i++ { // i = −1 warms both up
		t0 := time.Now()
		if _, err := e.GenerateWithNoise(ctx, mel, noise); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if err := s.sess.Run(); err != nil {
			b.Fatal(err)
		}
		t2 := time.Now()
		if i >= 0 {
			engine += t1.Sub(t0)
			bare += t2.Sub(t1)
			ratios = append(ratios, t1.Sub(t0).Seconds()/t2.Sub(t1).Seconds())
		}
	}
	slices.Sort(ratios)
	b.ReportMetric(100*(ratios[len(ratios)/2]-1), "median_overhead_%")
	b.ReportMetric(100*(engine.Seconds()/bare.Seconds()-1), "overhead_%")
	reportSPerS(b, engine, mel.Seconds())
}

// cachedRunner answers every window with the same output at no cost.
type cachedRunner struct{ y []float32 }

func (c cachedRunner) run(context.Context, []float32, []float32, int) ([]float32, error) {
	return c.y, nil
}

func (c cachedRunner) close() error { return nil }

// BenchmarkEngineWork60s is the engine's own work on the 60 s song (checks,
// noise, windows, blending) with the model's run replaced by a cached output:
// on a busy machine, a steadier view of the overhead than BenchmarkOverhead60s.
// Add the cgo tensor setup (BenchmarkTensorSetup60s) for the whole overhead.
func BenchmarkEngineWork60s(b *testing.B) {
	mel, _ := refInputs(b)
	y := make([]float32, mel.MotionFrames()*motion.Joints*2)
	e := &Engine{path: "cached", c: contract{mel: "mel", noise: "noise", output: "motion"}, run: cachedRunner{y}}
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		if _, err := e.Generate(ctx, mel); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTensorSetup60s is what ortSession.run adds around the runtime's
// Run for one 60 s window: the input tensors, the run options, the
// cancellation hook and the output's copy into Go memory.
func BenchmarkTensorSetup60s(b *testing.B) {
	mel, noise := refInputs(b)
	if err := env.load(library(b)); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	out := make([]float32, mel.MotionFrames()*motion.Joints*2)
	for i := 0; i < b.N; i++ {
		m, err := ort.NewTensor(ort.NewShape(1, int64(mel.Frames), audio.MelBands), mel.Data)
		if err != nil {
			b.Fatal(err)
		}
		n, err := ort.NewTensor(ort.NewShape(1, int64(len(noise)/NoiseDim), NoiseDim), noise)
		if err != nil {
			b.Fatal(err)
		}
		ro, err := ort.NewRunOptions()
		if err != nil {
			b.Fatal(err)
		}
		stop := context.AfterFunc(ctx, func() { ro.Terminate() })
		o, err := ort.NewTensor(ort.NewShape(1, int64(mel.MotionFrames()), motion.Joints, 2), append([]float32(nil), out...))
		if err != nil {
			b.Fatal(err)
		}
		stop()
		o.Destroy()
		ro.Destroy()
		n.Destroy()
		m.Destroy()
	}
}
