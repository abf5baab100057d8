package skeleton

import (
	"bytes"
	"fmt"
	"image"
	"math"
	"testing"

	"github.com/podium-dev/podium/motion"
)

// drawnSpan draws frame f and returns the rows and columns where the frame
// differs from the bare background (empty where nothing was drawn).
func drawnSpan(p *Painter, bg *image.RGBA, m motion.Motion, f int) image.Rectangle {
	img := p.Draw(m, f)
	w, h := img.Rect.Dx(), img.Rect.Dy()
	span := image.Rectangle{}
	for y := range h {
		a, b := img.Pix[y*img.Stride:][:4*w], bg.Pix[y*bg.Stride:][:4*w]
		if bytes.Equal(a, b) {
			continue
		}
		for x := range w {
			if !bytes.Equal(a[4*x:4*x+4], b[4*x:4*x+4]) {
				span = span.Union(image.Rect(x, y, x+1, y+1))
			}
		}
	}
	return span
}

// bigGestures is a conducting motion whose hands also sweep high above
// the head and out to the sides every few seconds, as a real conductor's
// do: the robust extent is the beating, the full one the big gestures.
func bigGestures(frames int) motion.Motion {
	m := conductingMotion(frames, 30)
	for f := range frames {
		s := math.Sin(2 * math.Pi * float64(f) / 150)
		if s < 0.95 {
			continue
		}
		lift := float32(6 * (s - 0.95)) // up to 0.3: the hands above the head
		for _, j := range [...]int{motion.LeftWrist, motion.RightWrist} {
			q := m.At(f, j)
			q.Y -= lift
			if j == motion.LeftWrist {
				q.X += lift / 2
			} else {
				q.X -= lift / 2
			}
			m.Set(f, j, q)
		}
	}
	return m
}

// TestFitCameraFillsTheFrame: on generated conducting motion the fitted
// camera draws a figure spanning at least 65 % of the frame's height in
// every frame (the unit square's mapping: about 41 %), in square and wide
// frames, and nothing drawn ever touches the frame's edge.
func TestFitCameraFillsTheFrame(t *testing.T) {
	for _, tc := range []struct {
		name string
		m    motion.Motion
		s    Style
	}{
		{"beating 720x720", conductingMotion(300, 30), Style{Width: 720, Height: 720}},
		{"big gestures 720x720", bigGestures(600), Style{Width: 720, Height: 720}},
		{"big gestures 640x360 dark", bigGestures(600), Style{Width: 640, Height: 360, Theme: Dark}},
		{"still pose 300x400", pose(), Style{Width: 300, Height: 400}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.s
			unit := NewPainter(s)
			s.Camera = FitCamera(s, tc.m)
			p, bg := NewPainter(s), NewBackdrop(s).Image()
			frame := image.Rect(0, 0, s.Width, s.Height)
			least := 1.0
			var unitSpans []float64
			for f := 0; f < tc.m.Frames; f += 5 {
				span := drawnSpan(p, bg, tc.m, f)
				if !span.In(frame.Inset(1)) {
					t.Fatalf("frame %d: drawn %v touches the edge of %v", f, span, frame)
				}
				least = math.Min(least, float64(span.Dy())/float64(s.Height))
				unitSpans = append(unitSpans, float64(drawnSpan(unit, bg, tc.m, f).Dy())/float64(s.Height))
			}
			if least < 0.65 {
				t.Errorf("camera %+v: the figure spans %.0f %% of the height in some frame, want ≥ 65 %%", s.Camera, 100*least)
			}
			unitMedian := quantile(unitSpans, 0.5)
			if unitMedian > 0.45 {
				t.Errorf("the unit mapping's figure spans %.0f %%: the test's motion is not the reference's scale", 100*unitMedian)
			}
			t.Logf("camera %+v: least %.0f %% of the height (unit square: %.0f %% typically)", s.Camera, 100*least, 100*unitMedian)
		})
	}
}

