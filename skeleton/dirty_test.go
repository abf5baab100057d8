package skeleton

import (
	"bytes"
	"fmt"
	"image"
	"math"
	"testing"

	"github.com/podium-dev/podium/motion"
)

// dirtyMotion is a conducting motion with big sweeps (wrists and head
// leaving the frame), bad data and degenerate frames, so the dirty
// rectangle grows, shrinks and touches the frame's edges.
func dirtyMotion() motion.Motion {
	m := conductingMotion(120, 30)
	for f := 0; f < m.Frames; f++ {
		s := float32(math.Sin(float64(f) / 5))
		for j := range motion.Joints {
			q := m.At(f, j)
			q.X += 0.3 * s
			q.Y += 0.1 * float32(math.Cos(float64(f)/7))
			m.Set(f, j, q)
		}
	}
	nan := float32(math.NaN())
	m.Set(40, motion.RightWrist, motion.Point{X: nan, Y: 0.5})
	m.Set(50, motion.Nose, motion.Point{X: 1e30, Y: -1e30})
	m.Set(60, motion.LeftHip, motion.Point{X: 7, Y: -3})
	m.Set(70, motion.LeftWrist, motion.Point{X: -0.4, Y: 1.4})
	for j := range motion.Joints {
		m.Set(80, j, motion.Point{X: nan, Y: nan})
	}
	return m
}

// TestDirtyRestoresExactly: restoring only what the previous frame drew
// gives exactly the frame a fresh painter (whole background) draws, frame
// after frame, and nothing outside Dirty, or outside a row's DirtyRows
// span, differs from the background; the spans lie inside Dirty.
func TestDirtyRestoresExactly(t *testing.T) {
	m := dirtyMotion()
	for _, s := range []Style{{Width: 320, Height: 320}, {Width: 333, Height: 241, Theme: Dark, Baton: true}, {Width: 400, Height: 240, TraceSeconds: 2}} {
		t.Run(fmt.Sprintf("%dx%d", s.Width, s.Height), func(t *testing.T) {
			p := NewPainter(s)
			bg := NewPainter(s).Draw(motion.Motion{}, 0)
			frames := []int{}
			for f := 0; f < m.Frames; f += 3 {
				frames = append(frames, f)
			}
			frames = append(frames, 80, 5, 119, 0) // a blank frame, jumps back and forth
			for _, f := range frames {
				got := p.Draw(m, f)
				want := NewPainter(s).Draw(m, f)
				if !bytes.Equal(got.Pix, want.Pix) {
					t.Fatalf("frame %d differs from a fresh painter's", f)
				}
				d := p.Dirty()
				if d.Min.X%2 != 0 || d.Min.Y%2 != 0 || (d.Max.X%2 != 0 && d.Max.X != s.Width) || (d.Max.Y%2 != 0 && d.Max.Y != s.Height) || !d.In(got.Rect) {
					t.Fatalf("frame %d: dirty %v not even or not inside the frame", f, d)
				}
				rows := p.DirtyRows()
				if len(rows) != s.Height {
					t.Fatalf("frame %d: %d rows of spans for %d rows", f, len(rows), s.Height)
				}
				for y := 0; y < s.Height; y++ {
					sp := rows[y]
					if sp.Lo < sp.Hi && !image.Rect(sp.Lo, y, sp.Hi, y+1).In(d) {
						t.Fatalf("frame %d: row %d's span %v outside dirty %v", f, y, sp, d)
					}
					for x := 0; x < s.Width; x++ {
						if x >= sp.Lo && x < sp.Hi {
							continue
						}
						i := got.PixOffset(x, y)
						if !bytes.Equal(got.Pix[i:i+4], bg.Pix[i:i+4]) {
							t.Fatalf("frame %d: pixel (%d,%d) outside row %d's span %v is not background", f, x, y, y, sp)
						}
					}
				}
			}
			p.Draw(motion.Motion{}, 0)
			if !p.Dirty().Empty() {
				t.Errorf("an empty motion leaves dirty %v", p.Dirty())
			}
		})
	}
}
