package render

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestTempOwner(t *testing.T) {
	for name, want := range map[string]string{
		".song.mp4.tmp-4242-0a1b2c3d":                   "4242-0a1b2c3d",
		"..song.npy.tmp-4242-0a1b2c3d.tmp-3141592653":   "4242-0a1b2c3d", // atomicfile's, beside ours
		".a.tmp-1-abcdef01.wav.mp4.tmp-7-12345678":      "7-12345678",
		".song.mp4.tmp-4242":                            "", // an older podium's: no run id
		".report.json.tmp-3141592653":                   "", // atomicfile's
		"song.mp4.tmp-4242-0a1b2c3d":                    "", // not hidden: not ours
		".song.mp4.tmp-4242-0A1B2C3D":                   "",
		".song.mp4.tmp-4242-0a1b2c3":                    "",
		".podium-run-4242-0a1b2c3d":                     "",
		".podium-lock.shard-1-of-2":                     "",
		"..song.npy.tmp-4242.tmp-3141592653":            "",
		".x.tmp-4242-0a1b2c3d.tmp-3141592653.tmp-12345": "",
	} {
		if got := tempOwner(name); got != want {
			t.Errorf("tempOwner(%q) = %q, want %q", name, got, want)
		}
	}
	if id := newRunID(); !validRunID(id) || !strings.HasPrefix(id, fmt.Sprint(os.Getpid())+"-") {
		t.Errorf("newRunID() = %q", id)
	}
}

// fakeRun is another run's journal in dir, made as startJournal makes
// them; alive keeps its lock held (on a descriptor of its own, as another
// process would), dead drops it as a killed process's kernel would.
type fakeRun struct {
	id, path string
	f        *os.File
}

func newFakeRun(t *testing.T, dir string, pid int, noted ...string) *fakeRun {
	t.Helper()
	host, _ := os.Hostname()
	id := fmt.Sprintf("%d-%08x", pid, rand.Uint32())
	j, err := startJournal(dir, LockHolder{PID: pid, Host: host, Run: id})
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for _, n := range noted {
		dirs = append(dirs, filepath.Join(dir, n))
	}
	if err := j.note(dirs); err != nil {
		t.Fatal(err)
	}
	r := &fakeRun{id: id, path: j.path, f: j.f}
	t.Cleanup(func() { r.f.Close() })
	return r
}

func (r *fakeRun) die() { r.f.Close() }

// present lists which of the files (relative to dir) exist.
func present(dir string, rels ...string) []string {
	var got []string
	for _, rel := range rels {
		if _, err := os.Stat(filepath.Join(dir, rel)); err == nil {
			got = append(got, rel)
		}
	}
	return got
}

