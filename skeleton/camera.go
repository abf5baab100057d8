package skeleton

import (
	"math"
	"slices"

	"github.com/podium-dev/podium/motion"
)

// Camera places motion coordinates in a frame: keypoint (x, y) is drawn at
// pixel (X + x·Scale, Y + y·Scale). Scale is also the unit of every drawn
// size (limb widths, joint and head radii, traces), so a closer camera draws
// a bigger figure, not a thinner one. The zero Camera means UnitCamera.
type Camera struct{ Scale, X, Y float64 }

// UnitCamera is the reference's mapping: the unit square of motion
// coordinates fills the centred min(w, h) square of a w×h frame.
func UnitCamera(w, h int) Camera {
	side := math.Min(float64(w), float64(h))
	return Camera{Scale: side, X: (float64(w) - side) / 2, Y: (float64(h) - side) / 2}
}

// Framing's fixed parameters, as fractions of the frame's smaller side.
const (
	// fitMargin is the space left around the robust extent of the figure.
	fitMargin = 0.05
	// fitEdge is the least space left around its full extent: no joint,
	// ring or trace touches the frame's edge, whatever the motion does.
	fitEdge = 0.01
	// fitQuantile is the share of frames allowed to reach past the robust
	// extent on each side, into the margin.
	fitQuantile = 0.02
	// fitMaxZoom caps the scale at this many times the unit mapping's, for
	// motion that hardly spans anything (a single point, a still head).
	fitMaxZoom = 3
	// fitSamples bounds the frames whose extents are sorted for the
	// quantiles; the full extent still looks at every frame.
	fitSamples = 20000
)

// FitCamera returns one fixed camera for a frame of the style's size that
// frames the figure drawn from every given motion (say, the panels of a
// side-by-side video, which then stay comparable): the robust extent of
// what the painter draws (bones, head, rings, all frames but the most
// extreme fitQuantile on each side; of each motion, joined) fills the
// frame but for a margin of fitMargin, centred, and the full extent over
// every frame of every motion stays inside by fitEdge, so no joint ever
// leaves the frame. Motion with no finite keypoint gets the UnitCamera.
func FitCamera(s Style, ms ...motion.Motion) Camera {
	w, h := s.size()
	empty := box{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	robust, full := empty, empty
	for _, m := range ms {
		r, f, ok := extents(m, s.Baton)
		if ok {
			robust, full = robust.union(r), full.union(f)
		}
	}
	if full == empty {
		return UnitCamera(w, h)
	}
	fw, fh := float64(w), float64(h)
	side := math.Min(fw, fh)
	margin, edge := fitMargin*side, math.Max(fitEdge*side, aaPad+1)
	scale := fitMaxZoom * side
	limit := func(room, span float64) {
		if span > 0 {
			scale = math.Min(scale, room/span)
		}
	}
	limit(fw-2*margin, robust.x1-robust.x0)
	limit(fh-2*margin, robust.y1-robust.y0)
	limit(fw-2*edge, full.x1-full.x0)
	limit(fh-2*edge, full.y1-full.y0)
	// Centre the robust extent, then move it only as far as keeps the full
	// extent inside.
	place := func(room, r0, r1, f0, f1 float64) float64 {
		o := room/2 - scale*(r0+r1)/2
		lo, hi := edge-f0*scale, room-edge-f1*scale
		return math.Max(lo, math.Min(hi, o))
	}
	return Camera{
		Scale: scale,
		X:     place(fw, robust.x0, robust.x1, full.x0, full.x1),
		Y:     place(fh, robust.y0, robust.y1, full.y0, full.y1),
	}
}

// extents returns the robust and the full extent of the figure drawn from
// m (see FitCamera); ok is false where no frame has a finite keypoint.
func extents(m motion.Motion, baton bool) (robust, full box, ok bool) {
	if len(m.Data) < m.Frames*motion.Joints*2 {
		return box{}, box{}, false
	}
	step := max(1, (m.Frames+fitSamples-1)/fitSamples)
	var x0s, y0s, x1s, y1s []float64
	full = box{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	for f := range m.Frames {
		b, ok := figureBox(m, f, baton)
		if !ok {
			continue
		}
		full = full.union(b)
		if f%step == 0 {
			x0s, y0s, x1s, y1s = append(x0s, b.x0), append(y0s, b.y0), append(x1s, b.x1), append(y1s, b.y1)
		}
	}
	if len(x0s) == 0 {
		return box{}, box{}, false
	}
	robust = box{quantile(x0s, fitQuantile), quantile(y0s, fitQuantile), quantile(x1s, 1-fitQuantile), quantile(y1s, 1-fitQuantile)}
	return robust, full, true
}

// box is an extent in motion coordinates.
type box struct{ x0, y0, x1, y1 float64 }

func (b box) union(c box) box {
	return box{math.Min(b.x0, c.x0), math.Min(b.y0, c.y0), math.Max(b.x1, c.x1), math.Max(b.y1, c.y1)}
}

// grow adds the disc of radius r around (x, y).
func (b *box) grow(x, y, r float64) {
	*b = b.union(box{x - r, y - r, x + r, y + r})
}

// quantile returns the q-quantile of x (nearest rank); x is reordered.
func quantile(x []float64, q float64) float64 {
	slices.Sort(x)
	i := int(math.Round(q * float64(len(x)-1)))
	return x[max(0, min(len(x)-1, i))]
}

// figureBox is the extent, in motion coordinates, of what Draw draws for
// frame f: each keypoint with the drawn size around it (joint discs, wrist
// rings, the head's ellipse, the baton), with coordinates clamped as Draw
// clamps them. The sizes are fractions of the camera's scale, so the extent
// does not depend on the camera. ok is false where no keypoint is finite.
func figureBox(m motion.Motion, f int, baton bool) (box, bool) {
	var pts [motion.Joints]point
	for j := range pts {
		pts[j] = mapWith(Camera{Scale: 1}, m.At(f, j))
	}
	b := box{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	found := false
	add := func(j int, r float64) {
		if q := pts[j]; q.ok {
			b.grow(q.x, q.y, r)
			found = true
		}
	}
	for _, j := range [...]int{motion.LeftShoulder, motion.RightShoulder, motion.LeftElbow, motion.RightElbow} {
		add(j, math.Max(jointRadius, upperArmWidth/2))
	}
	for _, j := range [...]int{motion.LeftWrist, motion.RightWrist} {
		add(j, wristRingR+wristRingW/2)
	}
	for _, j := range [...]int{motion.LeftHip, motion.RightHip} {
		add(j, torsoLineW/2)
	}
	if hx, hy, hr, ok := headOf(&pts, 1); ok {
		b = b.union(box{hx - 0.9*hr, hy - hr, hx + 0.9*hr, hy + hr})
		found = true
	}
	if baton {
		if tip, ok := batonTip(&pts, 1); ok {
			b.grow(tip.x, tip.y, batonWidth/2)
		}
	}
	return b, found
}
