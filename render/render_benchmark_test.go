package render

import (
	"context"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/podium-dev/podium/audio"
	"github.com/podium-dev/podium/infer"
	"github.com/podium-dev/podium/motion"
	"github.com/podium-dev/podium/skeleton"
)

// BenchmarkRender3min compares, on a generated 3-minute song at 720×720 and
// the default encoder settings (veryfast, CRF 23, AAC 192k):
//
//   - render: the whole pipeline (decode and mel, the built-in conductor,
//     drawing on all cores, encoding) through Run;
//   - encode-only: ffmpeg encoding the same number of frames of the same
//     motion, drawn beforehand, through the same pipe with the same command
//     line and soundtrack.
//
// The target is render ≥ 90 % of encode-only. On a shared machine
// the speed of both drifts by ±10 % from one minute to the next, so the two
// run in alternating pairs (renderRounds of them, each order in turn) and
// the figures are the medians, the ratio that of each pair's own ratios.
// Run with -benchtime 1x; it takes about two minutes a round.
func BenchmarkRender3min(b *testing.B) {
	needFFmpeg(b)
	dir := b.TempDir()
	src := filepath.Join(dir, "song.wav")
	lavfi(b, src, "sine=frequency=330:beep_factor=6:sample_rate=44100:duration=180")
	const frames = 180 * 30

	opt := Defaults()
	opt.Inputs, opt.OutDir, opt.Force = []string{src}, filepath.Join(dir, "out"), true
	render := func() (total, drawEncode float64) {
		rep, err := Run(context.Background(), opt)
		if err != nil || !rep.OK() {
			b.Fatalf("Run: %v %+v", err, rep.Entries)
		}
		e := rep.Entries[0]
		return float64(e.Frames) / e.Timings.Total, float64(e.Frames) / e.Timings.Encode
	}

	// The frames render drew: the built-in conductor on the same song,
	// smoothed; the first 10 s of them are drawn beforehand (all 5400 would
	// take 4 GB) and sent round-robin.
	m := conductedMotion(b, src)
	size := Size{W: 720, H: 720}
	p := skeleton.NewPainter(skeleton.Style{Width: size.W, Height: size.H})
	pre := make([][]byte, 300)
	for f := range pre {
		pre[f] = make([]byte, yuvSize(size.W, size.H))
		rgbaToYUV420(p.Draw(m, f), pre[f])
	}
	enc := encoder{FFmpeg: "ffmpeg", Width: size.W, Height: size.H, FPS: 30, Preset: opt.Preset, CRF: opt.CRF,
		Audio: src, Out: filepath.Join(dir, "encode-only.mp4")}
	encodeOnly := func() float64 {
		start := time.Now()
		// As many copying goroutines as render has drawing ones (Options.Workers).
		if err := enc.run(context.Background(), frames, runtime.NumCPU(), func() frameDrawer { return copyDrawer(pre) }, nil); err != nil {
			b.Fatal(err)
		}
		return frames / time.Since(start).Seconds()
	}

	var renderFPS, drawEncodeFPS, encodeFPS, ratio, drawRatio []float64
	b.ResetTimer()
	for b.Loop() {
		for r := range renderRounds {
			var rf, df, ef float64
			if r%2 == 0 {
				rf, df = render()
				ef = encodeOnly()
			} else {
				ef = encodeOnly()
				rf, df = render()
			}
			fmt.Printf("round %d: render %.1f fps (drawing+encoding %.1f), ffmpeg alone %.1f fps: %.0f %%\n", r+1, rf, df, ef, 100*rf/ef)
			renderFPS, drawEncodeFPS, encodeFPS = append(renderFPS, rf), append(drawEncodeFPS, df), append(encodeFPS, ef)
			ratio, drawRatio = append(ratio, rf/ef), append(drawRatio, df/ef)
		}
	}
	b.ReportMetric(median(renderFPS), "render-fps")
	b.ReportMetric(median(encodeFPS), "encode-only-fps")
	b.ReportMetric(100*median(ratio), "%_of_encode-only")
	fmt.Printf("3-minute song, 720x720, %s, median of %d rounds: render %.1f fps end to end (%.1f fps drawing+encoding), ffmpeg alone %.1f fps: %.0f %% end to end, %.0f %% drawing+encoding\n",
		opt.Preset, len(ratio), median(renderFPS), median(drawEncodeFPS), median(encodeFPS), 100*median(ratio), 100*median(drawRatio))
}

// renderRounds is how many render / encode-only pairs BenchmarkRender3min runs.
const renderRounds = 3

// median returns the middle value of x (the mean of the two middle ones
// for an even count); x is reordered.
func median(x []float64) float64 {
	if len(x) == 0 {
		return 0
	}
	slices.Sort(x)
	if n := len(x); n%2 == 0 {
		return (x[n/2-1] + x[n/2]) / 2
	}
	return x[len(x)/2]
}

