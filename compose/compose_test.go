package compose

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"math"
	"testing"

	"github.com/podium-dev/podium/audio"
	"github.com/podium-dev/podium/infer"
	"github.com/podium-dev/podium/motion"
	"github.com/podium-dev/podium/skeleton"
)

// typicalPose is the mean pose of SPEC §1.
var typicalPose = infer.TypicalPose()

// beating is the typical pose with the right wrist beating at a phase of
// its own per panel, so each panel's figure is somewhere else.
func beating(frames int, phase float64) motion.Motion {
	m := motion.New(frames, motion.Rate)
	for f := range frames {
		for j, q := range typicalPose {
			m.Set(f, j, q)
		}
		a := 2*math.Pi*float64(f)/30 + phase
		rw := typicalPose[motion.RightWrist]
		m.Set(f, motion.RightWrist, motion.Point{X: rw.X + float32(0.08*math.Cos(a)), Y: rw.Y - float32(0.08*math.Sin(a))})
	}
	return m
}

func panels(n, frames int) []Panel {
	ps := make([]Panel, n)
	for i := range ps {
		ps[i] = Panel{Label: fmt.Sprintf("engine %d", i+1), Motion: beating(frames, float64(i))}
	}
	return ps
}

// TestLayout: the grid for each panel count, the frame size with and
// without bars and strip, and the regions' places.
func TestLayout(t *testing.T) {
	for n, want := range map[int][2]int{1: {1, 1}, 2: {1, 2}, 3: {1, 3}, 4: {2, 2}, 5: {2, 3}, 6: {2, 3}} {
		if r, c := Grid(n); r != want[0] || c != want[1] {
			t.Errorf("Grid(%d) = %d×%d, want %d×%d", n, r, c, want[0], want[1])
		}
	}
	mel := audio.Mel{Frames: 90, Data: make([]float32, 90*audio.MelBands)}
	for _, tc := range []struct {
		n             int
		labels        bool
		caption       string
		strip         bool
		width, height int
	}{
		{1, false, "", false, 200, 160},
		{3, true, "song", false, 600, 160 + 2*16 + 0},
		{4, true, "song", true, 400, 16 + 2*(16+160) + 30 + 2},
		{6, false, "", true, 600, 2*160 + 30 + 2},
	} {
		opt := Options{PanelWidth: 200, PanelHeight: 160, Panels: panels(tc.n, 30), Labels: tc.labels, Caption: tc.caption}
		if tc.strip {
			opt.Strip = &Strip{Mel: mel}
		}
		if tc.labels && tc.caption != "" && !tc.strip {
			tc.height = 16 + 16 + 160 // one row: caption, label, panel
		}
		c, err := New(opt)
		if err != nil {
			t.Fatal(err)
		}
		w, h := c.Size()
		if w != tc.width || h != tc.height || w%2 != 0 || h%2 != 0 {
			t.Errorf("%d panels, labels %v, caption %q, strip %v: %dx%d, want %dx%d", tc.n, tc.labels, tc.caption, tc.strip, w, h, tc.width, tc.height)
		}
		frame := image.Rect(0, 0, w, h)
		for i := range tc.n {
			p := c.PanelRect(i)
			if p.Dx() != 200 || p.Dy() != 160 || !p.In(frame) {
				t.Errorf("panel %d at %v", i, p)
			}
			for j := range i {
				if p.Overlaps(c.PanelRect(j)) {
					t.Errorf("panels %d and %d overlap", i, j)
				}
			}
			if l := c.LabelRect(i); tc.labels && (l.Max.Y != p.Min.Y || l.Dx() != p.Dx() || l.Empty()) {
				t.Errorf("label %d at %v, panel at %v", i, l, p)
			}
		}
		if s := c.StripRect(); tc.strip && (s.Max.Y != h || s.Dx() != w) {
			t.Errorf("strip at %v in %v", s, frame)
		}
	}
	for _, bad := range []Options{
		{PanelWidth: 200, PanelHeight: 160},
		{PanelWidth: 200, PanelHeight: 160, Panels: panels(7, 30)},
		{PanelWidth: 201, PanelHeight: 160, Panels: panels(2, 30)},
		{PanelWidth: 200, PanelHeight: 160, Panels: append(panels(1, 30), Panel{Label: "short", Motion: beating(20, 0)})},
	} {
		if _, err := New(bad); err == nil {
			t.Errorf("New accepted %d panels %dx%d", len(bad.Panels), bad.PanelWidth, bad.PanelHeight)
		}
	}
}

