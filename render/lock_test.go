package render

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLockRefusesSecondHolder(t *testing.T) {
	dir := t.TempDir()
	l, err := acquireLock(dir, Shard{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = acquireLock(dir, Shard{})
	var le *LockedError
	if !errors.As(err, &le) {
		t.Fatalf("second lock: %v, want *LockedError", err)
	}
	if le.Holder.PID != os.Getpid() || !strings.Contains(err.Error(), fmt.Sprintf("pid %d", os.Getpid())) {
		t.Errorf("message %q does not name the holder", err)
	}
	// Another shard of the same folder is free.
	other, err := acquireLock(dir, Shard{Index: 2, Count: 3})
	if err != nil {
		t.Fatalf("shard 2/3 beside the whole-batch lock: %v", err)
	}
	other.release()
	l.release()
	if _, err := os.Stat(filepath.Join(dir, ".podium-lock")); !os.IsNotExist(err) {
		t.Errorf("lock file left after release: %v", err)
	}
	again, err := acquireLock(dir, Shard{})
	if err != nil {
		t.Fatalf("lock after release: %v", err)
	}
	again.release()
}

// TestLockTakesOverStale: a lock file left by a dead process (no flock held)
// is taken over.
func TestLockTakesOverStale(t *testing.T) {
	dir := t.TempDir()
	host, _ := os.Hostname()
	stale := fmt.Sprintf(`{"pid": 999999999, "host": %q, "started": "2020-01-01T00:00:00Z"}`, host)
	p := filepath.Join(dir, ".podium-lock.shard-1-of-2")
	if err := os.WriteFile(p, []byte(stale), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := acquireLock(dir, Shard{Index: 1, Count: 2})
	if err != nil {
		t.Fatalf("stale lock not taken over: %v", err)
	}
	defer l.release()
	data, _ := os.ReadFile(p)
	if !strings.Contains(string(data), fmt.Sprintf(`"pid":%d`, os.Getpid())) {
		t.Errorf("lock file does not name us: %s", data)
	}
}

// TestPidLockFallback checks the no-flock path: a live holder refuses, a dead
// one on this host is taken over.
func TestPidLockFallback(t *testing.T) {
	dir := t.TempDir()
	host, _ := os.Hostname()
	p := filepath.Join(dir, ".podium-lock")
	os.WriteFile(p, []byte(fmt.Sprintf(`{"pid": %d, "host": %q}`, os.Getpid(), host)), 0o644)
	if _, err := pidLock(p, LockHolder{PID: 1, Host: host}); err == nil {
		t.Error("a live holder's lock was taken")
	}
	os.WriteFile(p, []byte(fmt.Sprintf(`{"pid": 999999999, "host": %q}`, host)), 0o644)
	l, err := pidLock(p, LockHolder{PID: os.Getpid(), Host: host})
	if err != nil {
		t.Fatalf("dead holder's lock: %v", err)
	}
	l.release()
}
