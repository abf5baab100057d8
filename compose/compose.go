// Package compose lays out the frames of a demo video: one panel per engine,
// each drawn by its own skeleton.Painter through one shared camera, with a
// label bar above each panel, a caption bar (the song's name and a time
// code) above them all, and a music strip under them (the mel scrolling past
// a playhead, with the beats podium hears).
//
// It sits between skeleton, which draws one figure, and render, which drives
// the batch and ffmpeg: render asks a Composer for the frame size and the
// background, and each drawing goroutine asks its own Frame for frame f and
// for the rectangles that changed, which are all render converts.
package compose

import (
	"errors"
	"fmt"
	"image"
	"image/draw"
	"math"

	"github.com/golang/freetype/truetype"
	"github.com/podium-dev/podium/audio"
	"github.com/podium-dev/podium/motion"
	"github.com/podium-dev/podium/skeleton"
)

// MaxPanels is the most panels a frame holds (a 2×3 grid).
const MaxPanels = 6

// Options describe the frames of one video.
type Options struct {
	// PanelWidth and PanelHeight are each panel's size in pixels, both
	// even (yuv420p).
	PanelWidth, PanelHeight int
	Theme                   skeleton.Theme
	// Camera is the one camera of every panel; the zero Camera is the
	// unit square's mapping (skeleton.UnitCamera).
	Camera skeleton.Camera
	// Panels are the figures, 1 to MaxPanels, laid out 1×1, 1×2, 1×3, 2×2
	// or 2×3 in order. Their motions are what is drawn (smoothed, at the
	// video's frame rate) and must all have the same length and rate.
	Panels []Panel
	// Labels puts a bar above each panel with its label.
	Labels bool
	// Caption, when not empty, is the song's name, drawn in a bar across
	// the top of the frame with a time code on its right.
	Caption string
	// Strip, when not nil, adds the music strip under the panels.
	Strip *Strip
}

// Panel is one figure and its label.
type Panel struct {
	Label  string
	Motion motion.Motion
}

// Strip is the music under the panels. Composer keeps a compact copy of the
// mel (a byte per pixel row's band, 64 bands), not the mel itself.
type Strip struct {
	Mel   audio.Mel
	Beats []float64 // beat times in seconds on the mel's timeline
}

// Layout's fixed proportions, as fractions of the panel height.
const (
	barFraction   = 0.07 // label and caption bars
	stripFraction = 0.18 // the music strip
	textFraction  = 0.52 // text size in a bar
	stripSeconds  = 8.0  // music shown across the strip's width, half of it ahead
	stripBands    = 64   // bands kept for the strip (the mel's 128, in pairs)
)

// Composer holds what every frame of one video shares: the layout, the
// background, the motions and the strip's music. It is read-only once made,
// so the drawing goroutines share it; each makes its own Frame.
type Composer struct {
	opt      Options
	w, h     int
	rate     float64 // frames per second of the video
	frames   int
	backdrop *skeleton.Backdrop
	bg       *image.RGBA
	origins  []image.Point     // each panel's top-left corner
	regions  []image.Rectangle // panels, then the time code box, then the strip
	fonts    fonts
	bar      int             // label and caption bar height
	clock    image.Rectangle // the time code box; empty without a caption
	total    string          // the time code's second half, "/ 3:00.0"
	strip    *stripMusic     // nil without a strip
	stripBox image.Rectangle
}

// Grid returns the rows and columns of the layout for n panels.
func Grid(n int) (rows, cols int) {
	switch {
	case n <= 3:
		return 1, n
	case n == 4:
		return 2, 2
	default:
		return 2, 3
	}
}

