package render

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// touch creates the files (and their folders) under root.
func touch(t *testing.T, root string, names ...string) {
	t.Helper()
	for _, n := range names {
		p := filepath.Join(root, filepath.FromSlash(n))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func rels(ins []input) []string {
	var r []string
	for _, in := range ins {
		r = append(r, in.Rel)
	}
	return r
}

func TestDiscoverFolder(t *testing.T) {
	root := t.TempDir()
	touch(t, root, "b song.mp3", "a.flac", "Ünïcødé ♫.ogg", ".hidden.mp3", "notes.txt", "cover.JPG",
		"mel.npy", "sub/deep.wav", ".git/x.mp3")
	if err := os.Symlink(filepath.Join(root, "a.flac"), filepath.Join(root, "link.flac")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(root, "gone.mp3"), filepath.Join(root, "broken.mp3")); err != nil {
		t.Fatal(err)
	}

	ins, ignored := discover([]string{root}, false, "")
	want := []string{"a.flac", "b song.mp3", "broken.mp3", "link.flac", "mel.npy", "Ünïcødé ♫.ogg"}
	if got := rels(ins); !slices.Equal(got, want) {
		t.Errorf("inputs %q, want %q", got, want)
	}
	for _, in := range ins {
		if (in.Err != nil) != (in.Rel == "broken.mp3") {
			t.Errorf("%s: error %v", in.Rel, in.Err)
		}
		if in.Rel == "broken.mp3" && !strings.Contains(in.Err.Error(), "broken symbolic link") {
			t.Errorf("broken link error %q", in.Err)
		}
	}
	var ign []string
	for _, i := range ignored {
		ign = append(ign, filepath.Base(i.Path))
	}
	if !slices.Equal(ign, []string{"cover.JPG", "notes.txt", "sub"}) {
		t.Errorf("ignored %q", ign)
	}

	ins, _ = discover([]string{root}, true, "")
	if got := rels(ins); !slices.Contains(got, "sub/deep.wav") || slices.Contains(got, ".git/x.mp3") {
		t.Errorf("recursive inputs %q: want sub/deep.wav and no hidden folder", got)
	}
}

func TestDiscoverLinkLoopEnds(t *testing.T) {
	root := t.TempDir()
	touch(t, root, "a/x.mp3")
	if err := os.Symlink("..", filepath.Join(root, "a", "up")); err != nil {
		t.Fatal(err)
	}
	ins, _ := discover([]string{root}, true, "")
	if got := rels(ins); !slices.Equal(got, []string{"a/x.mp3"}) {
		t.Errorf("inputs %q, want [a/x.mp3] once", got)
	}
}

// TestDiscoverSkipsOutputFolder: videos written under the input folder are
// not songs of the next run.
func TestDiscoverSkipsOutputFolder(t *testing.T) {
	root := t.TempDir()
	touch(t, root, "a.mp3", "videos/a.mp4", "sub/b.mp3")
	ins, _ := discover([]string{root}, true, filepath.Join(root, "videos"))
	if got := rels(ins); !slices.Equal(got, []string{"a.mp3", "sub/b.mp3"}) {
		t.Errorf("inputs %q, want the output folder left out", got)
	}
}

func TestDiscoverFileArgumentsAndMissing(t *testing.T) {
	root := t.TempDir()
	touch(t, root, "notes.txt", ".h.mp3")
	ins, _ := discover([]string{filepath.Join(root, "notes.txt"), filepath.Join(root, ".h.mp3"), filepath.Join(root, "nope.mp3")}, false, "")
	if got := rels(ins); !slices.Equal(got, []string{"notes.txt", ".h.mp3", "nope.mp3"}) {
		t.Fatalf("inputs %q", got)
	}
	if ins[0].Err != nil || ins[1].Err != nil {
		t.Errorf("a named file is an input whatever its name: %v %v", ins[0].Err, ins[1].Err)
	}
	if ins[2].Err == nil || !strings.Contains(ins[2].Err.Error(), "no such file") {
		t.Errorf("missing file: %v", ins[2].Err)
	}
}

func TestAssignOutputsNeverCollide(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	touch(t, a, "song.mp3", "song.wav", "x/song.mp3", "y/song.mp3", "solo.ogg")
	touch(t, b, "solo.ogg", "solo-2.ogg")
	ins, _ := discover([]string{a, b}, true, "")
	assignOutputs(ins, "out")
	got := map[string]string{}
	seen := map[string]bool{}
	for _, in := range ins {
		out, _ := filepath.Rel("out", in.Out)
		out = filepath.ToSlash(out)
		if seen[out] {
			t.Errorf("two inputs write %s", out)
		}
		seen[out] = true
		got[fmt.Sprintf("%t:%s", filepath.Base(filepath.Dir(in.Path)) == filepath.Base(b), in.Rel)] = out
	}
	want := map[string]string{
		"false:song.mp3": "song.mp3", "false:song.wav": "song.wav", "false:x/song.mp3": "x/song", "false:y/song.mp3": "y/song",
		"false:solo.ogg": "solo", "true:solo-2.ogg": "solo-2", "true:solo.ogg": "solo-3",
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s → %q, want %q", k, got[k], w)
		}
	}
}

// TestShardsPartition: shards 1/N..N/N own every name exactly once, for
// several N, and the split is spread out.
func TestShardsPartition(t *testing.T) {
	var names []string
	for i := range 300 {
		names = append(names, fmt.Sprintf("album %d/track %02d.mp3", i/12, i%12))
	}
	for _, n := range []int{1, 2, 3, 7} {
		counts := make([]int, n)
		for _, name := range names {
			owners := 0
			for i := 1; i <= n; i++ {
				if (Shard{Index: i, Count: n}).Owns(name) {
					owners++
					counts[i-1]++
				}
			}
			if owners != 1 {
				t.Fatalf("%d/%d shards own %q", owners, n, name)
			}
		}
		for i, c := range counts {
			if c < len(names)/n/2 {
				t.Errorf("shard %d/%d owns only %d of %d", i+1, n, c, len(names))
			}
		}
	}
}

func TestShardAndSizeFlags(t *testing.T) {
	var s Shard
	if err := s.Set("2/5"); err != nil || s != (Shard{2, 5}) || s.String() != "2/5" || s.suffix() != ".shard-2-of-5" {
		t.Errorf("2/5 → %+v %v", s, err)
	}
	for _, bad := range []string{"0/3", "4/3", "1", "a/b", "1/0"} {
		if err := new(Shard).Set(bad); err == nil {
			t.Errorf("shard %q accepted", bad)
		}
	}
	var z Size
	if err := z.Set("1280x720"); err != nil || z != (Size{1280, 720}) {
		t.Errorf("1280x720 → %v %v", z, err)
	}
	for _, bad := range []string{"721x720", "720", "8x8", "axb"} {
		if err := new(Size).Set(bad); err == nil {
			t.Errorf("size %q accepted", bad)
		}
	}
}
