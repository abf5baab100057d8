package compose

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"

	"github.com/fogleman/gg"
	"github.com/golang/freetype/truetype"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gomedium"
	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/math/fixed"

	"github.com/podium-dev/podium/skeleton"
)

// loadFonts parses the Go fonts that the text is drawn with: they are
// compiled in, so frames look the same on every machine, whatever fonts it
// has.
func loadFonts() (fonts, error) {
	label, err := truetype.Parse(gomedium.TTF)
	if err != nil {
		return fonts{}, fmt.Errorf("compose: Go Medium font: %w", err)
	}
	mono, err := truetype.Parse(gomono.TTF)
	if err != nil {
		return fonts{}, fmt.Errorf("compose: Go Mono font: %w", err)
	}
	return fonts{label: label, mono: mono}, nil
}

// textFace is a font at one size, in pixels.
type textFace struct {
	font.Face
	size float64
}

func (fonts) face(f *truetype.Font, size float64) textFace {
	return textFace{Face: truetype.NewFace(f, &truetype.Options{Size: size, Hinting: font.HintingFull}), size: size}
}

// measure returns the advance width of s in pixels.
func measure(f textFace, s string) float64 { return float64(font.MeasureString(f, s)) / 64 }

// fit shortens s with an ellipsis until it is at most width pixels wide.
func fit(f textFace, s string, width float64) string {
	if measure(f, s) <= width {
		return s
	}
	r := []rune(s)
	for len(r) > 0 {
		r = r[:len(r)-1]
		if t := string(r) + "…"; measure(f, t) <= width {
			return t
		}
	}
	return ""
}

// drawText draws s with gg into box of dst, vertically centred on the
// box's middle, x (in dst's coordinates) being its left end, middle or
// right end for ax 0, 0.5 or 1.
func drawText(dst *image.RGBA, box image.Rectangle, f textFace, s string, x, ax float64, col color.NRGBA) {
	dc := gg.NewContextForRGBA(view(dst, box))
	dc.SetFontFace(f)
	dc.SetColor(col)
	// Go fonts' capitals and digits are about 0.7 em tall: centring that
	// height looks centred, accents and descenders reaching out of it.
	baseline := math.Round(float64(box.Dy())/2 + 0.35*f.size)
	dc.DrawStringAnchored(s, x-float64(box.Min.X), baseline, ax, 0)
}

// view returns r of img as an image of its own at the origin, sharing the
// pixels.
func view(img *image.RGBA, r image.Rectangle) *image.RGBA {
	off := img.PixOffset(r.Min.X, r.Min.Y)
	end := img.PixOffset(r.Max.X-1, r.Max.Y-1) + 4
	return &image.RGBA{Pix: img.Pix[off:end], Stride: img.Stride, Rect: image.Rect(0, 0, r.Dx(), r.Dy())}
}

// clockDrawer draws the time code into one Frame's caption bar.
type clockDrawer struct {
	c      *Composer
	img    *image.RGBA // the frame
	glyphs *glyphSprites
	last   string
}

func newClockDrawer(c *Composer, img *image.RGBA) *clockDrawer {
	face := c.fonts.face(c.fonts.mono, textFraction*float64(c.bar))
	return &clockDrawer{c: c, img: img, glyphs: newGlyphSprites(face, skeleton.ThemeColors(c.opt.Theme).Ink)}
}

// draw writes the time code of t seconds where it changed and returns the
// box it lies in, and whether it changed.
func (d *clockDrawer) draw(t float64) (image.Rectangle, bool) {
	c, box := d.c, d.c.clock
	txt := timecode(t, float64(c.frames)/c.rate) + c.total
	if txt == d.last {
		return box, false
	}
	for y := box.Min.Y; y < box.Max.Y; y++ {
		i := d.img.PixOffset(box.Min.X, y)
		copy(d.img.Pix[i:i+4*box.Dx()], c.bg.Pix[i:])
	}
	pad := math.Round(0.6 * float64(c.bar))
	d.glyphs.draw(d.img, box, txt, float64(box.Max.X)-pad, 1)
	d.last = txt
	return box, true
}

