//go:build unix

package proctime

import (
	"os/exec"
	"testing"
	"time"
)

// TestCPUCountsWork: a busy loop of a few tens of milliseconds shows in
// the process's CPU time.
func TestCPUCountsWork(t *testing.T) {
	before := CPU()
	x := 0.0
	for start := time.Now(); time.Since(start) < 50*time.Millisecond; {
		for i := range 1000 {
			x += float64(i)
		}
	}
	if used := CPU() - before; used < 20*time.Millisecond {
		t.Errorf("50 ms of busy loop (%g) counted %v of CPU", x, used)
	}
}

// TestWithChildrenCountsThem: a child's CPU, once waited for, is in
// WithChildren and not in CPU.
func TestWithChildrenCountsThem(t *testing.T) {
	self, all := CPU(), WithChildren()
	cmd := exec.Command("sh", "-c", "i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	child := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	if child < 10*time.Millisecond {
		t.Fatalf("the child used only %v", child)
	}
	if got := WithChildren() - all; got < child-5*time.Millisecond {
		t.Errorf("WithChildren grew %v over a child of %v", got, child)
	}
	if got := CPU() - self; got >= child {
		t.Errorf("CPU grew %v, as much as the child's %v", got, child)
	}
}
