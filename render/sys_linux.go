// Linux specifics of the encoding pipeline: the frame pipe's size and the
// drawing threads' priority.

package render

import (
	"os"
	"runtime"
	"unsafe"

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

// newFrameSink returns a sink that lends the frames' pages to the pipe
// with vmsplice rather than writing them: the kernel then copies each
// frame once (into ffmpeg) instead of twice, which for a 2160×820 frame of
// three panels is 2.7 MB a frame, about a tenth of render's own CPU.
// A lent buffer stays with the sink until a pipe's worth of pages has gone
// in after it; when frames of frameBytes are so small against the pipe
// that the sink could keep more than maxHeld of them (which would starve
// the drawing goroutines of buffers), or where the pipe's size cannot be
// read, frames are written instead.
func newFrameSink(f *os.File, frameBytes, maxHeld int) frameSink {
	rc, err := f.SyscallConn()
	if err != nil {
		return copySink{f}
	}
	var capacity int
	if cerr := rc.Control(func(fd uintptr) {
		capacity, err = unix.FcntlInt(fd, unix.F_GETPIPE_SZ, 0)
	}); cerr != nil || err != nil || capacity <= 0 || frameBytes <= 0 {
		return copySink{f}
	}
	page := os.Getpagesize()
	slots := capacity / page
	// Each frame takes at least this many slots; the sink keeps the frames
	// lent within the last slots pages and the one just sent.
	framePages := (frameBytes + page - 1) / page
	if held := (slots+framePages-1)/framePages + 1; held > maxHeld {
		return copySink{f}
	}
	return &spliceSink{f: f, rc: rc, slots: slots, page: page}
}

// spliceSink lends frames to the pipe. A lent buffer must not change until
// ffmpeg has read it, and nothing says when it has; but a pipe holds at
// most slots pages and gives them up in order, so once frames covering
// slots pages have gone in after a buffer's last page, that buffer is out
// of the pipe, read. Until then the sink keeps it.
type spliceSink struct {
	f  *os.File
	rc interface {
		Write(func(uintptr) bool) error
	}
	slots    int // the pipe's capacity in pages
	page     int
	inflight []lent // oldest first
	copying  bool   // vmsplice was refused at the start: plain writes
}

// lent is a buffer in the pipe and the pages lent after its last one.
type lent struct {
	buf   []byte
	after int
}

func (s *spliceSink) send(buf []byte) ([][]byte, error) {
	if s.copying {
		return copySink{s.f}.send(buf)
	}
	rest := buf
	var err error
	werr := s.rc.Write(func(fd uintptr) bool {
		for len(rest) > 0 {
			iov := []unix.Iovec{{Base: &rest[0]}}
			iov[0].SetLen(len(rest))
			n, e := unix.Vmsplice(int(fd), iov, 0)
			if e == unix.EAGAIN {
				return false // not ready: the runtime waits and calls again
			}
			if e == unix.EINTR {
				continue
			}
			if e != nil {
				err = e
				return true
			}
			rest = rest[n:]
		}
		return true
	})
	if werr != nil && err == nil {
		err = werr
	}
	if err != nil {
		if len(s.inflight) == 0 && len(rest) == len(buf) && (err == unix.EINVAL || err == unix.ENOSYS || err == unix.EPERM) {
			// Nothing is lent yet and this system lends no pages (a
			// sandbox's system-call filter, say): write from now on.
			s.copying = true
			return copySink{s.f}.send(buf)
		}
		// The stream is over; nothing is drawn into these buffers again.
		return nil, &os.PathError{Op: "vmsplice", Path: s.f.Name(), Err: err}
	}
	pages := s.pages(buf)
	var reusable [][]byte
	keep := s.inflight[:0]
	for _, l := range s.inflight {
		l.after += pages
		if l.after >= s.slots {
			reusable = append(reusable, l.buf)
		} else {
			keep = append(keep, l)
		}
	}
	s.inflight = append(keep, lent{buf: buf})
	return reusable, nil
}

// pages is how many pipe slots buf's lent pages take: one per page it
// touches.
func (s *spliceSink) pages(buf []byte) int {
	start := int(uintptr(unsafe.Pointer(&buf[0])))
	first, last := start/s.page, (start+len(buf)-1)/s.page
	return last - first + 1
}
