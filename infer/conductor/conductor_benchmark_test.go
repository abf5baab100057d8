package conductor

import (
	"context"
	"runtime"
	"testing"

	"github.com/podium-dev/podium/audio"
	"github.com/podium-dev/podium/beat"
	"github.com/podium-dev/podium/internal/synth"
)

// threeMinutes is a three-minute mel: the synthesized samples' mels, tiled.
func threeMinutes(b *testing.B) audio.Mel {
	var src []float32
	for _, p := range synth.Samples() {
		src = append(src, render(b, p).mel.Data...)
	}
	frames := 3 * 60 * audio.MelRate
	mel := audio.Mel{Frames: frames, Data: make([]float32, frames*audio.MelBands)}
	for i := 0; i < len(mel.Data); i += len(src) {
		copy(mel.Data[i:], src)
	}
	return mel
}

// runRealtime runs f b.N times on one locked thread and reports how many
// times faster than real time it is: x_realtime by wall clock and, where the
// thread's CPU time is known, x_realtime_cpu (the cost on one core, which a
// busy machine does not inflate).
func runRealtime(b *testing.B, seconds float64, f func() error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	b.ReportAllocs()
	b.ResetTimer()
	c0, ok := threadCPU()
	for i := 0; i < b.N; i++ {
		if err := f(); err != nil {
			b.Fatal(err)
		}
	}
	c1, _ := threadCPU()
	b.StopTimer()
	b.ReportMetric(seconds/(b.Elapsed().Seconds()/float64(b.N)), "x_realtime")
	if ok && c1 > c0 {
		b.ReportMetric(seconds/((c1-c0).Seconds()/float64(b.N)), "x_realtime_cpu")
	}
}

// BenchmarkGenerate3min conducts three minutes of music; run it with
// GOMAXPROCS=1 for the one-core figure (the issue asks ≥ 10 000×).
func BenchmarkGenerate3min(b *testing.B) {
	mel := threeMinutes(b)
	c := New(Options{Seed: 1})
	ctx := context.Background()
	runRealtime(b, mel.Seconds(), func() error {
		_, err := c.Generate(ctx, mel)
		return err
	})
}

// BenchmarkListen3min is the listening alone on the same music.
func BenchmarkListen3min(b *testing.B) {
	mel := threeMinutes(b)
	ctx := context.Background()
	runRealtime(b, mel.Seconds(), func() error {
		_, err := beat.Listen(ctx, mel)
		return err
	})
}