// glyphSprites draws text in one face and colour as drawText does, from
// glyphs that gg drew once each into sprites of their own.
//
// Why: the time code changes ten times a second, and gg draws each glyph
// through x/image/draw's general bilinear transform (its only text path,
// ~50 ns a pixel) after measuring the string by loading every glyph's
// hinted outline again (truetype caches masks, not advances): drawn
// directly, the time code took ~9 % of a three-panel frame's CPU. A
// glyph's mask depends only on its rune and the fraction of a pixel its
// dot lies at, so each (rune, fraction) is drawn by gg once, in the ink
// over transparency, and then composited "over" with image/draw's copying
// fast path. Pixels differ from drawText's by rounding only (at most 2 of
// 255, see TestGlyphSpritesMatchGG).
type glyphSprites struct {
	face    textFace
	col     color.NRGBA
	sprites map[glyphKey]glyphSprite
	advance map[rune]fixed.Int26_6
}

// glyphKey is a rune at a dot whose x lies frac/64 px past a whole pixel.
type glyphKey struct {
	r    rune
	frac fixed.Int26_6
}

// glyphSprite is a glyph drawn by gg with its dot at (frac/64, 0): img's
// bounds are where it lies relative to the dot's whole pixel (y up from
// the baseline negative); empty for a glyph with no ink.
type glyphSprite struct {
	img *image.RGBA
	ok  bool // the face has the glyph
}

func newGlyphSprites(face textFace, col color.NRGBA) *glyphSprites {
	return &glyphSprites{face: face, col: col, sprites: map[glyphKey]glyphSprite{}, advance: map[rune]fixed.Int26_6{}}
}

// draw draws s into box of dst as drawText(dst, box, face, s, x, ax, col)
// does: same layout, same glyphs.
func (g *glyphSprites) draw(dst *image.RGBA, box image.Rectangle, s string, x, ax float64) {
	// gg's DrawStringAnchored: the width measured as x/image/font's
	// Drawer does (kerning and advances), truncated to whole pixels; the
	// baseline as drawText puts it; the dot truncated to 1/64 px.
	width := g.measure(s)
	left := x - float64(box.Min.X) - ax*float64(width>>6)
	baseline := math.Round(float64(box.Dy())/2 + 0.35*g.face.size)
	dotX := fixed.Int26_6(left * 64)
	dotY := int(fixed.Int26_6(baseline*64) >> 6)
	prev := rune(-1)
	for _, r := range s {
		if prev >= 0 {
			dotX += g.face.Kern(prev, r)
		}
		sp := g.sprite(glyphKey{r: r, frac: dotX & 63})
		if !sp.ok {
			continue // as gg does: no glyph, no advance
		}
		if sp.img != nil {
			at := sp.img.Rect.Add(image.Pt(box.Min.X+int(dotX>>6), box.Min.Y+dotY))
			draw.Draw(dst, at.Intersect(box), sp.img, sp.img.Rect.Min.Add(at.Intersect(box).Min.Sub(at.Min)), draw.Over)
		}
		a, _ := g.glyphAdvance(r)
		dotX += a
		prev = r
	}
}

// measure is font.MeasureString with the advances cached.
func (g *glyphSprites) measure(s string) fixed.Int26_6 {
	var w fixed.Int26_6
	prev := rune(-1)
	for _, r := range s {
		if prev >= 0 {
			w += g.face.Kern(prev, r)
		}
		a, ok := g.glyphAdvance(r)
		if !ok {
			continue
		}
		w += a
		prev = r
	}
	return w
}

// glyphAdvance is the face's GlyphAdvance, cached.
func (g *glyphSprites) glyphAdvance(r rune) (fixed.Int26_6, bool) {
	a, ok := g.advance[r]
	if !ok {
		a, ok = g.face.GlyphAdvance(r)
		if !ok {
			return 0, false
		}
		g.advance[r] = a
	}
	return a, true
}

// sprite returns the glyph of k, drawing it with gg the first time.
func (g *glyphSprites) sprite(k glyphKey) glyphSprite {
	if sp, ok := g.sprites[k]; ok {
		return sp
	}
	// The glyph's box relative to its dot's whole pixel, as truetype
	// rasterises it at this fraction.
	dr, _, _, _, ok := g.face.Glyph(fixed.Point26_6{X: k.frac}, k.r)
	sp := glyphSprite{ok: ok}
	if ok && !dr.Empty() {
		img := image.NewRGBA(image.Rect(0, 0, dr.Dx(), dr.Dy()))
		dc := gg.NewContextForRGBA(img)
		dc.SetFontFace(g.face)
		dc.SetColor(g.col)
		dc.DrawString(string(k.r), float64(k.frac)/64-float64(dr.Min.X), float64(-dr.Min.Y))
		img.Rect = dr // the same pixels, placed relative to the dot
		sp.img = img
	}
	g.sprites[k] = sp
	return sp
}
