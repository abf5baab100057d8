// Linux specifics of the encoding pipeline: the frame pipe's size and the
// drawing threads' priority.

package render

import (
	"os"
	"runtime"

	"golang.org/x/sys/unix"
)

// maxPipeBytes is the largest frame pipe asked for: Linux's default limit
// for unprivileged processes (/proc/sys/fs/pipe-max-size).
const maxPipeBytes = 1 << 20

// growPipe enlarges the pipe behind f to hold a whole frame of frameBytes
// (up to maxPipeBytes). A default 64 KiB pipe takes a 720×720 frame in a
// dozen writes, each a wake-up of ffmpeg's reader and of ours; one write a
// frame leaves that CPU to the encoder. Where the system refuses, the
// default size still works, only slower.
func growPipe(f *os.File, frameBytes int) {
	rc, err := f.SyscallConn()
	if err != nil {
		return
	}
	rc.Control(func(fd uintptr) {
		unix.FcntlInt(fd, unix.F_SETPIPE_SZ, min(frameBytes, maxPipeBytes))
	})
}

// drawingNiceness is how much lower than the rest of render the drawing
// threads run.
const drawingNiceness = 10

// yieldToEncoder lowers the scheduling priority of the calling goroutine's
// thread, which it keeps to itself from now on, so that ffmpeg's threads
// get the cores first whenever both want them. Why: ffmpeg's main thread
// reads the frames, encodes the soundtrack and feeds x264, and the whole
// pipeline runs at its pace; drawing runs ahead into its buffers, so it
// loses nothing by taking the time ffmpeg leaves. The goroutine must end
// without unlocking: Go then discards the thread, and with it the
// priority, instead of reusing it for other work. (Children are forked
// from internal/child's own thread, so a thread discarded takes none of
// them along, and none inherits this priority.)
func yieldToEncoder() {
	runtime.LockOSThread()
	tid := unix.Gettid()
	prio, err := unix.Getpriority(unix.PRIO_PROCESS, tid)
	if err != nil {
		return
	}
	// The raw system call returns 20 − nice.
	nice := 20 - prio
	unix.Setpriority(unix.PRIO_PROCESS, tid, min(19, nice+drawingNiceness))
}
