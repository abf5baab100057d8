package skeleton

import (
	"image"
	"image/color"
	"math"

	"github.com/fogleman/gg"
)

// traceLayer draws a wrist's fading trace: a ribbon that narrows and fades
// with age. Each frame-to-frame piece has its own opacity. Blended one by
// one onto the frame, neighbouring translucent pieces would overlap and
// leave dark beads at every frame, and gg composites only "over". So gg
// draws the pieces into a separate layer instead, oldest first, each in an
// opaque grey whose level is the piece's opacity: where pieces overlap the
// younger (and more opaque) one replaces the older, and at the edges gg's
// anti-aliasing blends the two levels, so the layer holds a smooth opacity
// with no beads. One loop (tint) then blends the frame towards the wrist's
// colour by that opacity: the one step gg cannot express. The pieces are
// plain quadrilaterals that share the mitred edge at each sample, so the
// ribbon bends without gaps and costs no curve flattening.
type traceLayer struct {
	layer  *image.RGBA // grey opacity levels in R (G, B alike), zero where no trace
	bands  bandContexts
	pts    []tracePoint // the current run, newest first
	pieces []tracePiece // the current wrist's pieces, newest first
	// greys holds a gg fill for each opacity level, made once: gg's
	// SetColor makes two patterns per call, and a frame draws ~70 pieces.
	greys [256]gg.Pattern
	arcs  *arcTable
}

// tracePiece is a quadrilateral of the ribbon (x, y its corners), or with
// round set a disc (centre x[0], y[0], radius x[1]) rounding a sharp turn,
// at an opacity level of 0..1.
type tracePiece struct {
	x, y  [4]float64
	round bool
	level float64
}

// tracePoint is one sample of a trace, in pixels, with the ribbon's width
// there and the opacity of the piece that ends at the next (older) sample.
type tracePoint struct {
	x, y, width, alpha float64
}

func newTraceLayer(w, h int, arcs *arcTable) traceLayer {
	t := traceLayer{
		layer: image.NewRGBA(image.Rect(0, 0, w, h)),
		bands: newBandContexts(w, h, 4*w),
		arcs:  arcs,
	}
	for l := range t.greys {
		t.greys[l] = gg.NewSolidPattern(color.NRGBA{uint8(l), uint8(l), uint8(l), 0xff})
	}
	return t
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

// flush turns the current run into ribbon pieces, to be drawn by draw, and
// starts a new run.
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
		level := math.Max(0, math.Min(1, a.alpha))
		t.pieces = append(t.pieces, tracePiece{
			x:     [4]float64{a.x + prevOX - ex0, b.x + nox + ex0, b.x - nox + ex0, a.x - prevOX - ex0},
			y:     [4]float64{a.y + prevOY - ey0, b.y + noy + ey0, b.y - noy + ey0, a.y - prevOY - ey0},
			level: level,
		})
		if round {
			// A separate fill: in one path, a disc and a quad of opposite
			// orientation would cancel under the non-zero rule.
			t.pieces = append(t.pieces, tracePiece{x: [4]float64{b.x, b.width / 2}, y: [4]float64{b.y}, round: true, level: level})
		}
		prevOX, prevOY = nextOX, nextOY
	}
}

// draw draws the pieces of the wrist's trace into the layer with gg and
// tints img by the layer in colour c, then clears both the pieces and the
// layer (only the rows and columns the trace reached) for the next wrist.
// It returns the box it may have changed in img.
func (t *traceLayer) draw(img *image.RGBA, c color.NRGBA) image.Rectangle {
	if len(t.pieces) == 0 {
		return image.Rectangle{}
	}
	box := image.Rectangle{}
	// Oldest first, so each younger piece replaces the older ones under it.
	for i := len(t.pieces) - 1; i >= 0; i-- {
		pc := &t.pieces[i]
		if math.Round(pc.level*255) == 0 {
			// Grey 0 is no trace, and it could only cover older pieces,
			// which fade to 0 before it: the oldest second's tail is not
			// drawn at all rather than drawn invisible.
			continue
		}
		var x0, y0, x1, y1 float64
		if pc.round {
			r := pc.x[1]
			x0, y0, x1, y1 = pc.x[0]-r, pc.y[0]-r, pc.x[0]+r, pc.y[0]+r
		} else {
			x0, y0 = math.Min(math.Min(pc.x[0], pc.x[1]), math.Min(pc.x[2], pc.x[3])), math.Min(math.Min(pc.y[0], pc.y[1]), math.Min(pc.y[2], pc.y[3]))
			x1, y1 = math.Max(math.Max(pc.x[0], pc.x[1]), math.Max(pc.x[2], pc.x[3])), math.Max(math.Max(pc.y[0], pc.y[1]), math.Max(pc.y[2], pc.y[3]))
		}
		dc, _, _ := t.bands.at(t.layer.Pix, y0-aaPad, y1+aaPad)
		if dc == nil {
			continue
		}
		box = box.Union(image.Rect(int(math.Floor(x0))-aaPad, int(math.Floor(y0))-aaPad, int(math.Ceil(x1))+aaPad, int(math.Ceil(y1))+aaPad))
		dc.SetFillStyle(t.greys[int(math.Round(pc.level*255))])
		if pc.round {
			t.arcs.circle(dc, pc.x[0], pc.y[0], pc.x[1])
		} else {
			dc.MoveTo(pc.x[0], pc.y[0])
			for k := 1; k < 4; k++ {
				dc.LineTo(pc.x[k], pc.y[k])
			}
			dc.ClosePath()
		}
		fill(dc)
	}
	t.pieces = t.pieces[:0]
	box = box.Intersect(t.layer.Rect)
	t.tint(img, box, c)
	return box
}

// tint blends img towards c by the layer's opacity inside box and clears
// the layer there.
func (t *traceLayer) tint(img *image.RGBA, box image.Rectangle, c color.NRGBA) {
	cr, cg, cb := uint32(c.R), uint32(c.G), uint32(c.B)
	for y := box.Min.Y; y < box.Max.Y; y++ {
		lrow := t.layer.Pix[y*t.layer.Stride+box.Min.X*4 : y*t.layer.Stride+box.Max.X*4]
		prow := img.Pix[y*img.Stride+box.Min.X*4 : y*img.Stride+box.Max.X*4]
		for i := 0; i+3 < len(lrow); i += 4 {
			a := uint32(lrow[i])
			if a == 0 {
				continue
			}
			// The background is opaque, so alpha stays 255.
			prow[i+0] = blend(prow[i+0], cr, a)
			prow[i+1] = blend(prow[i+1], cg, a)
			prow[i+2] = blend(prow[i+2], cb, a)
		}
		clear(lrow)
	}
}

// blend returns (dst·(255−a) + src·a)/255 rounded to nearest, for a in
// 0..255; (v + v>>8) >> 8 with v biased by 128 is exact division by 255 in
// that range.
func blend(dst uint8, src, a uint32) uint8 {
	v := uint32(dst)*(255-a) + src*a + 128
	return uint8((v + v>>8) >> 8)
}
