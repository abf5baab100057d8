package skeleton

import (
	"fmt"
	"image"
	"image/color"
	"math"

	"github.com/fogleman/gg"

	"github.com/podium-dev/podium/motion"
)

// Sizes as fractions of the side of the square the unit square maps to.
// At 720 px an upper arm is ~19 px thick, a forearm ~14 px.
const (
	upperArmWidth = 0.026
	forearmWidth  = 0.019
	neckWidth     = 0.030
	torsoLineW    = 0.006
	torsoRound    = 0.03 // corner rounding of the torso panel
	jointRadius   = 0.0155
	jointDotR     = 0.0055
	wristRadius   = 0.0125
	wristHalo     = 0.0055 // background-coloured gap around the wrist disc
	wristRingR    = 0.024  // accent ring around the gap
	wristRingW    = 0.0045
	traceMaxW     = 0.014
	traceMinW     = 0.002
	traceMaxAlpha = 0.85
	batonLength   = 0.10
	batonWidth    = 0.005
	headMinR      = 0.022 // head radius bounds, so a degenerate head stays visible
	headMaxR      = 0.09
	headDefaultR  = 0.048
	clampLo       = -0.5 // coordinates are clamped to this range before mapping
	clampHi       = 1.5
)

// Painter draws frames into its own buffer with gg. It keeps its gg
// contexts, rasterisers and scratch space between frames (gg itself still
// allocates its paths and painters, ~135 KB a frame); it is not safe for
// concurrent use: use one Painter per goroutine.
type Painter struct {
	style Style
	pal   palette
	img   *image.RGBA // where it draws: its own buffer, or a view into a bigger frame
	bg    *image.RGBA // the backdrop's background, copied in at each frame (read-only)
	// solids are gg fills of the palette's colours, made as first used:
	// gg's SetColor makes two patterns per call.
	solids []solidFill
	bands  bandContexts
	// poly is scratch space for inscribed.
	poly  []point
	side  float64 // the camera's scale: pixels per motion unit, and the unit of drawn sizes
	ox    float64 // where the camera puts motion coordinate (0, 0)
	oy    float64
	trace traceLayer
	arcs  *arcTable
	// joints is the joints' disc and pin, wrists the wrist markers (left,
	// right): see marker.
	caps   *capsuleMask // the torso's translucent outline
	limbs  *solidSink   // the opaque neck, arms and head
	torso  *solidSink   // the torso panel
	convex convexWalker
	// outline is the torso panel's outline, its corners flattened.
	outline []point
	joints  *marker
	wrists  [2]*marker
	pts     [motion.Joints]point
	// drawn is what the last Draw drew over the background, row by row,
	// which the next must copy back from it (all of the buffer while fresh,
	// its content unknown); dirty its bounding box, with even corners.
	drawn rowSpans
	dirty image.Rectangle
	fresh bool
}

// point is a keypoint mapped to pixels; ok is false where the data are not
// finite.
type point struct {
	x, y float64
	ok   bool
}

// NewPainter returns a painter for the style, drawing into a buffer of its
// own, with its background drawn.
func NewPainter(s Style) *Painter {
	w, h := s.size()
	return NewPainterInto(image.NewRGBA(image.Rect(0, 0, w, h)), NewBackdrop(s), s)
}

// NewPainterInto returns a painter that draws into dst, which may be a view
// into a bigger image (any Stride) such as one panel of a composed frame:
// dst's Rect must be 0,0 to the style's size, and bd a backdrop of the same
// size and theme, which painters may share. Draw writes only inside dst.
// It panics if the sizes disagree, a programming error.
func NewPainterInto(dst *image.RGBA, bd *Backdrop, s Style) *Painter {
	s.Width, s.Height = s.size()
	if dst.Rect != image.Rect(0, 0, s.Width, s.Height) || bd.img.Rect != dst.Rect || bd.theme != s.Theme {
		panic(fmt.Sprintf("skeleton: painter %dx%d (%s) on an image %v and a backdrop %v (%s)", s.Width, s.Height, s.Theme, dst.Rect, bd.img.Rect, bd.theme))
	}
	cam := s.Camera
	if cam.Scale <= 0 || math.IsNaN(cam.Scale) || math.IsInf(cam.Scale, 0) {
		cam = UnitCamera(s.Width, s.Height)
	}
	arcs := newArcTable()
	p := &Painter{
		style: s,
		pal:   paletteFor(s.Theme),
		img:   dst,
		bg:    bd.img,
		bands: newBandContexts(s.Width, s.Height, dst.Stride),
		side:  cam.Scale,
		ox:    cam.X,
		oy:    cam.Y,
		arcs:  arcs,
		trace: newTraceLayer(s.Width, s.Height),
		caps:  newCapsuleMask(s.Width, s.Height),
	}
	p.limbs = newSolidSink(dst, p.pal.limb, &p.drawn)
	p.torso = newSolidSink(dst, p.pal.torso, &p.drawn)
	p.joints = p.jointMarker()
	p.wrists = [2]*marker{p.wristMarker(p.pal.left), p.wristMarker(p.pal.right)}
	p.fresh = true
	p.drawn = newRowSpans(s.Height)
	return p
}

