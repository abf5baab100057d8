package render

import (
	"context"
	"errors"
	"fmt"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	ffmpeg "github.com/u2takey/ffmpeg-go"

	"github.com/podium-dev/podium/compose"
	"github.com/podium-dev/podium/internal/child"
	"github.com/podium-dev/podium/internal/tailbuf"
)

// encoder is one ffmpeg run: raw yuv420p frames on its standard input, the
// soundtrack from the source file, one mp4 out.
type encoder struct {
	FFmpeg        string
	Width, Height int
	FPS           int
	Preset        string
	CRF           int
	Audio         string // the file whose first audio stream is the soundtrack; "" for a silent video
	Out           string // the file to write (a temporary name; the format is given, not guessed from it)
}

// args builds ffmpeg's command line with ffmpeg-go. The soundtrack is the
// whole first audio stream: the frame count already follows the audio length
// (video ≤ audio by less than one frame plus a mel hop), and -shortest is
// avoided because ffmpeg may then stop reading the frame pipe early (SPEC §6).
// The "file:" prefix keeps names with a colon from reading as protocols.
func (e encoder) args() []string {
	video := ffmpeg.Input("pipe:0", ffmpeg.KwArgs{
		"f":          "rawvideo",
		"pix_fmt":    "yuv420p",
		"video_size": fmt.Sprintf("%dx%d", e.Width, e.Height),
		"framerate":  strconv.Itoa(e.FPS),
	})
	streams := []*ffmpeg.Stream{video.Get("v:0")}
	out := ffmpeg.KwArgs{
		"format":  "mp4",
		"c:v":     "libx264",
		"preset":  e.Preset,
		"crf":     strconv.Itoa(e.CRF),
		"pix_fmt": "yuv420p",
		// The frames were converted with BT.601 limited-range coefficients
		// (rgbaToYUV420): say so, so that players do not guess.
		"color_range":     "tv",
		"colorspace":      "smpte170m",
		"color_primaries": "smpte170m",
		"color_trc":       "smpte170m",
		"movflags":        "+faststart",
	}
	if e.Audio != "" {
		src := ffmpeg.Input(fileURL(e.Audio))
		streams = append(streams, src.Get("a:0"))
		out["c:a"] = "aac"
		out["b:a"] = "192k"
	}
	return ffmpeg.Output(streams, fileURL(e.Out), out).
		GlobalArgs("-hide_banner", "-nostdin", "-loglevel", "error", "-y").
		GetArgs()
}

// ffmpegArgs turns keyword arguments into command-line ones the way ffmpeg-go
// does for its own commands (sorted; an empty value gives a bare flag).
func ffmpegArgs(kw map[string]any) []string {
	return ffmpeg.ConvertKwargsToCmdLineArgs(ffmpeg.KwArgs(kw))
}

// fileURL makes p an absolute "file:" URL for ffmpeg.
func fileURL(p string) string {
	if abs, err := filepath.Abs(p); err == nil {
		p = abs
	}
	return "file:" + p
}

// frameDrawer fills dst (yuvSize bytes) with frame f in yuv420p. Each drawing
// goroutine has its own.
type frameDrawer interface {
	drawFrame(f int, dst []byte)
}

// composedDrawer draws a composed frame (compose.Frame: the panels, bars
// and strip) and converts to yuv420p, in the same goroutine, only what
// changed in each of the frame's regions.
type composedDrawer struct {
	fr      *compose.Frame
	regions []image.Rectangle
	conv    *yuvConverter // shared, read-only
	// bufs is, for each of this goroutine's buffers (by its first byte),
	// what it holds of each region.
	bufs map[*byte][]heldRegion
}

// heldRegion is what a buffer holds of one region: the background's
// conversion outside held (see yuvConverter.convertIn), and the conversion
// of the region's content at version (compose.Frame.Versions).
type heldRegion struct {
	held    image.Rectangle
	version uint64
	known   bool
}

// drawFrame converts only the rectangles the frame drew in, and only in
// regions whose content changed since the buffer's earlier frame; the rest
// of each region is the background's conversion, rewritten only where the
// buffer's earlier frame had drawn. A buffer's first frame starts from the
// whole background's conversion, which holds the frame's still parts
// (labels, the song's name) for good.
func (d composedDrawer) drawFrame(f int, dst []byte) {
	img, dirty := d.fr.Draw(f)
	versions := d.fr.Versions()
	hs, ok := d.bufs[&dst[0]]
	if !ok {
		copy(dst, d.conv.bgYUV)
		hs = make([]heldRegion, len(d.regions))
		d.bufs[&dst[0]] = hs
	}
	for i, r := range d.regions {
		h := &hs[i]
		if h.known && h.version == versions[i] {
			continue // the buffer already holds this content
		}
		rows, at := d.fr.DirtyRows(i)
		h.held = d.conv.convertRows(img, dst, dirty[i], rows, at, h.held, r)
		h.version, h.known = versions[i], true
	}
}

// newComposedDrawers returns a maker of drawers for the composer's video,
// one per goroutine, sharing the conversion of its background.
func newComposedDrawers(c *compose.Composer) func() frameDrawer {
	conv := newYUVConverter(c.Background())
	return func() frameDrawer {
		return composedDrawer{fr: c.NewFrame(), regions: c.Regions(), conv: conv, bufs: map[*byte][]heldRegion{}}
	}
}

