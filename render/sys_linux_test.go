package render

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestGrowPipe: the frame pipe holds a whole 720×720 frame, and a frame
// larger than the limit gets the limit rather than an error.
func TestGrowPipe(t *testing.T) {
	for _, frame := range []int{yuvSize(720, 720), yuvSize(1920, 1080)} {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		growPipe(w, frame)
		size, err := unix.FcntlInt(w.Fd(), unix.F_GETPIPE_SZ, 0)
		r.Close()
		w.Close()
		if err != nil {
			t.Fatal(err)
		}
		if want := min(frame, maxPipeBytes); size < want {
			t.Fatalf("frame of %d bytes: pipe of %d bytes, want at least %d", frame, size, want)
		}
	}
}

// niceOfThisThread is the calling thread's nice value.
func niceOfThisThread(t *testing.T) int {
	prio, err := unix.Getpriority(unix.PRIO_PROCESS, unix.Gettid())
	if err != nil {
		t.Fatal(err)
	}
	return 20 - prio
}

// niceDrawer records the nice value of the thread drawing each frame (−100
// where it cannot be read).
type niceDrawer struct {
	seen  chan<- int
	frame []byte
}

func (d niceDrawer) drawFrame(f int, dst []byte) {
	nice := -100
	if prio, err := unix.Getpriority(unix.PRIO_PROCESS, unix.Gettid()); err == nil {
		nice = 20 - prio
	}
	d.seen <- nice
	copy(dst, d.frame)
}

// TestDrawingYieldsToEncoder: the drawing goroutines run on threads of
// their own at a lower priority than render's other threads (which stay as
// they were), so that ffmpeg gets the cores first.
func TestDrawingYieldsToEncoder(t *testing.T) {
	needFFmpeg(t)
	runtime.LockOSThread() // this goroutine's thread is one of render's others
	defer runtime.UnlockOSThread()
	before := niceOfThisThread(t)
	want := min(19, before+drawingNiceness)
	const frames = 12
	seen := make(chan int, frames)
	enc := encoder{FFmpeg: "ffmpeg", Width: 32, Height: 32, FPS: 30, Preset: "ultrafast", CRF: 30,
		Out: filepath.Join(t.TempDir(), "nice.mp4")}
	frame := make([]byte, yuvSize(32, 32))
	if err := enc.run(context.Background(), frames, 3, func() frameDrawer { return niceDrawer{seen, frame} }, nil); err != nil {
		t.Fatal(err)
	}
	close(seen)
	n := 0
	for nice := range seen {
		if nice != want {
			t.Fatalf("a frame was drawn at nice %d, want %d (render runs at %d)", nice, want, before)
		}
		n++
	}
	if n != frames {
		t.Fatalf("%d frames drawn, want %d", n, frames)
	}
	if after := niceOfThisThread(t); after != before {
		t.Fatalf("render's own thread went from nice %d to %d", before, after)
	}
}

// TestSpliceSinkNeverHandsBackAFrameStillInThePipe lends frames to a pipe
// read by a slow reader and scribbles over every buffer the moment the
// sink hands it back: if a buffer came back while the pipe still held any
// of its pages, the reader would see the scribble. Frame sizes below,
// near and above the pipe's size, and an odd offset (frames that do not
// start on a page) are each tried.
func TestSpliceSinkNeverHandsBackAFrameStillInThePipe(t *testing.T) {
	for _, size := range []int{100_000, 777_600, 1 << 20, 2_656_800} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			r, w, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			growPipe(w, size)
			const frames, buffers = 40, 4
			sink := newFrameSink(w, size, buffers-1)
			if _, ok := sink.(*spliceSink); !ok {
				t.Fatalf("sink is %T, want a spliceSink on Linux", sink)
			}
			var pool [][]byte
			for range buffers {
				pool = append(pool, make([]byte, size+3)[3:]) // not page-aligned
			}
			fill := func(b []byte, f int) {
				for i := range b {
					b[i] = byte(f*7 + i/4096)
				}
			}
			got := make(chan error, 1)
			go func() {
				var err error
				defer func() {
					r.Close() // a sender still blocked on a full pipe gets EPIPE
					got <- err
				}()
				buf := make([]byte, size)
				for f := 0; f < frames; f++ {
					// Slowly, in pieces, so the pipe stays full.
					for off := 0; off < size; {
						time.Sleep(50 * time.Microsecond)
						n, rerr := r.Read(buf[off:min(size, off+64<<10)])
						if rerr != nil {
							err = fmt.Errorf("frame %d: %v", f, rerr)
							return
						}
						off += n
					}
					for i, v := range buf {
						if want := byte(f*7 + i/4096); v != want {
							err = fmt.Errorf("frame %d byte %d: %d, want %d: a buffer was reused while in the pipe", f, i, v, want)
							return
						}
					}
				}
			}()
			free := pool
			for f := 0; f < frames; f++ {
				if len(free) == 0 {
					t.Fatalf("frame %d: no buffer handed back with %d lent", f, buffers)
				}
				b := free[0]
				free = free[1:]
				fill(b, f)
				back, err := sink.send(b)
				if err != nil {
					if rerr := <-got; rerr != nil {
						t.Fatal(rerr)
					}
					t.Fatal(err)
				}
				for _, x := range back {
					for i := range x {
						x[i] = 0xEE // drawing the next frame into it, at once
					}
				}
				free = append(free, back...)
			}
			w.Close()
			if err := <-got; err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestSpliceSinkWritesFramesTooSmallForThePipe: frames so small that a
// pipe holds more of them than the drawing goroutines can spare are
// written, not lent (lent, they would starve the goroutines of buffers).
func TestSpliceSinkWritesFramesTooSmallForThePipe(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	if sink := newFrameSink(w, 4096, buffersPerWorker-1); sink != (copySink{w}) {
		t.Fatalf("4 KiB frames into a %T: want a copySink", sink)
	}
}
