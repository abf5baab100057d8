package audio

import (
	"math/rand"
	"testing"
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

// BenchmarkResample resamples 30 s of 44.1 kHz mono to 22.05 kHz.
func BenchmarkResample(b *testing.B) {
	x := noise(30 * 44100)
	b.ResetTimer()
	for range b.N {
		Resample(x, 44100, SampleRate)
	}
	b.ReportMetric(30*float64(b.N)/b.Elapsed().Seconds(), "x_realtime")
}

// BenchmarkResample48k is the same from 48 kHz, where every output needs
// the interpolated filter (η ≠ 0).
func BenchmarkResample48k(b *testing.B) {
	x := noise(30 * 48000)
	b.ResetTimer()
	for range b.N {
		Resample(x, 48000, SampleRate)
	}
	b.ReportMetric(30*float64(b.N)/b.Elapsed().Seconds(), "x_realtime")
}

// BenchmarkMel computes the mel of 30 s at 22.05 kHz.
func BenchmarkMel(b *testing.B) {
	x := noise(30 * SampleRate)
	b.ResetTimer()
	for range b.N {
		MelSpectrogram(x, Options{})
	}
	b.ReportMetric(30*float64(b.N)/b.Elapsed().Seconds(), "x_realtime")
}
