package compose

import (
	"image"
	"image/color"
	"math"
	"slices"
	"sort"

	"github.com/podium-dev/podium/audio"
	"github.com/podium-dev/podium/skeleton"
)

// stripMusic is what the strip shows, shared by every Frame: the mel at a
// byte per band pair, its colours and the beats.
type stripMusic struct {
	q      []uint8 // [frames][stripBands], highest band first
	frames int
	beats  []float64 // sorted, seconds
	lut    [256][4]uint8
	paper  [4]uint8
	beat   color.NRGBA
	now    color.NRGBA // the playhead
}

func newStripMusic(s *Strip, col skeleton.Colors) *stripMusic {
	m := &stripMusic{frames: s.Mel.Frames, beats: slices.Clone(s.Beats), beat: col.Right, now: col.Left}
	slices.Sort(m.beats)
	per := audio.MelBands / stripBands
	m.q = make([]uint8, m.frames*stripBands)
	for f := range m.frames {
		row := s.Mel.Data[f*audio.MelBands:][:audio.MelBands]
		for b := range stripBands {
			var sum float32
			for _, v := range row[b*per : (b+1)*per] {
				sum += v
			}
			v := math.Max(0, math.Min(1, float64(sum)/float64(per)))
			m.q[f*stripBands+b] = uint8(math.Round(v * 255))
		}
	}
	// From paper (quiet) to ink (loud), spread over the song's own range:
	// a compressed rock mix lies between 0.5 and 0.9, a quiet orchestral
	// one mostly below 0.5, and one fixed scale would show either as a
	// flat grey.
	lo, hi := levels(m.q, 0.10), levels(m.q, 0.995)
	hi = max(hi, lo+16)
	for v := range m.lut {
		a := math.Max(0, math.Min(1, float64(v-lo)/float64(hi-lo)))
		a = 0.9 * math.Pow(a, 1.2)
		m.lut[v] = [4]uint8{mix(col.Paper.R, col.Ink.R, a), mix(col.Paper.G, col.Ink.G, a), mix(col.Paper.B, col.Ink.B, a), 0xff}
	}
	m.paper = [4]uint8{col.Paper.R, col.Paper.G, col.Paper.B, 0xff}
	return m
}

// levels returns the q-quantile of the bytes, from their histogram.
func levels(b []uint8, q float64) int {
	var hist [256]int
	for _, v := range b {
		hist[v]++
	}
	want, n := int(q*float64(len(b))), 0
	for v, c := range hist {
		if n += c; n > want {
			return v
		}
	}
	return 255
}

func mix(a, b uint8, t float64) uint8 {
	return uint8(math.Round(float64(a) + (float64(b)-float64(a))*t))
}

// stripDrawer draws the strip into one Frame.
type stripDrawer struct {
	m    *stripMusic
	img  *image.RGBA // the strip's view of the frame
	cols []int       // per pixel column, the mel frame shown, or -1
}

func newStripDrawer(c *Composer, frame *image.RGBA) *stripDrawer {
	v := view(frame, c.stripBox)
	return &stripDrawer{m: c.strip, img: v, cols: make([]int, v.Rect.Dx())}
}

// draw draws the music around t seconds: stripSeconds of mel across the
// strip, the playhead in the middle, the beats as lines scrolling with it.
func (d *stripDrawer) draw(t float64) {
	m, img := d.m, d.img
	w, h := img.Rect.Dx(), img.Rect.Dy()
	pps := float64(w) / stripSeconds
	for x := range d.cols {
		c := int(math.Floor((t + (float64(x)+0.5-float64(w)/2)/pps) * audio.MelRate))
		if c < 0 || c >= m.frames {
			c = -1
		}
		d.cols[x] = c
	}
	prev := -1
	for y := range h {
		row := img.Pix[y*img.Stride:][:4*w]
		band := y * stripBands / h
		if band == prev {
			copy(row, img.Pix[(y-1)*img.Stride:][:4*w])
			continue
		}
		prev = band
		for x, c := range d.cols {
			px := m.paper
			if c >= 0 {
				px = m.lut[m.q[c*stripBands+band]]
			}
			copy(row[4*x:4*x+4], px[:])
		}
	}
	line := max(2, h/48)
	half := stripSeconds / 2
	for i := sort.SearchFloat64s(m.beats, t-half); i < len(m.beats) && m.beats[i] <= t+half; i++ {
		x := int(math.Round(float64(w)/2 + (m.beats[i]-t)*pps))
		width, alpha := line, uint32(150)
		if math.Abs(m.beats[i]-t) < 0.1 { // the beat now: a stronger mark
			width, alpha = 2*line, 230
		}
		d.vline(x-width/2, width, m.beat, alpha)
	}
	d.vline(w/2-line, 2*line, m.now, 255)
}

// vline blends a full-height band of columns x0..x0+width-1 towards c by
// alpha/255.
func (d *stripDrawer) vline(x0, width int, c color.NRGBA, alpha uint32) {
	img := d.img
	x0, x1 := max(0, x0), min(img.Rect.Dx(), x0+width)
	for y := range img.Rect.Dy() {
		row := img.Pix[y*img.Stride:]
		for x := x0; x < x1; x++ {
			p := row[4*x : 4*x+3]
			p[0] = blend(p[0], c.R, alpha)
			p[1] = blend(p[1], c.G, alpha)
			p[2] = blend(p[2], c.B, alpha)
		}
	}
}

func blend(dst, src uint8, a uint32) uint8 {
	v := uint32(dst)*(255-a) + uint32(src)*a + 127
	return uint8(v / 255)
}
