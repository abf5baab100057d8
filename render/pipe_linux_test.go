package render

import (
	"os"
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
