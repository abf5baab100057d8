//go:build !unix

// Package proctime reads the CPU time the process has used, so that
// benchmarks can report the cost of their work even on a machine shared
// with other work, where wall time per op inflates.
package proctime

import "time"

// CPU is unavailable here: 0, which benchmarks take as "no CPU figure".
func CPU() time.Duration { return 0 }

// WithChildren is unavailable here too.
func WithChildren() time.Duration { return 0 }
