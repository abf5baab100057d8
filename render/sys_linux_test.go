package render

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"

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
