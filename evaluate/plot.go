package evaluate

import (
	"fmt"
	"image/color"
	"os"
	"path/filepath"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/podium-dev/podium/metrics"
	"github.com/podium-dev/podium/motion"
)

// Colours of the two motions in every panel: real as the reference
// evaluator draws it (grey), generated in red.
var (
	realColor = color.RGBA{R: 110, G: 110, B: 110, A: 255}
	genColor  = color.RGBA{R: 215, G: 30, B: 30, A: 255}
)

// PlotSample writes a PNG comparing a real and a generated motion: the 26
// coordinate curves over time (13 keypoints × x, y, in the reference
// evaluator's 13 × 2 grid) and, below them, the two strength contours that
// SCE compares.
func PlotSample(path, title string, ref, gen motion.Motion) error {
	cr, err := metrics.Contour(ref)
	if err != nil {
		return fmt.Errorf("plot %s: real motion: %w", path, err)
	}
	cg, err := metrics.Contour(gen)
	if err != nil {
		return fmt.Errorf("plot %s: generated motion: %w", path, err)
	}
	const width, height = 14 * vg.Inch, 20 * vg.Inch
	img := vgimg.NewWith(vgimg.UseWH(width, height), vgimg.UseDPI(96), vgimg.UseBackgroundColor(color.White))
	dc := draw.New(img)

	// Title strip, the 13 × 2 grid, and the contour panel take the page
	// from top to bottom.
	const titleH, contourH = 0.4 * vg.Inch, 3.2 * vg.Inch
	head := draw.Crop(dc, 0, 0, height-titleH, 0)
	titleFont := plot.DefaultFont
	titleFont.Size = 14
	head.FillText(draw.TextStyle{Color: color.Black, Font: titleFont, XAlign: draw.XCenter, YAlign: draw.YCenter,
		Handler: plot.DefaultTextHandler}, vg.Point{X: width / 2, Y: height - titleH/2},
		title+"   (grey: real, red: generated)")
	grid := draw.Crop(dc, 0, 0, contourH, -titleH)
	bottom := draw.Crop(dc, 0, 0, 0, contourH-height)

	plots := make([][]*plot.Plot, motion.Joints)
	for j := range plots {
		plots[j] = make([]*plot.Plot, 2)
		for c := 0; c < 2; c++ {
			p, err := channelPlot(ref, gen, j, c)
			if err != nil {
				return fmt.Errorf("plot %s: %w", path, err)
			}
			if j < motion.Joints-1 {
				p.X.Tick.Label.Font.Size = 0
				p.X.Tick.Marker = plot.ConstantTicks(nil)
			} else {
				p.X.Label.Text = "seconds"
			}
			plots[j][c] = p
		}
	}
	tiles := draw.Tiles{Rows: motion.Joints, Cols: 2, PadX: vg.Inch / 5, PadY: vg.Inch / 20,
		PadLeft: vg.Inch / 10, PadRight: vg.Inch / 5, PadTop: vg.Inch / 20, PadBottom: vg.Inch / 10}
	canvases := plot.Align(plots, tiles, grid)
	for j := range plots {
		for c := range plots[j] {
			plots[j][c].Draw(canvases[j][c])
		}
	}

	cp, err := contourPlot(cr, cg)
	if err != nil {
		return fmt.Errorf("plot %s: %w", path, err)
	}
	cp.Draw(draw.Crop(bottom, vg.Inch/10, -vg.Inch/5, vg.Inch/10, -vg.Inch/5))

	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("plot %s: %w", path, err)
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("plot %s: %w", path, err)
	}
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(f); err != nil {
		f.Close()
		return fmt.Errorf("plot %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("plot %s: %w", path, err)
	}
	return nil
}

// channelPlot draws coordinate c (0 x, 1 y) of keypoint j over time.
func channelPlot(ref, gen motion.Motion, j, c int) (*plot.Plot, error) {
	p := plot.New()
	axis := [2]string{"x", "y"}[c]
	p.Title.Text = motion.Name(j) + " " + axis
	p.Title.TextStyle.Font.Size = 9
	p.Title.Padding = 0
	p.Y.Tick.Label.Font.Size = 7
	p.X.Tick.Label.Font.Size = 7
	for _, s := range []struct {
		m   motion.Motion
		col color.Color
	}{{ref, realColor}, {gen, genColor}} {
		xy := make(plotter.XYs, s.m.Frames)
		for f := range xy {
			pt := s.m.At(f, j)
			xy[f].X = float64(f) / s.m.Rate
			xy[f].Y = float64(pt.X)
			if c == 1 {
				xy[f].Y = float64(pt.Y)
			}
		}
		l, err := plotter.NewLine(xy)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", motion.Name(j), axis, err)
		}
		l.LineStyle.Color = s.col
		l.LineStyle.Width = vg.Points(0.8)
		p.Add(l)
	}
	return p, nil
}

// contourPlot draws the real and generated strength contours, one value per
// second (a 2 s window every 1 s).
func contourPlot(cr, cg []float64) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = "strength contour (pooled |mean velocity|, SCE compares these)"
	p.X.Label.Text = "window start, seconds"
	p.Y.Label.Text = "mean |velocity| per frame"
	p.Legend.Top = true
	for _, s := range []struct {
		v    []float64
		col  color.Color
		name string
	}{{cr, realColor, "real"}, {cg, genColor, "generated"}} {
		xy := make(plotter.XYs, len(s.v))
		for i, v := range s.v {
			xy[i].X = float64(i*metrics.PoolStride) / metrics.Rate
			xy[i].Y = v
		}
		l, err := plotter.NewLine(xy)
		if err != nil {
			return nil, fmt.Errorf("contour: %w", err)
		}
		l.LineStyle.Color = s.col
		l.LineStyle.Width = vg.Points(1.5)
		p.Add(l)
		p.Legend.Add(s.name, l)
	}
	return p, nil
}
