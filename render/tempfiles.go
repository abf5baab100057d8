package render

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Temporary files, and how a run that was killed outright gets cleaned up
// after.
//
// Each run (one Run, one lock) has an id, "<pid>-<8 hex digits>", drawn
// afresh, so it names one run even where pids are reused or repeat across
// hosts (every container's render may be pid 1). A file is written as
// ".<name>.tmp-<id>" beside its final name and renamed when complete.
//
// The run's journal, ".podium-run-<id>" in the output folder, is what makes
// the run alive: the run holds an flock(2) on it from just after taking the
// folder's lock until it has removed its temporary files, and the kernel (or
// the file server) drops that lock however the run ends. The journal also
// lists the folders the run writes temporary files in, so that cleaning up
// after it reads those folders and no others: no walk of a large output
// tree.
//
// The rule: a temporary file "<…>.tmp-<id>" is removed when the journal of
// run <id>, in its folder or any folder above (the output folder of the run
// that made it), is missing or not locked. A journal with its lock held
// means a live run, whatever host it runs on: its files stay. Temporary
// files that name no run (atomicfile's, of the report; an older podium's)
// are removed only by a run of the shard that writes those outputs, which
// holds that shard's lock.

// journalPrefix begins the name of a run's journal.
const journalPrefix = ".podium-run-"

// newRunID draws a run id.
func newRunID() string { return fmt.Sprintf("%d-%08x", os.Getpid(), rand.Uint32()) }

// validRunID reports whether s has the form of a run id.
func validRunID(s string) bool {
	pid, hex, ok := strings.Cut(s, "-")
	if !ok || pid == "" || !allDigits(pid) || len(hex) != 8 {
		return false
	}
	for _, c := range hex {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

func allDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// tempName is the temporary name final is written under before its rename:
// hidden, in the same folder (so the rename is atomic), marked with the run.
func (l *folderLock) tempName(final string) string {
	return filepath.Join(filepath.Dir(final), "."+filepath.Base(final)+".tmp-"+l.run.id)
}

// tempOwner returns the id of the run that made the temporary file name, or
// "" if name is not one. atomicfile's own temporary files, written beside
// ours when the keypoints are (..song.npy.tmp-<id>.tmp-<random>), belong to
// the same run.
func tempOwner(name string) string {
	if !strings.HasPrefix(name, ".") {
		return ""
	}
	i := strings.LastIndex(name, ".tmp-")
	if i < 0 {
		return ""
	}
	if id := name[i+len(".tmp-"):]; validRunID(id) {
		return id
	}
	if allDigits(name[i+len(".tmp-"):]) && strings.HasPrefix(name, "..") {
		return tempOwner(name[1:i])
	}
	return ""
}

// runJournal is a live run's journal: its id, its lock, the folders noted.
type runJournal struct {
	id     string
	outDir string
	path   string
	f      *os.File

	mu    sync.Mutex
	noted map[string]bool
}

// startJournal creates and locks the journal of a new run (me.Run) in
// outDir; its first line is the holder, as in the lock file. An error
// wrapping os.ErrExist says the id is taken.
func startJournal(outDir string, me LockHolder) (*runJournal, error) {
	for attempt := 0; attempt < 3; attempt++ {
		p := filepath.Join(outDir, journalPrefix+me.Run)
		f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, os.ErrExist) {
			return nil, err
		}
		if err != nil {
			return nil, fmt.Errorf("output folder %s: cannot create %s: %w", outDir, filepath.Base(p), unwrapPath(err))
		}
		fail := func(err error) (*runJournal, error) {
			f.Close()
			os.Remove(p)
			return nil, fmt.Errorf("run journal %s: %w", p, err)
		}
		if err := lockNew(f); err != nil && !noFlock(err) {
			return fail(err)
		}
		line, _ := json.Marshal(me)
		if _, err := f.Write(append(line, '\n')); err != nil {
			return fail(err)
		}
		if err := f.Sync(); err != nil {
			return fail(err)
		}
		// A clean-up removes an unlocked, empty journal only once it is a
		// minute old; still, make sure this file is the one in place.
		if !sameFile(f, p) {
			f.Close()
			continue
		}
		return &runJournal{id: me.Run, outDir: outDir, path: p, f: f, noted: map[string]bool{}}, nil
	}
	return nil, fmt.Errorf("output folder %s: cannot create a run journal", outDir)
}

// lockNew takes the lock of a journal just created. Nobody else takes it,
// but a clean-up may be looking at it for a moment (with a shared lock).
func lockNew(f *os.File) error {
	for wait := time.Millisecond; ; wait *= 2 {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if !errors.Is(err, syscall.EWOULDBLOCK) || wait > time.Second {
			return err
		}
		time.Sleep(wait)
	}
}

// note adds folders (under the output folder) to the journal before the run
// writes temporary files there.
func (j *runJournal) note(dirs []string) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	var buf bytes.Buffer
	for _, d := range dirs {
		rel, err := filepath.Rel(j.outDir, d)
		if err != nil || !filepath.IsLocal(rel) || rel == "." || j.noted[rel] {
			continue // the output folder itself is always looked at
		}
		line, _ := json.Marshal(filepath.ToSlash(rel))
		buf.Write(append(line, '\n'))
		j.noted[rel] = true
	}
	if buf.Len() == 0 {
		return nil
	}
	if _, err := j.f.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("run journal %s: %w", j.path, err)
	}
	if err := j.f.Sync(); err != nil {
		return fmt.Errorf("run journal %s: %w", j.path, err)
	}
	return nil
}

