package conductor

import (
	"syscall"
	"time"
)

// threadCPU is the CPU time the calling OS thread has used. Benchmarks lock
// their goroutine to a thread and use it to report the cost on one core even
// on a busy machine, where wall time counts the waits for a core too.
func threadCPU() (time.Duration, bool) {
	const rusageThread = 1 // RUSAGE_THREAD
	var ru syscall.Rusage
	if err := syscall.Getrusage(rusageThread, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
