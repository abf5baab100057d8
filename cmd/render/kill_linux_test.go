package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/podium-dev/podium/render"
)

// proc is a process as /proc shows it; start (in clock ticks after boot)
// tells it apart from a later process given the same pid.
type proc struct {
	pid, ppid int
	start     string
	comm      string
}

// readProc reads /proc/PID/stat; ok is false for a process that is gone or
// a zombie (dead, waiting to be reaped).
func readProc(pid int) (p proc, ok bool) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return p, false
	}
	s := string(data)
	open, end := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if open < 0 || end < open {
		return p, false
	}
	f := strings.Fields(s[end+1:])
	if len(f) < 20 {
		return p, false
	}
	p.pid, p.comm, p.start = pid, s[open+1:end], f[19]
	p.ppid, _ = strconv.Atoi(f[1])
	return p, f[0] != "Z"
}

// processes lists the live processes.
func processes() []proc {
	entries, _ := os.ReadDir("/proc")
	var ps []proc
	for _, e := range entries {
		if pid, err := strconv.Atoi(e.Name()); err == nil {
			if p, ok := readProc(pid); ok {
				ps = append(ps, p)
			}
		}
	}
	return ps
}

// running reports whether p is still the same live process.
func (p proc) running() bool {
	q, ok := readProc(p.pid)
	return ok && q.start == p.start
}

// cmdline is a process's command line, arguments joined by spaces.
func cmdline(pid int) string {
	data, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	return string(bytes.ReplaceAll(data, []byte{0}, []byte{' '}))
}

// childrenOf lists the live children of pid.
func childrenOf(pid int) []proc {
	var kids []proc
	for _, p := range processes() {
		if p.ppid == pid {
			kids = append(kids, p)
		}
	}
	return kids
}

// mentioning lists the live processes (other than this test) whose command
// line contains one of the paths: the ffmpeg and ffprobe of a run name its
// input or its output folder.
func mentioning(paths ...string) []proc {
	var found []proc
	for _, p := range processes() {
		if p.pid == os.Getpid() {
			continue
		}
		line := cmdline(p.pid)
		for _, s := range paths {
			if strings.Contains(line, s) {
				found = append(found, p)
				break
			}
		}
	}
	return found
}

// tempsOf lists the temporary mp4s under dir made by the run with that pid
// (any run for pid 0).
func tempsOf(dir string, pid int) []string {
	var found []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		n := d.Name()
		if !d.IsDir() && strings.HasPrefix(n, ".") && strings.Contains(n, ".mp4.tmp-") &&
			(pid == 0 || strings.Contains(n, fmt.Sprintf(".tmp-%d-", pid))) {
			found = append(found, p)
		}
		return nil
	})
	return found
}

// encoding reports whether the run with that pid has a temporary mp4 with
// data in it under dir: its ffmpeg is encoding.
func encoding(dir string, pid int) bool {
	for _, p := range tempsOf(dir, pid) {
		if st, err := os.Stat(p); err == nil && st.Size() > 0 {
			return true
		}
	}
	return false
}