// Backdrop is a style's bare background, drawn once: painters of the same
// size and theme share one (read-only) instead of each drawing and holding
// its own.
type Backdrop struct {
	img   *image.RGBA
	theme Theme
}

// NewBackdrop draws the background of the style's size and theme.
func NewBackdrop(s Style) *Backdrop {
	w, h := s.size()
	img := &image.RGBA{Pix: background(w, h, paletteFor(s.Theme)), Stride: 4 * w, Rect: image.Rect(0, 0, w, h)}
	return &Backdrop{img: img, theme: s.Theme}
}

// Image returns the background; it is shared and must not be written.
func (b *Backdrop) Image() *image.RGBA { return b.img }

// size is the frame size with the defaults applied.
func (s Style) size() (w, h int) {
	w, h = s.Width, s.Height
	if w <= 0 {
		w = DefaultSize
	}
	if h <= 0 {
		h = DefaultSize
	}
	return w, h
}

// Size returns the frame size the painter draws.
func (p *Painter) Size() (width, height int) { return p.style.Width, p.style.Height }

// background renders the theme's soft radial gradient once per painter. A
// little ordered dither keeps the gentle gradient from banding; that, and
// the smoothstep profile, are why this is not a gg.RadialGradient (whose
// stops interpolate linearly, undithered). It runs once per painter, so
// its cost does not count against the frame budget.
func background(w, h int, pal palette) []uint8 {
	pix := make([]uint8, w*h*4)
	cx, cy := float64(w)/2, float64(h)/2
	rmax := math.Hypot(cx, cy)
	c0, c1 := pal.bgCentre, pal.bgEdge
	// 4×4 Bayer matrix, values 0..15.
	bayer := [16]float64{0, 8, 2, 10, 12, 4, 14, 6, 3, 11, 1, 9, 15, 7, 13, 5}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			d := math.Hypot(float64(x)+0.5-cx, float64(y)+0.5-cy) / rmax
			t := d * d * (3 - 2*d) // smoothstep: flat centre, soft edge
			dith := (bayer[(y&3)*4+x&3]+0.5)/16 - 0.5
			i := (y*w + x) * 4
			pix[i+0] = lerp8(c0.R, c1.R, t, dith)
			pix[i+1] = lerp8(c0.G, c1.G, t, dith)
			pix[i+2] = lerp8(c0.B, c1.B, t, dith)
			pix[i+3] = 0xff
		}
	}
	return pix
}

func lerp8(a, b uint8, t, dither float64) uint8 {
	v := float64(a) + (float64(b)-float64(a))*t + dither
	return uint8(math.Max(0, math.Min(255, math.Round(v))))
}

