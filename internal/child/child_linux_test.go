package child

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// procStat is the state and nice value of a process, from /proc/PID/stat;
// ok is false once the process is gone.
func procStat(pid int) (state string, nice int, ok bool) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return "", 0, false
	}
	// The command name, in parentheses, may hold spaces: fields count
	// from the last ')'.
	f := strings.Fields(string(data[strings.LastIndexByte(string(data), ')')+1:]))
	nice, _ = strconv.Atoi(f[16])
	return f[0], nice, true
}

// running reports whether pid is a live process (not gone, not a zombie).
func running(pid int) bool {
	state, _, ok := procStat(pid)
	return ok && state != "Z"
}

// onDiscardedThread runs f on a thread of its own that is then discarded
// (the goroutine ends locked to it, as render's drawing goroutines do), and
// returns once the thread has exited.
func onDiscardedThread(t *testing.T, f func()) {
	t.Helper()
	tids := make(chan int)
	var discard func()
	discard = func() {
		runtime.LockOSThread()
		if unix.Gettid() == os.Getpid() {
			// Go never lets the main thread go (it parks it instead): hold
			// it and try from another.
			go discard()
			return
		}
		f()
		tids <- unix.Gettid()
	}
	go discard()
	tid := <-tids
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := os.Stat(fmt.Sprintf("/proc/self/task/%d", tid)); os.IsNotExist(err) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("thread %d did not exit", tid)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestChildOutlivesTheStartingThread: a child started from a thread that is
// then discarded keeps running, because Start forks it from the starter
// thread. The same child forked from the discarded thread itself, with the
// same Pdeathsig, is killed when that thread exits: the kernel behaviour
// Start exists to avoid, checked here so the test can fail.
func TestChildOutlivesTheStartingThread(t *testing.T) {
	ours := exec.Command("sleep", "60")
	onDiscardedThread(t, func() {
		if err := Start(ours); err != nil {
			t.Error(err)
		}
	})
	if ours.Process == nil {
		t.FailNow()
	}
	defer func() { ours.Process.Kill(); ours.Wait() }()

	naive := exec.Command("sleep", "60")
	naive.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	onDiscardedThread(t, func() {
		if err := naive.Start(); err != nil {
			t.Error(err)
		}
	})
	if naive.Process == nil {
		t.FailNow()
	}
	waited := make(chan error, 1)
	go func() { waited <- naive.Wait() }()
	select {
	case err := <-waited:
		if ws, ok := naive.ProcessState.Sys().(syscall.WaitStatus); !ok || ws.Signal() != syscall.SIGKILL {
			t.Fatalf("the child forked from the discarded thread ended with %v, want SIGKILL", err)
		}
	case <-time.After(10 * time.Second):
		naive.Process.Kill()
		t.Fatal("a child forked from a discarded thread with Pdeathsig survived it: the kernel no longer signals on thread exit, and this test shows nothing")
	}
	if !running(ours.Process.Pid) {
		t.Fatal("the child started with Start died with the thread that asked for it")
	}
}

// TestChildDiesWithProcess: a process killed with SIGKILL takes the child
// it started with Start along within 2 s. The process is this test binary
// run again as TestHelperStartsChild.
func TestChildDiesWithProcess(t *testing.T) {
	helper := exec.Command(os.Args[0], "-test.run=^TestHelperStartsChild$")
	helper.Env = append(os.Environ(), "PODIUM_CHILD_HELPER=1")
	out, err := helper.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := helper.Start(); err != nil {
		t.Fatal(err)
	}
	defer helper.Process.Kill()
	line, err := bufio.NewReader(out).ReadString('\n')
	pid, perr := strconv.Atoi(strings.TrimSpace(line))
	if err != nil || perr != nil {
		t.Fatalf("helper said %q (%v)", line, err)
	}
	if !running(pid) {
		t.Fatalf("the helper's child %d is not running", pid)
	}
	helper.Process.Kill()
	helper.Wait()
	deadline := time.Now().Add(2 * time.Second)
	for running(pid) {
		if time.Now().After(deadline) {
			syscall.Kill(pid, syscall.SIGKILL)
			t.Fatalf("the child %d outlived its killed parent by 2 s", pid)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestHelperStartsChild is TestChildDiesWithProcess's other process: it
// starts a long sleep, prints its pid and waits to be killed.
func TestHelperStartsChild(t *testing.T) {
	if os.Getenv("PODIUM_CHILD_HELPER") != "1" {
		t.Skip("helper process for TestChildDiesWithProcess")
	}
	cmd := exec.Command("sleep", "60")
	if err := Start(cmd); err != nil {
		t.Fatal(err)
	}
	fmt.Println(cmd.Process.Pid)
	cmd.Wait()
}

// TestChildStartsAtProcessPriority: a child asked for from a thread running
// at a lower priority (a drawing thread, nice +10) starts at the process's
// own, since the starter thread forks it.
func TestChildStartsAtProcessPriority(t *testing.T) {
	_, base, _ := procStat(os.Getpid())
	var cmd *exec.Cmd
	onDiscardedThread(t, func() {
		if err := unix.Setpriority(unix.PRIO_PROCESS, unix.Gettid(), min(19, base+10)); err != nil {
			t.Error(err)
			return
		}
		cmd = exec.Command("sleep", "60")
		if err := Start(cmd); err != nil {
			t.Error(err)
		}
	})
	if cmd == nil || cmd.Process == nil {
		t.FailNow()
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	if _, nice, ok := procStat(cmd.Process.Pid); !ok || nice != base {
		t.Fatalf("child at nice %d, want the process's %d", nice, base)
	}
}

// TestRunKeepsSysProcAttr: Run waits, reports the exit status, and Start
// keeps what the caller set in SysProcAttr; Output returns what was written.
func TestRunKeepsSysProcAttr(t *testing.T) {
	cmd := exec.Command("sh", "-c", "exit 3")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	err := Run(cmd)
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 3 {
		t.Fatalf("Run: %v, want exit status 3", err)
	}
	if !cmd.SysProcAttr.Setpgid || cmd.SysProcAttr.Pdeathsig != syscall.SIGKILL {
		t.Fatalf("SysProcAttr %+v", cmd.SysProcAttr)
	}
	if err := Run(exec.Command("/no/such/program")); err == nil {
		t.Fatal("a missing program started")
	}
	if out, err := Output(exec.Command("echo", "podium")); err != nil || string(out) != "podium\n" {
		t.Fatalf("Output: %q, %v", out, err)
	}
}
