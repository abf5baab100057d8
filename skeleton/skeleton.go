// Package skeleton knows the 13 keypoints' bones and draws a conductor frame.
package skeleton

// PLACEHOLDER: the skeleton helper replaces this file.

import (
	"image"

	"github.com/podium-dev/podium/motion"
)

// Theme is a colour scheme.
type Theme string

// The themes.
const (
	Light Theme = "light"
	Dark  Theme = "dark"
)

// Style sets how frames look.
type Style struct {
	Width, Height int
	Theme         Theme
}

// Painter draws frames into its own buffer; one per goroutine.
type Painter struct{ img *image.RGBA }

// NewPainter returns a painter for the style.
func NewPainter(s Style) *Painter {
	return &Painter{img: image.NewRGBA(image.Rect(0, 0, s.Width, s.Height))}
}

// Draw draws frame f of m (with its wrist traces) and returns the painter's
// buffer, valid until the next Draw.
func (p *Painter) Draw(m motion.Motion, f int) *image.RGBA { return p.img }

// Smooth applies the Savitzky–Golay filter (window 19, order 5) to every coordinate.
func Smooth(m motion.Motion) motion.Motion { return m.Clone() }