// TestPanelsDrawTheirOwnMotion: in a composed frame each panel shows its
// own motion through the shared camera: the right wrist's accent is where
// the camera maps that panel's wrist, offset by the panel's corner.
func TestPanelsDrawTheirOwnMotion(t *testing.T) {
	ps := panels(5, 60)
	style := skeleton.Style{Width: 240, Height: 200}
	var ms []motion.Motion
	for _, p := range ps {
		ms = append(ms, p.Motion)
	}
	cam := skeleton.FitCamera(style, ms...)
	c, err := New(Options{PanelWidth: 240, PanelHeight: 200, Camera: cam, Panels: ps, Labels: true, Caption: "a song"})
	if err != nil {
		t.Fatal(err)
	}
	accent := skeleton.ThemeColors(skeleton.Light).Right
	fr := c.NewFrame()
	for _, f := range []int{0, 17, 45} {
		img, _ := fr.Draw(f)
		for i, p := range ps {
			q := p.Motion.At(f, motion.RightWrist)
			o := c.PanelRect(i).Min
			x, y := o.X+int(cam.X+float64(q.X)*cam.Scale), o.Y+int(cam.Y+float64(q.Y)*cam.Scale)
			if got := img.RGBAAt(x, y); !near(got, accent, 8) {
				t.Errorf("frame %d panel %d: pixel (%d,%d) at its right wrist is %v, want the accent %v", f, i, x, y, got, accent)
			}
			// The other panels' wrists at the same place in this panel
			// are not drawn there.
			for k, other := range ps {
				oq := other.Motion.At(f, motion.RightWrist)
				if k == i || math.Hypot(float64(oq.X-q.X), float64(oq.Y-q.Y))*cam.Scale < 40 {
					continue
				}
				ox, oy := o.X+int(cam.X+float64(oq.X)*cam.Scale), o.Y+int(cam.Y+float64(oq.Y)*cam.Scale)
				if near(img.RGBAAt(ox, oy), accent, 8) {
					t.Errorf("frame %d panel %d: panel %d's wrist is drawn in it", f, i, k)
				}
			}
		}
	}
}

func near(c color.RGBA, want color.NRGBA, tol int) bool {
	d := func(a, b uint8) int { return abs(int(a) - int(b)) }
	return d(c.R, want.R) <= tol && d(c.G, want.G) <= tol && d(c.B, want.B) <= tol
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// TestLabels: label bars hold text (ink on the bar colour), different
// labels differ and equal labels look the same; a label too long for its
// bar is cut with an ellipsis, not drawn over the next one.
func TestLabels(t *testing.T) {
	ps := panels(3, 10)
	ps[0].Label, ps[1].Label, ps[2].Label = "builtin", "plain", "builtin"
	c, err := New(Options{PanelWidth: 320, PanelHeight: 240, Panels: ps, Labels: true})
	if err != nil {
		t.Fatal(err)
	}
	bg := c.Background()
	bar := skeleton.ThemeColors(skeleton.Light).PaperEdge
	pixels := func(r image.Rectangle) []byte {
		var b []byte
		for y := r.Min.Y; y < r.Max.Y; y++ {
			b = append(b, bg.Pix[bg.PixOffset(r.Min.X, y):bg.PixOffset(r.Max.X, y)]...)
		}
		return b
	}
	inked := func(r image.Rectangle) int {
		n := 0
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				if !near(bg.RGBAAt(x, y), bar, 40) {
					n++
				}
			}
		}
		return n
	}
	l0, l1, l2 := c.LabelRect(0), c.LabelRect(1), c.LabelRect(2)
	for i, r := range []image.Rectangle{l0, l1, l2} {
		if n := inked(r); n < 40 {
			t.Errorf("label %d: %d inked pixels, want text", i, n)
		}
	}
	if bytes.Equal(pixels(l0), pixels(l1)) {
		t.Error("labels builtin and plain look the same")
	}
	if !bytes.Equal(pixels(l0), pixels(l2)) {
		t.Error("two builtin labels look different")
	}

	long := panels(2, 10)
	long[0].Label = "a model with a very long file name that cannot fit in its bar.onnx"
	c, err = New(Options{PanelWidth: 160, PanelHeight: 120, Panels: long, Labels: true})
	if err != nil {
		t.Fatal(err)
	}
	bg = c.Background()
	// The column between the two bars stays bar-coloured: the long label
	// ends before it.
	edge := c.LabelRect(0).Max.X
	for y := c.LabelRect(0).Min.Y; y < c.LabelRect(0).Max.Y; y++ {
		for x := edge - 4; x < edge+4; x++ {
			if !near(bg.RGBAAt(x, y), bar, 40) {
				t.Fatalf("pixel (%d,%d) at the bars' boundary is inked: the long label overflows", x, y)
			}
		}
	}
	face := c.fonts.face(c.fonts.label, 20)
	if got := fit(face, long[0].Label, 100); measure(face, got) > 100 || []rune(got)[len([]rune(got))-1] != '…' {
		t.Errorf("fit gave %q (%.0f px)", got, measure(face, got))
	}
}

