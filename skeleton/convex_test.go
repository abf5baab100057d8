package skeleton

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/podium-dev/podium/motion"
)

// TestConvexCoversItsArea: the polygons the painter fills this way (the
// head's ellipse and the torso's rounded panel, in any pose and size,
// leaving the frame too) cover each pixel within 0.08 of the exact area
// of the pixel inside them (32×32 samples a pixel: the linear ramp is up
// to ~0.05 off a slanted edge's exact area, the samples up to 1/32), and
// their ink within 1 %; nothing is painted outside the span the sink
// records for its row.
func TestConvexCoversItsArea(t *testing.T) {
	const w, h = 200, 160
	rng := rand.New(rand.NewPCG(5, 6))
	p := NewPainter(Style{Width: w, Height: h})
	for k := range 24 {
		var poly []point
		cx, cy := rng.Float64()*w, rng.Float64()*h
		if k%2 == 0 { // a head
			r := 3 + rng.Float64()*40
			n := max(16, int(math.Ceil(math.Pi/math.Acos(1-0.05/r))))
			poly = append(poly, p.inscribed(cx, cy, 0.9*r, r, n)...)
		} else { // a torso panel
			sx, sy := 20+rng.Float64()*80, 30+rng.Float64()*90
			tilt := rng.Float64() - 0.5
			var corners [4]point
			for i, c := range [4][2]float64{{-1, -1}, {1, -1}, {1, 1}, {-0.8, 1}} {
				x, y := c[0]*sx/2, c[1]*sy/2
				corners[i] = point{x: cx + x*math.Cos(tilt) - y*math.Sin(tilt), y: cy + x*math.Sin(tilt) + y*math.Cos(tilt)}
			}
			var cuts [8]point
			for i := range corners {
				ax, ay := towards(corners[i], corners[(i+3)%4], 8)
				bx, by := towards(corners[i], corners[(i+1)%4], 8)
				cuts[2*i], cuts[2*i+1] = point{x: ax, y: ay}, point{x: bx, y: by}
			}
			poly = append(poly, cuts[0])
			for i := range corners {
				poly = flattenQuad(poly, cuts[2*i], corners[i], cuts[2*i+1])
				if i < 3 {
					poly = append(poly, cuts[2*i+2])
				}
			}
		}
		if !convex(poly) {
			t.Fatalf("case %d: the polygon is not convex", k)
		}
		name := fmt.Sprintf("case %d (%d sides at %.1f,%.1f)", k, len(poly), cx, cy)
		inside := func(x, y float64) bool {
			return polygonDistance(poly, x, y) < 0
		}
		img := image.NewRGBA(image.Rect(0, 0, w, h))
		rows := newRowSpans(h)
		sink := newSolidSink(img, color.NRGBA{0xff, 0xff, 0xff, 0xff}, &rows)
		var cw convexWalker
		cw.walk(poly, w, h, sink)
		var inkExact, inkGot float64
		for y := range h {
			for x := range w {
				exact := 0.0
				switch d := polygonDistance(poly, float64(x)+0.5, float64(y)+0.5); {
				case d <= -0.71:
					exact = 1
				case d < 0.71:
					const n = 32
					for i := range n {
						for j := range n {
							if inside(float64(x)+(float64(i)+0.5)/n, float64(y)+(float64(j)+0.5)/n) {
								exact += 1.0 / (n * n)
							}
						}
					}
				}
				g := float64(img.Pix[img.PixOffset(x, y)+3]) / 255
				inkExact += exact
				inkGot += g
				if math.Abs(g-exact) > 0.08 {
					t.Fatalf("%s: pixel (%d,%d) covered %.3f, exactly %.3f", name, x, y, g, exact)
				}
				if sp := rows.spans[y]; g != 0 && (x < sp.Lo || x >= sp.Hi) {
					t.Fatalf("%s: pixel (%d,%d) painted outside its row's span %v", name, x, y, sp)
				}
			}
		}
		if math.Abs(inkGot-inkExact) > 0.01*inkExact+0.5 {
			t.Fatalf("%s: ink %.1f px, exactly %.1f", name, inkGot, inkExact)
		}
	}
}

// polygonDistance is the signed distance from (x, y) to the outline of the
// convex polygon poly: negative inside. It measures to the edges as
// segments, so it is exact at corners too (unlike convexWalker's).
func polygonDistance(poly []point, x, y float64) float64 {
	d := math.Inf(1)
	in := true
	area := 0.0
	for i, a := range poly {
		b := poly[(i+1)%len(poly)]
		area += a.x*b.y - b.x*a.y
	}
	for i, a := range poly {
		b := poly[(i+1)%len(poly)]
		d = min(d, segmentDistance(x, y, a.x, a.y, b.x, b.y))
		if cross := (b.x-a.x)*(y-a.y) - (b.y-a.y)*(x-a.x); cross*area < 0 {
			in = false
		}
	}
	if in {
		return -d
	}
	return d
}

// TestConvex tells convex polygons from others.
func TestConvex(t *testing.T) {
	square := []point{{x: 0, y: 0}, {x: 10, y: 0}, {x: 10, y: 10}, {x: 0, y: 10}}
	dart := []point{{x: 0, y: 0}, {x: 10, y: 5}, {x: 0, y: 10}, {x: 4, y: 5}}
	line := []point{{x: 0, y: 0}, {x: 5, y: 5}, {x: 10, y: 10}}
	reversed := []point{square[3], square[2], square[1], square[0]}
	for _, c := range []struct {
		name string
		poly []point
		want bool
	}{{"square", square, true}, {"reversed square", reversed, true}, {"dart", dart, false}, {"line", line, false}, {"two points", square[:2], false}} {
		if got := convex(c.poly); got != c.want {
			t.Errorf("%s: convex %v, want %v", c.name, got, c.want)
		}
	}
}

// TestTorsoFilledInAnyPose: the torso panel is filled in its colour both
// where it is convex (drawn analytically) and where a pose twists it into
// a bow tie (shoulders crossed, hips not: gg fills it), and the twisted
// one is not left empty.
func TestTorsoFilledInAnyPose(t *testing.T) {
	pal := paletteFor(Light)
	for _, c := range []struct {
		name string
		ls   motion.Point
		rs   motion.Point
	}{
		{"convex", motion.Point{X: 0.62, Y: 0.40}, motion.Point{X: 0.38, Y: 0.40}},
		{"crossed shoulders", motion.Point{X: 0.38, Y: 0.40}, motion.Point{X: 0.62, Y: 0.40}},
	} {
		m := pose()
		m.Set(0, motion.LeftShoulder, c.ls)
		m.Set(0, motion.RightShoulder, c.rs)
		m.Set(0, motion.LeftHip, motion.Point{X: 0.58, Y: 0.80})
		m.Set(0, motion.RightHip, motion.Point{X: 0.42, Y: 0.80})
		p := NewPainter(Style{Width: 400, Height: 400, TraceSeconds: -1})
		img := p.Draw(m, 0)
		// Low in the panel, away from the arms and bones, and inside the
		// bow tie's lower lobe (it narrows from the hips to where its
		// sides cross, at y 0.64).
		n := 0
		for y := 290; y < 310; y++ {
			for x := 190; x < 210; x++ {
				if rgba(img, image.Pt(x, y)) == pal.torso {
					n++
				}
			}
		}
		if n != 400 {
			t.Errorf("%s: %d of 400 pixels inside the panel in the torso colour", c.name, n)
		}
	}
}
