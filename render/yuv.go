package render

import (
	"bytes"
	"image"

	"github.com/podium-dev/podium/skeleton"
)

// yuvSize is the byte size of one yuv420p frame: a full-size luma plane and
// two quarter-size chroma planes.
func yuvSize(w, h int) int { return w*h + 2*(w/2)*(h/2) }

// yuvPlanes splits a yuv420p frame of w×h into its planes.
func yuvPlanes(dst []byte, w, h int) (y, u, v []byte) {
	n, c := w*h, (w/2)*(h/2)
	return dst[:n], dst[n : n+c], dst[n+c : n+2*c]
}

// rgbaToYUV420 converts an opaque RGBA image (even width and height) into a
// yuv420p frame in dst, with BT.601 limited-range coefficients, the ones
// ffmpeg's own RGB→yuv420p conversion uses by default and the video is tagged
// with. Each chroma sample is the mean of its 2×2 block.
//
// Doing this in the drawing goroutines rather than in ffmpeg moves the
// conversion off the encoder's threads (SPEC §6).
func rgbaToYUV420(img *image.RGBA, dst []byte) {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	yp, up, vp := yuvPlanes(dst, w, h)
	for y := 0; y < h; y += 2 {
		r0, r1 := img.Pix[y*img.Stride:][:4*w], img.Pix[(y+1)*img.Stride:][:4*w]
		convertSpan(r0, r1, yp[y*w:][:w], yp[(y+1)*w:][:w], up[(y/2)*(w/2):][:w/2], vp[(y/2)*(w/2):][:w/2], 0, w)
	}
}

// convertSpan converts pixels [x0, x1) (both even) of a pair of RGBA rows
// into two luma rows and one row of each chroma plane.
func convertSpan(r0, r1, y0, y1, cu, cv []byte, x0, x1 int) {
	n := (x1 - x0) / 2
	// Exact-length views let the compiler drop most bounds checks.
	r0, r1 = r0[4*x0:][:8*n], r1[4*x0:][:8*n]
	y0, y1 = y0[x0:][:2*n], y1[x0:][:2*n]
	cu, cv = cu[x0/2:][:n], cv[x0/2:][:n]
	for k := range n {
		a, c := r0[8*k:][:8], r1[8*k:][:8]
		ra, ga, ba := int32(a[0]), int32(a[1]), int32(a[2])
		rb, gb, bb := int32(a[4]), int32(a[5]), int32(a[6])
		rc, gc, bc := int32(c[0]), int32(c[1]), int32(c[2])
		rd, gd, bd := int32(c[4]), int32(c[5]), int32(c[6])
		l0, l1 := y0[2*k:][:2], y1[2*k:][:2]
		l0[0], l0[1] = luma(ra, ga, ba), luma(rb, gb, bb)
		l1[0], l1[1] = luma(rc, gc, bc), luma(rd, gd, bd)
		// Sums of four samples: the coefficients carry the extra ×4 in the
		// shift (8 + 2 bits), with rounding.
		r, g, bl := ra+rb+rc+rd, ga+gb+gc+gd, ba+bb+bc+bd
		cu[k] = uint8(((-38*r - 74*g + 112*bl + 512) >> 10) + 128)
		cv[k] = uint8(((112*r - 94*g - 18*bl + 512) >> 10) + 128)
	}
}

// fillUniform converts a chunk (two rows r0, r1 of equal length) that is
// one colour throughout, as the inside of the torso, the head and the limbs
// are, and reports whether it was: then each plane is filled with one
// value, exactly what convertSpan computes, without the arithmetic per
// pixel. A row is one colour where it equals itself shifted by a pixel.
func fillUniform(r0, r1, y0, y1, cu, cv []byte) bool {
	if !bytes.Equal(r0[4:], r0[:len(r0)-4]) || !bytes.Equal(r0, r1) {
		return false
	}
	r, g, b := int32(r0[0]), int32(r0[1]), int32(r0[2])
	l := luma(r, g, b)
	u := uint8(((-38*4*r - 74*4*g + 112*4*b + 512) >> 10) + 128)
	v := uint8(((112*4*r - 94*4*g - 18*4*b + 512) >> 10) + 128)
	for i := range y0 {
		y0[i] = l
	}
	copy(y1, y0)
	for i := range cu {
		cu[i], cv[i] = u, v
	}
	return true
}

// luma is BT.601 limited-range Y' (16–235) in the 8-bit integer form of
// ITU-R BT.601 / ffmpeg's swscale.
func luma(r, g, b int32) uint8 {
	return uint8(((66*r + 129*g + 25*b + 128) >> 8) + 16)
}

// chunk is the width, in pixels, of the pieces yuvConverter compares with
// the background: small enough to skip most of the empty space around the
// conductor, large enough that the comparison is a fast memory compare.
const chunk = 16

