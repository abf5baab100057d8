// Package skeleton knows the 13 keypoints' bones, smooths motion the way the
// reference does (Savitzky–Golay, window 19, order 5) and draws one conductor
// frame with github.com/fogleman/gg.
//
// Smoothing is a whole-sequence operation and drawing is per frame, so they
// are separate: callers run Smooth once on the motion (at the model's 30 fps,
// before any resampling, as the reference does) and then Draw each frame of
// the result. Smoothing is the default in the render pipeline; a caller that
// wants raw motion simply skips it.
package skeleton

import (
	"fmt"
	"image/color"
	"strings"

	"github.com/podium-dev/podium/motion"
)

// Theme is a colour scheme for the drawn frames.
type Theme string

// The themes. The empty Theme means Light.
const (
	Light Theme = "light"
	Dark  Theme = "dark"
)

// Themes lists the known themes, for help texts.
func Themes() []Theme { return []Theme{Light, Dark} }

// ParseTheme turns a user-supplied name (case-insensitive, surrounding spaces
// ignored) into a Theme, so that a typo on the command line fails before any
// frame is drawn.
func ParseTheme(s string) (Theme, error) {
	switch Theme(strings.ToLower(strings.TrimSpace(s))) {
	case Light:
		return Light, nil
	case Dark:
		return Dark, nil
	}
	return "", fmt.Errorf("skeleton: unknown theme %q (want %q or %q)", s, Light, Dark)
}

// Style sets how frames look. The zero value of every field but Width and
// Height means the default.
type Style struct {
	// Width and Height are the frame size in pixels; zero or negative means
	// 720.
	Width, Height int
	// Camera maps motion coordinates to pixels, and its scale is the unit
	// of line widths and radii. The zero Camera is UnitCamera (the unit
	// square fills the centred min(Width, Height) square); FitCamera frames
	// the figure of a whole song.
	Camera Camera
	// Theme is the colour scheme; empty or unknown means Light (check user
	// input with ParseTheme first).
	Theme Theme
	// TraceSeconds is how far back the fading wrist traces reach; zero means
	// one second, negative turns the traces off.
	TraceSeconds float64
	// Baton adds a short baton to the right (conducting) hand, continuing
	// the forearm. Off by default: the models do not track a baton, and
	// where the forearm points up the guess crosses the head.
	Baton bool
}

// DefaultSize is the frame side used when Style leaves Width or Height unset.
const DefaultSize = 720

// Bone joins two keypoints, by their motion indices.
type Bone struct{ A, B int }

// bones are the reference's pairs (SPEC §4), in its order. Never written.
var bones = [...]Bone{
	{motion.Nose, motion.LeftEye}, {motion.Nose, motion.RightEye},
	{motion.LeftEye, motion.LeftEar}, {motion.RightEye, motion.RightEar},
	{motion.LeftShoulder, motion.RightShoulder},
	{motion.LeftShoulder, motion.LeftElbow}, {motion.LeftElbow, motion.LeftWrist},
	{motion.RightShoulder, motion.RightElbow}, {motion.RightElbow, motion.RightWrist},
	{motion.LeftHip, motion.RightHip},
	{motion.LeftShoulder, motion.LeftHip}, {motion.RightShoulder, motion.RightHip},
}

// Bones returns the 12 bones of the reference drawing (SPEC §4), as a fresh
// slice the caller may keep or change.
func Bones() []Bone { return append([]Bone(nil), bones[:]...) }

// Keypoints returns the 13 keypoint names in index order (COCO 0–12), for
// labels and JSON; Keypoints()[j] == motion.Name(j).
func Keypoints() []string {
	names := make([]string, motion.Joints)
	for j := range names {
		names[j] = motion.Name(j)
	}
	return names
}

// palette holds a theme's colours. Colours are straight (not premultiplied).
type palette struct {
	bgCentre, bgEdge color.NRGBA // radial background, centre to corners
	limb             color.NRGBA // arms, shoulders, neck, head
	torso            color.NRGBA // torso panel, a quiet tone between background and limbs
	torsoLine        color.NRGBA // torso sides and hips (translucent)
	jointDot         color.NRGBA // the small pin in each joint disc
	right, left      color.NRGBA // wrist accents: conducting hand, other hand
	baton            color.NRGBA
}

// Colors are a theme's colours for what is drawn around the figure
// (labels, captions, the music strip), so it matches the figure.
type Colors struct {
	Paper       color.NRGBA // the background at the centre of a panel
	PaperEdge   color.NRGBA // the background at its edges
	Ink         color.NRGBA // the figure's limbs: text
	Quiet       color.NRGBA // a tone between paper and ink (the torso's)
	Right, Left color.NRGBA // the conducting hand's and the other hand's accents
}

// ThemeColors returns the theme's colours; unknown themes get Light's.
func ThemeColors(t Theme) Colors {
	p := paletteFor(t)
	return Colors{Paper: p.bgCentre, PaperEdge: p.bgEdge, Ink: p.limb, Quiet: p.torso, Right: p.right, Left: p.left}
}

// paletteFor returns the theme's colours; unknown themes get Light's.
func paletteFor(t Theme) palette {
	if t == Dark {
		return palette{
			bgCentre:  color.NRGBA{0x1b, 0x1f, 0x27, 0xff},
			bgEdge:    color.NRGBA{0x0b, 0x0d, 0x11, 0xff},
			limb:      color.NRGBA{0xe4, 0xe8, 0xee, 0xff},
			torso:     color.NRGBA{0x2c, 0x31, 0x3b, 0xff},
			torsoLine: color.NRGBA{0xe4, 0xe8, 0xee, 0x70},
			jointDot:  color.NRGBA{0x1b, 0x1f, 0x27, 0xff},
			right:     color.NRGBA{0xff, 0xb0, 0x3b, 0xff},
			left:      color.NRGBA{0x4f, 0xc3, 0xf7, 0xff},
			baton:     color.NRGBA{0xf5, 0xf0, 0xe6, 0xff},
		}
	}
	return palette{
		bgCentre:  color.NRGBA{0xfb, 0xfa, 0xf7, 0xff},
		bgEdge:    color.NRGBA{0xe8, 0xe6, 0xe1, 0xff},
		limb:      color.NRGBA{0x2b, 0x34, 0x42, 0xff},
		torso:     color.NRGBA{0xdf, 0xe1, 0xe3, 0xff},
		torsoLine: color.NRGBA{0x2b, 0x34, 0x42, 0x66},
		jointDot:  color.NRGBA{0xfb, 0xfa, 0xf7, 0xff},
		right:     color.NRGBA{0xe0, 0x52, 0x2b, 0xff},
		left:      color.NRGBA{0x1f, 0x7a, 0xb8, 0xff},
		baton:     color.NRGBA{0x5a, 0x4a, 0x3a, 0xff},
	}
}
