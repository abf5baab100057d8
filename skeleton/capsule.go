package skeleton

import (
	"encoding/binary"
	"image"
	"image/color"
	"math"
)

// Round-capped segments (capsules) are drawn analytically (walkCapsule):
// the arms, the neck, the wrists' traces and the torso's outline, which
// were most of a frame's gg work (freetype's rasteriser walks every edge
// cell of a path, and gg's stroker turns each curve into dozens of
// segments with joins). A pixel's coverage is how far its centre lies
// inside the capsule's edge, clamped to 0..1: within 0.06 of the pixel's
// exact area, a little more on hairlines, whose caps curve tightly (see
// TestCapsulesCoverTheirArea).
//
// capsuleMask collects a union of capsules for a translucent colour (the
// torso's outline, a trace): it keeps the largest coverage at each pixel,
// so where segments overlap (a polyline's joints) no pixel is blended
// twice. Capsules are added with add and the union painted with paint.
type capsuleMask struct {
	w, h int
	a    []uint8 // coverage, 0..255, row-major over the frame's bounds
	ones []uint8 // a row of full coverage, to copy
	// span[y] is the columns lo..hi of row y that may be non-zero; rows
	// lo..hi those that hold any.
	span   []colSpan
	lo, hi int
}

type colSpan struct{ lo, hi int }

func newCapsuleMask(w, h int) *capsuleMask {
	m := &capsuleMask{w: w, h: h, a: make([]uint8, w*h), ones: make([]uint8, w), span: make([]colSpan, h), lo: h, hi: 0}
	for i := range m.ones {
		m.ones[i] = 0xff
	}
	for y := range m.span {
		m.span[y] = colSpan{w, 0}
	}
	return m
}

// add adds the capsule of radius r around the segment from (x0, y0) to
// (x1, y1), in pixels relative to the mask's top-left corner.
func (m *capsuleMask) add(x0, y0, x1, y1, r float64) {
	walkCapsule(x0, y0, x1, y1, r, m.w, m.h, m)
}

func (m *capsuleMask) full(y, lo, hi int) { copy(m.a[y*m.w+lo:y*m.w+hi], m.ones) }

func (m *capsuleMask) partial(y, x int, v uint8) {
	if i := y*m.w + x; v > m.a[i] {
		m.a[i] = v
	}
}

func (m *capsuleMask) row(y, lo, hi int) {
	s := &m.span[y]
	s.lo, s.hi = min(s.lo, lo), max(s.hi, hi)
	m.lo, m.hi = min(m.lo, y), max(m.hi, y+1)
}

// capsuleSink takes a capsule's coverage as walkCapsule finds it, row by
// row: the row's extent lo..hi, the pixels wholly covered (a run) and the
// others, each covered v/255.
type capsuleSink interface {
	row(y, lo, hi int)
	full(y, lo, hi int)
	partial(y, x int, v uint8)
}

// walkCapsule hands sink the coverage of the capsule of radius r around
// the segment from (x0, y0) to (x1, y1) on a w×h grid of pixels.
func walkCapsule(x0, y0, x1, y1, r float64, w, h int, sink capsuleSink) {
	if !(r > 0) {
		return
	}
	ro := r + 0.5 // where coverage reaches 0
	ri := r - 0.5 // inside this, coverage is 1
	ylo := max(0, int(math.Floor(min(y0, y1)-ro)))
	yhi := min(h, int(math.Ceil(max(y0, y1)+ro)))
	dx, dy := x1-x0, y1-y0
	l := math.Sqrt(dx*dx + dy*dy)
	ux, uy := 1.0, 0.0
	if l > 0 {
		ux, uy = dx/l, dy/l
	}
	for y := ylo; y < yhi; y++ {
		yc := float64(y) + 0.5
		olo, ohi, ok := capsuleRow(x0, y0, x1, y1, ux, uy, l, ro, yc)
		if !ok {
			continue
		}
		xlo, xhi := pixelsWithin(olo, ohi, 0, w)
		if xlo >= xhi {
			continue
		}
		// Pixels whose centres lie in the inner interval are wholly
		// covered.
		flo, fhi := xhi, xhi
		if ilo, ihi, inner := capsuleRow(x0, y0, x1, y1, ux, uy, l, ri, yc); inner && ri > 0 {
			flo, fhi = pixelsWithin(ilo, ihi, xlo, xhi)
			if flo >= fhi {
				flo, fhi = xhi, xhi
			}
		}
		sink.row(y, xlo, xhi)
		for x := xlo; x < xhi; x++ {
			if x == flo {
				sink.full(y, flo, fhi)
				x = fhi - 1
				continue
			}
			px, py := float64(x)+0.5-x0, yc-y0
			t := max(0, min(l, px*ux+py*uy))
			ex, ey := px-t*ux, py-t*uy
			d2 := ex*ex + ey*ey
			if d2 >= ro*ro {
				continue
			}
			v, ok := edgeCoverage(ro - math.Sqrt(d2))
			if !ok {
				continue
			}
			sink.partial(y, x, v)
		}
	}
}

