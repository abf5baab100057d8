package render

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// LockedError says that another run holds the lock of this output folder and
// shard.
type LockedError struct {
	Lock   string     // the lock file
	Holder LockHolder // who holds it, as its file says
}

// Error names the lock file and its holder.
func (e *LockedError) Error() string {
	h := e.Holder
	if h.PID == 0 {
		return fmt.Sprintf("%s: another render run holds this lock", e.Lock)
	}
	return fmt.Sprintf("%s: held by render pid %d on %s since %s (a second run of the same shard on the same folder is refused)",
		e.Lock, h.PID, h.Host, h.Started.Format(time.RFC3339))
}

// LockHolder is the content of a lock file: who holds it.
type LockHolder struct {
	PID     int       `json:"pid"`
	Host    string    `json:"host"`
	Started time.Time `json:"started"`
	Shard   string    `json:"shard,omitempty"`
	Run     string    `json:"run,omitempty"` // the run's id, in its temporary files' names (see tempfiles.go)
}

// folderLock is a held lock file, and the journal of the run holding it.
type folderLock struct {
	path string
	f    *os.File
	run  *runJournal
}

// acquireLock takes the lock file of one output folder and shard.
//
// The lock is an flock(2) on the file, not the file's existence: the kernel
// drops it when its process dies however it dies, so a lock left by a killed
// run is simply taken over, and two runs racing for a stale lock cannot both
// win (as they could by checking a pid and deleting the file). The file names
// its holder (pid, host, start time) for the message the loser prints. Where
// the file system has no flock, the holder's pid decides: a lock of a dead
// process on this host is taken over.
//
// The holder then starts its run's journal, which marks its temporary files
// as those of a live run (see tempfiles.go).
func acquireLock(dir string, shard Shard) (*folderLock, error) {
	p := filepath.Join(dir, ".podium-lock"+shard.suffix())
	host, _ := os.Hostname()
	me := LockHolder{PID: os.Getpid(), Host: host, Started: time.Now().UTC().Truncate(time.Second), Shard: shard.String(),
		Run: newRunID()}
	for attempt := 0; attempt < 10; attempt++ {
		f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			return nil, fmt.Errorf("output folder %s: cannot create the lock file %s: %w", dir, filepath.Base(p), unwrapPath(err))
		}
		switch err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); {
		case err == nil:
		case errors.Is(err, syscall.EWOULDBLOCK):
			holder := readOwner(f)
			f.Close()
			return nil, &LockedError{Lock: p, Holder: holder}
		case errors.Is(err, syscall.ENOLCK), errors.Is(err, syscall.EOPNOTSUPP), errors.Is(err, syscall.ENOSYS):
			f.Close()
			return pidLock(p, me)
		default:
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", p, err)
		}
		// A holder that was releasing removed the file after we opened it: we
		// locked an orphan, not the path. Start again on the new file.
		if !sameFile(f, p) {
			f.Close()
			continue
		}
		if err := writeOwner(f, me); err != nil {
			f.Close()
			os.Remove(p)
			return nil, fmt.Errorf("lock %s: %w", p, err)
		}
		return (&folderLock{path: p, f: f}).startRun(dir, me)
	}
	return nil, fmt.Errorf("lock %s: the lock file keeps changing under us", p)
}

// pidLock is the fallback where flock is unsupported: create the file with
// O_EXCL; an existing one is taken over only if it names a dead process on
// this host.
func pidLock(p string, me LockHolder) (*folderLock, error) {
	for attempt := 0; attempt < 2; attempt++ {
		f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
		if err == nil {
			if err := writeOwner(f, me); err != nil {
				f.Close()
				os.Remove(p)
				return nil, fmt.Errorf("lock %s: %w", p, err)
			}
			return (&folderLock{path: p, f: f}).startRun(filepath.Dir(p), me)
		}
		if !errors.Is(err, os.ErrExist) {
			return nil, fmt.Errorf("lock %s: %w", p, unwrapPath(err))
		}
		old, rerr := os.Open(p)
		if rerr != nil {
			continue
		}
		holder := readOwner(old)
		old.Close()
		if holder.Host != me.Host || holder.PID == 0 || processAlive(holder.PID) {
			return nil, &LockedError{Lock: p, Holder: holder}
		}
		os.Remove(p) // stale: its process is gone
	}
	return nil, fmt.Errorf("lock %s: could not take over the stale lock", p)
}

// startRun starts the journal of the run that now holds l; without one the
// lock is released.
func (l *folderLock) startRun(dir string, me LockHolder) (*folderLock, error) {
	for attempt := 0; ; attempt++ {
		j, err := startJournal(dir, me)
		if errors.Is(err, os.ErrExist) && attempt < 3 {
			// The id is taken (a pid reused, 32 random bits repeated):
			// draw another, and say so in the lock.
			me.Run = newRunID()
			writeOwner(l.f, me)
			continue
		}
		if err != nil {
			l.release()
			return nil, err
		}
		l.run = j
		return l, nil
	}
}

// release ends the run's journal (its temporary files are gone by then),
// removes the lock file, then drops the lock, in that order, so a waiter
// that opened the old file notices it is gone (sameFile) and retries.
func (l *folderLock) release() {
	if l == nil {
		return
	}
	l.run.end()
	os.Remove(l.path)
	l.f.Close()
}

func readOwner(f *os.File) LockHolder {
	var o LockHolder
	buf := make([]byte, 4096)
	n, _ := f.ReadAt(buf, 0)
	_ = json.Unmarshal([]byte(strings.TrimSpace(string(buf[:n]))), &o)
	return o
}

func writeOwner(f *os.File, o LockHolder) error {
	data, _ := json.Marshal(o)
	if err := f.Truncate(0); err != nil {
		return err
	}
	if _, err := f.WriteAt(append(data, '\n'), 0); err != nil {
		return err
	}
	return f.Sync()
}

func sameFile(f *os.File, p string) bool {
	a, err1 := f.Stat()
	b, err2 := os.Stat(p)
	return err1 == nil && err2 == nil && os.SameFile(a, b)
}

// processAlive reports whether pid names a live process on this host.
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
