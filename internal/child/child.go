// Package child starts the programs podium runs (ffmpeg, ffprobe) so that
// they do not outlive it: a render killed outright (kill -9, the OOM killer,
// a scheduler's hard stop) must not leave an ffmpeg encoding on, using the
// cores its rerun needs.
//
// On Linux each child asks the kernel, before it runs, for SIGKILL when its
// parent dies (prctl PR_SET_PDEATHSIG). The kernel means the parent
// *thread*: the signal comes when the thread that forked the child exits,
// even if the process lives on. Go discards threads (a goroutine that ends
// locked to its thread takes the thread with it; render's drawing threads
// end so on purpose, at a lowered priority), so a child forked from
// whatever thread a goroutine happens to run on could be killed in the
// middle of a song. Start therefore forks every child from one thread kept
// for the purpose, which lives as long as the process. Elsewhere the
// children are started as exec.Cmd.Start does and may outlive a killed
// podium (see README).
package child

import (
	"bytes"
	"errors"
	"os/exec"
)

// Run starts cmd with Start and waits for it, as exec.Cmd.Run does.
func Run(cmd *exec.Cmd) error {
	if err := Start(cmd); err != nil {
		return err
	}
	return cmd.Wait()
}

// Output runs cmd with Start and returns its standard output, as
// exec.Cmd.Output does (standard error goes where cmd.Stderr says).
func Output(cmd *exec.Cmd) ([]byte, error) {
	if cmd.Stdout != nil {
		return nil, errors.New("exec: Stdout already set")
	}
	var out bytes.Buffer
	cmd.Stdout = &out
	err := Run(cmd)
	return out.Bytes(), err
}
