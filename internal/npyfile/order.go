package npyfile

// permuter puts the values of a Fortran-ordered array, arriving in file
// order (first index fastest), at their places in C order (last index
// fastest). In the file the array is a run of columns: d0 values along the
// first index (C stride s0) for each combination of the other indices. Whole
// columns are transposed blockCols at a time, reading blockCols columns side
// by side and writing each row's values together, so that a [T,128] mel is
// written cache line by cache line instead of one scattered value at a time;
// the parts of columns a chunk cuts off are written value by value.
type permuter struct {
	d0, s0 int   // the first dimension longer than 1 and its C stride
	dims   []int // the other dimensions longer than 1 (size-1 ones change no place)
	stride []int // and their C strides
	idx    []int // the current column, as a multi-index over dims
	col    int   // and as the C position of its first value
	row    int   // the next value's place within the column
}

// blockCols is how many columns are transposed together: 16 float32 values
// fill a 64-byte cache line.
const blockCols = 16

// newPermuter returns the permuter of a Fortran-ordered header, or nil when
// the file order is already C order (C-ordered, or at most one dimension
// longer than 1).
func newPermuter(h Header) *permuter {
	if !h.Fortran || h.Elements() == 0 {
		return nil
	}
	var dims, strides []int
	stride := 1
	for i := len(h.Shape) - 1; i >= 0; i-- {
		if d := h.Shape[i]; d != 1 {
			dims = append([]int{d}, dims...)
			strides = append([]int{stride}, strides...)
		}
		stride *= h.Shape[i]
	}
	if len(dims) < 2 {
		return nil
	}
	return &permuter{d0: dims[0], s0: strides[0], dims: dims[1:], stride: strides[1:], idx: make([]int, len(dims)-1)}
}

// nextColumn moves to the next column, like an odometer, first index fastest.
func (p *permuter) nextColumn() {
	for k := range p.dims {
		p.idx[k]++
		p.col += p.stride[k]
		if p.idx[k] < p.dims[k] {
			return
		}
		p.col -= p.dims[k] * p.stride[k]
		p.idx[k] = 0
	}
}

// place stores vals, the next values in file order, into out.
func place[T float32 | float64](p *permuter, out, vals []T) {
	d0, s0 := p.d0, p.s0
	for len(vals) > 0 {
		if p.row == 0 && len(vals) >= 2*d0 {
			g := min(blockCols, len(vals)/d0)
			var at [blockCols]int
			for b := range g {
				at[b] = p.col
				p.nextColumn()
			}
			transposeBlock(out, vals[:g*d0], at[:g], d0, s0)
			vals = vals[g*d0:]
			continue
		}
		run := min(d0-p.row, len(vals))
		i := p.col + p.row*s0
		for _, v := range vals[:run] {
			out[i] = v
			i += s0
		}
		vals = vals[run:]
		if p.row += run; p.row == d0 {
			p.row = 0
			p.nextColumn()
		}
	}
}

// transposeBlock writes len(at) whole columns of d0 values, column b going to
// out[at[b] + t·s0] for t = 0..d0−1. Neighbouring columns (the usual case: the
// last axis of a 2-D array) are written as one contiguous row segment each.
func transposeBlock[T float32 | float64](out, vals []T, at []int, d0, s0 int) {
	g := len(at)
	if consecutive(at) {
		for t := range d0 {
			row := out[at[0]+t*s0 : at[0]+t*s0+g]
			for b := range row {
				row[b] = vals[b*d0+t]
			}
		}
		return
	}
	for t := range d0 {
		base := t * s0
		for b, a := range at {
			out[base+a] = vals[b*d0+t]
		}
	}
}

// consecutive reports whether at is at[0], at[0]+1, ….
func consecutive(at []int) bool {
	for b, a := range at {
		if a != at[0]+b {
			return false
		}
	}
	return true
}