// copyDrawer hands out pre-drawn frames.
type copyDrawer [][]byte

func (c copyDrawer) drawFrame(f int, dst []byte) { copy(dst, c[f%len(c)]) }

// BenchmarkPeakRSS2h renders a generated 2-hour song (64×64, ultrafast) and
// reports the peak resident memory of this process (ffmpeg runs in its own
// processes: RUSAGE_CHILDREN would not help, as exec copies the parent's
// peak into the child's). It takes minutes, so it runs only with
// PODIUM_BENCH_RSS=1 (make bench-rss), alone: the figure is the whole test
// process's peak.
func BenchmarkPeakRSS2h(b *testing.B) {
	if os.Getenv("PODIUM_BENCH_RSS") != "1" {
		b.Skip("set PODIUM_BENCH_RSS=1 (make bench-rss) to render a 2-hour song")
	}
	needFFmpeg(b)
	dir := b.TempDir()
	src := filepath.Join(dir, "two hours.wav")
	lavfi(b, src, "sine=frequency=330:beep_factor=6:sample_rate=44100:duration=7200")
	opt := Defaults()
	opt.Inputs, opt.OutDir, opt.Force = []string{src}, filepath.Join(dir, "out"), true
	opt.Size, opt.Preset = Size{W: 64, H: 64}, "ultrafast"
	for b.Loop() {
		rep, err := Run(context.Background(), opt)
		if err != nil || !rep.OK() {
			b.Fatalf("Run: %v %+v", err, rep.Entries)
		}
		b.Logf("2-hour song: %d frames in %.0f s (decode %.0f s, infer %.0f s, draw+encode %.0f s)", rep.Entries[0].Frames,
			rep.Entries[0].Timings.Total, rep.Entries[0].Timings.Decode, rep.Entries[0].Timings.Infer, rep.Entries[0].Timings.Encode)
	}
	var self syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &self)
	b.ReportMetric(float64(self.Maxrss)/1024, "peak-MB")
}

// BenchmarkDrawAndConvert720 is the per-frame CPU cost render adds to
// encoding, on one core: drawing a 720×720 frame of the built-in conductor
// (with its wrist traces) and converting it to yuv420p, plainly and over the
// pre-converted background, and only inside the dirty rectangle as render does.
func BenchmarkDrawAndConvert720(b *testing.B) {
	needFFmpeg(b)
	src := filepath.Join(b.TempDir(), "song.wav")
	lavfi(b, src, "sine=frequency=330:beep_factor=6:sample_rate=44100:duration=10")
	m := conductedMotion(b, src)
	style := skeleton.Style{Width: 720, Height: 720}
	p := skeleton.NewPainter(style)
	conv := newYUVConverter(skeleton.NewPainter(style).Draw(motion.New(0, motion.Rate), 0))
	dst := make([]byte, yuvSize(720, 720))
	// Each iteration covers every frame of the clip (make bench runs one
	// iteration); the metric is per frame.
	perFrame := func(b *testing.B, d time.Duration, n int) {
		b.ReportMetric(float64(d.Microseconds())/1000/float64(n), "ms/frame")
	}
	b.Run("draw", func(b *testing.B) {
		var d time.Duration
		for b.Loop() {
			start := time.Now()
			for f := range m.Frames {
				p.Draw(m, f)
			}
			d += time.Since(start)
		}
		perFrame(b, d, b.N*m.Frames)
	})
	// timeConversion times only convert, after drawing each frame untimed.
	timeConversion := func(convert func(img *image.RGBA)) func(b *testing.B) {
		return func(b *testing.B) {
			var d time.Duration
			for b.Loop() {
				for f := range m.Frames {
					img := p.Draw(m, f)
					start := time.Now()
					convert(img)
					d += time.Since(start)
				}
			}
			perFrame(b, d, b.N*m.Frames)
		}
	}
	b.Run("convert", timeConversion(func(img *image.RGBA) { rgbaToYUV420(img, dst) }))
	b.Run("convert-over-background", timeConversion(func(img *image.RGBA) { conv.convert(img, dst) }))
	held := image.Rect(0, 0, 720, 720)
	all := held
	b.Run("convert-dirty", timeConversion(func(img *image.RGBA) { held = conv.convertIn(img, dst, p.Dirty(), held, all) }))
}

// conductedMotion is what render draws for src: the built-in conductor's
// motion, smoothed.
func conductedMotion(b *testing.B, src string) motion.Motion {
	b.Helper()
	mel, _, err := audio.Load(context.Background(), src, audio.Options{})
	if err != nil {
		b.Fatal(err)
	}
	eng, err := infer.Open(infer.Options{})
	if err != nil {
		b.Fatal(err)
	}
	m, err := eng.Generate(context.Background(), mel)
	if err != nil {
		b.Fatal(err)
	}
	return skeleton.Smooth(m)
}
