package skeleton

import (
	"testing"

	"github.com/podium-dev/podium/internal/proctime"
)

// BenchmarkDraw720 draws 720×720 frames of a moving conductor with both
// wrist traces (one second at 30 fps), the render pipeline's common case.
// The budget is 2 ms per frame on one core. Each iteration draws
// the 210 frames that have a whole second of trace behind them (make bench
// runs one iteration), after one untimed frame that warms the painter.
func BenchmarkDraw720(b *testing.B) {
	for _, th := range Themes() {
		b.Run(string(th), func(b *testing.B) {
			m := conductingMotion(240, 30)
			p := NewPainter(Style{Width: 720, Height: 720, Theme: th})
			p.Draw(m, 0)
			b.ReportAllocs()
			b.ResetTimer()
			cpu0 := proctime.CPU()
			frames := 0
			for b.Loop() {
				for f := 30; f < m.Frames; f++ {
					p.Draw(m, f)
				}
				frames += m.Frames - 30
			}
			cpu := proctime.CPU() - cpu0
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(frames), "ms/frame")
			if cpu > 0 {
				// CPU time is what the budget means ("on one core"); on a
				// busy machine it is also the steadier figure.
				b.ReportMetric(cpu.Seconds()*1000/float64(frames), "cpu-ms/frame")
			}
		})
	}
}

// BenchmarkSmooth smooths a minute of 30 fps motion.
func BenchmarkSmooth(b *testing.B) {
	m := conductingMotion(1800, 30)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		Smooth(m)
	}
}