// yuvConverter converts frames painted over a fixed background. Most of a
// conductor frame is background: a 16×2 piece whose pixels equal the
// background's is copied from the background's own conversion, made once,
// and only the rest is computed. The result is exactly rgbaToYUV420's, since
// pieces are aligned to whole 2×2 chroma blocks; the background only makes it
// faster (about 5× at 720×720).
type yuvConverter struct {
	w, h  int
	bg    []byte // background RGBA, stride 4w
	bgYUV []byte
}

func newYUVConverter(bg *image.RGBA) *yuvConverter {
	w, h := bg.Bounds().Dx(), bg.Bounds().Dy()
	c := &yuvConverter{w: w, h: h, bg: make([]byte, 4*w*h), bgYUV: make([]byte, yuvSize(w, h))}
	for y := range h {
		copy(c.bg[4*w*y:4*w*(y+1)], bg.Pix[y*bg.Stride:])
	}
	rgbaToYUV420(bg, c.bgYUV)
	return c
}

// convert converts img (the converter's size) into dst, whatever dst held.
func (c *yuvConverter) convert(img *image.RGBA, dst []byte) {
	all := image.Rect(0, 0, c.w, c.h)
	c.convertIn(img, dst, all, all, all)
}

// convertIn converts the part of img inside region (a rectangle of the
// frame with even corners: the whole frame, or one panel of a composed
// frame) into dst, where img is known to equal the background outside
// dirty (skeleton.Painter.Dirty, compose.Frame.Draw) and dst is known to
// hold the background's conversion outside held (what an earlier call
// returned for the same buffer and region; the whole region for a buffer
// of unknown content). Outside dirty the background's conversion is copied
// without looking at img, and only where held says dst may differ; inside
// it, background chunks are still skipped as in convert. It writes nothing
// outside region and returns the rectangle outside which dst's part of
// region now holds the background's conversion.
//
// Tracking held matters because render's buffers are reused: without it,
// every frame rewrote the whole ~0.8 MB buffer around a figure that covers
// a sixth of it.
func (c *yuvConverter) convertIn(img *image.RGBA, dst []byte, dirty, held, region image.Rectangle) image.Rectangle {
	return c.convertRows(img, dst, dirty, nil, image.Point{}, held, region)
}

// convertRows is convertIn where, inside dirty, img is also known to equal
// the background outside each row's span of rows (skeleton.Painter's
// DirtyRows, row y of which is frame row at.Y+y, its columns shifted by
// at.X; nil for none): only the chunks a row pair's spans reach are
// compared and converted, the rest copied from the background's
// conversion. A figure's bounding box is mostly background.
func (c *yuvConverter) convertRows(img *image.RGBA, dst []byte, dirty image.Rectangle, rows []skeleton.Span, at image.Point, held, region image.Rectangle) image.Rectangle {
	w := c.w
	region = region.Intersect(image.Rect(0, 0, c.w, c.h))
	yp, up, vp := yuvPlanes(dst, w, c.h)
	byp, bup, bvp := yuvPlanes(c.bgYUV, w, c.h)
	d := c.align(dirty.Intersect(region), region)
	held = c.align(held.Intersect(region), region)
	if d.Empty() {
		c.restore(dst, held)
		return image.Rectangle{}
	}
	// The rows of held above and below the rectangle.
	c.restore(dst, image.Rect(held.Min.X, held.Min.Y, held.Max.X, min(held.Max.Y, d.Min.Y)))
	c.restore(dst, image.Rect(held.Min.X, max(held.Min.Y, d.Max.Y), held.Max.X, held.Max.Y))
	// Columns that need the background in the rectangle's rows: held's
	// (the rest already is background), widened to the rectangle's own.
	lo, hi := min(held.Min.X, d.Min.X), max(held.Max.X, d.Max.X)
	if held.Empty() {
		lo, hi = d.Min.X, d.Max.X
	}
	for y := d.Min.Y; y < d.Max.Y; y += 2 {
		r0, r1 := img.Pix[y*img.Stride:][:4*w], img.Pix[(y+1)*img.Stride:][:4*w]
		b0, b1 := c.bg[4*w*y:][:4*w], c.bg[4*w*(y+1):][:4*w]
		y0, y1 := yp[y*w:][:w], yp[(y+1)*w:][:w]
		cu, cv := up[(y/2)*(w/2):][:w/2], vp[(y/2)*(w/2):][:w/2]
		by0, by1 := byp[y*w:][:w], byp[(y+1)*w:][:w]
		bu, bv := bup[(y/2)*(w/2):][:w/2], bvp[(y/2)*(w/2):][:w/2]
		// Runs of background chunks are copied with one copy per plane row.
		run := -1 // start of the current run of background chunks, or -1
		flush := func(end int) {
			if run >= 0 && end > run {
				copy(y0[run:end], by0[run:end])
				copy(y1[run:end], by1[run:end])
				copy(cu[run/2:end/2], bu[run/2:end/2])
				copy(cv[run/2:end/2], bv[run/2:end/2])
			}
			run = -1
		}
		// The columns to examine: the rectangle's, or the chunks that the
		// pair's spans reach.
		ex0, ex1 := d.Min.X, d.Max.X
		if rows != nil {
			a, b := spanAt(rows, at, y), spanAt(rows, at, y+1)
			slo, shi := min(a.Lo, b.Lo), max(a.Hi, b.Hi)
			switch {
			case a.Lo >= a.Hi && b.Lo >= b.Hi:
				ex0 = ex1 // nothing drawn in these rows
			case a.Lo >= a.Hi:
				slo, shi = b.Lo, b.Hi
			case b.Lo >= b.Hi:
				slo, shi = a.Lo, a.Hi
			}
			if ex0 < ex1 {
				e := c.align(image.Rect(slo, y, shi, y+2).Intersect(region), region)
				ex0, ex1 = max(ex0, e.Min.X), min(ex1, e.Max.X)
				if ex0 >= ex1 {
					ex0, ex1 = d.Max.X, d.Max.X
				}
			} else {
				ex0, ex1 = d.Max.X, d.Max.X
			}
		}
		x := ex0
		if bytes.Equal(r0[4*ex0:4*ex1], b0[4*ex0:4*ex1]) && bytes.Equal(r1[4*ex0:4*ex1], b1[4*ex0:4*ex1]) {
			x = ex1 // a row pair with nothing drawn
		}
		// Left of the examined columns: background, unexamined.
		run = lo
		flush(ex0)
		run = ex0
		for ; x+chunk <= ex1; x += chunk {
			p := 4 * x
			if bytes.Equal(r0[p:p+4*chunk], b0[p:p+4*chunk]) && bytes.Equal(r1[p:p+4*chunk], b1[p:p+4*chunk]) {
				if run < 0 {
					run = x
				}
				continue
			}
			flush(x)
			if !fillUniform(r0[p:p+4*chunk], r1[p:p+4*chunk], y0[x:x+chunk], y1[x:x+chunk], cu[x/2:(x+chunk)/2], cv[x/2:(x+chunk)/2]) {
				convertSpan(r0, r1, y0, y1, cu, cv, x, x+chunk)
			}
		}
		if x < ex1 { // the region's ragged right edge (see align)
			flush(x)
			convertSpan(r0, r1, y0, y1, cu, cv, x, ex1)
			x = ex1
		}
		if run < 0 {
			run = x
		}
		// Right of the examined columns: background too.
		flush(hi)
	}
	return d
}

