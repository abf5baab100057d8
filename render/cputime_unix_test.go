//go:build unix

package render

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time the process has used, so benchmarks can report
// the cost of a frame even on a machine shared with other work, where wall
// time per op inflates.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