// Draw draws frame f of m, with the fading traces of both wrists over the
// frames before it, and returns the painter's buffer, valid until the next
// Draw. f is clamped to the motion; an empty motion gives the bare
// background. Non-finite keypoints are left out with their bones, and
// coordinates far outside [0,1] are clamped, so bad data never panics.
//
// Only the previous frame's Dirty rectangle is copied back from the
// background, not the whole 2 MB buffer: the caller must not write to the
// buffer (outside Dirty, it would stay changed).
func (p *Painter) Draw(m motion.Motion, f int) *image.RGBA {
	if p.fresh {
		for y := range p.img.Rect.Dy() { // the buffer's content is unknown
			copy(p.img.Pix[y*p.img.Stride:][:4*p.img.Rect.Dx()], p.bg.Pix[y*p.bg.Stride:])
		}
		p.fresh = false
	} else {
		// Only what the previous frame drew.
		for y := p.drawn.lo; y < p.drawn.hi; y++ {
			if sp := p.drawn.spans[y]; sp.Lo < sp.Hi {
				i := p.img.PixOffset(sp.Lo, y)
				copy(p.img.Pix[i:i+4*(sp.Hi-sp.Lo)], p.bg.Pix[p.bg.PixOffset(sp.Lo, y):])
			}
		}
	}
	p.drawn.clear()
	p.dirty = image.Rectangle{}
	defer func() { p.dirty = evenBox(p.drawn.box(), p.img.Rect) }()
	if m.Frames <= 0 || len(m.Data) < m.Frames*motion.Joints*2 {
		return p.img
	}
	f = max(0, min(f, m.Frames-1))
	for j := range p.pts {
		p.pts[j] = p.mapPoint(m.At(f, j))
	}
	s := p.side

	p.drawTorso()
	if p.style.TraceSeconds >= 0 {
		p.drawTraces(m, f)
	}

	// Neck: from the shoulders' midpoint to the head, drawn first so the
	// head and shoulder bar cover its ends.
	hx, hy, hr, headOK := p.head()
	ls, rs := p.pts[motion.LeftShoulder], p.pts[motion.RightShoulder]
	limbs := p.limbs
	if headOK && ls.ok && rs.ok {
		p.capsule(limbs, (ls.x+rs.x)/2, (ls.y+rs.y)/2, hx, hy, neckWidth*s)
	}
	p.bone(limbs, motion.LeftShoulder, motion.RightShoulder, upperArmWidth*s)
	p.bone(limbs, motion.LeftShoulder, motion.LeftElbow, upperArmWidth*s)
	p.bone(limbs, motion.RightShoulder, motion.RightElbow, upperArmWidth*s)
	p.bone(limbs, motion.LeftElbow, motion.LeftWrist, forearmWidth*s)
	p.bone(limbs, motion.RightElbow, motion.RightWrist, forearmWidth*s)
	if headOK {
		// Enough sides that none strays 0.05 px from the ellipse.
		n := max(16, int(math.Ceil(math.Pi/math.Acos(1-0.05/max(hr, 1)))))
		p.convex.walk(p.inscribed(hx, hy, hr*0.9, hr, n), p.caps.w, p.caps.h, limbs)
	}
	for _, j := range [...]int{motion.LeftShoulder, motion.RightShoulder, motion.LeftElbow, motion.RightElbow} {
		p.joint(j)
	}
	if p.style.Baton {
		p.baton()
	}
	p.wrist(motion.LeftWrist, 0)
	p.wrist(motion.RightWrist, 1)
	return p.img
}

// Dirty returns the rectangle, with even coordinates, outside which the
// image of the last Draw equals the bare background exactly; it is empty
// where nothing was drawn. A converter can take the background's own
// conversion outside it instead of comparing or converting those pixels.
func (p *Painter) Dirty() image.Rectangle { return p.dirty }

// DirtyRows returns, for each row of the image of the last Draw, the
// columns outside which that row equals the bare background exactly: a
// tighter bound than Dirty, inside which it lies. It is the painter's
// own, valid until the next Draw, and must not be written.
func (p *Painter) DirtyRows() []Span { return p.drawn.spans }

// evenBox widens r to even corners (whole 2×2 chroma blocks for yuv420p)
// inside bounds.
func evenBox(r, bounds image.Rectangle) image.Rectangle {
	if r.Empty() {
		return image.Rectangle{}
	}
	return image.Rect(r.Min.X&^1, r.Min.Y&^1, (r.Max.X+1)&^1, (r.Max.Y+1)&^1).Intersect(bounds)
}

// mark adds the box x0..x1 × y0..y1 (frame coordinates, already padded
// for line width and anti-aliasing) to what was drawn, widened to whole
// pixels and one more pixel of margin.
func (p *Painter) mark(x0, y0, x1, y1 float64) {
	if !(x0 <= x1 && y0 <= y1) {
		return
	}
	// Clamp before converting: clamped keypoints can lie far outside.
	w, h := float64(p.img.Rect.Dx()), float64(p.img.Rect.Dy())
	ix0 := int(math.Floor(math.Max(0, math.Min(w, x0)))) - 1
	iy0 := int(math.Floor(math.Max(0, math.Min(h, y0)))) - 1
	ix1 := int(math.Ceil(math.Max(0, math.Min(w, x1)))) + 1
	iy1 := int(math.Ceil(math.Max(0, math.Min(h, y1)))) + 1
	p.markDrawn(image.Rect(ix0, iy0, ix1, iy1))
}

