package audio

import (
	"context"
	"math/rand"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/podium-dev/podium/internal/proctime"
)

// noise returns n samples of reproducible noise (the filters do the same
// work whatever the signal; noise avoids any shortcut on zeros).
func noise(n int) []float32 {
	rng := rand.New(rand.NewSource(1))
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(rng.NormFloat64() * 0.1)
	}
	return x
}

// BenchmarkResample resamples 30 s of mono to 22.05 kHz from 44.1 kHz and
// from 48 kHz, where every output needs the interpolated filter (η ≠ 0).
func BenchmarkResample(b *testing.B) {
	for _, rate := range []int{44100, 48000} {
		b.Run(strconv.Itoa(rate), func(b *testing.B) {
			x := noise(30 * rate)
			b.ResetTimer()
			for range b.N {
				Resample(x, rate, SampleRate)
			}
			b.ReportMetric(30*float64(b.N)/b.Elapsed().Seconds(), "x_realtime")
		})
	}
}

// BenchmarkMel computes the mel of 30 s at 22.05 kHz.
func BenchmarkMel(b *testing.B) {
	x := noise(30 * SampleRate)
	cpu0 := proctime.WithChildren()
	b.ResetTimer()
	for range b.N {
		MelSpectrogram(x, Options{})
	}
	b.ReportMetric(30*float64(b.N)/b.Elapsed().Seconds(), "x_realtime")
	b.ReportMetric(30*float64(b.N)/(proctime.WithChildren()-cpu0).Seconds(), "cpu_x_realtime")
}

// BenchmarkLoad decodes a generated 60 s 44.1 kHz stereo mp3 end to end
// (ffmpeg, mix-down, resample, mel). x_realtime is wall-clock;
// cpu_x_realtime divides by the CPU time of this process and ffmpeg, which
// stays meaningful on a shared machine.
func BenchmarkLoad(b *testing.B) {
	path := ffmpegGen(b, filepath.Join(b.TempDir(), "bench.mp3"), "-f", "lavfi", "-i",
		"anoisesrc=d=60:c=pink:a=0.2:r=44100", "-f", "lavfi", "-i", "sine=f=440:d=60:r=44100",
		"-filter_complex", "amix=inputs=2", "-ac", "2", "-c:a", "libmp3lame", "-b:a", "192k")
	ctx := context.Background()
	cpu0 := proctime.WithChildren()
	b.ResetTimer()
	for range b.N {
		if _, _, err := Load(ctx, path, Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	audio := 60 * float64(b.N)
	b.ReportMetric(audio/b.Elapsed().Seconds(), "x_realtime")
	b.ReportMetric(audio/(proctime.WithChildren()-cpu0).Seconds(), "cpu_x_realtime")
}
