package skeleton

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/fogleman/gg"
)

// TestMarkersMatchGG: a joint or wrist marker composited from its sprite
// gives the pixels gg gives drawing the same shapes straight onto the
// frame (as the painter did before sprites) at the centre rounded to
// 1/spritePhases px, up to rounding (gg blends three layers in 16 bits,
// the sprite two in 8: at most 4/255 apart); over a busy underlay (a drawn
// figure with its traces), at every phase, across the frame's edges, for
// both themes and several camera scales.
func TestMarkersMatchGG(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	m := conductingMotion(60, 30)
	for _, th := range Themes() {
		for _, scale := range []float64{240, 720, 1150, 1900} {
			s := Style{Width: 360, Height: 300, Theme: th, Camera: Camera{Scale: scale, X: 180 - 0.5*scale, Y: 150 - 0.45*scale}}
			p := NewPainter(s)
			under := cloneRGBA(p.Draw(m, 45)) // a figure and traces to draw over
			q := NewPainter(s)                // draws the markers; its frame is only a scratch
			pal := paletteFor(th)
			bigBG := padded(q.bg)
			for k := range 40 {
				// Every phase, then anywhere, the frame's edges included.
				x := float64(k%4)/4 + float64(k/4%4)/16 + 20 + rng.Float64()*320
				y := float64(k/4%4)/4 + 20 + rng.Float64()*260
				if k >= 32 {
					x, y = rng.Float64()*400-20, rng.Float64()*340-20
				}
				rx, ry := math.Round(x*spritePhases)/spritePhases, math.Round(y*spritePhases)/spritePhases
				// gg draws the reference on a canvas larger than the frame
				// by margin on each side: drawn on the frame itself, the
				// part of a shape beyond its left or top edge would be
				// folded into the first column or row (freetype's
				// rasteriser clips that way; a sprite clipped by image/draw
				// has no such artefact).
				rx, ry = rx+margin, ry+margin
				for _, c := range []struct {
					name string
					mk   *marker
					ref  func(dc *gg.Context)
				}{
					{"joint", q.joints, func(dc *gg.Context) {
						ggDisc(dc, q.arcs, rx, ry, jointRadius*scale, pal.limb)
						ggDisc(dc, q.arcs, rx, ry, jointDotR*scale, pal.jointDot)
					}},
					{"left wrist", q.wrists[0], func(dc *gg.Context) { ggWrist(dc, q, bigBG, rx, ry, pal.left) }},
					{"right wrist", q.wrists[1], func(dc *gg.Context) { ggWrist(dc, q, bigBG, rx, ry, pal.right) }},
				} {
					name := fmt.Sprintf("%s/%g/%s at (%.3f, %.3f)", th, scale, c.name, x, y)
					got, big := cloneRGBA(under), padded(under)
					box := c.mk.draw(got, q.bg, x, y)
					c.ref(gg.NewContextForRGBA(big))
					want := big.SubImage(under.Rect.Add(image.Pt(margin, margin))).(*image.RGBA)
					want.Rect = under.Rect
					worst, changed := 0, 0
					for y := range 300 {
						for x := range 360 {
							a, b, u := want.RGBAAt(x, y), got.RGBAAt(x, y), under.RGBAAt(x, y)
							worst = max(worst, abs(int(a.R)-int(b.R)), abs(int(a.G)-int(b.G)), abs(int(a.B)-int(b.B)), abs(int(a.A)-int(b.A)))
							if a != u {
								changed++
							}
							if b != u && !image.Pt(x, y).In(box) {
								t.Fatalf("%s: pixel (%d,%d) changed outside the reported %v", name, x, y, box)
							}
						}
					}
					if worst > 4 {
						t.Errorf("%s: a pixel differs from gg's drawing by %d/255", name, worst)
					}
					inside := x > 0 && x < 360 && y > 0 && y < 300
					if inside && changed < int(scale/40) {
						t.Fatalf("%s: gg changed only %d channels: the comparison would prove nothing", name, changed)
					}
				}
			}
		}
	}
}

// ggDisc fills a disc with gg.
func ggDisc(dc *gg.Context, arcs *arcTable, x, y, r float64, col color.NRGBA) {
	dc.SetColor(col)
	arcs.circle(dc, x, y, r)
	dc.Fill()
}

// ggWrist draws a wrist marker with gg as the painter did before sprites:
// the gap filled from the background bg (at the canvas's coordinates), the
// ring, the disc.
func ggWrist(dc *gg.Context, p *Painter, bg *image.RGBA, x, y float64, col color.NRGBA) {
	s := p.side
	outer, inner := (wristRingR+wristRingW/2)*s, (wristRingR-wristRingW/2)*s
	dc.SetFillStyle(gg.NewSurfacePattern(bg, gg.RepeatNone))
	p.arcs.circle(dc, x, y, outer)
	dc.Fill()
	dc.SetColor(col)
	dc.SetFillRuleEvenOdd()
	p.arcs.circle(dc, x, y, outer)
	p.arcs.circle(dc, x, y, inner)
	dc.Fill()
	dc.SetFillRuleWinding()
	ggDisc(dc, p.arcs, x, y, wristRadius*s, col)
}

// margin is how far padded extends an image on each side.
const margin = 64

// padded returns img with a margin of transparency around it, at the
// origin.
func padded(img *image.RGBA) *image.RGBA {
	big := image.NewRGBA(image.Rect(0, 0, img.Rect.Dx()+2*margin, img.Rect.Dy()+2*margin))
	draw.Draw(big, img.Rect.Add(image.Pt(margin, margin)), img, img.Rect.Min, draw.Src)
	return big
}

func cloneRGBA(img *image.RGBA) *image.RGBA {
	c := image.NewRGBA(img.Rect)
	copy(c.Pix, img.Pix)
	return c
}

func abs(x int) int { return max(x, -x) }
