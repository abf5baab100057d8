package skeleton

import "math"

// convexWalker finds the coverage of convex polygons analytically, as
// walkCapsule does for capsules: the torso panel and the head, which gg
// filled by walking freetype's cells along their whole rim. A pixel's
// coverage is 0.5 minus its centre's signed distance to the outline,
// clamped to 0..1; inside a convex polygon that distance is the largest of
// the distances to its edges' lines, exact along the edges and, at the
// polygon's many obtuse corners (its curves are flattened), within a few
// hundredths of a pixel.
type convexWalker struct {
	edges []halfPlane
	near  []halfPlane // the edges near the current row
}

// halfPlane is an edge's line: n·p − c is the signed distance of p from it,
// positive outside (n the unit outward normal); the edge spans ylo..yhi.
type halfPlane struct{ nx, ny, c, ylo, yhi float64 }

// nearRow is how far, in rows, an edge may lie from a row and still
// bound it: a pixel's coverage depends on the outline within 0.71 px of
// its centre, and the ±0.5 px offsets of the outline that bound a row's
// pixels move an edge's ends (at corners of 90° or more) by at most
// 0.71 px.
const nearRow = 2

// convex reports whether poly (either orientation) is convex and not
// degenerate.
func convex(poly []point) bool {
	if len(poly) < 3 {
		return false
	}
	sign := 0.0
	for i, a := range poly {
		b, c := poly[(i+1)%len(poly)], poly[(i+2)%len(poly)]
		cross := (b.x-a.x)*(c.y-b.y) - (b.y-a.y)*(c.x-b.x)
		if cross == 0 {
			continue
		}
		if sign == 0 {
			sign = math.Copysign(1, cross)
		} else if math.Copysign(1, cross) != sign {
			return false
		}
	}
	return sign != 0
}

// walk hands sink the coverage of the convex polygon poly on a w×h grid of
// pixels. poly must be convex (see convex).
func (cw *convexWalker) walk(poly []point, w, h int, sink capsuleSink) {
	area := 0.0
	for i, a := range poly {
		b := poly[(i+1)%len(poly)]
		area += a.x*b.y - b.x*a.y
	}
	if area == 0 || math.IsNaN(area) {
		return
	}
	// With a positive shoelace sum the inside lies left of each edge, so
	// (dy, −dx) points out.
	orient := math.Copysign(1, area)
	cw.edges = cw.edges[:0]
	ylo, yhi := math.Inf(1), math.Inf(-1)
	for i, a := range poly {
		b := poly[(i+1)%len(poly)]
		dx, dy := b.x-a.x, b.y-a.y
		l := math.Sqrt(dx*dx + dy*dy)
		if l == 0 {
			continue
		}
		nx, ny := orient*dy/l, -orient*dx/l
		cw.edges = append(cw.edges, halfPlane{nx, ny, nx*a.x + ny*a.y, min(a.y, b.y), max(a.y, b.y)})
		ylo, yhi = min(ylo, a.y), max(yhi, a.y)
	}
	y0 := max(0, int(math.Floor(ylo-0.5)))
	y1 := min(h, int(math.Ceil(yhi+0.5)))
	for y := y0; y < y1; y++ {
		yc := float64(y) + 0.5
		// In a convex polygon only the edges near a row bound it or give
		// its pixels' distances (a point's nearest edge, inside, is one
		// whose segment lies that near): a few, of the torso's 40 or the
		// head's 60.
		cw.near = cw.near[:0]
		for _, e := range cw.edges {
			if e.yhi >= yc-nearRow && e.ylo <= yc+nearRow {
				cw.near = append(cw.near, e)
			}
		}
		olo, ohi := cw.row(yc, 0.5)
		xlo, xhi := pixelsWithin(olo, ohi, 0, w)
		if xlo >= xhi {
			continue
		}
		// Pixels whose centres lie 0.5 inside every edge are wholly
		// covered.
		ilo, ihi := cw.row(yc, -0.5)
		flo, fhi := pixelsWithin(ilo, ihi, xlo, xhi)
		if flo >= fhi {
			flo, fhi = xhi, xhi
		}
		sink.row(y, xlo, xhi)
		for x := xlo; x < xhi; x++ {
			if x == flo {
				sink.full(y, flo, fhi)
				x = fhi - 1
				continue
			}
			xc := float64(x) + 0.5
			sd := math.Inf(-1)
			for _, e := range cw.near {
				sd = max(sd, e.nx*xc+e.ny*yc-e.c)
			}
			v, ok := edgeCoverage(0.5 - sd)
			if !ok {
				continue
			}
			sink.partial(y, x, v)
		}
	}
}

// row returns the x interval of the horizontal line at height yc whose
// points lie at most d outside every edge near it (empty: lo > hi).
func (cw *convexWalker) row(yc, d float64) (lo, hi float64) {
	lo, hi = math.Inf(-1), math.Inf(1)
	if len(cw.near) == 0 {
		return 1, 0
	}
	for _, e := range cw.near {
		// nx·x ≤ c + d − ny·yc
		r := e.c + d - e.ny*yc
		switch {
		case e.nx > 1e-12:
			hi = min(hi, r/e.nx)
		case e.nx < -1e-12:
			lo = max(lo, r/e.nx)
		case r < 0:
			return 1, 0
		}
	}
	return lo, hi
}