// solidSink paints shapes (capsules, convex polygons) of one opaque colour
// straight into an image: no mask to fill, read and clear, and a pixel
// blended twice (two capsules' rims crossing) is as good as once. It
// records the rows it painted in rows.
type solidSink struct {
	dst  *image.RGBA // at the origin
	col  color.NRGBA
	fill []byte    // a row of dst's width in col, to copy runs from
	rows *rowSpans // where to record the rows painted
}

func newSolidSink(dst *image.RGBA, col color.NRGBA, rows *rowSpans) *solidSink {
	s := &solidSink{dst: dst, col: col, fill: make([]byte, 4*dst.Rect.Dx()), rows: rows}
	for i := 0; i < len(s.fill); i += 4 {
		s.fill[i], s.fill[i+1], s.fill[i+2], s.fill[i+3] = col.R, col.G, col.B, 0xff
	}
	return s
}

func (s *solidSink) row(y, lo, hi int) { s.rows.add(y, lo, hi) }

func (s *solidSink) full(y, lo, hi int) {
	copy(s.dst.Pix[s.dst.PixOffset(lo, y):][:4*(hi-lo)], s.fill)
}

func (s *solidSink) partial(y, x int, v uint8) {
	p := s.dst.Pix[s.dst.PixOffset(x, y):][:4:4]
	a, keep := uint32(v), 0xff-uint32(v)
	p[0] = uint8((uint32(s.col.R)*a + uint32(p[0])*keep + 0x7f) / 0xff)
	p[1] = uint8((uint32(s.col.G)*a + uint32(p[1])*keep + 0x7f) / 0xff)
	p[2] = uint8((uint32(s.col.B)*a + uint32(p[2])*keep + 0x7f) / 0xff)
	p[3] = uint8((0xff*a + uint32(p[3])*keep + 0x7f) / 0xff)
}

// pixelsWithin returns the columns lo..hi, inside xmin..xmax, of the
// pixels whose centres lie in the interval a..b.
func pixelsWithin(a, b float64, xmin, xmax int) (lo, hi int) {
	return max(xmin, int(math.Ceil(a-0.5))), min(xmax, int(math.Floor(b-0.5))+1)
}

// edgeCoverage turns c, how far a pixel's centre lies inside a shape's edge
// (from −0.5 where the pixel is just outside the edge), into 8-bit
// coverage; false where the pixel is not covered at all.
func edgeCoverage(c float64) (uint8, bool) {
	switch {
	case c <= 0:
		return 0, false
	case c >= 1:
		return 0xff, true
	}
	return uint8(c*0xff + 0.5), true
}

