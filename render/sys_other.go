//go:build !linux

package render

import (
	"os"
	"runtime"
)

// growPipe does nothing where pipes cannot be resized.
func growPipe(f *os.File, frameBytes int) {}

// yieldToEncoder keeps the thread, as on Linux, but cannot lower its
// priority here.
func yieldToEncoder() { runtime.LockOSThread() }

// newFrameSink writes frames: the kernel copies them into the pipe.
func newFrameSink(f *os.File, frameBytes, maxHeld int) frameSink { return copySink{f} }
