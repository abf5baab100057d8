package skeleton

import (
	"image"
	"image/color"
	"math"

	"github.com/golang/freetype/raster"
	"golang.org/x/image/math/fixed"
)

// canvas draws anti-aliased shapes on an opaque RGBA image with the
// rasteriser gg is built on (golang/freetype/raster), keeping the path,
// rasteriser and painter between frames.
//
// Why not gg.Context itself: gg paints through raster.RGBAPainter, which
// blends every covered pixel in 16-bit arithmetic, and it rasterises every
// shape on a full-height rasteriser; the first version of this package
// drew with gg and took 2.5–3.4 ms of CPU per 720×720 frame (2-core dev
// machine). spanPainter copies the fully covered runs of opaque shapes and
// blends only the edges, and bands rasterises each shape in a band of rows
// just tall enough for it: about 1 ms per frame, with the same rasteriser
// and the same anti-aliasing.
type canvas struct {
	img   *image.RGBA
	r     bands
	path  raster.Path
	paint spanPainter
}

func newCanvas(img *image.RGBA) canvas {
	b := img.Bounds()
	return canvas{img: img, r: newBands(b.Dx(), b.Dy()), paint: spanPainter{img: img}}
}

// pt converts pixel coordinates to the rasteriser's 26.6 fixed point.
func pt(x, y float64) fixed.Point26_6 { return fixed.Point26_6{X: fix(x), Y: fix(y)} }

func fix(x float64) fixed.Int26_6 { return fixed.Int26_6(math.Round(x * 64)) }

// begin starts a new path.
func (c *canvas) begin() { c.path.Clear() }

func (c *canvas) moveTo(x, y float64) { c.path.Start(pt(x, y)) }
func (c *canvas) lineTo(x, y float64) { c.path.Add1(pt(x, y)) }

// ellipse adds a closed ellipse to the path.
func (c *canvas) ellipse(cx, cy, rx, ry float64) { addEllipse(&c.path, cx, cy, rx, ry) }

// addEllipse adds a closed ellipse as four cubic Béziers (the standard
// 0.5523 handle length, within 0.03 % of a true circle).
func addEllipse(p *raster.Path, cx, cy, rx, ry float64) {
	const k = 0.5522847498
	p.Start(pt(cx+rx, cy))
	p.Add3(pt(cx+rx, cy+k*ry), pt(cx+k*rx, cy+ry), pt(cx, cy+ry))
	p.Add3(pt(cx-k*rx, cy+ry), pt(cx-rx, cy+k*ry), pt(cx-rx, cy))
	p.Add3(pt(cx-rx, cy-k*ry), pt(cx-k*rx, cy-ry), pt(cx, cy-ry))
	p.Add3(pt(cx+k*rx, cy-ry), pt(cx+rx, cy-k*ry), pt(cx+rx, cy))
}

// fill fills the path (non-zero winding; open subpaths are closed) in col.
func (c *canvas) fill(col color.NRGBA) {
	if len(c.path) == 0 {
		return
	}
	c.paint.setColor(col)
	c.r.run(c.path, 0, true, &c.paint)
}

// fillEvenOdd fills the path with the even-odd rule: two concentric
// circles make a ring.
func (c *canvas) fillEvenOdd(col color.NRGBA) {
	if len(c.path) == 0 {
		return
	}
	c.paint.setColor(col)
	c.r.run(c.path, 0, false, &c.paint)
}

// fillFrom fills the path with the pixels of src (an opaque image of the
// canvas's size, as its Pix): it erases back to a background.
func (c *canvas) fillFrom(src []uint8) {
	if len(c.path) == 0 {
		return
	}
	c.paint.setColor(color.NRGBA{A: 0xff})
	c.paint.src = src
	c.r.run(c.path, 0, true, &c.paint)
	c.paint.src = nil
}