// capsuleRow returns the x interval where the horizontal line at height yc
// lies within distance r of the segment from (x0, y0) (unit direction
// (ux, uy), length l): the union of the intervals of the two end discs
// and of the band between them, one interval since a capsule is convex.
func capsuleRow(x0, y0, x1, y1, ux, uy, l, r, yc float64) (lo, hi float64, ok bool) {
	lo, hi = math.Inf(1), math.Inf(-1)
	if d := yc - y0; d*d < r*r {
		h := math.Sqrt(r*r - d*d)
		lo, hi = x0-h, x0+h
	}
	if d := yc - y1; d*d < r*r {
		h := math.Sqrt(r*r - d*d)
		lo, hi = min(lo, x1-h), max(hi, x1+h)
	}
	if l > 0 && uy != 0 {
		// With p = (x0+s, yc) and py = yc − y0: 0 ≤ s·ux + py·uy ≤ l (p
		// projects onto the segment) and |py·ux − s·uy| ≤ r (it lies
		// within r of its line). A horizontal segment (uy = 0) needs no
		// band: its discs' intervals already span it.
		py := yc - y0
		slo, shi := math.Inf(-1), math.Inf(1)
		if ux != 0 {
			a, b := -py*uy/ux, (l-py*uy)/ux
			slo, shi = min(a, b), max(a, b)
		} else if c := py * uy; c < 0 || c > l {
			return lo, hi, lo <= hi
		}
		a, b := (py*ux-r)/uy, (py*ux+r)/uy
		slo, shi = max(slo, min(a, b)), min(shi, max(a, b))
		if slo <= shi {
			lo, hi = min(lo, x0+slo), max(hi, x0+shi)
		}
	}
	return lo, hi, lo <= hi
}

// bounds is the rectangle that holds every covered pixel, empty if none.
func (m *capsuleMask) bounds() image.Rectangle {
	if m.lo >= m.hi {
		return image.Rectangle{}
	}
	r := image.Rectangle{Min: image.Pt(m.w, m.lo), Max: image.Pt(0, m.hi)}
	for y := m.lo; y < m.hi; y++ {
		if s := m.span[y]; s.lo < s.hi {
			r.Min.X, r.Max.X = min(r.Min.X, s.lo), max(r.Max.X, s.hi)
		}
	}
	return r
}

// paint blends col over dst (the mask's size, at the origin) with the
// mask's coverage, clears the mask, records the rows it painted in rows
// (unless nil) and returns the rectangle it painted.
func (m *capsuleMask) paint(dst *image.RGBA, col color.NRGBA, rows *rowSpans) image.Rectangle {
	box := m.bounds()
	ca := uint32(col.A)
	// Premultiplied 8-bit colour, times 255.
	cr, cg, cb := uint32(col.R)*ca, uint32(col.G)*ca, uint32(col.B)*ca
	opaque := binary.LittleEndian.Uint32([]byte{col.R, col.G, col.B, 0xff})
	for y := m.lo; y < m.hi; y++ {
		s := m.span[y]
		if s.lo >= s.hi {
			continue
		}
		if rows != nil {
			rows.add(y, s.lo, s.hi)
		}
		row := m.a[y*m.w:][s.lo:s.hi]
		d := dst.Pix[dst.PixOffset(s.lo, y):][:4*len(row)]
		for i := 0; i < len(row); i++ {
			// The rows' spans cover what lies between a shape's sides
			// (the torso's outline spans the torso): skip clear runs a
			// word at a time.
			if i+8 <= len(row) {
				switch binary.LittleEndian.Uint64(row[i:]) {
				case 0:
					i += 7
					continue
				case ^uint64(0):
					if ca == 0xff { // a run inside an opaque shape
						for j := range 8 {
							binary.LittleEndian.PutUint32(d[4*(i+j):], opaque)
						}
						binary.LittleEndian.PutUint64(row[i:], 0)
						i += 7
						continue
					}
				}
			}
			a := row[i]
			if a == 0 {
				continue
			}
			row[i] = 0
			p := d[4*i : 4*i+4 : 4*i+4]
			if a == 0xff && ca == 0xff {
				binary.LittleEndian.PutUint32(p, opaque)
				continue
			}
			// Coverage times the colour's alpha, in 0..255·255.
			k := uint32(a) * ca
			keep := 0xff*0xff - k
			p[0] = uint8((cr*uint32(a) + uint32(p[0])*keep + 0x7f*0xff) / (0xff * 0xff))
			p[1] = uint8((cg*uint32(a) + uint32(p[1])*keep + 0x7f*0xff) / (0xff * 0xff))
			p[2] = uint8((cb*uint32(a) + uint32(p[2])*keep + 0x7f*0xff) / (0xff * 0xff))
			p[3] = uint8((k*0xff + uint32(p[3])*keep + 0x7f*0xff) / (0xff * 0xff))
		}
		m.span[y] = colSpan{m.w, 0}
	}
	m.lo, m.hi = m.h, 0
	return box
}
