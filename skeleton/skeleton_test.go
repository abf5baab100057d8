package skeleton

import (
	"image"
	"image/color"
	"math"
	"strings"
	"sync"
	"testing"

	"github.com/podium-dev/podium/motion"
)

func TestParseTheme(t *testing.T) {
	for in, want := range map[string]Theme{"light": Light, "dark": Dark, " Dark ": Dark, "LIGHT": Light} {
		got, err := ParseTheme(in)
		if err != nil || got != want {
			t.Errorf("ParseTheme(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "neon", "darkk"} {
		_, err := ParseTheme(in)
		if err == nil {
			t.Errorf("ParseTheme(%q) accepted an unknown theme", in)
			continue
		}
		// The message must name the bad value and the valid ones.
		for _, part := range []string{"unknown theme", `"` + in + `"`, `"light"`, `"dark"`} {
			if !strings.Contains(err.Error(), part) {
				t.Errorf("ParseTheme(%q) error %q does not mention %s", in, err, part)
			}
		}
	}
}

func TestBonesAndKeypoints(t *testing.T) {
	// SPEC §4, in the reference's order.
	want := [][2]int{{0, 1}, {0, 2}, {1, 3}, {2, 4}, {5, 6}, {5, 7}, {7, 9}, {6, 8}, {8, 10}, {11, 12}, {5, 11}, {6, 12}}
	got := Bones()
	if len(got) != len(want) {
		t.Fatalf("%d bones, want %d", len(got), len(want))
	}
	for i, b := range got {
		if b.A != want[i][0] || b.B != want[i][1] {
			t.Errorf("bone %d = %v, want %v", i, b, want[i])
		}
	}
	got[0].A = 12 // the caller's copy; the package's table must not change
	if Bones()[0].A != 0 {
		t.Error("changing the slice from Bones changed the bone table")
	}
	names := Keypoints()
	if len(names) != motion.Joints || names[0] != "nose" || names[motion.RightWrist] != "right_wrist" || names[12] != "right_hip" {
		t.Errorf("Keypoints() = %v", names)
	}
}

// px returns the pixel a motion coordinate maps to: the unit square fills
// the centred min(W,H) square.
func px(w, h int, q motion.Point) image.Point {
	side := math.Min(float64(w), float64(h))
	x := (float64(w)-side)/2 + float64(q.X)*side
	y := (float64(h)-side)/2 + float64(q.Y)*side
	return image.Pt(int(x), int(y))
}

// pose returns a one-frame motion holding the typical pose.
func pose() motion.Motion {
	m := motion.New(1, motion.Rate)
	for j, q := range typicalPose {
		m.Set(0, j, q)
	}
	return m
}

func rgba(img *image.RGBA, p image.Point) color.NRGBA {
	c := img.RGBAAt(p.X, p.Y)
	return color.NRGBA{c.R, c.G, c.B, c.A}
}

func opaque(c color.NRGBA) color.NRGBA { c.A = 0xff; return c }

func TestDrawSize(t *testing.T) {
	for _, s := range []Style{{Width: 720, Height: 720}, {Width: 1280, Height: 720, Theme: Dark}, {Width: 333, Height: 500}, {}} {
		img := NewPainter(s).Draw(pose(), 0)
		w, h := s.Width, s.Height
		if w == 0 {
			w, h = DefaultSize, DefaultSize
		}
		if img.Bounds() != image.Rect(0, 0, w, h) {
			t.Errorf("style %dx%d: image bounds %v", s.Width, s.Height, img.Bounds())
		}
	}
}

// TestDrawKnownPose decodes the pixels of the typical pose: wrists in their
// accents, arms in the limb colour, the background untouched far from the
// body, for both themes and a wide frame.
func TestDrawKnownPose(t *testing.T) {
	for _, s := range []Style{{Width: 720, Height: 720}, {Width: 720, Height: 720, Theme: Dark}, {Width: 1280, Height: 720}} {
		pal := paletteFor(s.Theme)
		p := NewPainter(s)
		bg := image.NewRGBA(image.Rect(0, 0, s.Width, s.Height))
		copy(bg.Pix, p.Draw(motion.Motion{Rate: motion.Rate}, 0).Pix) // an empty motion: background only
		img := p.Draw(pose(), 0)

		rw := px(s.Width, s.Height, typicalPose[motion.RightWrist])
		if got := rgba(img, rw); got != pal.right {
			t.Errorf("%v: right wrist pixel %v = %v, want the accent %v", s, rw, got, pal.right)
		}
		lw := px(s.Width, s.Height, typicalPose[motion.LeftWrist])
		if got := rgba(img, lw); got != pal.left {
			t.Errorf("%v: left wrist pixel %v = %v, want %v", s, lw, got, pal.left)
		}
		// Middle of the right upper arm.
		sh, el := typicalPose[motion.RightShoulder], typicalPose[motion.RightElbow]
		mid := px(s.Width, s.Height, motion.Point{X: (sh.X + el.X) / 2, Y: (sh.Y + el.Y) / 2})
		if got := rgba(img, mid); got != pal.limb {
			t.Errorf("%v: upper arm pixel %v = %v, want the limb colour %v", s, mid, got, pal.limb)
		}
		// Far from every bone: the corners and the top centre.
		for _, q := range []image.Point{{5, 5}, {s.Width - 6, s.Height - 6}, {s.Width / 2, s.Height / 10}} {
			if got, want := rgba(img, q), rgba(bg, q); got != want {
				t.Errorf("%v: pixel %v = %v far from the body, want the background %v", s, q, got, want)
			}
		}
		// The background is the theme's gradient, opaque: the edge colour
		// in the corners, the centre colour around the middle.
		if got := rgba(img, image.Pt(0, 0)); dist(got, pal.bgEdge) > 1 || got.A != 0xff {
			t.Errorf("%v: corner %v, want %v", s, got, pal.bgEdge)
		}
		if got := rgba(bg, image.Pt(s.Width/2, s.Height/2)); dist(got, pal.bgCentre) > 1 || got.A != 0xff {
			t.Errorf("%v: background centre %v, want %v", s, got, pal.bgCentre)
		}
	}
}

// dist is the largest per-channel difference.
func dist(a, b color.NRGBA) int {
	d := 0
	for _, v := range [...]int{int(a.R) - int(b.R), int(a.G) - int(b.G), int(a.B) - int(b.B)} {
		d = max(d, v, -v)
	}
	return d
}

func luma(c color.NRGBA) float64 {
	return 0.2126*float64(c.R) + 0.7152*float64(c.G) + 0.0722*float64(c.B)
}

func TestThemesLightAndDark(t *testing.T) {
	m := pose()
	arm := px(720, 720, motion.Point{X: (typicalPose[5].X + typicalPose[7].X) / 2, Y: (typicalPose[5].Y + typicalPose[7].Y) / 2})
	corners := []image.Point{{0, 0}, {719, 0}, {0, 719}, {719, 719}, {360, 60}}
	dark := NewPainter(Style{Width: 720, Height: 720, Theme: Dark}).Draw(m, 0)
	for _, q := range corners {
		if l := luma(rgba(dark, q)); l > 40 {
			t.Errorf("dark theme background at %v has luma %.0f, want ≤ 40", q, l)
		}
	}
	if l := luma(rgba(dark, arm)); l < 200 {
		t.Errorf("dark theme limb has luma %.0f, want light (≥ 200)", l)
	}
	light := NewPainter(Style{Width: 720, Height: 720}).Draw(m, 0)
	for _, q := range corners {
		if l := luma(rgba(light, q)); l < 215 {
			t.Errorf("light theme background at %v has luma %.0f, want ≥ 215", q, l)
		}
	}
	if l := luma(rgba(light, arm)); l > 80 {
		t.Errorf("light theme limb has luma %.0f, want dark (≤ 80)", l)
	}
}

// TestDrawBadData feeds non-finite, huge and out-of-range values and
// frame indices: nothing may panic, and a NaN wrist is left out.
func TestDrawBadData(t *testing.T) {
	p := NewPainter(Style{Width: 320, Height: 240})
	m := conductingMotion(40, 30)
	nan := float32(math.NaN())
	inf := float32(math.Inf(1))
	m.Set(10, motion.RightWrist, motion.Point{X: nan, Y: 0.5})
	m.Set(12, motion.LeftElbow, motion.Point{X: inf, Y: -inf})
	m.Set(15, motion.Nose, motion.Point{X: 1e30, Y: -1e30})
	m.Set(20, motion.LeftHip, motion.Point{X: 7, Y: -3})
	for j := 0; j < motion.Joints; j++ {
		m.Set(25, j, motion.Point{X: nan, Y: nan})
	}
	for _, f := range []int{-5, 0, 10, 11, 12, 15, 20, 25, 26, 39, 40, 1000} {
		if img := p.Draw(m, f); img.Bounds().Dx() != 320 {
			t.Fatalf("frame %d: bounds %v", f, img.Bounds())
		}
	}
	// Degenerate motions.
	p.Draw(motion.Motion{}, 0)
	p.Draw(motion.Motion{Frames: 3, Rate: 30, Data: make([]float32, 5)}, 1) // too little data
	p.Draw(motion.New(1, 0), 0)                                             // no rate, zero pose
	p.Draw(motion.New(5, 30), 3)                                            // every joint at (0,0)

	// A frame whose wrists are NaN shows no accent anywhere (no traces:
	// a one-frame motion).
	one := pose()
	one.Set(0, motion.RightWrist, motion.Point{X: nan, Y: nan})
	one.Set(0, motion.LeftWrist, motion.Point{X: 0.6, Y: nan})
	q := NewPainter(Style{Width: 720, Height: 720})
	img := q.Draw(one, 0)
	pal := paletteFor(Light)
	for i := 0; i < len(img.Pix); i += 4 {
		c := color.NRGBA{img.Pix[i], img.Pix[i+1], img.Pix[i+2], 0xff}
		if c == pal.right || c == pal.left {
			t.Fatalf("accent pixel at %d with NaN wrists", i/4)
		}
	}
	// A wrist far out of range is clamped (to x = −0.5, off the frame), not
	// dropped: the forearm still runs to the frame's left edge.
	one = pose()
	one.Set(0, motion.RightWrist, motion.Point{X: -40, Y: 0.5})
	img = q.Draw(one, 0)
	if n := countColour(img, pal.right); n != 0 {
		t.Errorf("the off-frame wrist left %d accent pixels", n)
	}
	// The forearm from the elbow (0.369, 0.580) to (−0.5, 0.5) crosses
	// x = 0 at y ≈ 0.546.
	if got := rgba(img, image.Pt(0, 393) /* 0.546·720 */); got != pal.limb {
		t.Errorf("left edge where the clamped forearm leaves the frame: %v, want the limb colour %v", got, pal.limb)
	}
	// Tiny frames.
	for _, s := range []Style{{Width: 1, Height: 1}, {Width: 16, Height: 9}, {Width: 3, Height: 200}} {
		NewPainter(s).Draw(m, 30)
	}
}

func countColour(img *image.RGBA, c color.NRGBA) int {
	n := 0
	for i := 0; i < len(img.Pix); i += 4 {
		if img.Pix[i] == c.R && img.Pix[i+1] == c.G && img.Pix[i+2] == c.B {
			n++
		}
	}
	return n
}

// sweep moves the right wrist from x=0.20 to 0.60 along y=0.30, above the
// head, at 0.01 per frame (30 fps), with the rest of the body still.
func sweep() motion.Motion {
	m := motion.New(41, 30)
	for f := 0; f < m.Frames; f++ {
		for j, q := range typicalPose {
			m.Set(f, j, q)
		}
		m.Set(f, motion.RightWrist, motion.Point{X: 0.20 + 0.01*float32(f), Y: 0.30})
	}
	return m
}

// tint is how far a pixel has moved from the background towards the
// accent: 0 is background, 1 the accent itself.
func tint(img, bg *image.RGBA, p image.Point, accent color.NRGBA) float64 {
	c, b := rgba(img, p), rgba(bg, p)
	return float64(int(b.G)-int(c.G)) / float64(int(b.G)-int(accent.G))
}

func TestTrace(t *testing.T) {
	m := sweep()
	const f = 40 // the wrist is at x=0.60
	pal := paletteFor(Light)
	p := NewPainter(Style{Width: 720, Height: 720})
	bg := image.NewRGBA(image.Rect(0, 0, 720, 720))
	copy(bg.Pix, p.Draw(motion.Motion{}, 0).Pix)
	img := p.Draw(m, f)
	at := func(age int) image.Point {
		return px(720, 720, motion.Point{X: 0.60 - 0.01*float32(age), Y: 0.30})
	}
	// Within the last second the path is tinted, more so for younger
	// points; beyond it (ages > 30) it is background.
	young, old := tint(img, bg, at(5), pal.right), tint(img, bg, at(25), pal.right)
	if young < 0.3 || old <= 0.01 || old >= young {
		t.Errorf("trace tint at ages 5 and 25 = %.2f, %.2f; want clearly tinted and fading", young, old)
	}
	for _, age := range []int{32, 35, 40} {
		if got, want := rgba(img, at(age)), rgba(bg, at(age)); got != want {
			t.Errorf("age %d (older than 1 s): pixel %v, want the background %v", age, got, want)
		}
	}
	// Along a straight, steady path the fade is smooth: no beads where
	// pieces meet (each frame's sample) and no seams between them.
	prev := 2.0
	for x := at(3).X; x >= at(29).X; x-- {
		v := tint(img, bg, image.Pt(x, at(0).Y), pal.right)
		if v > prev+0.02 {
			t.Errorf("trace tint rises from %.3f to %.3f at x=%d going back in time", prev, v, x)
		}
		prev = v
	}
	// A second is counted in frames of the motion's own rate: at 60 fps
	// the same 40 frames cover 0.67 s, so the whole path is tinted.
	m.Rate = 60
	img = p.Draw(m, f)
	if v := tint(img, bg, at(35), pal.right); v <= 0.01 {
		t.Errorf("at 60 fps, age 35 frames (0.58 s) has tint %.3f, want tinted", v)
	}
	// Traces off.
	q := NewPainter(Style{Width: 720, Height: 720, TraceSeconds: -1})
	img = q.Draw(sweep(), f)
	for _, age := range []int{2, 5, 25} {
		if got, want := rgba(img, at(age)), rgba(bg, at(age)); got != want {
			t.Errorf("TraceSeconds -1: age %d pixel %v, want the background %v", age, got, want)
		}
	}
}

// TestPaintersConcurrent draws with one painter per goroutine (run with
// -race) and checks they agree with a painter used alone.
func TestPaintersConcurrent(t *testing.T) {
	m := conductingMotion(90, 30)
	want := NewPainter(Style{Width: 200, Height: 160, Theme: Dark}).Draw(m, 60)
	var wg sync.WaitGroup
	errs := make(chan string, 4)
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := NewPainter(Style{Width: 200, Height: 160, Theme: Dark})
			for f := 0; f < m.Frames; f++ {
				img := p.Draw(m, f)
				if f == 60 && string(img.Pix) != string(want.Pix) {
					errs <- "a painter in a goroutine drew frame 60 differently"
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
