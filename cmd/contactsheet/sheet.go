package main

import (
	"context"
	"fmt"
	"image"
	"image/color"
	imgdraw "image/draw"
	"math"
	"os"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/podium-dev/podium/audio"
	"github.com/podium-dev/podium/beat"
	"github.com/podium-dev/podium/infer/conductor"
	"github.com/podium-dev/podium/internal/beateval"
	"github.com/podium-dev/podium/internal/synth"
	"github.com/podium-dev/podium/motion"
	"github.com/podium-dev/podium/skeleton"
)

// options are the command's flags.
type options struct {
	samples   string // folder of the committed samples
	out       string // PNG path
	frames    int    // frames per sample
	frameSize int    // pixels per frame side
	seed      int64  // conductor seed
	real      string // a real recording with a .beats.json grid beside it ("" for none)
}

// Layout of one sample's strip, in pixels.
const (
	titlePx = 28
	plotPx  = 230
	dpi     = 96
)

// px converts pixels to the canvas's points.
func px(n float64) vg.Length { return vg.Length(n * 72 / dpi) }

// sample is one committed piece, heard and conducted.
type sample struct {
	name   string
	truth  []float64 // true beat times from the generator
	metre  int       // true metre, 0 when the grid does not say
	an     beat.Analysis
	motion motion.Motion
	// The span the wrist plot shows, seconds; to == 0 shows the whole piece.
	plotFrom, plotTo float64
}

