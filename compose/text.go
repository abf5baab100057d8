package compose

import (
	"fmt"
	"image"
	"image/color"
	"math"

	"github.com/fogleman/gg"
	"github.com/golang/freetype/truetype"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gomedium"
	"golang.org/x/image/font/gofont/gomono"

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
	c    *Composer
	img  *image.RGBA // the frame
	face textFace
	last string
}

func newClockDrawer(c *Composer, img *image.RGBA) *clockDrawer {
	return &clockDrawer{c: c, img: img, face: c.fonts.face(c.fonts.mono, textFraction*float64(c.bar))}
}

// draw writes the time code of t seconds where it changed and returns the
// box it lies in, and whether it changed.
func (d *clockDrawer) draw(t float64) (image.Rectangle, bool) {
	c, box := d.c, d.c.clock
	txt := timecode(t, float64(c.frames)/c.rate) + c.total
	if txt == d.last {
		return box, false
	}
	{
		for y := box.Min.Y; y < box.Max.Y; y++ {
			i := d.img.PixOffset(box.Min.X, y)
			copy(d.img.Pix[i:i+4*box.Dx()], c.bg.Pix[i:])
		}
		pad := math.Round(0.6 * float64(c.bar))
		drawText(d.img, box, d.face, txt, float64(box.Max.X)-pad, 1, skeleton.ThemeColors(c.opt.Theme).Ink)
		d.last = txt
	}
	return box, true
}