// spanAt is row y of the frame's span in rows (see convertRows), in frame
// columns; empty outside rows.
func spanAt(rows []skeleton.Span, at image.Point, y int) skeleton.Span {
	ry := y - at.Y
	if ry < 0 || ry >= len(rows) {
		return skeleton.Span{}
	}
	sp := rows[ry]
	return skeleton.Span{Lo: sp.Lo + at.X, Hi: sp.Hi + at.X}
}

// align widens r (inside region) to whole chroma blocks (even rows) and to
// whole chunks in x (multiples of chunk from the region's left edge), or to
// the region's ragged right edge when it reaches the last whole chunk. It
// stays inside region, so regions never spill into each other.
func (c *yuvConverter) align(r, region image.Rectangle) image.Rectangle {
	if r.Empty() {
		return image.Rectangle{}
	}
	r.Min.Y &^= 1
	r.Max.Y = min(region.Max.Y, (r.Max.Y+1)&^1)
	x0 := region.Min.X
	r.Min.X -= (r.Min.X - x0) % chunk
	if last := region.Max.X - region.Dx()%chunk; r.Max.X > last {
		r.Max.X = region.Max.X
	} else {
		r.Max.X = min(last, x0+(r.Max.X-x0+chunk-1)/chunk*chunk)
	}
	return r
}

// restore copies the background's conversion into dst over r (aligned).
func (c *yuvConverter) restore(dst []byte, r image.Rectangle) {
	if r.Empty() {
		return
	}
	w, h := c.w, c.h
	yp, up, vp := yuvPlanes(dst, w, h)
	byp, bup, bvp := yuvPlanes(c.bgYUV, w, h)
	if r.Min.X == 0 && r.Max.X == w {
		// Whole rows: one contiguous copy per plane.
		copy(yp[r.Min.Y*w:r.Max.Y*w], byp[r.Min.Y*w:])
		copy(up[r.Min.Y/2*(w/2):r.Max.Y/2*(w/2)], bup[r.Min.Y/2*(w/2):])
		copy(vp[r.Min.Y/2*(w/2):r.Max.Y/2*(w/2)], bvp[r.Min.Y/2*(w/2):])
		return
	}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		copy(yp[y*w+r.Min.X:y*w+r.Max.X], byp[y*w+r.Min.X:])
	}
	cw := w / 2
	for y := r.Min.Y / 2; y < r.Max.Y/2; y++ {
		copy(up[y*cw+r.Min.X/2:y*cw+r.Max.X/2], bup[y*cw+r.Min.X/2:])
		copy(vp[y*cw+r.Min.X/2:y*cw+r.Max.X/2], bvp[y*cw+r.Min.X/2:])
	}
}