// markDrawn adds r, a rectangle of pixels drawn, to what was drawn.
func (p *Painter) markDrawn(r image.Rectangle) {
	p.drawn.addRect(r.Intersect(p.img.Rect))
}

// mapPoint maps a motion coordinate to pixels through the camera.
func (p *Painter) mapPoint(q motion.Point) point {
	return mapWith(Camera{Scale: p.side, X: p.ox, Y: p.oy}, q)
}

// mapWith maps a motion coordinate through cam, clamped to clampLo..clampHi
// first; not ok where it is not finite.
func mapWith(cam Camera, q motion.Point) point {
	x, y := float64(q.X), float64(q.Y)
	if math.IsNaN(x) || math.IsNaN(y) || math.IsInf(x, 0) || math.IsInf(y, 0) {
		return point{}
	}
	x = math.Max(clampLo, math.Min(clampHi, x))
	y = math.Max(clampLo, math.Min(clampHi, y))
	return point{x: cam.X + x*cam.Scale, y: cam.Y + y*cam.Scale, ok: true}
}

// band returns a gg context drawing on the frame over (at least) rows
// lo..hi, or nil where they miss it (see bandContexts), and marks the box
// x0..x1 × lo..hi, which must contain all that will be drawn, dirty.
func (p *Painter) band(x0, lo, x1, hi float64) *gg.Context {
	dc, _, _ := p.bands.at(p.img.Pix, lo, hi)
	if dc != nil {
		p.mark(x0, lo, x1, hi)
	}
	return dc
}

// capsule hands the round-capped segment from (x0, y0) to (x1, y1), width
// wide, to into: the painter's capsule mask (painted in one colour by
// paintCapsules) or one of its solid painters (see solidSink).
func (p *Painter) capsule(into capsuleSink, x0, y0, x1, y1, width float64) {
	walkCapsule(x0, y0, x1, y1, width/2, p.caps.w, p.caps.h, into)
}

// bone hands the bone from keypoint a to b, where both are known, to into.
func (p *Painter) bone(into capsuleSink, a, b int, width float64) {
	if pa, pb := p.pts[a], p.pts[b]; pa.ok && pb.ok {
		p.capsule(into, pa.x, pa.y, pb.x, pb.y, width)
	}
}

// flattenQuad appends to dst the points of the quadratic Bézier curve from
// a through control point c to b, a excluded, b included: a polyline close
// enough that no point strays 0.1 px from the curve.
func flattenQuad(dst []point, a, c, b point) []point {
	// A quadratic's second derivative is 2(a − 2c + b): the chords of n
	// equal steps stray at most |a − 2c + b| / (4n²) from it.
	dev := math.Hypot(a.x-2*c.x+b.x, a.y-2*c.y+b.y)
	n := max(1, int(math.Ceil(math.Sqrt(dev/0.4))))
	for i := 1; i <= n; i++ {
		t := float64(i) / float64(n)
		u := 1 - t
		dst = append(dst, point{x: u*u*a.x + 2*t*u*c.x + t*t*b.x, y: u*u*a.y + 2*t*u*c.y + t*t*b.y, ok: true})
	}
	return dst
}

// paintCapsules paints the capsules added since the last call in col and
// marks them drawn.
func (p *Painter) paintCapsules(col color.NRGBA) {
	p.caps.paint(p.img, col, &p.drawn)
}

