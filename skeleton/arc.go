package skeleton

import (
	"math"

	"github.com/fogleman/gg"
)

// arcSteps is the finest division of a full turn that arcs use.
const arcSteps = 128

// arcTable holds cos and sin of k·2π/arcSteps for k = 0..arcSteps, so that
// arcs become gg paths of straight pieces without trigonometry.
//
// Why not gg's DrawCircle and DrawArc: gg builds every arc from 16
// quadratic pieces at six trigonometric calls each, and freetype's
// rasteriser then splits each piece into lines again; at the sizes drawn
// here a circle reaches the rasteriser as a 32-gon anyway. Emitting the
// lines directly, at least as many as gg's (see sides), draws the same
// shapes for about 5 % less of a frame's time: a frame has ~20 circles and
// six round-capped bones.
type arcTable [arcSteps + 1][2]float64

func newArcTable() *arcTable {
	var t arcTable
	for k := range t {
		s, c := math.Sincos(2 * math.Pi * float64(k) / arcSteps)
		t[k] = [2]float64{c, s}
	}
	return &t
}

// stride is the step through the table for a full circle of radius r px:
// enough sides that the polygon strays less than 0.1 px from the circle
// (32 sides up to r ≈ 26 px, as gg's, then 64 and 128).
func stride(r float64) int {
	switch {
	case r <= 26:
		return arcSteps / 32
	case r <= 100:
		return arcSteps / 64
	}
	return 1
}

// ellipse adds the closed ellipse (x, y, rx, ry) to dc's path as its own
// subpath, going round as gg's DrawEllipse does (angles increasing).
func (t *arcTable) ellipse(dc *gg.Context, x, y, rx, ry float64) {
	dc.NewSubPath()
	dc.MoveTo(x+rx, y)
	step := stride(math.Max(rx, ry))
	for k := step; k < arcSteps; k += step {
		dc.LineTo(x+rx*t[k][0], y+ry*t[k][1])
	}
	dc.ClosePath()
}

// circle adds the closed circle (x, y, r) to dc's path.
func (t *arcTable) circle(dc *gg.Context, x, y, r float64) { t.ellipse(dc, x, y, r, r) }

// halfTurn continues dc's path along the half circle of radius r around
// (x, y) from the point in the unit direction (ux, uy) to the opposite one,
// through decreasing angles (gg's DrawArc from θ to θ−π, with
// (ux, uy) = (cos θ, sin θ)).
func (t *arcTable) halfTurn(dc *gg.Context, x, y, r, ux, uy float64) {
	// Twice the full circle's density: a half circle of gg's is 16
	// pieces too.
	step := max(1, stride(r)/2)
	for k := 0; k <= arcSteps/2; k += step {
		c, s := t[k][0], t[k][1]
		dc.LineTo(x+r*(ux*c+uy*s), y+r*(uy*c-ux*s))
	}
}