// TestDirtyAndClock: outside what Draw reports, the frame is exactly the
// background, frame after frame (panels, time code, strip); the time code
// changes with time and reads as timecode says.
func TestDirtyAndClock(t *testing.T) {
	mel := audio.Mel{Frames: 270, Data: make([]float32, 270*audio.MelBands)}
	for i := range mel.Data {
		mel.Data[i] = float32(i%audio.MelBands) / audio.MelBands
	}
	c, err := New(Options{PanelWidth: 160, PanelHeight: 120, Panels: panels(4, 90), Labels: true, Caption: "Ständchen", Strip: &Strip{Mel: mel, Beats: []float64{0.5, 1, 1.5}}})
	if err != nil {
		t.Fatal(err)
	}
	regions := c.Regions()
	if len(regions) != 4+2 {
		t.Fatalf("%d regions, want 4 panels, the clock and the strip", len(regions))
	}
	bg := c.Background()
	fr := c.NewFrame()
	var clocks [][]byte
	for _, f := range []int{0, 1, 2, 3, 31, 89, 60, 0} {
		img, dirty := fr.Draw(f)
		for i, d := range dirty {
			if !d.Empty() && !d.In(regions[i]) {
				t.Fatalf("frame %d: dirty %v outside its region %v", f, d, regions[i])
			}
		}
		for y := range img.Rect.Dy() {
			for x := range img.Rect.Dx() {
				p := image.Pt(x, y)
				in := false
				for _, d := range dirty {
					in = in || p.In(d)
				}
				if i := img.PixOffset(x, y); !in && !bytes.Equal(img.Pix[i:i+4], bg.Pix[i:i+4]) {
					t.Fatalf("frame %d: pixel %v outside every dirty rectangle differs from the background", f, p)
				}
			}
		}
		clk := regions[4]
		var b []byte
		for y := clk.Min.Y; y < clk.Max.Y; y++ {
			b = append(b, img.Pix[img.PixOffset(clk.Min.X, y):img.PixOffset(clk.Max.X, y)]...)
		}
		clocks = append(clocks, b)
	}
	// Frames 0..2 are all 0:00.0, frame 3 is 0:00.1, and the last frame 0
	// equals the first.
	if !bytes.Equal(clocks[0], clocks[2]) || bytes.Equal(clocks[0], clocks[3]) || !bytes.Equal(clocks[0], clocks[7]) {
		t.Error("the time code does not follow the frame's time")
	}
	for _, tc := range []struct {
		t, total float64
		want     string
	}{{0, 3, "0:00.0"}, {3.05, 200, "0:03.0"}, {59.96, 200, "0:59.9"}, {62.5, 200, "1:02.5"}, {3723.4, 7200, "1:02:03.4"}} {
		if got := timecode(tc.t, tc.total); got != tc.want {
			t.Errorf("timecode(%g) = %q, want %q", tc.t, got, tc.want)
		}
	}
}