// TestKillMidSong: render killed with SIGKILL in the middle of encoding a
// song takes its ffmpeg along within 2 s, and a later run on another song
// in the same output folder clears what the killed run left (its
// temporary file in a sub-folder, its journal, its stale lock).
func TestKillMidSong(t *testing.T) {
	needFFmpeg(t)
	dir := t.TempDir()
	in := filepath.Join(dir, "in")
	long := filepath.Join(in, "sub", "long song.wav")
	os.MkdirAll(filepath.Dir(long), 0o755)
	tone(t, long, 120)
	out := filepath.Join(dir, "out")

	cmd := renderCmd("--engine", "plain", "--size", "320x320", "--preset", "veryfast", "--recursive", "-o", out, in)
	var se bytes.Buffer
	cmd.Stderr = &se
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	pid := cmd.Process.Pid
	waitFor(t, "the encode to start", 120*time.Second, func() bool { return encoding(out, pid) })
	kids := childrenOf(pid)
	var ffmpegs int
	for _, k := range kids {
		if k.comm == "ffmpeg" {
			ffmpegs++
		}
	}
	if ffmpegs == 0 {
		t.Fatalf("no ffmpeg among render's children %+v while encoding", kids)
	}

	cmd.Process.Signal(syscall.SIGKILL)
	killed := time.Now()
	cmd.Wait()
	var alive []proc
	for {
		alive = alive[:0]
		seen := map[int]bool{}
		for _, p := range append(kids, mentioning(in, out)...) {
			if !seen[p.pid] && p.running() {
				seen[p.pid] = true
				alive = append(alive, p)
			}
		}
		if len(alive) == 0 || time.Since(killed) > 2*time.Second {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if len(alive) == 0 {
		t.Logf("render's %d children were gone %v after the kill", len(kids), time.Since(killed).Round(time.Millisecond))
	}
	for _, p := range alive {
		t.Errorf("%s (pid %d) is alive %v after render was killed: %s", p.comm, p.pid, time.Since(killed).Round(time.Millisecond), cmdline(p.pid))
		syscall.Kill(p.pid, syscall.SIGKILL)
	}
	// Killed, not finished: an ffmpeg left to itself would have ended the
	// stream and written the index (moov) into the file.
	temps := tempsOf(out, pid)
	if len(temps) != 1 {
		t.Fatalf("temporary files after the kill: %q, want the one being encoded", temps)
	}
	if data, err := os.ReadFile(temps[0]); err != nil || bytes.Contains(data, []byte("moov")) {
		t.Errorf("the killed run's video was finished after the kill (err %v)", err)
	}

	other := filepath.Join(dir, "other", "short.wav")
	os.MkdirAll(filepath.Dir(other), 0o755)
	tone(t, other, 1)
	r := runCmd(t, renderCmd(append(fast, "--size", "64x64", "-o", out, other)...))
	if r.code != 0 || !strings.Contains(r.stdout, "1 done") {
		t.Errorf("the rerun: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	if l := hidden(out); len(l) > 0 {
		t.Errorf("left behind after the rerun: %q", l)
	}
}

// shardSong finds a song name that shard i/n renders.
func shardSong(t *testing.T, prefix string, i, n int) string {
	t.Helper()
	for k := range 1000 {
		name := fmt.Sprintf("%s%d.wav", prefix, k)
		if (render.Shard{Index: i, Count: n}).Owns(name) {
			return name
		}
	}
	t.Fatalf("no name for shard %d/%d", i, n)
	return ""
}

// TestKillSparesLiveShard: with shard 1/2 rendering (paused mid-encode, so
// it cannot finish meanwhile), a run of shard 2/2 killed outright leaves
// its temporary file; the next run of shard 2/2 removes that one and keeps
// shard 1's, which then finishes its song.
func TestKillSparesLiveShard(t *testing.T) {
	needFFmpeg(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	song := func(folder, name string, seconds float64) string {
		d := filepath.Join(dir, folder)
		os.MkdirAll(d, 0o755)
		tone(t, filepath.Join(d, name), seconds)
		return d
	}
	inA := song("a", shardSong(t, "a", 1, 2), 20)
	inK := song("k", shardSong(t, "k", 2, 2), 120)
	inC := song("c", shardSong(t, "c", 2, 2), 1)

	a := renderCmd("--engine", "plain", "--size", "160x160", "--preset", "veryfast", "--shard", "1/2", "-o", out, inA)
	var aErr bytes.Buffer
	a.Stderr = &aErr
	if err := a.Start(); err != nil {
		t.Fatal(err)
	}
	defer a.Process.Kill()
	waitFor(t, "shard 1 to encode", 120*time.Second, func() bool { return encoding(out, a.Process.Pid) })
	a.Process.Signal(syscall.SIGSTOP)
	defer a.Process.Signal(syscall.SIGCONT)
	aTemps := tempsOf(out, a.Process.Pid)

	k := renderCmd("--engine", "plain", "--size", "320x320", "--preset", "veryfast", "--shard", "2/2", "-o", out, inK)
	if err := k.Start(); err != nil {
		t.Fatal(err)
	}
	defer k.Process.Kill()
	waitFor(t, "shard 2 to encode", 120*time.Second, func() bool { return encoding(out, k.Process.Pid) })
	k.Process.Signal(syscall.SIGKILL)
	k.Wait()
	kTemps := tempsOf(out, k.Process.Pid)
	if len(kTemps) != 1 {
		t.Fatalf("the killed shard 2 left %q, want its temporary mp4", kTemps)
	}

	r := runCmd(t, renderCmd(append(fast, "--size", "64x64", "--shard", "2/2", "-o", out, inC)...))
	if r.code != 0 || !strings.Contains(r.stdout, "1 done") {
		t.Errorf("shard 2 again: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	if _, err := os.Stat(kTemps[0]); !os.IsNotExist(err) {
		t.Errorf("the killed run's %s is still there (%v)", kTemps[0], err)
	}
	if got := tempsOf(out, a.Process.Pid); len(got) != 1 || len(aTemps) != 1 || got[0] != aTemps[0] {
		t.Errorf("the live shard 1's temporary files went from %q to %q", aTemps, got)
	}

	a.Process.Signal(syscall.SIGCONT)
	if err := a.Wait(); err != nil {
		t.Errorf("shard 1: %v; %s", err, aErr.String())
	}
	name := strings.TrimSuffix(shardSong(t, "a", 1, 2), ".wav") + ".mp4"
	if _, err := os.Stat(filepath.Join(out, name)); err != nil {
		t.Errorf("shard 1 did not finish its song: %v", err)
	}
	if l := hidden(out); len(l) > 0 {
		t.Errorf("left behind: %q", l)
	}
}

// TestManySongsOneRun: a run of several songs, two at a time, each song's
// ffmpeg children started after earlier songs' drawing threads were
// discarded, renders every song whole: no child is killed when the thread
// that asked for it goes.
func TestManySongsOneRun(t *testing.T) {
	needFFmpeg(t)
	dir := t.TempDir()
	in := filepath.Join(dir, "in")
	os.Mkdir(in, 0o755)
	const songs = 6
	for i := range songs {
		tone(t, filepath.Join(in, fmt.Sprintf("song%d.wav", i)), 4)
	}
	out := filepath.Join(dir, "out")
	r := runCmd(t, renderCmd(append(fast, "--size", "160x160", "--jobs", "2", "-o", out, in)...))
	if r.code != 0 || !strings.Contains(r.stdout, fmt.Sprintf("%d done", songs)) {
		t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	for i := range songs {
		if _, err := os.Stat(filepath.Join(out, fmt.Sprintf("song%d.mp4", i))); err != nil {
			t.Error(err)
		}
	}
}