// run conducts each sample and draws the sheet.
func run(ctx context.Context, opt options) error {
	if opt.frames < 1 || opt.frameSize < 32 {
		return fmt.Errorf("need at least one frame of at least 32 pixels")
	}
	var samples []sample
	for _, p := range synth.Samples() {
		s, err := load(ctx, opt, p)
		if err != nil {
			return err
		}
		samples = append(samples, s)
	}
	if opt.real != "" {
		s, err := loadReal(ctx, opt)
		if err != nil {
			return err
		}
		samples = append(samples, s)
	}
	width := float64(opt.frames * opt.frameSize)
	strip := float64(titlePx + opt.frameSize + plotPx)
	height := strip * float64(len(samples))
	img := vgimg.NewWith(vgimg.UseWH(px(width), px(height)), vgimg.UseDPI(dpi), vgimg.UseBackgroundColor(color.White))
	dc := draw.New(img)
	for i, s := range samples {
		top := height - strip*float64(i) // pixels from the bottom
		if err := drawStrip(dc, opt, s, top, width); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(filepath.Dir(opt.out), 0o755); err != nil {
		return err
	}
	tmp := opt.out + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(f); err != nil {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", opt.out, err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, opt.out)
}

// load decodes a sample as a user's file would be (audio.Load), reads its
// true beats, and conducts it.
func load(ctx context.Context, opt options, p synth.Piece) (sample, error) {
	path := filepath.Join(opt.samples, p.Name+"."+p.Format)
	s, err := listenAndConduct(ctx, opt, path, p.Name)
	if err != nil {
		return s, err
	}
	g, err := beateval.ReadGrid(beateval.GridPath(path))
	if err != nil {
		return s, fmt.Errorf("%w (run make samples)", err)
	}
	s.truth, s.metre = g.Beats, g.Metre
	return s, nil
}

// loadReal decodes a real recording, reads the beat grid of its chart (the
// .beats.json beside it), and conducts it; the plot shows twelve seconds
// from its middle.
func loadReal(ctx context.Context, opt options) (sample, error) {
	path := opt.real
	s, err := listenAndConduct(ctx, opt, path, strings.TrimSuffix(filepath.Base(path), filepath.Ext(path)))
	if err != nil {
		return s, err
	}
	g, err := beateval.ReadGrid(beateval.GridPath(path))
	if err != nil {
		return s, err
	}
	s.truth = g.Beats
	mid := s.motion.Seconds() / 2
	s.plotFrom, s.plotTo = mid-6, mid+6
	return s, nil
}

// listenAndConduct decodes the recording at path, hears its beats and
// conducts it with the built-in conductor.
func listenAndConduct(ctx context.Context, opt options, path, name string) (sample, error) {
	s := sample{name: name}
	mel, _, err := audio.Load(ctx, path, audio.Options{})
	if err != nil {
		return s, err
	}
	if s.an, err = beat.Listen(ctx, mel); err != nil {
		return s, fmt.Errorf("listen to %s: %w", path, err)
	}
	c := conductor.New(conductor.Options{Seed: opt.seed})
	defer c.Close()
	if s.motion, err = c.Generate(ctx, mel); err != nil {
		return s, fmt.Errorf("conduct %s: %w", path, err)
	}
	return s, nil
}

// ictusF is the right wrist's ictus F-measure against the true beats (issue
// 12's definition: ±70 ms, half or double tempo allowed).
func ictusF(s sample) float64 {
	y := make([]float64, s.motion.Frames)
	for f := range y {
		y[f] = float64(s.motion.At(f, motion.RightWrist).Y)
	}
	f, _ := beateval.TempoFMeasure(beateval.Ictuses(y, s.motion.Rate), s.truth, 0.07)
	return f
}

// drawStrip draws one sample: its title, frames across one bar from the
// middle of the piece, and the wrist-height plot, top edge at top pixels.
func drawStrip(dc draw.Canvas, opt options, s sample, top, width float64) error {
	font := plot.DefaultFont
	font.Size = 13
	an := s.an
	title := fmt.Sprintf("%s — heard %.0f BPM in %d (true %d), %d beats (true %d), ictus F %.2f",
		s.name, an.Tempo, an.Metre, s.metre, len(an.Beats), len(s.truth), ictusF(s))
	if s.metre == 0 {
		title = fmt.Sprintf("%s (real mix) — heard %.0f BPM in %d, %d beats (chart %d), ictus F %.2f",
			s.name, an.Tempo, an.Metre, len(an.Beats), len(s.truth), ictusF(s))
	}
	dc.FillText(draw.TextStyle{Color: color.Black, Font: font, XAlign: draw.XLeft, YAlign: draw.YCenter,
		Handler: plot.DefaultTextHandler}, vg.Point{X: px(8), Y: px(top - titlePx/2)}, title)

	// One bar from the middle: from the downbeat nearest the middle to the
	// next downbeat, frames evenly spread from its ictus.
	from, to := barNear(an, s.motion.Seconds()/2)
	// Draw larger and keep the middle, where the conductor stands: the
	// motion's unit square has a lot of empty border.
	const crop, cropX, cropY = 0.56, 0.22, 0.25
	big := int(math.Round(float64(opt.frameSize) / crop))
	painter := skeleton.NewPainter(skeleton.Style{Width: big, Height: big, Theme: skeleton.Light})
	x0c, y0c := int(cropX*float64(big)), int(cropY*float64(big))
	window := image.Rect(x0c, y0c, x0c+opt.frameSize, y0c+opt.frameSize)
	smooth := skeleton.Smooth(s.motion)
	y0 := top - titlePx - float64(opt.frameSize)
	for i := 0; i < opt.frames; i++ {
		t := from + (to-from)*float64(i)/float64(opt.frames)
		f := int(math.Round(t * motion.Rate))
		frame := image.NewRGBA(image.Rect(0, 0, opt.frameSize, opt.frameSize))
		imgdraw.Draw(frame, frame.Bounds(), painter.Draw(smooth, f), window.Min, imgdraw.Src)
		x0 := float64(i * opt.frameSize)
		dc.DrawImage(vg.Rectangle{Min: vg.Point{X: px(x0), Y: px(y0)},
			Max: vg.Point{X: px(x0 + float64(opt.frameSize)), Y: px(y0 + float64(opt.frameSize))}}, frame)
		label := draw.TextStyle{Color: color.Gray{90}, Font: font, XAlign: draw.XLeft, YAlign: draw.YBottom, Handler: plot.DefaultTextHandler}
		label.Font.Size = 10
		dc.FillText(label, vg.Point{X: px(x0 + 4), Y: px(y0 + 3)}, fmt.Sprintf("%.2f s", t))
	}

	p, err := wristPlot(s, from, to)
	if err != nil {
		return err
	}
	area := draw.Canvas{Canvas: dc.Canvas, Rectangle: vg.Rectangle{
		Min: vg.Point{X: 0, Y: px(y0 - plotPx)}, Max: vg.Point{X: px(width), Y: px(y0)}}}
	p.Draw(area)
	return nil
}

// barNear returns the start and end, in seconds of ictus time, of the bar
// whose downbeat is nearest t.
func barNear(an beat.Analysis, t float64) (float64, float64) {
	const lead = 0.033 // the conductor's ictus comes this much before the sound
	if len(an.Downbeats) == 0 {
		return t, t + 2
	}
	best := an.Downbeats[0]
	for _, d := range an.Downbeats {
		if math.Abs(an.Beats[d].Time-t) < math.Abs(an.Beats[best].Time-t) {
			best = d
		}
	}
	start := an.Beats[best].Time - lead
	if next := best + an.Metre; next < len(an.Beats) {
		return start, an.Beats[next].Time - lead
	}
	return start, start + float64(an.Metre)*60/math.Max(an.Tempo, 1)
}

// wristPlot plots the right wrist's height (1 − y, so up is up) over the
// piece, the heard beats as vertical lines (downbeats darker), the true
// beats as ticks along the bottom, and the bar the frames show as a band.
func wristPlot(s sample, from, to float64) (*plot.Plot, error) {
	p := plot.New()
	p.X.Label.Text = "time (s)"
	p.Y.Label.Text = "right wrist height"
	m := s.motion
	var pts plotter.XYs
	lo, hi := math.Inf(1), math.Inf(-1)
	for f := 0; f < m.Frames; f++ {
		t := float64(f) / m.Rate
		if s.plotTo > 0 && (t < s.plotFrom || t > s.plotTo) {
			continue
		}
		h := 1 - float64(m.At(f, motion.RightWrist).Y)
		pts = append(pts, plotter.XY{X: t, Y: h})
		lo, hi = math.Min(lo, h), math.Max(hi, h)
	}
	pad := 0.1 * (hi - lo + 1e-3)
	lo, hi = lo-2*pad, hi+pad
	p.Y.Min, p.Y.Max = lo, hi
	p.X.Min, p.X.Max = 0, m.Seconds()
	if s.plotTo > 0 {
		p.X.Min, p.X.Max = s.plotFrom, s.plotTo
	}

	band, err := plotter.NewPolygon(plotter.XYs{{X: from, Y: lo}, {X: to, Y: lo}, {X: to, Y: hi}, {X: from, Y: hi}})
	if err != nil {
		return nil, err
	}
	band.Color = color.RGBA{R: 255, G: 235, B: 180, A: 255}
	band.LineStyle.Width = 0
	p.Add(band)

	legend := false
	down := map[int]bool{}
	for _, d := range s.an.Downbeats {
		down[d] = true
	}
	for i, b := range s.an.Beats {
		if s.plotTo > 0 && (b.Time < s.plotFrom || b.Time > s.plotTo) {
			continue
		}
		l, err := plotter.NewLine(plotter.XYs{{X: b.Time, Y: lo + pad}, {X: b.Time, Y: hi}})
		if err != nil {
			return nil, err
		}
		l.Color = color.RGBA{R: 150, G: 190, B: 235, A: 255}
		if down[i] {
			l.Color = color.RGBA{R: 40, G: 100, B: 200, A: 255}
		}
		l.Width = vg.Points(0.8)
		p.Add(l)
		if !legend {
			p.Legend.Add("beats heard (downbeats dark)", l)
			legend = true
		}
	}
	var truth plotter.XYs
	for _, b := range s.truth {
		if s.plotTo == 0 || (b >= s.plotFrom && b <= s.plotTo) {
			truth = append(truth, plotter.XY{X: b, Y: lo + pad/2})
		}
	}
	ticks, err := plotter.NewScatter(truth)
	if err != nil {
		return nil, err
	}
	ticks.GlyphStyle.Shape = draw.TriangleGlyph{}
	ticks.GlyphStyle.Radius = vg.Points(2.5)
	ticks.GlyphStyle.Color = color.Black
	p.Add(ticks)
	p.Legend.Add("true beats", ticks)

	line, err := plotter.NewLine(pts)
	if err != nil {
		return nil, err
	}
	line.Color = color.RGBA{R: 200, G: 30, B: 30, A: 255}
	line.Width = vg.Points(1.2)
	p.Add(line)
	p.Legend.Add("right wrist", line)
	p.Legend.Top = true
	p.Legend.Left = true
	return p, nil
}