// drawTorso draws the shoulders–hips quad as a quiet, round-cornered panel
// with a faint outline along the reference's torso bones, so the body reads
// as a volume without competing with the arms, which do the conducting.
func (p *Painter) drawTorso() {
	quad := [...]int{motion.LeftShoulder, motion.RightShoulder, motion.RightHip, motion.LeftHip}
	all := true
	lo, hi := math.Inf(1), math.Inf(-1)
	left, right := math.Inf(1), math.Inf(-1)
	for _, j := range quad {
		all = all && p.pts[j].ok
		lo, hi = math.Min(lo, p.pts[j].y), math.Max(hi, p.pts[j].y)
		left, right = math.Min(left, p.pts[j].x), math.Max(right, p.pts[j].x)
	}
	if all {
		// Each corner is cut back along both edges and bridged with a
		// quadratic curve through the corner: rounded corners.
		var cuts [8]point // the cut points, in order around the panel
		for i := range quad {
			prev, cur, next := p.pts[quad[(i+3)%4]], p.pts[quad[i]], p.pts[quad[(i+1)%4]]
			ax, ay := towards(cur, prev, torsoRound*p.side)
			bx, by := towards(cur, next, torsoRound*p.side)
			cuts[2*i], cuts[2*i+1] = point{x: ax, y: ay, ok: true}, point{x: bx, y: by, ok: true}
		}
		p.outline = append(p.outline[:0], cuts[0])
		for i := range quad {
			p.outline = flattenQuad(p.outline, cuts[2*i], p.pts[quad[i]], cuts[2*i+1])
			if i < len(quad)-1 {
				p.outline = append(p.outline, cuts[2*i+2])
			}
		}
		if convex(p.outline) {
			p.convex.walk(p.outline, p.caps.w, p.caps.h, p.torso)
		} else {
			p.fillOutline(p.outline, p.pal.torso)
		}
		// The outline along the same path, a union of capsules, so that
		// the translucent line covers each pixel once.
		w := torsoLineW * p.side
		for i, a := range p.outline {
			b := p.outline[(i+1)%len(p.outline)]
			p.capsule(p.caps, a.x, a.y, b.x, b.y, w)
		}
		p.paintCapsules(p.pal.torsoLine)
		return
	}
	// Without all four corners, just the torso bones that remain.
	for _, b := range [...]Bone{{motion.LeftShoulder, motion.LeftHip}, {motion.RightShoulder, motion.RightHip}, {motion.LeftHip, motion.RightHip}} {
		p.bone(p.caps, b.A, b.B, torsoLineW*p.side)
	}
	p.paintCapsules(p.pal.torsoLine)
}

// fillOutline fills the closed polygon poly in col with gg: the torso
// panel in a pose that makes it concave, which convexWalker cannot draw.
func (p *Painter) fillOutline(poly []point, col color.NRGBA) {
	lo, hi := math.Inf(1), math.Inf(-1)
	left, right := math.Inf(1), math.Inf(-1)
	for _, q := range poly {
		lo, hi = min(lo, q.y), max(hi, q.y)
		left, right = min(left, q.x), max(right, q.x)
	}
	dc := p.band(left-aaPad, lo-aaPad, right+aaPad, hi+aaPad)
	if dc == nil {
		return
	}
	for i, q := range poly {
		if i == 0 {
			dc.MoveTo(q.x, q.y)
		} else {
			dc.LineTo(q.x, q.y)
		}
	}
	dc.ClosePath()
	dc.SetFillStyle(p.solidFor(col))
	fill(dc)
}

// inscribed returns the n-gon inscribed in the ellipse (cx, cy, rx, ry),
// in the painter's scratch polygon.
func (p *Painter) inscribed(cx, cy, rx, ry float64, n int) []point {
	p.poly = p.poly[:0]
	for i := 0; i < n; i++ {
		a := 2 * math.Pi * float64(i) / float64(n)
		p.poly = append(p.poly, point{x: cx + rx*math.Cos(a), y: cy + ry*math.Sin(a)})
	}
	return p.poly
}

// towards returns the point at distance d from a towards b, or at most
// a third of the way, so short edges keep a straight middle.
func towards(a, b point, d float64) (x, y float64) {
	dx, dy := b.x-a.x, b.y-a.y
	l := math.Hypot(dx, dy)
	if l == 0 {
		return a.x, a.y
	}
	t := math.Min(d/l, 1.0/3)
	return a.x + dx*t, a.y + dy*t
}

// head returns the head's centre and radius in the frame.
func (p *Painter) head() (x, y, r float64, ok bool) { return headOf(&p.pts, p.side) }

// headOf returns the head's centre and radius for keypoints pts mapped with
// scale s: centred between the ears and eyes (the ears sit at the back of
// the skull, the eyes at the front), sized from the ear distance, which is
// the skull's width.
func headOf(pts *[motion.Joints]point, s float64) (x, y, r float64, ok bool) {
	var sx, sy float64
	n := 0
	for _, j := range [...]int{motion.LeftEye, motion.RightEye, motion.LeftEar, motion.RightEar} {
		if q := pts[j]; q.ok {
			sx += q.x
			sy += q.y
			n++
		}
	}
	nose := pts[motion.Nose]
	if n == 0 {
		if !nose.ok {
			return 0, 0, 0, false
		}
		return nose.x, nose.y, headDefaultR * s, true
	}
	x, y = sx/float64(n), sy/float64(n)
	le, re := pts[motion.LeftEar], pts[motion.RightEar]
	r = headDefaultR * s
	if le.ok && re.ok {
		r = 0.62 * math.Hypot(le.x-re.x, le.y-re.y)
	}
	r = math.Max(headMinR*s, math.Min(headMaxR*s, r))
	// Eyes and ears lie above the skull's centre: move it down a little so
	// the chin covers the nose.
	y += 0.18 * r
	return x, y, r, true
}

