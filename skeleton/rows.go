package skeleton

import (
	"image"
	"math"
)

// Span is the columns Lo..Hi (Hi excluded) of one row; empty where
// Lo >= Hi.
type Span struct{ Lo, Hi int }

// rowSpans records, row by row, the columns a frame's drawing touched:
// what the next frame must copy back from the background, and what a
// converter must look at. A figure's bounding box is mostly background
// (between the arms, beside the head, around the traces), and both of
// those walks cost per pixel.
type rowSpans struct {
	spans  []Span
	lo, hi int // rows that may hold a span
	// left, right are the spans' outermost columns (left ≥ right: none).
	left, right int
}

func newRowSpans(h int) rowSpans {
	r := rowSpans{spans: make([]Span, h)}
	r.clear()
	return r
}

// add adds columns lo..hi of row y, which must lie inside the frame.
func (r *rowSpans) add(y, lo, hi int) {
	if lo >= hi {
		return
	}
	s := &r.spans[y]
	if s.Lo >= s.Hi {
		*s = Span{lo, hi}
	} else {
		s.Lo, s.Hi = min(s.Lo, lo), max(s.Hi, hi)
	}
	r.lo, r.hi = min(r.lo, y), max(r.hi, y+1)
	r.left, r.right = min(r.left, lo), max(r.right, hi)
}

// box is the rectangle that holds every span, empty if none.
func (r *rowSpans) box() image.Rectangle {
	if r.lo >= r.hi || r.left >= r.right {
		return image.Rectangle{}
	}
	return image.Rect(r.left, r.lo, r.right, r.hi)
}

// addRect adds every row of rc, which must lie inside the frame.
func (r *rowSpans) addRect(rc image.Rectangle) {
	for y := rc.Min.Y; y < rc.Max.Y; y++ {
		r.add(y, rc.Min.X, rc.Max.X)
	}
}

// clear empties the record.
func (r *rowSpans) clear() {
	for y := max(0, r.lo); y < min(len(r.spans), r.hi); y++ {
		r.spans[y] = Span{}
	}
	r.lo, r.hi = len(r.spans), 0
	r.left, r.right = math.MaxInt, math.MinInt
}