// TestRemoveDeadRuns: taking a folder's lock removes the temporary files of
// dead runs, in the output folder and in the sub-folders their journals
// list, whatever their pid; files of live runs stay, as do files that are
// not temporary files of a run.
func TestRemoveDeadRuns(t *testing.T) {
	base := t.TempDir()
	out := filepath.Join(base, "out")
	os.Mkdir(out, 0o755)
	live := newFakeRun(t, out, 999999, "live/sub")
	// A dead run whose pid is alive (ours): the pid was reused, the lock
	// says it is gone.
	reused := newFakeRun(t, out, os.Getpid(), "deep/er", "x")
	reused.die()
	// A dead run on another host (the lock is shared by the file server).
	other := newFakeRun(t, out, 1, "x")
	os.WriteFile(other.path, []byte(`{"pid":1,"host":"elsewhere","run":"`+other.id+`"}`+"\n\"x\"\n"), 0o644)
	other.die()
	// A live run of a folder above ours (-o base), writing into ours.
	above := newFakeRun(t, base, 999998)
	// A run killed between creating its journal and locking it, long ago;
	// and one doing so now.
	touch(t, out, ".podium-run-5-00000005", ".podium-run-6-00000006")
	old := time.Now().Add(-2 * startingGrace)
	os.Chtimes(filepath.Join(out, ".podium-run-5-00000005"), old, old)

	made := []string{
		"live/sub/.a.mp4.tmp-" + live.id,
		".a.mp4.tmp-" + live.id,
		"..a.npy.tmp-" + live.id + ".tmp-12345",
		".top.mp4.tmp-" + above.id,
		".old.mp4.tmp-4242",      // an older podium's: only a run of its song removes it
		".report.json.tmp-31415", // atomicfile's: only a run of its shard removes it
		".notes",
		"deep/er/song.mp4",
		"never-noted/.c.mp4.tmp-" + reused.id, // a folder no journal lists is not read
	}
	keep := append(slices.Clone(made), filepath.Base(live.path), ".podium-run-6-00000006")
	doomed := []string{
		"deep/er/.b.mp4.tmp-" + reused.id,
		"deep/er/..b.npy.tmp-" + reused.id + ".tmp-999",
		"x/.c.mp4.tmp-" + reused.id,
		"x/.d.mp4.tmp-" + other.id,
		".e.mp4.tmp-" + reused.id,
		".f.mp4.tmp-7-0000000f", // its journal is gone: so is the run
	}
	gone := append(slices.Clone(doomed), filepath.Base(reused.path), filepath.Base(other.path), ".podium-run-5-00000005")
	touch(t, out, made...)
	touch(t, out, doomed...)

	l, err := acquireLock(out, Shard{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.release()
	mine := ".g.mp4.tmp-" + l.run.id
	touch(t, out, mine)
	l.removeDeadRuns(out)
	if got := present(out, keep...); !slices.Equal(got, keep) {
		t.Errorf("kept %q\nwant %q", got, keep)
	}
	if got := present(out, gone...); len(got) > 0 {
		t.Errorf("left %q", got)
	}
	if len(present(out, mine)) != 1 {
		t.Error("removed its own temporary file")
	}

	// Once the live run dies, the next lock holder removes its files too,
	// in the folders it noted.
	l.release()
	live.die()
	l, err = acquireLock(out, Shard{Index: 2, Count: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer l.release()
	l.removeDeadRuns(out)
	if got := present(out, made[:3]...); len(got) > 0 {
		t.Errorf("a dead run's files left: %q", got)
	}
}

// TestRemoveStaleTemps: before a song is rendered, the temporary files of
// its outputs are removed unless a live run writes them; ones that name no
// run are this shard's own leftovers.
func TestRemoveStaleTemps(t *testing.T) {
	out := t.TempDir()
	live := newFakeRun(t, out, 999999)
	dead := newFakeRun(t, out, 999998)
	dead.die()
	keep := []string{"sub/.song.mp4.tmp-" + live.id, "sub/.other.mp4.tmp-" + dead.id, "sub/.song.mp4x.tmp-1"}
	gone := []string{"sub/.song.mp4.tmp-" + dead.id, "sub/..song.npy.tmp-" + dead.id + ".tmp-1", "sub/.song.mp4.tmp-4242",
		"sub/..song.npy.tmp-4242.tmp-1", "sub/.song.json.tmp-77"}
	touch(t, out, keep...)
	touch(t, out, gone...)
	l, err := acquireLock(out, Shard{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.release()
	d := filepath.Join(out, "sub")
	l.removeStaleTemps([]string{filepath.Join(d, "song.mp4"), filepath.Join(d, "song.npy"), filepath.Join(d, "song.json")})
	if got := present(out, keep...); !slices.Equal(got, keep) {
		t.Errorf("kept %q, want %q", got, keep)
	}
	if got := present(out, gone...); len(got) > 0 {
		t.Errorf("left %q", got)
	}
}

// TestJudgeRunWithoutFlock: where the file system has no flock, a run on
// this host is alive while its pid is, and a run on another host counts as
// alive.
func TestJudgeRunWithoutFlock(t *testing.T) {
	host, _ := os.Hostname()
	noLock := syscall.ENOLCK
	for _, c := range []struct {
		lockErr  error
		complete bool
		h        LockHolder
		age      time.Duration
		want     runState
	}{
		{nil, true, LockHolder{PID: os.Getpid(), Host: host}, time.Hour, runDead}, // the lock decides, not the pid
		{syscall.EWOULDBLOCK, true, LockHolder{PID: 999999999, Host: host}, time.Hour, runAlive},
		{errors.New("EIO"), true, LockHolder{PID: 999999999, Host: host}, time.Hour, runAlive},
		{nil, false, LockHolder{}, time.Second, runAlive}, // being created
		{nil, false, LockHolder{}, time.Hour, runDead},
		{noLock, true, LockHolder{PID: 999999999, Host: host}, time.Hour, runDead},
		{noLock, true, LockHolder{PID: os.Getpid(), Host: host}, time.Hour, runAlive},
		{noLock, true, LockHolder{PID: 999999999, Host: "elsewhere"}, time.Hour, runAlive},
		{noLock, false, LockHolder{}, time.Hour, runDead},
	} {
		if got := judgeRun(c.lockErr, c.complete, c.h, c.age, host); got != c.want {
			t.Errorf("%+v: %v, want %v", c, got, c.want)
		}
	}
}

// TestJournalNotesFolders: the journal lists each folder once, relative to
// the output folder, and survives a partial last line.
func TestJournalNotesFolders(t *testing.T) {
	out := t.TempDir()
	r := newFakeRun(t, out, 999999, "a", "b/c", "a", ".")
	j := &runJournal{id: r.id, outDir: out, path: r.path, f: r.f, noted: map[string]bool{}}
	if err := j.note([]string{filepath.Join(out, "a b\nc"), filepath.Join(out, "..", "escape")}); err != nil {
		t.Fatal(err)
	}
	j.f.Write([]byte(`"trunc`))
	f, err := os.Open(r.path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h, dirs, ok := readJournal(f, out)
	want := []string{filepath.Join(out, "a"), filepath.Join(out, "b", "c"), filepath.Join(out, "a b\nc")}
	if !ok || h.Run != r.id || !slices.Equal(dirs, want) {
		t.Errorf("journal: %+v %q %v, want %q", h, dirs, ok, want)
	}
}
