package render

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
)

// board keeps several progressbar lines on a terminal at once (the batch bar
// on top, one bar per song being rendered below it) and prints messages above
// them. progressbar draws one line with carriage returns; each bar writes
// into a slot of the board, which redraws the block with ANSI cursor moves.
type board struct {
	mu    sync.Mutex
	w     io.Writer
	lines []string
	used  []bool
	drawn int // lines on screen; the cursor rests at the start of the last
}

func newBoard(w io.Writer) *board { return &board{w: w} }

// bar returns a progress bar of max steps on a free line of the board, and
// the line's number for release.
func (b *board) bar(max int, desc, unit string) (*progressbar.ProgressBar, int) {
	b.mu.Lock()
	slot := -1
	for i, u := range b.used {
		if !u {
			slot = i
			break
		}
	}
	if slot < 0 {
		slot = len(b.lines)
		b.lines = append(b.lines, "")
		b.used = append(b.used, false)
	}
	b.used[slot] = true
	b.lines[slot] = ""
	b.mu.Unlock()
	// A line that wraps would break the cursor arithmetic: keep names short.
	if r := []rune(desc); len(r) > 32 {
		desc = string(r[:15]) + "…" + string(r[len(r)-16:])
	}
	return progressbar.NewOptions(max,
		progressbar.OptionSetWriter(&slotWriter{b: b, slot: slot}),
		progressbar.OptionSetDescription(desc),
		progressbar.OptionSetWidth(24),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString(unit),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionSetRenderBlankState(true),
	), slot
}

// release frees a bar's line for the next song, leaving its last state shown
// until then.
func (b *board) release(slot int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if slot < len(b.used) {
		b.used[slot] = false
	}
}

// println prints a message above the bars.
func (b *board) println(msg string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.clear()
	fmt.Fprintln(b.w, msg)
	b.redraw()
}

// finish leaves the bars' last state on screen and moves below them.
func (b *board) finish() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.drawn > 0 {
		fmt.Fprintln(b.w)
	}
	b.drawn = 0
	b.lines, b.used = nil, nil
}

// clear moves to the top of the block and erases it (mu held).
func (b *board) clear() {
	if b.drawn == 0 {
		return
	}
	var s strings.Builder
	s.WriteString("\r")
	if b.drawn > 1 {
		fmt.Fprintf(&s, "\x1b[%dA", b.drawn-1)
	}
	s.WriteString("\x1b[J")
	io.WriteString(b.w, s.String())
	b.drawn = 0
}

// redraw draws every line from the cursor down (mu held).
func (b *board) redraw() {
	var s strings.Builder
	if b.drawn > 0 {
		s.WriteString("\r")
		if b.drawn > 1 {
			fmt.Fprintf(&s, "\x1b[%dA", b.drawn-1)
		}
	}
	for i, l := range b.lines {
		if i > 0 {
			s.WriteString("\n")
		}
		s.WriteString("\x1b[2K")
		s.WriteString(l)
	}
	io.WriteString(b.w, s.String())
	b.drawn = len(b.lines)
}

// slotWriter receives one bar's output: the text after its last carriage
// return is the line to show. The blank lines the bar writes to clear itself
// are dropped, since the board redraws whole lines anyway.
type slotWriter struct {
	b    *board
	slot int
}

func (w *slotWriter) Write(p []byte) (int, error) {
	seg := p
	if i := bytes.LastIndexByte(p, '\r'); i >= 0 {
		seg = p[i+1:]
	}
	text := strings.TrimRight(string(seg), " \n")
	if text == "" {
		return len(p), nil
	}
	w.b.mu.Lock()
	defer w.b.mu.Unlock()
	if w.slot < len(w.b.lines) {
		w.b.lines[w.slot] = text
		w.b.redraw()
	}
	return len(p), nil
}
