// Package tailbuf keeps the end of a child process's error output: ffmpeg can
// be very chatty on a damaged file, and only its last lines explain a failure.
package tailbuf

import "sync"

// Buffer is an io.Writer that keeps the last Max bytes written to it. It is
// safe for the concurrent writes of exec.Cmd's copying goroutines.
type Buffer struct {
	Max int

	mu  sync.Mutex
	buf []byte
}

// Write appends p, dropping what falls beyond the last Max bytes.
func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	// Trim only once twice the limit is reached, so trimming stays amortised.
	if len(b.buf) > 2*b.Max {
		b.buf = append(b.buf[:0], b.buf[len(b.buf)-b.Max:]...)
	}
	return len(p), nil
}

// String returns the kept output, at most Max bytes.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.buf) > b.Max {
		return string(b.buf[len(b.buf)-b.Max:])
	}
	return string(b.buf)
}