// New lays out the frames the options describe and draws their background.
func New(opt Options) (*Composer, error) {
	n := len(opt.Panels)
	if n < 1 || n > MaxPanels {
		return nil, fmt.Errorf("compose: %d panels, want 1 to %d", n, MaxPanels)
	}
	if opt.PanelWidth < 16 || opt.PanelHeight < 16 || opt.PanelWidth%2 != 0 || opt.PanelHeight%2 != 0 {
		return nil, fmt.Errorf("compose: panel %dx%d, want even sides of at least 16", opt.PanelWidth, opt.PanelHeight)
	}
	frames, rate := opt.Panels[0].Motion.Frames, opt.Panels[0].Motion.Rate
	for _, p := range opt.Panels {
		if p.Motion.Frames != frames || p.Motion.Rate != rate {
			return nil, fmt.Errorf("compose: panel %q has %d frames at %g fps, panel %q %d at %g", p.Label, p.Motion.Frames, p.Motion.Rate, opt.Panels[0].Label, frames, rate)
		}
	}
	if !(rate > 0) {
		return nil, errors.New("compose: the motion has no frame rate")
	}
	fs, err := loadFonts()
	if err != nil {
		return nil, err
	}
	c := &Composer{opt: opt, rate: rate, frames: frames, fonts: fs}
	c.bar = even(math.Max(16, math.Round(barFraction*float64(opt.PanelHeight))))
	rows, cols := Grid(n)
	top := 0
	if opt.Caption != "" {
		top = c.bar
	}
	label := 0
	if opt.Labels {
		label = c.bar
	}
	c.w = cols * opt.PanelWidth
	c.h = top + rows*(label+opt.PanelHeight)
	for i := range n {
		o := image.Pt((i%cols)*opt.PanelWidth, top+(i/cols)*(label+opt.PanelHeight)+label)
		c.origins = append(c.origins, o)
		c.regions = append(c.regions, image.Rectangle{Min: o, Max: o.Add(image.Pt(opt.PanelWidth, opt.PanelHeight))})
	}
	if opt.Strip != nil {
		sh := even(math.Max(32, math.Round(stripFraction*float64(opt.PanelHeight))))
		c.stripBox = image.Rect(0, c.h, c.w, c.h+sh)
		c.h += sh
		c.strip = newStripMusic(opt.Strip, skeleton.ThemeColors(opt.Theme))
	}
	style := skeleton.Style{Width: opt.PanelWidth, Height: opt.PanelHeight, Theme: opt.Theme}
	c.backdrop = skeleton.NewBackdrop(style)
	c.drawBackground()
	if opt.Caption != "" {
		c.regions = append(c.regions, c.clock)
	}
	if opt.Strip != nil {
		c.regions = append(c.regions, c.stripBox)
	}
	return c, nil
}

// even rounds v up to an even number of pixels.
func even(v float64) int { return (int(math.Ceil(v)) + 1) &^ 1 }

// Size is the frame size in pixels (both even).
func (c *Composer) Size() (width, height int) { return c.w, c.h }

// Frames is the number of frames of the video.
func (c *Composer) Frames() int { return c.frames }

// Background is the frame with nothing moving drawn: the panels' bare
// backgrounds, the bars with their labels and the song's name. It is shared
// and must not be written.
func (c *Composer) Background() *image.RGBA { return c.bg }

// Regions are the rectangles where frames differ from the background:
// each panel's, then the time code's (with a caption), then the strip's
// (with a strip). Frame.Draw says, for each, what changed in it.
func (c *Composer) Regions() []image.Rectangle { return c.regions }

// PanelRect is the rectangle of panel i in the frame.
func (c *Composer) PanelRect(i int) image.Rectangle { return c.regions[i] }

// LabelRect is the label bar of panel i (empty without labels).
func (c *Composer) LabelRect(i int) image.Rectangle {
	if !c.opt.Labels {
		return image.Rectangle{}
	}
	r := c.regions[i]
	return image.Rect(r.Min.X, r.Min.Y-c.bar, r.Max.X, r.Min.Y)
}

// CaptionRect is the caption bar (empty without a caption).
func (c *Composer) CaptionRect() image.Rectangle {
	if c.opt.Caption == "" {
		return image.Rectangle{}
	}
	return image.Rect(0, 0, c.w, c.bar)
}

// StripRect is the music strip (empty without one).
func (c *Composer) StripRect() image.Rectangle { return c.stripBox }

// drawBackground draws the parts of the frame that never change.
func (c *Composer) drawBackground() {
	col := skeleton.ThemeColors(c.opt.Theme)
	c.bg = image.NewRGBA(image.Rect(0, 0, c.w, c.h))
	draw.Draw(c.bg, c.bg.Rect, image.NewUniform(col.PaperEdge), image.Point{}, draw.Src)
	for _, o := range c.origins {
		r := image.Rectangle{Min: o, Max: o.Add(image.Pt(c.opt.PanelWidth, c.opt.PanelHeight))}
		draw.Draw(c.bg, r, c.backdrop.Image(), image.Point{}, draw.Src)
	}
	if !c.stripBox.Empty() {
		draw.Draw(c.bg, c.stripBox, image.NewUniform(col.Paper), image.Point{}, draw.Src)
	}
	size := textFraction * float64(c.bar)
	pad := math.Round(0.6 * float64(c.bar))
	if c.opt.Labels {
		face := c.fonts.face(c.fonts.label, size)
		for i := range c.opt.Panels {
			r := c.LabelRect(i)
			txt := fit(face, c.opt.Panels[i].Label, float64(r.Dx())-2*pad)
			drawText(c.bg, r, face, txt, float64(r.Min.X+r.Max.X)/2, 0.5, col.Ink)
		}
	}
	if c.opt.Caption != "" {
		bar := c.CaptionRect()
		mono := c.fonts.face(c.fonts.mono, size)
		secs := float64(c.frames) / c.rate
		c.total = " / " + timecode(secs, secs)
		// The box holds the widest time code of the song: the mono font's
		// digits are all one width.
		wide := measure(mono, timecode(secs, secs)+c.total)
		x0 := int(float64(bar.Max.X)-pad-wide) &^ 1
		c.clock = image.Rect(max(0, x0-2), bar.Min.Y, bar.Max.X, bar.Max.Y)
		face := c.fonts.face(c.fonts.label, size)
		txt := fit(face, c.opt.Caption, float64(c.clock.Min.X)-2*pad)
		drawText(c.bg, image.Rect(bar.Min.X, bar.Min.Y, c.clock.Min.X, bar.Max.Y), face, txt, pad, 0, col.Ink)
	}
}