// TestStrip: the strip shows the mel around the frame's time, loud where
// the music is loud, with the playhead in the middle and the beats marked
// where they fall.
func TestStrip(t *testing.T) {
	// 6 s of quiet with a loud second from 2 s to 3 s, highest bands only.
	mel := audio.Mel{Frames: 540, Data: make([]float32, 540*audio.MelBands)}
	for f := 180; f < 270; f++ {
		for b := range 32 {
			mel.Data[f*audio.MelBands+b] = 1
		}
	}
	beats := []float64{1.25, 4}
	c, err := New(Options{PanelWidth: 320, PanelHeight: 240, Panels: panels(1, 180), Strip: &Strip{Mel: mel, Beats: beats}})
	if err != nil {
		t.Fatal(err)
	}
	col := skeleton.ThemeColors(skeleton.Light)
	s := c.StripRect()
	pps := float64(s.Dx()) / stripSeconds
	fr := c.NewFrame()
	img, _ := fr.Draw(30) // t = 1 s: the loud second is 1..2 s ahead
	at := func(sec float64, row int) color.RGBA {
		return img.RGBAAt(s.Min.X+int(float64(s.Dx())/2+(sec-1)*pps), s.Min.Y+row)
	}
	if got := at(2.5, 2); !near(got, col.Ink, 40) {
		t.Errorf("the loud second's high bands, 1.5 s ahead: %v, want ink %v", got, col.Ink)
	}
	if got := at(2.5, s.Dy()-3); !near(got, col.Paper, 12) {
		t.Errorf("its silent low bands: %v, want paper %v", got, col.Paper)
	}
	if got := at(0.5, 2); !near(got, col.Paper, 12) {
		t.Errorf("quiet music half a second ago: %v, want paper", got)
	}
	if got := at(-2, 2); !near(got, col.Paper, 12) {
		t.Errorf("before the song: %v, want paper", got)
	}
	mid := img.RGBAAt(s.Min.X+s.Dx()/2, s.Min.Y+s.Dy()/2)
	if !near(mid, col.Left, 10) {
		t.Errorf("playhead pixel %v, want the left accent %v", mid, col.Left)
	}
	beatPx := at(1.25, s.Dy()/2)
	if near(beatPx, col.Paper, 30) || int(beatPx.R) < int(beatPx.B)+40 {
		t.Errorf("the beat 0.25 s ahead: %v, want marked in the right accent %v", beatPx, col.Right)
	}
	if got := at(1.6, s.Dy()/2); !near(got, col.Paper, 12) {
		t.Errorf("between beats: %v, want paper", got)
	}
	// A second later everything moved left by pps pixels.
	img2, _ := fr.Draw(60)
	if a, b := img2.RGBAAt(s.Min.X+int(float64(s.Dx())/2+0.25*pps), s.Min.Y+s.Dy()/2), at(2.25, s.Dy()/2); a != b {
		t.Errorf("a second later, 0.25 s ahead: %v, want what was 1.25 s ahead: %v", a, b)
	}
}

// TestFramesAgree: Frames in different goroutines draw the same pixels.
func TestFramesAgree(t *testing.T) {
	mel := audio.Mel{Frames: 90, Data: make([]float32, 90*audio.MelBands)}
	c, err := New(Options{PanelWidth: 160, PanelHeight: 120, Panels: panels(2, 30), Labels: true, Caption: "x", Strip: &Strip{Mel: mel}, Theme: skeleton.Dark})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := c.NewFrame().Draw(20)
	done := make(chan []byte)
	for range 3 {
		go func() {
			fr := c.NewFrame()
			for f := range 30 {
				fr.Draw(f)
			}
			img, _ := fr.Draw(20)
			done <- append([]byte(nil), img.Pix...)
		}()
	}
	for range 3 {
		if got := <-done; !bytes.Equal(got, want.Pix) {
			t.Error("a Frame in another goroutine drew frame 20 differently")
		}
	}
}

// TestStillPanelsKeepTheirDrawing: a panel whose figure does not move (the
// still pose) is drawn once and keeps its version, frame after frame, while
// a moving one changes; the frame is still exactly what a fresh Frame
// draws.
func TestStillPanelsKeepTheirDrawing(t *testing.T) {
	still := motion.New(90, motion.Rate)
	for f := range still.Frames {
		for j, q := range typicalPose {
			still.Set(f, j, q)
		}
	}
	ps := []Panel{{Label: "still", Motion: still}, {Label: "moving", Motion: beating(90, 0)}}
	c, err := New(Options{PanelWidth: 160, PanelHeight: 120, Panels: ps, Labels: true, Caption: "x"})
	if err != nil {
		t.Fatal(err)
	}
	fr := c.NewFrame()
	var first []uint64
	for i, f := range []int{0, 3, 40, 41, 89, 10} {
		img, _ := fr.Draw(f)
		v := append([]uint64(nil), fr.Versions()...)
		if i == 0 {
			first = v
		} else {
			if v[0] != first[0] {
				t.Errorf("frame %d: the still panel's version moved from %d to %d", f, first[0], v[0])
			}
			if v[1] == first[1] {
				t.Errorf("frame %d: the moving panel kept its version", f)
			}
		}
		want, _ := c.NewFrame().Draw(f)
		if !bytes.Equal(img.Pix, want.Pix) {
			t.Fatalf("frame %d differs from a fresh Frame's", f)
		}
	}
}
