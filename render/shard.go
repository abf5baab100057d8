package render

import (
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
)

// Shard is one worker's share of a batch: Index of Count, counted from 1. The
// zero value (and 1/1) means the whole batch. It is a flag.Value: "2/8".
//
// An input belongs to the shard chosen by a hash of its path relative to the
// folder it was found in, so the split depends only on the names, not on the
// machine, the order of the arguments or the other files; N workers given the
// same arguments render every input exactly once between them.
type Shard struct{ Index, Count int }

// String formats the shard as I/N ("" for the whole batch).
func (s Shard) String() string {
	if s.Count <= 1 {
		return ""
	}
	return fmt.Sprintf("%d/%d", s.Index, s.Count)
}

// Set parses I/N.
func (s *Shard) Set(v string) error {
	i, n, ok := strings.Cut(strings.TrimSpace(v), "/")
	if !ok {
		return fmt.Errorf("shard %q: want I/N, e.g. 1/4", v)
	}
	ii, err1 := strconv.Atoi(i)
	ni, err2 := strconv.Atoi(n)
	if err1 != nil || err2 != nil {
		return fmt.Errorf("shard %q: want I/N, e.g. 1/4", v)
	}
	sh := Shard{Index: ii, Count: ni}
	if err := sh.valid(); err != nil {
		return err
	}
	*s = sh
	return nil
}

func (s Shard) valid() error {
	if s == (Shard{}) {
		return nil
	}
	if s.Count < 1 || s.Index < 1 || s.Index > s.Count {
		return fmt.Errorf("shard %d/%d: want 1 ≤ I ≤ N", s.Index, s.Count)
	}
	return nil
}

// all reports whether the shard is the whole batch.
func (s Shard) all() bool { return s.Count <= 1 }

// Owns reports whether the input at rel (slash-separated, relative to the
// folder it was found in) belongs to this shard.
func (s Shard) Owns(rel string) bool {
	if s.all() {
		return true
	}
	h := fnv.New64a()
	h.Write([]byte(rel))
	return int(h.Sum64()%uint64(s.Count)) == s.Index-1
}

// suffix names this shard's lock and report files: "" or ".shard-2-of-8".
func (s Shard) suffix() string {
	if s.all() {
		return ""
	}
	return fmt.Sprintf(".shard-%d-of-%d", s.Index, s.Count)
}