// TestFitCameraKeepsEveryJointInside: motion that reaches the unit square's
// edges (wrists in its corners, the head at its top, the hips at its
// bottom) for a few frames is still drawn whole: no joint leaves the frame
// and nothing touches its edge, while the other frames keep a big figure.
func TestFitCameraKeepsEveryJointInside(t *testing.T) {
	m := conductingMotion(300, 30)
	edges := map[int][2]motion.Point{ // frame → (right wrist, left wrist)
		40:  {{X: 0, Y: 0}, {X: 1, Y: 1}},
		41:  {{X: 0, Y: 1}, {X: 1, Y: 0}},
		200: {{X: 0, Y: 0.5}, {X: 1, Y: 0.5}},
	}
	for f, w := range edges {
		m.Set(f, motion.RightWrist, w[0])
		m.Set(f, motion.LeftWrist, w[1])
	}
	for _, j := range [...]int{motion.Nose, motion.LeftEye, motion.RightEye, motion.LeftEar, motion.RightEar} {
		q := m.At(120, j)
		q.Y -= 0.37
		m.Set(120, j, q)
	}
	for _, j := range [...]int{motion.LeftHip, motion.RightHip} {
		m.Set(121, j, motion.Point{X: m.At(121, j).X, Y: 1})
	}
	for _, s := range []Style{{Width: 720, Height: 720}, {Width: 480, Height: 270, Baton: true}, {Width: 200, Height: 400}} {
		t.Run(fmt.Sprintf("%dx%d", s.Width, s.Height), func(t *testing.T) {
			s.Camera = FitCamera(s, m)
			p, bg := NewPainter(s), NewBackdrop(s).Image()
			frame := image.Rect(0, 0, s.Width, s.Height)
			for f := range m.Frames {
				for j := range motion.Joints {
					q := p.mapPoint(m.At(f, j))
					if !(q.x > 0 && q.y > 0 && q.x < float64(s.Width) && q.y < float64(s.Height)) {
						t.Fatalf("frame %d: %s at (%.1f, %.1f), outside the frame", f, motion.Name(j), q.x, q.y)
					}
				}
				if span := drawnSpan(p, bg, m, f); !span.In(frame.Inset(1)) {
					t.Fatalf("frame %d: drawn %v touches the edge of %v", f, span, frame)
				}
			}
			// The rings (and a baton) reach past the unit square.
			if unit := UnitCamera(s.Width, s.Height); s.Camera.Scale <= unit.Scale*0.8 {
				t.Errorf("camera %+v zooms out further than the unit mapping (%v) for a motion inside the unit square", s.Camera, unit)
			}
		})
	}
}

// TestFitCameraSharedAndDegenerate: a camera fitted to several motions
// (panels) frames them all, whatever their order, and zooms no closer than
// for the widest one alone; motion without finite keypoints, or none, gets
// the unit mapping.
func TestFitCameraSharedAndDegenerate(t *testing.T) {
	s := Style{Width: 720, Height: 720}
	a, b := conductingMotion(300, 30), bigGestures(600)
	ab, ba := FitCamera(s, a, b), FitCamera(s, b, a)
	if ab != ba {
		t.Errorf("FitCamera(a, b) = %+v, FitCamera(b, a) = %+v", ab, ba)
	}
	if alone := FitCamera(s, b); ab.Scale > alone.Scale+1e-9 || ab.Scale > FitCamera(s, a).Scale+1e-9 {
		t.Errorf("shared camera %+v is closer than one panel's own (%+v)", ab, alone)
	}
	nan := motion.New(10, 30)
	for i := range nan.Data {
		nan.Data[i] = float32(math.NaN())
	}
	unit := UnitCamera(720, 720)
	for name, c := range map[string]Camera{"no motion": FitCamera(s), "empty": FitCamera(s, motion.New(0, 30)), "all NaN": FitCamera(s, nan)} {
		if c != unit {
			t.Errorf("%s: camera %+v, want the unit mapping %+v", name, c, unit)
		}
	}
	// A single point cannot zoom without bound.
	dot := motion.New(5, 30)
	for i := range dot.Data {
		dot.Data[i] = 0.5
	}
	if c := FitCamera(s, dot); c.Scale > fitMaxZoom*720 || math.IsInf(c.Scale, 0) {
		t.Errorf("a motion that is one point: camera %+v", c)
	}
}

// TestCameraScalesThickness: drawing sizes follow the camera's scale: the
// same pose seen twice as close covers four times the pixels of the limb
// colour, and its upper arm is twice as thick.
func TestCameraScalesThickness(t *testing.T) {
	s := Style{Width: 800, Height: 800}
	far := s
	far.Camera = Camera{Scale: 400, X: 200, Y: 100}
	near := s
	near.Camera = Camera{Scale: 800, X: 0, Y: -200}
	limb := paletteFor(Light).limb
	count := func(st Style) int { return countColour(NewPainter(st).Draw(pose(), 0), limb) }
	nf, nn := count(far), count(near)
	if r := float64(nn) / float64(nf); r < 3.6 || r > 4.4 {
		t.Errorf("limb pixels %d far, %d near: ratio %.2f, want ≈ 4", nf, nn, r)
	}
	// Thickness across the right upper arm, along the normal at its middle.
	thickness := func(st Style) float64 {
		p := NewPainter(st)
		img := p.Draw(pose(), 0)
		a, b := p.mapPoint(typicalPose[motion.RightShoulder]), p.mapPoint(typicalPose[motion.RightElbow])
		mx, my := (a.x+b.x)/2, (a.y+b.y)/2
		l := math.Hypot(b.x-a.x, b.y-a.y)
		nx, ny := -(b.y-a.y)/l, (b.x-a.x)/l
		n := 0.0
		for d := -60.0; d <= 60; d += 0.25 {
			if rgba(img, image.Pt(int(mx+nx*d), int(my+ny*d))) == limb {
				n += 0.25
			}
		}
		return n
	}
	tf, tn := thickness(far), thickness(near)
	if r := tn / tf; r < 1.8 || r > 2.2 {
		t.Errorf("upper arm %.1f px thick far, %.1f near: ratio %.2f, want ≈ 2", tf, tn, r)
	}
}