// end removes the journal, then drops its lock: the run's temporary files
// are gone by then.
func (j *runJournal) end() {
	if j == nil {
		return
	}
	os.Remove(j.path)
	j.f.Close()
}

// readJournal parses a journal: the holder and the folders noted, as paths.
// ok is false when not even the holder line is complete.
func readJournal(f *os.File, outDir string) (h LockHolder, dirs []string, ok bool) {
	data, err := io.ReadAll(io.LimitReader(f, 64<<20))
	if err != nil {
		return h, nil, false
	}
	first, rest, complete := bytes.Cut(data, []byte{'\n'})
	if !complete || json.Unmarshal(first, &h) != nil {
		return h, nil, false
	}
	for _, line := range bytes.Split(rest, []byte{'\n'}) {
		var rel string
		// A run killed while noting leaves a partial last line: skip it.
		if json.Unmarshal(line, &rel) == nil && filepath.IsLocal(filepath.FromSlash(rel)) {
			dirs = append(dirs, filepath.Join(outDir, filepath.FromSlash(rel)))
		}
	}
	return h, dirs, true
}

// runState is what a journal says about its run.
type runState int

const (
	runMissing runState = iota // no journal at that path
	runAlive                   // its lock is held (or liveness cannot be ruled out)
	runDead                    // its lock is free: the run is gone
)

// startingGrace is how long an unlocked journal with no holder line counts
// as a run that has just created it and is about to lock it.
const startingGrace = time.Minute

// journalState looks at the journal at p (a run of outDir) and, for a dead
// run, returns the folders it noted.
func journalState(p, outDir, host string) (runState, []string) {
	f, err := os.Open(p)
	if errors.Is(err, os.ErrNotExist) {
		return runMissing, nil
	}
	if err != nil {
		return runAlive, nil // cannot tell: keep its files
	}
	defer f.Close()
	lockErr := syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB)
	switch {
	case lockErr == nil:
		defer syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	case errors.Is(lockErr, syscall.EWOULDBLOCK):
		return runAlive, nil
	}
	h, dirs, ok := readJournal(f, outDir)
	var age time.Duration
	if st, err := f.Stat(); err == nil {
		age = time.Since(st.ModTime())
	}
	if judgeRun(lockErr, ok, h, age, host) == runDead {
		return runDead, dirs
	}
	return runAlive, nil
}

// judgeRun decides from a try at the journal's lock (lockErr), its holder
// line (if complete) and its age whether the run is alive.
//
// With working flock the lock decides, on any host: the file server shares
// it. Where the file system has no flock, only a run on this host can be
// checked, by its pid (which may have been reused: its files then stay
// until that process ends); a run on another host counts as alive, and its
// files stay until a run on that host finds its pid gone.
func judgeRun(lockErr error, complete bool, h LockHolder, age time.Duration, host string) runState {
	switch {
	case !complete && age < startingGrace:
		return runAlive // being created; it has no temporary files yet
	case lockErr == nil:
		return runDead
	case noFlock(lockErr):
		if !complete || h.Host == host && h.PID > 0 && !processAlive(h.PID) {
			return runDead
		}
		return runAlive
	default: // EWOULDBLOCK: held; anything else: cannot tell
		return runAlive
	}
}

// noFlock reports whether err says the file system has no flock.
func noFlock(err error) bool {
	return errors.Is(err, syscall.ENOLCK) || errors.Is(err, syscall.EOPNOTSUPP) || errors.Is(err, syscall.ENOSYS)
}

// orphanSweep removes temporary files of dead runs, deciding each run once.
type orphanSweep struct {
	// This run's id: alive, and its journal is never opened again (where
	// flock is emulated with per-process record locks, as on some NFS
	// clients, closing a second descriptor would drop the lock).
	self  string
	host  string
	known map[string]bool // run id → alive
}

func newOrphanSweep(self string) *orphanSweep {
	host, _ := os.Hostname()
	return &orphanSweep{self: self, host: host, known: map[string]bool{}}
}

