package skeleton

import (
	"image"
	"math"

	"github.com/fogleman/gg"
)

// spritePhases is how many sub-pixel positions, along each axis, a marker
// is drawn at: its centre is rounded to 1/spritePhases px, at most 1/8 px
// from where it belongs, which does not show.
const spritePhases = 4

// marker is a shape that every frame draws the same but for where: the
// joint discs and the wrist markers, whose sizes are fixed for a painter
// (by its camera's scale). gg draws it once for each sub-pixel phase into
// a sprite, which image/draw then composites: a wrist marker was three gg
// fills (the gap, the ring, the disc) and a joint two, each walking
// freetype's rasteriser and 16-bit blending of every pixel, ~15 % of a
// frame's drawing; compositing a sprite costs a few per cent of that.
//
// Compositing "over" a sprite of the layers gg draws onto transparency
// gives what gg drawing them onto the frame gives, up to rounding (see
// TestMarkersMatchGG).
type marker struct {
	extent float64 // how far the shape reaches from its centre, in px
	// layers draws the shape's coloured layers centred at (x, y) with dc.
	layers func(dc *gg.Context, x, y float64)
	// gap, when not nil, adds to dc's path the shape through which the
	// background shows, under the layers (the wrist's gap).
	gap     func(dc *gg.Context, x, y float64)
	sprites [spritePhases * spritePhases]*sprite
}

// sprite is a marker drawn at one phase. Its bounds are relative to the
// whole pixel its centre lies in.
type sprite struct {
	img *image.RGBA  // the layers, premultiplied over transparency
	gap *image.Alpha // the gap's coverage (same bounds), or nil
}

// draw composites the marker centred at (x, y) into dst, showing bg (the
// background, with dst's bounds) through its gap, and returns the
// rectangle it changed.
func (m *marker) draw(dst, bg *image.RGBA, x, y float64) image.Rectangle {
	kx, ky := math.Round(x*spritePhases), math.Round(y*spritePhases)
	ix, iy := math.Floor(kx/spritePhases), math.Floor(ky/spritePhases)
	s := m.sprite(int(kx-ix*spritePhases), int(ky-iy*spritePhases))
	at := image.Pt(int(ix), int(iy))
	r := s.img.Rect.Add(at).Intersect(dst.Rect)
	if r.Empty() {
		return r
	}
	s.composite(dst, bg, r, r.Min.Sub(at))
	return r
}

// composite puts the sprite, its point sp at r.Min, over dst in r: the
// background through the gap, then the layers over that. It does per
// pixel what image/draw's DrawMask (the gap) and Draw (the layers), both
// Over, do, in one pass and in 8 bits; but most of a marker's pixels are
// wholly covered or wholly clear, which it copies or skips, where
// image/draw's general loops blended every one in 16 bits (about 10 % of a
// frame's drawing).
func (s *sprite) composite(dst, bg *image.RGBA, r image.Rectangle, sp image.Point) {
	w := r.Dx()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		d := dst.Pix[dst.PixOffset(r.Min.X, y):][:4*w]
		b := bg.Pix[bg.PixOffset(r.Min.X, y):][:4*w]
		src := s.img.Pix[s.img.PixOffset(sp.X, sp.Y+y-r.Min.Y):][:4*w]
		var gap []uint8
		if s.gap != nil {
			gap = s.gap.Pix[s.gap.PixOffset(sp.X, sp.Y+y-r.Min.Y):][:w]
		}
		for x := range w {
			i := 4 * x
			sa := src[i+3]
			if sa == 0xff {
				copy(d[i:i+4], src[i:i+4])
				continue
			}
			if gap != nil {
				switch m := uint32(gap[x]); m {
				case 0:
				case 0xff:
					copy(d[i:i+4], b[i:i+4])
				default:
					for c := range 4 {
						d[i+c] = uint8((uint32(b[i+c])*m + uint32(d[i+c])*(0xff-m) + 0x7f) / 0xff)
					}
				}
			}
			if sa != 0 {
				k := 0xff - uint32(sa)
				for c := range 4 {
					d[i+c] = uint8(uint32(src[i+c]) + (uint32(d[i+c])*k+0x7f)/0xff)
				}
			}
		}
	}
}

// sprite returns the sprite of phase (px, py), in 1/spritePhases px,
// drawing it on first use.
func (m *marker) sprite(px, py int) *sprite {
	k := py*spritePhases + px
	if s := m.sprites[k]; s != nil {
		return s
	}
	half := int(math.Ceil(m.extent)) + aaPad
	size := 2*half + 1
	cx := float64(half) + float64(px)/spritePhases
	cy := float64(half) + float64(py)/spritePhases
	bounds := image.Rect(-half, -half, half+1, half+1)
	img := image.NewRGBA(image.Rect(0, 0, size, size))
	dc := gg.NewContextForRGBA(img)
	m.layers(dc, cx, cy)
	img.Rect = bounds // the same pixels, relative to the centre's pixel
	s := &sprite{img: img}
	if m.gap != nil {
		cov := image.NewRGBA(image.Rect(0, 0, size, size))
		dc := gg.NewContextForRGBA(cov)
		m.gap(dc, cx, cy)
		dc.SetRGB(1, 1, 1)
		fill(dc)
		// White over transparency: every channel is the coverage.
		s.gap = image.NewAlpha(bounds)
		for i := range s.gap.Pix {
			s.gap.Pix[i] = cov.Pix[4*i+3]
		}
	}
	m.sprites[k] = s
	return s
}