// timecode formats t seconds as m:ss.t (h:mm:ss.t where the song lasts an
// hour or more).
func timecode(t, total float64) string {
	tenths := int(math.Floor(t*10 + 1e-6))
	s, d := tenths/10, tenths%10
	if total >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d.%d", s/3600, s/60%60, s%60, d)
	}
	return fmt.Sprintf("%d:%02d.%d", s/60, s%60, d)
}

// Frame draws frames of one video into its own buffer; it is not safe for
// concurrent use: one Frame per drawing goroutine.
type Frame struct {
	c        *Composer
	img      *image.RGBA
	painters []*skeleton.Painter
	drawn    []int // the frame each painter's view holds, or -1
	dirty    []image.Rectangle
	versions []uint64     // per region: changes whenever its pixels may
	clock    *clockDrawer // nil without a caption
	strip    *stripDrawer // nil without a strip
}

// NewFrame returns a Frame, its buffer holding the background.
func (c *Composer) NewFrame() *Frame {
	fr := &Frame{c: c, img: image.NewRGBA(image.Rect(0, 0, c.w, c.h)), dirty: make([]image.Rectangle, len(c.regions)),
		versions: make([]uint64, len(c.regions))}
	copy(fr.img.Pix, c.bg.Pix)
	style := skeleton.Style{Width: c.opt.PanelWidth, Height: c.opt.PanelHeight, Theme: c.opt.Theme, Camera: c.opt.Camera}
	for _, o := range c.origins {
		off := fr.img.PixOffset(o.X, o.Y)
		view := &image.RGBA{Pix: fr.img.Pix[off:], Stride: fr.img.Stride, Rect: image.Rect(0, 0, style.Width, style.Height)}
		fr.painters = append(fr.painters, skeleton.NewPainterInto(view, c.backdrop, style))
		fr.drawn = append(fr.drawn, -1)
	}
	if !c.clock.Empty() {
		fr.clock = newClockDrawer(c, fr.img)
	}
	if c.strip != nil {
		fr.strip = newStripDrawer(c, fr.img)
	}
	return fr
}

// Draw draws frame f (clamped to the video) and returns the frame, valid
// until the next Draw, and for each of the Composer's Regions the rectangle
// inside it outside which the frame equals the background (empty where
// nothing was drawn). A panel whose figure would be drawn exactly as it is
// already (a still pose) is left as it is. The caller must not write to
// the frame.
func (fr *Frame) Draw(f int) (*image.RGBA, []image.Rectangle) {
	c := fr.c
	f = max(0, min(f, c.frames-1))
	for i, p := range fr.painters {
		m := c.opt.Panels[i].Motion
		if fr.drawn[i] < 0 || !p.Same(m, f, fr.drawn[i]) {
			p.Draw(m, f)
			fr.drawn[i] = f
			fr.versions[i]++
		}
		if d := p.Dirty(); !d.Empty() {
			fr.dirty[i] = d.Add(c.origins[i])
		} else {
			fr.dirty[i] = image.Rectangle{}
		}
	}
	k := len(fr.painters)
	t := float64(f) / c.rate
	if fr.clock != nil {
		var changed bool
		fr.dirty[k], changed = fr.clock.draw(t)
		if changed {
			fr.versions[k]++
		}
		k++
	}
	if fr.strip != nil {
		fr.strip.draw(t)
		fr.dirty[k] = c.stripBox
		fr.versions[k]++
	}
	return fr.img, fr.dirty
}

// DirtyRows returns, for region i of the Composer's Regions after the last
// Draw, a tighter bound than its rectangle where that region is a panel:
// row y of the panel (frame row origin.Y+y) equals the background outside
// columns rows[y] (shifted by origin.X). It is nil for the other regions.
// The spans are the panel's painter's, valid until the next Draw.
func (fr *Frame) DirtyRows(i int) (rows []skeleton.Span, origin image.Point) {
	if i >= len(fr.painters) {
		return nil, image.Point{}
	}
	return fr.painters[i].DirtyRows(), fr.c.origins[i]
}

// Versions returns, for each of the Composer's Regions, the version of its
// content after the last Draw: it changes whenever the region's pixels may
// have, so a caller that converted the region at the same version (from
// this Frame) need not convert it again.
func (fr *Frame) Versions() []uint64 { return fr.versions }

// fonts are the Go fonts, parsed once per Composer (a parsed font is
// read-only; faces, which cache glyphs, are made per user).
type fonts struct{ label, mono *truetype.Font }
