package skeleton

import (
	"image"
	"image/color"
	"math"

	"github.com/golang/freetype/raster"
	"golang.org/x/image/math/fixed"
)

// traceLayer draws a wrist's fading trace. Each segment has its own width
// and opacity; stroked one by one onto the image, the round caps of
// neighbouring translucent segments would overlap and leave dark beads at
// every frame. Instead the segments are rasterised (with gg's rasteriser,
// freetype's) into a coverage mask that keeps the maximum at each pixel,
// and the mask is blended onto the frame once, in one colour.
type traceLayer struct {
	r     *raster.Rasterizer
	paint maxPainter
	path  raster.Path
}

func newTraceLayer(w, h int) traceLayer {
	return traceLayer{
		r:     raster.NewRasterizer(w, h),
		paint: maxPainter{mask: make([]uint8, w*h), w: w, h: h},
	}
}

// begin starts a new trace; the mask is already clear.
func (t *traceLayer) begin() { t.paint.box = image.Rectangle{} }

// segment adds one round-capped segment of the given width (px) and
// opacity (0..1) to the mask.
func (t *traceLayer) segment(x0, y0, x1, y1, width, alpha float64) {
	if alpha <= 0 || width <= 0 {
		return
	}
	// freetype's stroker draws nothing for a zero-length segment; a resting
	// hand should still leave a dot.
	if math.Abs(x1-x0)+math.Abs(y1-y0) < 0.05 {
		x1 += 0.05
	}
	t.path.Clear()
	t.path.Start(fixed.Point26_6{X: fix(x0), Y: fix(y0)})
	t.path.Add1(fixed.Point26_6{X: fix(x1), Y: fix(y1)})
	t.r.UseNonZeroWinding = true
	t.r.Clear()
	t.r.AddStroke(t.path, fix(width), raster.RoundCapper, raster.RoundJoiner)
	t.paint.level = uint32(math.Round(alpha * 255))
	t.r.Rasterize(&t.paint)
}

// composite blends the mask onto img in colour c and clears the mask for
// the next trace, touching only the rows and columns the trace reached.
func (t *traceLayer) composite(img *image.RGBA, c color.NRGBA) {
	b := t.paint.box
	m := &t.paint
	cr, cg, cb := int32(c.R), int32(c.G), int32(c.B)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		mrow := m.mask[y*m.w : (y+1)*m.w]
		prow := img.Pix[y*img.Stride : y*img.Stride+m.w*4]
		for x := b.Min.X; x < b.Max.X; x++ {
			a := int32(mrow[x])
			if a == 0 {
				continue
			}
			mrow[x] = 0
			i := x * 4
			// dst += (c − dst)·a/255, rounded; the background is opaque, so
			// alpha stays 255.
			prow[i+0] = uint8(int32(prow[i+0]) + ((cr-int32(prow[i+0]))*a+127)/255)
			prow[i+1] = uint8(int32(prow[i+1]) + ((cg-int32(prow[i+1]))*a+127)/255)
			prow[i+2] = uint8(int32(prow[i+2]) + ((cb-int32(prow[i+2]))*a+127)/255)
		}
	}
	t.paint.box = image.Rectangle{}
}

// maxPainter is a raster.Painter that writes coverage×level into an 8-bit
// mask, keeping the larger value where strokes overlap, and tracks the box
// it touched.
type maxPainter struct {
	mask  []uint8
	w, h  int
	level uint32 // 0..255
	box   image.Rectangle
}

// Paint implements raster.Painter.
func (p *maxPainter) Paint(ss []raster.Span, done bool) {
	for _, s := range ss {
		if s.Y < 0 || s.Y >= p.h {
			continue
		}
		x0, x1 := max(s.X0, 0), min(s.X1, p.w)
		if x0 >= x1 {
			continue
		}
		v := uint8((s.Alpha*p.level + 0x7fff) / 0xffff)
		if v == 0 {
			continue
		}
		p.box = p.box.Union(image.Rect(x0, s.Y, x1, s.Y+1))
		row := p.mask[s.Y*p.w+x0 : s.Y*p.w+x1]
		for i, old := range row {
			if v > old {
				row[i] = v
			}
		}
	}
}

func fix(x float64) fixed.Int26_6 { return fixed.Int26_6(math.Round(x * 64)) }