// buffersPerWorker bounds the frames in flight: each drawing goroutine owns
// this many frame buffers, reused for the whole song.
const buffersPerWorker = 4

// run streams exactly frames frames into ffmpeg and waits for it. Frame f is
// drawn by goroutine f mod workers into one of that goroutine's buffers, and
// the writer takes the goroutines' outputs round-robin, so frames reach
// ffmpeg in order with no reordering map and a fixed number of buffers.
// newDrawer is called once in each drawing goroutine, concurrently; written
// is called after each frame reaches ffmpeg (for the progress bar).
// When ctx ends, ffmpeg is killed and ctx's error returned.
func (e encoder) run(ctx context.Context, frames, workers int, newDrawer func() frameDrawer, written func()) error {
	if frames <= 0 {
		return errors.New("no video frames to encode")
	}
	workers = max(1, min(workers, frames))
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()

	stderr := &tailbuf.Buffer{Max: 8 << 10}
	cmd := exec.CommandContext(runCtx, e.FFmpeg, e.args()...)
	cmd.Stderr = stderr
	// Its own process group: a Ctrl-C at the terminal reaches render alone,
	// which then stops this ffmpeg and removes its file, rather than ffmpeg
	// finishing a partial video on its own. child.Start adds that a render
	// killed outright takes ffmpeg with it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.WaitDelay = 10 * time.Second // do not hang on a stuck pipe once ffmpeg is killed
	// The frame pipe is made here, not with StdinPipe, to enlarge it.
	pipeOut, stdin, err := os.Pipe()
	if err != nil {
		return fmt.Errorf("ffmpeg: %w", err)
	}
	growPipe(stdin, yuvSize(e.Width, e.Height))
	cmd.Stdin = pipeOut
	err = child.Start(cmd)
	pipeOut.Close() // ffmpeg has its own copy
	if err != nil {
		stdin.Close()
		return fmt.Errorf("start ffmpeg (%s): %w", e.FFmpeg, err)
	}

	size := yuvSize(e.Width, e.Height)
	ready := make([]chan []byte, workers) // drawn frames, in the goroutine's frame order
	free := make([]chan []byte, workers)  // the goroutine's buffers, back from the writer
	for w := range workers {
		ready[w] = make(chan []byte, buffersPerWorker)
		free[w] = make(chan []byte, buffersPerWorker)
		for range buffersPerWorker {
			free[w] <- make([]byte, size)
		}
	}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			yieldToEncoder()
			d := newDrawer()
			for f := w; f < frames; f += workers {
				var buf []byte
				select {
				case buf = <-free[w]:
				case <-runCtx.Done():
					return
				}
				d.drawFrame(f, buf)
				select {
				case ready[w] <- buf:
				case <-runCtx.Done():
					return
				}
			}
		}()
	}

	// Which goroutine's buffer each one is, to hand it back when the sink
	// lets it go (which may be a frame or two later).
	owner := make(map[*byte]int, workers*buffersPerWorker)
	// The sink may keep up to buffersPerWorker−1 buffers: one of each
	// goroutine's is then always free to draw into, whoever's it keeps.
	sink := newFrameSink(stdin, yuvSize(e.Width, e.Height), buffersPerWorker-1)
	var writeErr error
	for f := 0; f < frames && writeErr == nil; f++ {
		w := f % workers
		select {
		case buf := <-ready[w]:
			owner[&buf[0]] = w
			reusable, err := sink.send(buf)
			if err != nil {
				writeErr = err
			}
			for _, b := range reusable {
				free[owner[&b[0]]] <- b
			}
			if written != nil {
				written()
			}
		case <-runCtx.Done():
			writeErr = runCtx.Err()
		}
	}
	// End of stream: ffmpeg finishes the file. After a failed write ffmpeg is
	// already on its way out; waiting for it, rather than killing it, keeps
	// its own exit status and message for the report.
	stdin.Close()
	waitErr := cmd.Wait()
	cancel() // release the drawing goroutines
	wg.Wait()

	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("interrupted: %w", context.Cause(ctx))
	case waitErr != nil:
		return fmt.Errorf("ffmpeg failed (%v): %s", describeExit(waitErr), summary(stderr))
	case writeErr != nil:
		return fmt.Errorf("write frames to ffmpeg: %w", writeErr)
	}
	return nil
}

// describeExit words an ffmpeg exit: a status, or the signal that killed it.
func describeExit(err error) string {
	var ee *exec.ExitError
	if errors.As(err, &ee) && !ee.Exited() {
		return "killed: " + ee.String()
	}
	return err.Error()
}

// summary returns the last few lines of t on one line ("no error output" if none).
func summary(t *tailbuf.Buffer) string {
	var lines []string
	for _, l := range strings.Split(t.String(), "\n") {
		if s := strings.TrimSpace(l); s != "" {
			lines = append(lines, s)
		}
	}
	if len(lines) == 0 {
		return "no error output"
	}
	if len(lines) > 3 {
		lines = lines[len(lines)-3:]
	}
	return strings.Join(lines, "; ")
}