// alive reports whether run id, whose temporary file lies in dir, may still
// be writing it: its journal is in dir or a folder above, locked.
//
// Callers list a folder before asking about the runs whose files are in
// it: a run locks its journal before it makes any file, so a file listed
// belongs to a run that was already locked when asked about.
func (s *orphanSweep) alive(id, dir string) bool {
	if id == s.self {
		return true
	}
	if a, ok := s.known[id]; ok {
		return a
	}
	a := false
	for d := dir; ; {
		st, _ := journalState(filepath.Join(d, journalPrefix+id), d, s.host)
		if st != runMissing {
			a = st == runAlive
			break
		}
		up := filepath.Dir(d)
		if up == d {
			break
		}
		d = up
	}
	s.known[id] = a
	return a
}

// sweepFolder removes the temporary files of dead runs in dir. Given the
// names of outputs there, it looks only at their temporary files, and also
// removes those that name no run (an older podium's ".song.mp4.tmp-<pid>",
// atomicfile's ".report.json.tmp-<random>"): only the holder of the lock of
// the shard that renders those outputs writes them, and that is us.
// It reports whether it read the folder and removed all it meant to (a
// folder that is gone counts as done).
func (s *orphanSweep) sweepFolder(dir string, finals ...string) bool {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return errors.Is(err, os.ErrNotExist)
	}
	var stale []string
	byRun := map[string][]string{}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		name := e.Name()
		id := tempOwner(name)
		if len(finals) > 0 && !tempOfAny(name, finals) {
			continue
		}
		switch {
		case id != "":
			byRun[id] = append(byRun[id], name)
		case len(finals) > 0:
			stale = append(stale, name)
		}
	}
	for id, names := range byRun {
		if !s.alive(id, dir) {
			stale = append(stale, names...)
		}
	}
	done := true
	for _, name := range stale {
		if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			done = false
		}
	}
	return done
}

// tempOfAny reports whether name is a temporary file of one of finals (or
// atomicfile's, beside one of ours).
func tempOfAny(name string, finals []string) bool {
	for _, f := range finals {
		if strings.HasPrefix(name, "."+f+".tmp-") || strings.HasPrefix(name, ".."+f+".tmp-") {
			return true
		}
	}
	return false
}

// removeDeadRuns cleans up after the runs of outDir that are gone: the
// temporary files of dead runs in the output folder and in every folder a
// dead run's journal lists, then those journals.
func (l *folderLock) removeDeadRuns(outDir string) {
	s := newOrphanSweep(l.run.id)
	entries, err := os.ReadDir(outDir)
	if err != nil {
		return
	}
	type deadRun struct {
		journal string
		dirs    []string
	}
	var dead []deadRun
	for _, e := range entries {
		id, ok := strings.CutPrefix(e.Name(), journalPrefix)
		if !ok || !validRunID(id) || id == s.self || e.IsDir() {
			continue
		}
		p := filepath.Join(outDir, e.Name())
		st, noted := journalState(p, outDir, s.host)
		s.known[id] = st != runDead
		if st == runDead {
			dead = append(dead, deadRun{p, noted})
		}
	}
	swept := map[string]bool{outDir: s.sweepFolder(outDir)}
	for _, r := range dead {
		done := swept[outDir]
		for _, d := range r.dirs {
			ok, seen := swept[d]
			if !seen {
				ok = s.sweepFolder(d)
				swept[d] = ok
			}
			done = done && ok
		}
		// Last, and only once all is gone: a journal is the only record
		// of where its run's files are.
		if done {
			os.Remove(r.journal)
		}
	}
}

// removeStaleTemps deletes the temporary files of these outputs that no
// live run is writing (see orphanSweep.sweepFolder).
func (l *folderLock) removeStaleTemps(finals []string) {
	s := newOrphanSweep(l.run.id)
	byDir := map[string][]string{}
	var order []string
	for _, f := range finals {
		d := filepath.Dir(f)
		if _, ok := byDir[d]; !ok {
			order = append(order, d)
		}
		byDir[d] = append(byDir[d], filepath.Base(f))
	}
	for _, d := range order {
		s.sweepFolder(d, byDir[d]...)
	}
}

// tempFiles names the temporary files of one song's outputs, before they
// are written: it notes their folders in the run's journal, so that a run
// that takes over after this one was killed knows where to look, and
// removes what dead runs left of these outputs.
func (l *folderLock) tempFiles(finals []string) ([]string, error) {
	temps := make([]string, len(finals))
	dirs := make([]string, len(finals))
	for i, f := range finals {
		temps[i], dirs[i] = l.tempName(f), filepath.Dir(f)
	}
	if err := l.run.note(dirs); err != nil {
		return nil, err
	}
	l.removeStaleTemps(finals)
	return temps, nil
}