// joint draws a disc with a small pin in the middle, like an articulated
// figure's hinge.
func (p *Painter) joint(j int) {
	if q := p.pts[j]; q.ok {
		p.markDrawn(p.joints.draw(p.img, p.bg, q.x, q.y))
	}
}

// jointMarker is the joints' disc and pin.
func (p *Painter) jointMarker() *marker {
	r, dot := jointRadius*p.side, jointDotR*p.side
	return &marker{extent: r, layers: func(dc *gg.Context, x, y float64) {
		dc.SetColor(p.pal.limb)
		p.arcs.circle(dc, x, y, r)
		fill(dc)
		dc.SetColor(p.pal.jointDot)
		p.arcs.circle(dc, x, y, dot)
		fill(dc)
	}}
}

// wrist emphasises a hand (w 0 the left, 1 the right): an accent disc, a
// gap showing the background and a thin accent ring, readable over the
// body and over its own trace.
func (p *Painter) wrist(j, w int) {
	if q := p.pts[j]; q.ok {
		p.markDrawn(p.wrists[w].draw(p.img, p.bg, q.x, q.y))
	}
}

// wristMarker is a wrist's marker in col.
func (p *Painter) wristMarker(col color.NRGBA) *marker {
	s := p.side
	outer, inner := (wristRingR+wristRingW/2)*s, (wristRingR-wristRingW/2)*s
	return &marker{
		extent: outer,
		// The gap: the background's own pixels, gradient and dither
		// included.
		gap: func(dc *gg.Context, x, y float64) { p.arcs.circle(dc, x, y, outer) },
		layers: func(dc *gg.Context, x, y float64) {
			// The ring: two circles filled with the even-odd rule.
			dc.SetColor(col)
			dc.SetFillRuleEvenOdd()
			p.arcs.circle(dc, x, y, outer)
			p.arcs.circle(dc, x, y, inner)
			fill(dc)
			dc.SetFillRuleWinding()
			p.arcs.circle(dc, x, y, wristRadius*s)
			fill(dc)
		},
	}
}

// baton draws a short, tapering baton from the right hand, continuing the
// forearm: a hint of the conducting hand, not a tracked object.
func (p *Painter) baton() {
	tip, ok := batonTip(&p.pts, p.side)
	if !ok {
		return
	}
	w := p.pts[motion.RightWrist]
	tipX, tipY := tip.x, tip.y
	ux, uy := (tipX-w.x)/(batonLength*p.side), (tipY-w.y)/(batonLength*p.side)
	// A thin wedge: full width at the hand, a point at the tip.
	nx, ny := -uy*batonWidth*p.side/2, ux*batonWidth*p.side/2
	dc := p.band(math.Min(w.x, tipX)-math.Abs(nx)-aaPad, math.Min(w.y, tipY)-math.Abs(ny)-aaPad,
		math.Max(w.x, tipX)+math.Abs(nx)+aaPad, math.Max(w.y, tipY)+math.Abs(ny)+aaPad)
	if dc == nil {
		return
	}
	dc.SetFillStyle(p.solidFor(p.pal.baton))
	dc.MoveTo(w.x+nx, w.y+ny)
	dc.LineTo(tipX, tipY)
	dc.LineTo(w.x-nx, w.y-ny)
	dc.ClosePath()
	fill(dc)
}

// batonTip is where the baton ends, batonLength·s beyond the right wrist
// along the forearm; not ok without a forearm.
func batonTip(pts *[motion.Joints]point, s float64) (point, bool) {
	e, w := pts[motion.RightElbow], pts[motion.RightWrist]
	if !e.ok || !w.ok {
		return point{}, false
	}
	dx, dy := w.x-e.x, w.y-e.y
	d := math.Hypot(dx, dy)
	if d < 1e-6*s {
		return point{}, false
	}
	return point{x: w.x + dx/d*batonLength*s, y: w.y + dy/d*batonLength*s, ok: true}, true
}