// stroke strokes the path with round caps and joins. The whole path is
// covered once, so translucent strokes do not darken where segments meet.
func (c *canvas) stroke(width float64, col color.NRGBA) {
	if len(c.path) == 0 || width <= 0 {
		return
	}
	c.paint.setColor(col)
	c.r.run(c.path, width, true, &c.paint)
}

// line strokes one round-capped segment.
func (c *canvas) line(x0, y0, x1, y1, width float64, col color.NRGBA) {
	// freetype's stroker draws nothing for a zero-length segment; a dot is
	// what a round-capped line of no length should look like.
	if math.Abs(x1-x0)+math.Abs(y1-y0) < 1.0/64 {
		c.disc(x0, y0, width/2, col)
		return
	}
	c.begin()
	c.moveTo(x0, y0)
	c.lineTo(x1, y1)
	c.stroke(width, col)
}

// disc fills a circle.
func (c *canvas) disc(x, y, r float64, col color.NRGBA) {
	c.begin()
	c.ellipse(x, y, r, r)
	c.fill(col)
}

// spanPainter is a raster.Painter that composites a straight colour over an
// opaque RGBA image: fully covered runs of an opaque colour are stored
// directly, everything else is blended in 8-bit fixed point.
//
// With src set it paints src's pixels instead of a colour: that is how a
// gap around a shape shows the background exactly, gradient and all.
type spanPainter struct {
	img        *image.RGBA
	r, g, b, a uint32 // straight colour, 0..255
	word       [4]uint8
	src        []uint8 // when set, an opaque image laid out like img.Pix
}

func (p *spanPainter) setColor(c color.NRGBA) {
	p.r, p.g, p.b, p.a = uint32(c.R), uint32(c.G), uint32(c.B), uint32(c.A)
	p.word = [4]uint8{c.R, c.G, c.B, 0xff}
	p.src = nil
}

// Paint implements raster.Painter.
func (p *spanPainter) Paint(ss []raster.Span, done bool) {
	img := p.img
	w, h := img.Rect.Dx(), img.Rect.Dy()
	for _, s := range ss {
		if s.Y < 0 || s.Y >= h {
			continue
		}
		x0, x1 := max(s.X0, 0), min(s.X1, w)
		if x0 >= x1 {
			continue
		}
		// Coverage (0..0xffff) times the colour's alpha, as 0..255.
		a := (s.Alpha*p.a + 0x7fff) / 0xffff
		if a == 0 {
			continue
		}
		row := img.Pix[s.Y*img.Stride+x0*4 : s.Y*img.Stride+x1*4]
		if p.src != nil {
			src := p.src[s.Y*img.Stride+x0*4 : s.Y*img.Stride+x1*4]
			if a >= 255 {
				copy(row, src)
				continue
			}
			for i := 0; i+3 < len(row); i += 4 {
				row[i] = blend(row[i], uint32(src[i]), a)
				row[i+1] = blend(row[i+1], uint32(src[i+1]), a)
				row[i+2] = blend(row[i+2], uint32(src[i+2]), a)
			}
			continue
		}
		if a >= 255 {
			// Opaque: store one pixel and double it with copy (memmove),
			// several times faster than a store loop on long runs.
			n := copy(row, p.word[:])
			for n < len(row) {
				n += copy(row[n:], row[:n])
			}
			continue
		}
		for i := 0; i+3 < len(row); i += 4 {
			row[i] = blend(row[i], p.r, a)
			row[i+1] = blend(row[i+1], p.g, a)
			row[i+2] = blend(row[i+2], p.b, a)
		}
	}
}

// blend returns (dst·(255−a) + src·a)/255 rounded to nearest, for a in
// 0..255; (v + v>>8) >> 8 with v biased by 128 is exact division by 255 in
// that range.
func blend(dst uint8, src, a uint32) uint8 {
	v := uint32(dst)*(255-a) + src*a + 128
	return uint8((v + v>>8) >> 8)
}
