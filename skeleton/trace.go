package skeleton

import (
	"image"
	"image/color"
	"math"

	"github.com/golang/freetype/raster"
)

// traceLayer draws a wrist's fading trace: a ribbon that narrows and fades
// with age. Each frame-to-frame piece has its own opacity. Blended one by
// one onto the image, neighbouring translucent pieces would overlap and
// leave dark beads at every frame; instead the pieces are rasterised (with
// gg's rasteriser, freetype's) into a coverage mask that keeps the maximum
// at each pixel, and the mask is blended onto the frame once, in one
// colour. The pieces are plain quadrilaterals that share the mitred edge
// at each sample, so the ribbon bends without gaps and costs no curve
// flattening.
type traceLayer struct {
	r     bands
	paint maxPainter
	path  raster.Path
	pts   []tracePoint // the current run, newest first
}

// tracePoint is one sample of a trace, in pixels, with the ribbon's width
// there and the opacity of the piece that ends at the next (older) sample.
type tracePoint struct {
	x, y, width, alpha float64
}

func newTraceLayer(w, h int) traceLayer {
	return traceLayer{
		r:     newBands(w, h),
		paint: maxPainter{mask: make([]uint8, w*h), w: w, h: h},
	}
}

// add appends a sample to the current run. Samples closer than a fifth of
// a pixel to the previous one add nothing visible and would make the
// ribbon's normals unstable, so they are merged.
func (t *traceLayer) add(q tracePoint) {
	if n := len(t.pts); n > 0 && math.Abs(q.x-t.pts[n-1].x)+math.Abs(q.y-t.pts[n-1].y) < 0.2 {
		return
	}
	t.pts = append(t.pts, q)
}

// flush rasterises the current run into the mask and starts a new run.
func (t *traceLayer) flush() {
	pts := t.pts
	t.pts = t.pts[:0]
	if len(pts) < 2 {
		return
	}
	// Offsets of the ribbon's edges at every sample: the unit normal of the
	// bisector of the neighbouring pieces, lengthened so the ribbon keeps
	// its width through a bend (a miter), but at most 2× at sharp turns.
	//
	// A sharp turn (the rebound at an ictus) would make a long spike of a
	// miter, or fold the ribbon over itself: there the pieces end square and
	// a disc rounds the join instead.
	const sharpTurn = 0.5 // cosine of the turn beyond which joins are round
	var prevOX, prevOY float64
	for i := 0; i+1 < len(pts); i++ {
		a, b := pts[i], pts[i+1]
		dx, dy := b.x-a.x, b.y-a.y
		l := math.Hypot(dx, dy)
		ux, uy := dx/l, dy/l
		if i == 0 {
			prevOX, prevOY = -uy*a.width/2, ux*a.width/2
		}
		nox, noy := -uy*b.width/2, ux*b.width/2 // square end
		nextOX, nextOY := nox, noy
		round := false
		if i+2 < len(pts) {
			c := pts[i+2]
			ex, ey := c.x-b.x, c.y-b.y
			el := math.Hypot(ex, ey)
			vx, vy := ex/el, ey/el
			if ux*vx+uy*vy < sharpTurn {
				round = true
				nextOX, nextOY = -vy*b.width/2, vx*b.width/2
			} else {
				nx, ny := -uy-vy, ux+vx // sum of the two unit normals
				nl := math.Hypot(nx, ny)
				nx, ny = nx/nl, ny/nl
				// Miter: half-width over the cosine between bisector and
				// normal (at most 1/cos 60° = 2 here).
				k := b.width / 2 / (nx*-uy + ny*ux)
				nox, noy = nx*k, ny*k
				nextOX, nextOY = nox, noy
			}
		}
		// Lengthen each piece by half a pixel at both ends: where pieces
		// meet, each then fully covers the shared edge's pixels, so the max
		// rule leaves no faint seam.
		const ext = 0.5
		ex0, ey0 := ux*ext, uy*ext
		t.path.Clear()
		t.path.Start(pt(a.x+prevOX-ex0, a.y+prevOY-ey0))
		t.path.Add1(pt(b.x+nox+ex0, b.y+noy+ey0))
		t.path.Add1(pt(b.x-nox+ex0, b.y-noy+ey0))
		t.path.Add1(pt(a.x-prevOX-ex0, a.y-prevOY-ey0))
		t.path.Add1(pt(a.x+prevOX-ex0, a.y+prevOY-ey0))
		t.paint.level = uint32(math.Round(math.Max(0, math.Min(1, a.alpha)) * 255))
		t.fillPath()
		if round {
			// A separate fill: in one path, a disc and a quad of opposite
			// orientation would cancel under the non-zero rule.
			t.path.Clear()
			addEllipse(&t.path, b.x, b.y, b.width/2, b.width/2)
			t.fillPath()
		}
		prevOX, prevOY = nextOX, nextOY
	}
}

// fillPath rasterises the path into the mask at the current level.
func (t *traceLayer) fillPath() {
	t.r.run(t.path, 0, true, &t.paint)
}

// composite blends the mask onto img in colour c and clears the mask for
// the next trace, touching only the rows and columns the trace reached.
func (t *traceLayer) composite(img *image.RGBA, c color.NRGBA) {
	b := t.paint.box
	m := &t.paint
	cr, cg, cb := uint32(c.R), uint32(c.G), uint32(c.B)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		mrow := m.mask[y*m.w : (y+1)*m.w]
		prow := img.Pix[y*img.Stride : y*img.Stride+m.w*4]
		for x := b.Min.X; x < b.Max.X; x++ {
			a := uint32(mrow[x])
			if a == 0 {
				continue
			}
			mrow[x] = 0
			i := x * 4
			// The background is opaque, so alpha stays 255.
			prow[i+0] = blend(prow[i+0], cr, a)
			prow[i+1] = blend(prow[i+1], cg, a)
			prow[i+2] = blend(prow[i+2], cb, a)
		}
	}
	t.paint.box = image.Rectangle{}
}

// maxPainter is a raster.Painter that writes coverage×level into an 8-bit
// mask, keeping the larger value where pieces overlap, and tracks the box
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
