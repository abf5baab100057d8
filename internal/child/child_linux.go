package child

import (
	"os/exec"
	"runtime"
	"sync"
	"syscall"
)

// Start starts cmd like cmd.Start, with SIGKILL asked for when podium dies
// (cmd.SysProcAttr is kept, Pdeathsig set). The fork happens on the
// starter thread; Wait, pipes and cancellation work from any goroutine, as
// for any exec.Cmd.
func Start(cmd *exec.Cmd) error {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL
	done := make(chan error, 1)
	starter()(request{cmd, done})
	return <-done
}

type request struct {
	cmd  *exec.Cmd
	done chan<- error
}

// starter returns the function that hands a request to the starter thread.
// There is one for the process, made on first use: the thread is a property
// of the process (it must outlive every child), not of a caller.
var starter = sync.OnceValue(func() func(request) {
	reqs := make(chan request)
	go func() {
		// Never unlocked, and the goroutine never returns: the thread
		// stays ours, and alive, until the process exits. It was taken
		// from Go's pool, never from a drawing thread (those are locked
		// to their own goroutines), so children start at render's own
		// priority, not the drawing threads' nice +10.
		runtime.LockOSThread()
		for r := range reqs {
			r.done <- r.cmd.Start()
		}
	}()
	return func(r request) { reqs <- r }
})
