package skeleton

import (
	"math"

	"github.com/golang/freetype/raster"
	"golang.org/x/image/math/fixed"
)

// bands rasterises paths with the smallest of a few rasterisers whose
// height covers the path's rows. freetype's Rasterizer walks every one of
// its rows on each Clear and Rasterize (about 6 µs for 720 rows); a frame
// rasterises ~100 small shapes (joints, trace pieces), so a full-height
// rasteriser alone would spend most of the frame budget on empty rows. The
// path is shifted up by whole pixels into the band and the spans shifted
// back (Rasterizer.Dy), so the coverage is exactly what a full-height
// rasteriser gives.
type bands struct {
	height  int
	rs      []*raster.Rasterizer // ascending heights, the last the image's
	heights []int
}

func newBands(w, h int) bands {
	b := bands{height: h}
	for bh := 32; bh < h; bh *= 2 {
		b.rs = append(b.rs, raster.NewRasterizer(w, bh))
		b.heights = append(b.heights, bh)
	}
	b.rs = append(b.rs, raster.NewRasterizer(w, h))
	b.heights = append(b.heights, h)
	return b
}

// run rasterises path into p: filled (strokeWidth 0, with the non-zero or
// even-odd rule) or stroked with round caps and joins. The path is shifted
// and shifted back, so it is unchanged afterwards.
func (b *bands) run(path raster.Path, strokeWidth float64, nonZero bool, p raster.Painter) {
	if len(path) == 0 {
		return
	}
	lo, hi, ok := pathRows(path)
	if !ok {
		return
	}
	pad := strokeWidth/2 + 2 // caps, joins and anti-aliasing
	y0 := max(0, int(math.Floor(lo-pad)))
	y1 := min(b.height, int(math.Ceil(hi+pad)))
	if y0 >= y1 {
		return // wholly above or below the image
	}
	i := 0
	for i < len(b.rs)-1 && b.heights[i] < y1-y0 {
		i++
	}
	r := b.rs[i]
	if i == len(b.rs)-1 {
		y0 = 0 // the full-height rasteriser needs no shift
	}
	shift(path, -y0)
	r.Clear()
	r.Dy = y0
	r.UseNonZeroWinding = nonZero
	if strokeWidth > 0 {
		r.AddStroke(path, fix(strokeWidth), raster.RoundCapper, raster.RoundJoiner)
	} else {
		r.AddPath(path)
	}
	r.Rasterize(p)
	shift(path, y0)
}

// pathRows returns the smallest and largest y (in pixels) of the path's
// points, control points included: Bézier curves stay inside them.
func pathRows(path raster.Path) (lo, hi float64, ok bool) {
	lo, hi = math.Inf(1), math.Inf(-1)
	forPoints(path, func(y *fixed.Int26_6) {
		v := float64(*y) / 64
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	})
	return lo, hi, lo <= hi
}

// shift moves every point of the path by dy whole pixels.
func shift(path raster.Path, dy int) {
	if dy == 0 {
		return
	}
	d := fixed.Int26_6(dy * 64)
	forPoints(path, func(y *fixed.Int26_6) { *y += d })
}

// forPoints calls fn with the y of every point of the path. A raster.Path
// is a flat list of segments, each [op, x0, y0, …, op] where op 0 (start)
// and 1 (line) carry one point, 2 (quadratic) two and 3 (cubic) three.
func forPoints(path raster.Path, fn func(y *fixed.Int26_6)) {
	for i := 0; i < len(path); {
		op := int(path[i])
		n := max(op, 1)
		for k := 0; k < n; k++ {
			fn(&path[i+2+2*k])
		}
		i += 2 + 2*n
	}
}
