package skeleton

import (
	"image"
	"math"

	"github.com/fogleman/gg"
)

// bandContexts hands out gg contexts that draw into a band of rows of an
// image.
//
// Why bands: gg rasterises every Fill and Stroke on a rasteriser as tall as
// its context's image, and freetype's rasteriser walks every one of its
// rows on each Clear and Rasterize (about 6 µs for 720 rows). A frame draws
// ~100 small shapes (joints, trace pieces), so with one full-frame context
// the first gg version of this package spent most of its 2.5–3.4 ms per
// 720×720 frame on empty rows. A band context's image aliases rows
// y0..y0+h of the target's pixels and the context is translated by −y0:
// callers draw in frame coordinates, the rasteriser walks only h rows, and
// the pixels are exactly those a full-frame context gives (the translation
// is by whole pixels, so gg's fixed-point rounding is unchanged).
//
// One context is kept per band height (32, 64, … rows, then the full
// height) and re-pointed at the wanted rows on each use, so drawing does not
// allocate rasterisers.
type bandContexts struct {
	height int
	bands  []ctxBand // ascending heights; the last is the image's
}

// ctxBand is a gg context drawing into view, an image header whose Pix is
// re-pointed at the band's rows before each use.
type ctxBand struct {
	view *image.RGBA
	dc   *gg.Context
}

// aaPad is the margin, in pixels, that anti-aliasing adds around a shape's
// geometry; band bounds include it.
const aaPad = 2

// newBandContexts makes the contexts for an image of w×h pixels whose rows
// are stride bytes apart (4w, or more for a view into a bigger image).
func newBandContexts(w, h, stride int) bandContexts {
	b := bandContexts{height: h}
	add := func(bh int) {
		view := &image.RGBA{Stride: stride, Rect: image.Rect(0, 0, w, bh)}
		dc := gg.NewContextForRGBA(view)
		dc.SetLineCapRound()
		dc.SetLineJoinRound()
		b.bands = append(b.bands, ctxBand{view: view, dc: dc})
	}
	for bh := 32; bh < h; bh *= 2 {
		add(bh)
	}
	add(h)
	return b
}

// at returns a context that draws into pix (an RGBA image of the size the
// bands were made for, as its Pix) over at least the rows lo..hi, in frame
// coordinates, with an empty path, non-zero fill rule and round caps and
// joins; y0 is its first row and h its height. Callers pad lo and hi for
// line width and anti-aliasing. dc is nil where the rows miss the image.
func (b *bandContexts) at(pix []uint8, lo, hi float64) (dc *gg.Context, y0, h int) {
	y0 = max(0, int(math.Floor(lo)))
	y1 := min(b.height, int(math.Ceil(hi)))
	if !(lo <= hi) || y0 >= y1 {
		return nil, 0, 0
	}
	i := 0
	for i < len(b.bands)-1 && b.bands[i].view.Rect.Dy() < y1-y0 {
		i++
	}
	bd := &b.bands[i]
	h = bd.view.Rect.Dy()
	y0 = min(y0, b.height-h) // a band near the bottom starts higher
	// The band's last row ends at its last pixel, not at the stride: in a
	// view into a bigger image the stride runs past the view's end.
	stride := bd.view.Stride
	bd.view.Pix = pix[y0*stride : (y0+h-1)*stride+4*bd.view.Rect.Dx()]
	dc = bd.dc
	dc.ClearPath()
	dc.SetFillRuleWinding()
	dc.Identity()
	dc.Translate(0, float64(-y0))
	return dc, y0, h
}
