package render

import (
	"os"

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
