package compose

import (
	"fmt"
	"image"
	"image/draw"
	"testing"

	"github.com/podium-dev/podium/skeleton"
)

// TestGlyphSpritesMatchGG: time codes drawn from glyph sprites are the
// pixels gg's own text drawing (drawText) gives, up to rounding, at the
// sizes and themes frames use, for strings of every length the time code
// takes (the right-anchored text moves as it grows), in a box that clips
// the text.
func TestGlyphSpritesMatchGG(t *testing.T) {
	fs, err := loadFonts()
	if err != nil {
		t.Fatal(err)
	}
	texts := []string{"0:00.0 / 3:00.0", "0:07.3 / 3:00.0", "2:59.9 / 3:00.0", "12:34.5 / 59:59.9", "1:02:03.4 / 2:00:00.0", "Ständchen, Op. 17"}
	for _, th := range skeleton.Themes() {
		col := skeleton.ThemeColors(th)
		for _, size := range []float64{8.3, 13.1, 26.2, 40} {
			face := fs.face(fs.mono, size)
			g := newGlyphSprites(face, col.Ink)
			h := int(2 * size)
			for _, box := range []image.Rectangle{image.Rect(10, 4, 40*int(size), 4+h), image.Rect(30, 4, 8*int(size), 4+h)} {
				for _, ax := range []float64{1, 0.5, 0} {
					for _, s := range texts {
						name := fmt.Sprintf("%s/%g/%v/%g/%q", th, size, box, ax, s)
						want := image.NewRGBA(image.Rect(0, 0, box.Max.X+10, box.Max.Y+4))
						draw.Draw(want, want.Rect, image.NewUniform(col.PaperEdge), image.Point{}, draw.Src)
						got := image.NewRGBA(want.Rect)
						copy(got.Pix, want.Pix)
						x := float64(box.Min.X) + 5 + ax*float64(box.Dx()-12)
						drawText(want, box, face, s, x, ax, col.Ink)
						g.draw(got, box, s, x, ax)
						worst := 0
						for i := range want.Pix {
							d := abs(int(want.Pix[i]) - int(got.Pix[i]))
							worst = max(worst, d)
						}
						if worst > 2 {
							t.Errorf("%s: a pixel differs from gg's by %d/255", name, worst)
						}
						ink := 0
						bg := want.Pix[:4]
						for i := 0; i < len(want.Pix); i += 4 {
							if want.Pix[i] != bg[0] || want.Pix[i+1] != bg[1] || want.Pix[i+2] != bg[2] {
								ink++
							}
						}
						if ink < int(size) {
							t.Fatalf("%s: gg drew %d pixels of text: the comparison would prove nothing", name, ink)
						}
					}
				}
			}
		}
	}
}
