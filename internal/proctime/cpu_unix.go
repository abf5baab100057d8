//go:build unix

// Package proctime reads the CPU time the process has used, so that
// benchmarks can report the cost of their work even on a machine shared
// with other work, where wall time per op inflates.
package proctime

import (
	"syscall"
	"time"
)

// CPU is the user and system time the process has used so far, or 0 where
// it cannot be read.
func CPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// WithChildren is CPU plus the time of the children the process has
// waited for (ffmpeg, when a benchmark decodes through it).
func WithChildren() time.Duration {
	total := CPU()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_CHILDREN, &ru); err == nil {
		total += time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	return total
}