// drawTraces draws the fading trace of each wrist over the last
// TraceSeconds (default 1 s) of frames before f.
func (p *Painter) drawTraces(m motion.Motion, f int) {
	n := p.traceFrames(m, f)
	if n < 1 {
		return
	}
	for _, w := range [...]struct {
		j int
		c color.NRGBA
	}{{motion.LeftWrist, p.pal.left}, {motion.RightWrist, p.pal.right}} {
		for age := 0; age <= n && f-age >= 0; age++ {
			q := p.pts[w.j]
			if age > 0 {
				q = p.mapPoint(m.At(f-age, w.j))
			}
			if !q.ok {
				p.trace.flush() // a gap in the data is a gap in the trace
				continue
			}
			// Youngest pieces are widest and most opaque; the fade is
			// steeper than linear so the last half-second dominates.
			fresh := 1 - float64(age)/float64(n)
			pieceFresh := 1 - (float64(age)+0.5)/float64(n)
			p.trace.add(tracePoint{
				x: q.x, y: q.y,
				width: (traceMinW + (traceMaxW-traceMinW)*fresh) * p.side,
				alpha: traceMaxAlpha * pieceFresh * pieceFresh,
			})
		}
		p.trace.flush()
		p.trace.draw(p.img, w.c, &p.drawn)
	}
}

// traceFrames is how many frames before f the wrist traces reach.
func (p *Painter) traceFrames(m motion.Motion, f int) int {
	secs := p.style.TraceSeconds
	if secs < 0 {
		return 0
	}
	if secs == 0 {
		secs = 1
	}
	rate := m.Rate
	if !(rate > 0) || math.IsInf(rate, 0) {
		rate = motion.Rate
	}
	// No trace reaches before the first frame; min also keeps an absurd
	// TraceSeconds from overflowing the conversion.
	return max(0, int(math.Min(math.Round(secs*rate), float64(f))))
}

// Same reports whether Draw(m, f) draws exactly what Draw(m, g) draws:
// the two frames, and the frames their traces reach back over, hold the
// same keypoints, bit for bit. A caller whose image still holds g's
// drawing (a still pose, a conductor waiting in silence) can then keep it
// rather than draw it again.
func (p *Painter) Same(m motion.Motion, f, g int) bool {
	if m.Frames <= 0 || len(m.Data) < m.Frames*motion.Joints*2 {
		return true // both the bare background
	}
	f, g = max(0, min(f, m.Frames-1)), max(0, min(g, m.Frames-1))
	if f == g {
		return true
	}
	nf, ng := p.traceFrames(m, f), p.traceFrames(m, g)
	if nf == ng {
		same := true
		for age := 0; age <= nf && same; age++ {
			same = sameFrame(m.Frame(f-age), m.Frame(g-age))
		}
		if same {
			return true
		}
	}
	// Traces of different lengths draw the same where the figure stands
	// still over both: a trace that does not move is not drawn.
	for _, w := range [...][2]int{{f, nf}, {g, ng}} {
		for age := 0; age <= w[1]; age++ {
			if !sameFrame(m.Frame(w[0]-age), m.Frame(f)) {
				return false
			}
		}
	}
	return true
}

// sameFrame reports whether two frames hold the same values, bit for bit.
func sameFrame(a, b []float32) bool {
	for k := range a {
		if math.Float32bits(a[k]) != math.Float32bits(b[k]) {
			return false
		}
	}
	return true
}

// fill fills and clears dc's path like dc.Fill, without its two
// allocations: gg's fill copies the whole path to close the last subpath
// whenever there is a current point (and ClosePath leaves one), while
// NewSubPath closes it in place with the same point, so the rasteriser
// gets the same path.
func fill(dc *gg.Context) {
	dc.NewSubPath()
	dc.Fill()
}

// solidFill is a gg fill of one colour.
type solidFill struct {
	c   color.NRGBA
	pat gg.Pattern
}

// solidFor returns the painter's gg fill of col, made on first use.
func (p *Painter) solidFor(col color.NRGBA) gg.Pattern {
	for _, s := range p.solids {
		if s.c == col {
			return s.pat
		}
	}
	pat := gg.NewSolidPattern(col)
	p.solids = append(p.solids, solidFill{col, pat})
	return pat
}
