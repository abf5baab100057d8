//go:build !unix

package render

import "time"

// cpuTime is unavailable here; 0 makes the benchmark skip the CPU metric.
func cpuTime() time.Duration { return 0 }