// TestPainterIntoView: a painter drawing into a view of a bigger image (a
// panel of a composed frame) draws exactly what a painter with its own
// buffer draws, frame after frame, and never writes outside the view.
func TestPainterIntoView(t *testing.T) {
	m := dirtyMotion()
	s := Style{Width: 160, Height: 120, Theme: Dark}
	big := image.NewRGBA(image.Rect(0, 0, 500, 300))
	for i := range big.Pix {
		big.Pix[i] = 0x5a
	}
	off := big.PixOffset(170, 90)
	view := &image.RGBA{Pix: big.Pix[off:], Stride: big.Stride, Rect: image.Rect(0, 0, s.Width, s.Height)}
	bd := NewBackdrop(s)
	p := NewPainterInto(view, bd, s)
	own := NewPainter(s)
	for f := 0; f < m.Frames; f += 2 {
		got, want := p.Draw(m, f), own.Draw(m, f)
		for y := range s.Height {
			if !bytes.Equal(got.Pix[y*got.Stride:][:4*s.Width], want.Pix[y*want.Stride:][:4*s.Width]) {
				t.Fatalf("frame %d row %d differs from a painter's own buffer", f, y)
			}
		}
		if p.Dirty() != own.Dirty() {
			t.Fatalf("frame %d: dirty %v, own buffer's %v", f, p.Dirty(), own.Dirty())
		}
	}
	inside := image.Rect(170, 90, 170+s.Width, 90+s.Height)
	for y := range 300 {
		for x := range 500 {
			if image.Pt(x, y).In(inside) {
				continue
			}
			if i := big.PixOffset(x, y); !bytes.Equal(big.Pix[i:i+4], []byte{0x5a, 0x5a, 0x5a, 0x5a}) {
				t.Fatalf("pixel (%d,%d) outside the view was written", x, y)
			}
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("a backdrop of another size was accepted")
		}
	}()
	NewPainterInto(view, NewBackdrop(Style{Width: 100, Height: 120, Theme: Dark}), s)
}

// TestSame: where Same says two frames draw the same, they do, pixel for
// pixel; a figure standing still (trace or not) is the same, a moving one
// or one whose trace still fades is not.
func TestSame(t *testing.T) {
	m := conductingMotion(150, 30)
	for f := range m.Frames { // still over 0–59 and 100–149
		if f < 60 || f >= 100 {
			copy(m.Frame(f), m.Frame(0))
		}
	}
	s := Style{Width: 200, Height: 160}
	p, q := NewPainter(s), NewPainter(s)
	// Frames 60–129 show the motion or its fading trace; the others the
	// still figure alone.
	moving := func(f int) bool { return f >= 60 && f < 130 }
	for _, tc := range [][2]int{{0, 5}, {3, 59}, {40, 50}, {5, 5}, {61, 62}, {59, 70}, {100, 120}, {120, 140}, {129, 131}, {131, 149}, {0, 149}, {149, 149}} {
		want := tc[0] == tc[1] || !moving(tc[0]) && !moving(tc[1])
		if got := p.Same(m, tc[0], tc[1]); got != want {
			t.Errorf("Same(%d, %d) = %v, want %v", tc[0], tc[1], got, want)
		}
		if p.Same(m, tc[0], tc[1]) && !bytes.Equal(p.Draw(m, tc[0]).Pix, q.Draw(m, tc[1]).Pix) {
			t.Errorf("Same(%d, %d), but they draw differently", tc[0], tc[1])
		}
	}
	for _, tc := range [][2]int{{61, 62}, {59, 70}, {129, 131}} {
		if bytes.Equal(p.Draw(m, tc[0]).Pix, q.Draw(m, tc[1]).Pix) {
			t.Errorf("frames %d and %d draw the same: the test's motion does not move", tc[0], tc[1])
		}
	}
	if !p.Same(motion.Motion{}, 3, 7) {
		t.Error("an empty motion draws the background whatever the frame")
	}
}
