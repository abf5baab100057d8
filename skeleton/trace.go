package skeleton

import (
	"image"
	"image/color"
	"math"
)

// traceLayer draws a wrist's fading trace: a ribbon that narrows and fades
// with age, one capsule (see capsuleMask) from each sample to the next,
// each with its own opacity. Blended one by one onto the frame,
// neighbouring translucent pieces would overlap and leave dark beads at
// every sample; so the pieces go into a mask of opacities instead, where
// each pixel keeps the largest a piece gives it (its opacity times its
// coverage there). Younger pieces are more opaque, so where pieces overlap
// the younger one shows, their round ends join the ribbon through bends
// and turns without gaps, and the mask holds a smooth opacity with no
// beads; it is then painted in the wrist's colour in one pass.
type traceLayer struct {
	mask   *capsuleMask
	pts    []tracePoint // the current run, newest first
	pieces []tracePiece // the current wrist's pieces
}

// tracePiece is a capsule of the ribbon, from (x0, y0) to (x1, y1), of
// radius r, at an opacity level of 0..255.
type tracePiece struct {
	x0, y0, x1, y1, r float64
	level             uint8
}

// tracePoint is one sample of a trace, in pixels, with the ribbon's width
// there and the opacity of the piece that ends at the next (older) sample.
type tracePoint struct {
	x, y, width, alpha float64
}

func newTraceLayer(w, h int) traceLayer {
	return traceLayer{mask: newCapsuleMask(w, h)}
}

// add appends a sample to the current run. Samples closer than a fifth of
// a pixel to the previous one add nothing visible, so they are merged.
func (t *traceLayer) add(q tracePoint) {
	if n := len(t.pts); n > 0 && math.Abs(q.x-t.pts[n-1].x)+math.Abs(q.y-t.pts[n-1].y) < 0.2 {
		return
	}
	t.pts = append(t.pts, q)
}

// flush turns the current run into ribbon pieces, to be drawn by draw, and
// starts a new run. A piece's width is its ends' mean: the step to the
// next piece's, a fraction of a pixel, hides under their round ends.
func (t *traceLayer) flush() {
	pts := t.pts
	t.pts = t.pts[:0]
	for i := 0; i+1 < len(pts); i++ {
		a, b := pts[i], pts[i+1]
		level := uint8(math.Round(255 * math.Max(0, math.Min(1, a.alpha))))
		if level == 0 {
			// Level 0 is no trace: the oldest second's tail is not drawn
			// at all rather than drawn invisible.
			continue
		}
		t.pieces = append(t.pieces, tracePiece{x0: a.x, y0: a.y, x1: b.x, y1: b.y, r: (a.width + b.width) / 4, level: level})
	}
}

// draw paints the pieces of the wrist's trace onto img in colour c, records
// the rows it painted in rows and clears the pieces for the next wrist. It
// returns the box it changed in img.
func (t *traceLayer) draw(img *image.RGBA, c color.NRGBA, rows *rowSpans) image.Rectangle {
	for _, pc := range t.pieces {
		walkCapsule(pc.x0, pc.y0, pc.x1, pc.y1, pc.r, t.mask.w, t.mask.h, leveled{t.mask, uint32(pc.level)})
	}
	t.pieces = t.pieces[:0]
	return t.mask.paint(img, c, rows)
}

// leveled adds a capsule to a mask at an opacity level (0..255): its
// coverage times the level, where that is more than the mask holds.
type leveled struct {
	m     *capsuleMask
	level uint32
}

func (l leveled) row(y, lo, hi int) { l.m.row(y, lo, hi) }

func (l leveled) full(y, lo, hi int) {
	v := uint8(l.level)
	row := l.m.a[y*l.m.w+lo : y*l.m.w+hi]
	for i, a := range row {
		if v > a {
			row[i] = v
		}
	}
}

func (l leveled) partial(y, x int, v uint8) {
	l.m.partial(y, x, uint8((uint32(v)*l.level+0x7f)/0xff))
}
