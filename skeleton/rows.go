package skeleton

import "image"

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
	box    image.Rectangle
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
	r.box = r.box.Union(image.Rect(lo, y, hi, y+1))
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
	r.box = image.Rectangle{}
}
