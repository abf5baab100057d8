//go:build !linux

package render

import "os"

// growPipe does nothing where pipes cannot be resized.
func growPipe(f *os.File, frameBytes int) {}
