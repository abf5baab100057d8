//go:build !linux

package child

import "os/exec"

// Start starts cmd as cmd.Start does: on this system podium asks for no
// signal when it dies, so a child outlives a podium killed outright until
// its pipes to podium close (see README).
func Start(cmd *exec.Cmd) error { return cmd.Start() }
