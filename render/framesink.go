package render

import "os"

// frameSink hands whole frames to ffmpeg's pipe. send returns the buffers
// that may be drawn into again: with a plain write that is the frame just
// sent; where the frame's pages are lent to the pipe instead of copied
// (Linux, see newFrameSink), a buffer comes back only once ffmpeg has
// surely read it.
type frameSink interface {
	send(buf []byte) (reusable [][]byte, err error)
}

// copySink writes each frame, which the kernel copies into the pipe.
type copySink struct{ f *os.File }

func (s copySink) send(buf []byte) ([][]byte, error) {
	_, err := s.f.Write(buf)
	return [][]byte{buf}, err
}
