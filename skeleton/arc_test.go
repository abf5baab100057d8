package skeleton

import (
	"image"
	"image/color"
	"math"
	"testing"

	"github.com/fogleman/gg"
)

// coverage fills the path that build adds, in white on black, and returns
// the image.
func coverage(w, h int, rule gg.FillRule, build func(dc *gg.Context)) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	dc := gg.NewContextForRGBA(img)
	dc.SetColor(color.Black)
	dc.Clear()
	build(dc)
	dc.SetColor(color.White)
	dc.SetFillRule(rule)
	dc.Fill()
	return img
}

// compareCoverage returns the largest difference of one pixel's red level
// between a and b, and the relative difference of their summed levels
// (the filled areas).
func compareCoverage(a, b *image.RGBA) (maxDiff int, area float64) {
	var sa, sb float64
	for i := 0; i < len(a.Pix); i += 4 {
		d := int(a.Pix[i]) - int(b.Pix[i])
		maxDiff = max(maxDiff, d, -d)
		sa += float64(a.Pix[i])
		sb += float64(b.Pix[i])
	}
	return maxDiff, math.Abs(sa-sb) / sa
}

// TestArcsMatchGG: the table's circles, ellipses, rings and round-capped
// capsules cover the pixels gg's own arcs cover, up to anti-aliasing
// rounding, at the sizes a 720-px frame draws and at larger ones (where
// they use more sides, so they never look coarser than gg's).
func TestArcsMatchGG(t *testing.T) {
	arcs := newArcTable()
	for _, r := range []float64{4, 9.4, 11, 18.9, 35, 65, 140} {
		// Wider than 120 px, as frames are: freetype splits curves more
		// finely on small images.
		size := max(int(2*r)+20, 160)
		c := float64(size) / 2
		want := coverage(size, size, gg.FillRuleWinding, func(dc *gg.Context) { dc.DrawEllipse(c, c, 0.9*r, r) })
		got := coverage(size, size, gg.FillRuleWinding, func(dc *gg.Context) { arcs.ellipse(dc, c, c, 0.9*r, r) })
		if d, area := compareCoverage(want, got); d > 48 || area > 0.004 {
			t.Errorf("ellipse of radius %g: a pixel differs by %d/255, the area by %.2f %%", r, d, 100*area)
		}
		// A ring: two circles under the even-odd rule, as the wrist's
		// accent ring is drawn.
		want = coverage(size, size, gg.FillRuleEvenOdd, func(dc *gg.Context) {
			dc.DrawCircle(c, c, r)
			dc.DrawCircle(c, c, 0.7*r)
		})
		got = coverage(size, size, gg.FillRuleEvenOdd, func(dc *gg.Context) {
			arcs.circle(dc, c, c, r)
			arcs.circle(dc, c, c, 0.7*r)
		})
		if d, area := compareCoverage(want, got); d > 48 || area > 0.006 {
			t.Errorf("ring of radius %g: a pixel differs by %d/255, the area by %.2f %%", r, d, 100*area)
		}
	}
	// Capsules at several slants, as Painter.line draws them, against
	// gg's DrawArc version of the same outline.
	for _, deg := range []float64{0, 17, 45, 90, 133, 200, 301} {
		const r, l, size = 9.4, 60.0, 160
		th := deg * math.Pi / 180
		x0, y0 := 80-l/2*math.Cos(th), 80-l/2*math.Sin(th)
		x1, y1 := 80+l/2*math.Cos(th), 80+l/2*math.Sin(th)
		nx, ny := -math.Sin(th), math.Cos(th)
		want := coverage(size, size, gg.FillRuleWinding, func(dc *gg.Context) {
			a := math.Atan2(ny, nx)
			dc.MoveTo(x0+nx*r, y0+ny*r)
			dc.LineTo(x1+nx*r, y1+ny*r)
			dc.DrawArc(x1, y1, r, a, a-math.Pi)
			dc.LineTo(x0-nx*r, y0-ny*r)
			dc.DrawArc(x0, y0, r, a-math.Pi, a-2*math.Pi)
			dc.ClosePath()
		})
		got := coverage(size, size, gg.FillRuleWinding, func(dc *gg.Context) {
			dc.MoveTo(x0+nx*r, y0+ny*r)
			arcs.halfTurn(dc, x1, y1, r, nx, ny)
			arcs.halfTurn(dc, x0, y0, r, -nx, -ny)
			dc.ClosePath()
		})
		if d, area := compareCoverage(want, got); d > 48 || area > 0.003 {
			t.Errorf("capsule at %g°: a pixel differs by %d/255, the area by %.2f %%", deg, d, 100*area)
		}
	}
}
