package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/podium-dev/podium/internal/npyfile"
)

// binary is the render command built once for these tests.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "podium-render-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Chmod(dir, 0o755) // the unprivileged-user tests run it too
	binary = filepath.Join(dir, "render")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build render: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func needFFmpeg(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		t.Skip("ffmpeg is not installed (make setup installs it)")
	}
}

// fast are the flags that keep test renders short.
var fast = []string{"--engine", "plain", "--preset", "ultrafast"}

// tone writes seconds of a tone with ffmpeg's lavfi.
func tone(t *testing.T, path string, seconds float64) {
	t.Helper()
	src := fmt.Sprintf("sine=frequency=440:beep_factor=4:sample_rate=44100:duration=%g", seconds)
	if out, err := exec.Command("ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i", src, path).CombinedOutput(); err != nil {
		t.Fatalf("generate %s: %v: %s", path, err, out)
	}
}

// result is a finished run of the binary.
type result struct {
	code           int
	stdout, stderr string
}

func runCmd(t *testing.T, cmd *exec.Cmd) result {
	t.Helper()
	var so, se bytes.Buffer
	cmd.Stdout, cmd.Stderr = &so, &se
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{code, so.String(), se.String()}
}

func renderCmd(args ...string) *exec.Cmd { return exec.Command(binary, args...) }

// report reads a run's report.json.
func report(t *testing.T, path string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var r map[string]any
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

// hidden lists the dot files under dir (temporary files, locks).
func hidden(dir string) []string {
	var bad []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasPrefix(d.Name(), ".") {
			bad = append(bad, p)
		}
		return nil
	})
	return bad
}

// waitFor polls until ok or the deadline.
func waitFor(t *testing.T, what string, d time.Duration, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// tempGrowing reports whether the song's temporary mp4 exists with data in
// it: ffmpeg is encoding.
func tempGrowing(out string) bool {
	m, _ := filepath.Glob(filepath.Join(out, ".*.mp4.tmp-*"))
	for _, p := range m {
		if st, err := os.Stat(p); err == nil && st.Size() > 0 {
			return true
		}
	}
	return false
}

func TestHelpExplainsEveryFlag(t *testing.T) {
	r := runCmd(t, renderCmd("-h"))
	if r.code != 0 {
		t.Fatalf("render -h exits %d", r.code)
	}
	for _, f := range []string{"-o ", "-model", "-size", "-fps", "-theme", "-preset", "-crf", "-seed", "-jobs", "-force",
		"-no-smooth", "-keypoints", "-device", "-shard", "-recursive", "-ort-lib", "-threads", "-max-duration"} {
		if !strings.Contains(r.stderr, f) {
			t.Errorf("render -h does not explain %s", f)
		}
	}
}

func TestExitStatus(t *testing.T) {
	needFFmpeg(t)
	dir := t.TempDir()
	good := filepath.Join(dir, "good")
	os.Mkdir(good, 0o755)
	tone(t, filepath.Join(good, "a.wav"), 1)
	bad := filepath.Join(dir, "bad.mp3")
	os.WriteFile(bad, []byte("not audio"), 0o644)
	out := filepath.Join(dir, "out")

	for _, args := range [][]string{{"--fps", "25"}, {"--size", "7x7"}, {"--no-such-flag"}, {"--shard", "3/2"}, {"--theme", "neon"}} {
		if r := runCmd(t, renderCmd(append(args, "-o", out, good)...)); r.code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", args, r.code, r.stderr)
		}
	}
	r := runCmd(t, renderCmd(append(fast, "--size", "64x64", "-o", out, good)...))
	if r.code != 0 || !strings.Contains(r.stdout, "a.wav") || !strings.Contains(r.stdout, "1 done") {
		t.Errorf("good run: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	r = runCmd(t, renderCmd(append(fast, "--size", "64x64", "-o", out, good, bad)...))
	if r.code != 1 || !strings.Contains(r.stderr, bad) || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
		t.Errorf("bad file: exit %d, want 1 and one line naming it; stderr %q", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "skipped") {
		t.Errorf("the finished song was not skipped: %s", r.stdout)
	}
}

// TestSignalMidSong interrupts a render while ffmpeg is encoding: exit
// 130/143, no mp4, no temporary file, and the report written.
func TestSignalMidSong(t *testing.T) {
	needFFmpeg(t)
	dir := t.TempDir()
	src := filepath.Join(dir, "long song.wav")
	tone(t, src, 40)
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		out := filepath.Join(dir, "out-"+sig.String())
		cmd := renderCmd("--engine", "plain", "--size", "320x320", "--preset", "veryfast", "-o", out, src)
		var se bytes.Buffer
		cmd.Stderr = &se
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the encode to start", 60*time.Second, func() bool { return tempGrowing(out) })
		cmd.Process.Signal(sig)
		err := cmd.Wait()
		ee, _ := err.(*exec.ExitError)
		if want := 128 + int(sig); ee == nil || ee.ExitCode() != want {
			t.Errorf("%v: exit %v, want %d; stderr %s", sig, err, want, se.String())
		}
		if _, err := os.Stat(filepath.Join(out, "long song.mp4")); err == nil {
			t.Errorf("%v: an mp4 was left", sig)
		}
		if l := hidden(out); len(l) > 0 {
			t.Errorf("%v: left behind %q", sig, l)
		}
		rep := report(t, filepath.Join(out, "report.json"))
		entries, _ := rep["entries"].([]any)
		if rep["interrupted"] != true || len(entries) != 1 || entries[0].(map[string]any)["status"] != "canceled" {
			t.Errorf("%v: report %v", sig, rep)
		}
	}
}

// TestSecondRunRefused: while a run holds an output folder, a second run of
// the same shard exits at once naming the holder; another shard goes ahead.
func TestSecondRunRefused(t *testing.T) {
	needFFmpeg(t)
	dir := t.TempDir()
	src := filepath.Join(dir, "song.wav")
	tone(t, src, 40)
	empty := filepath.Join(dir, "empty")
	os.Mkdir(empty, 0o755)
	out := filepath.Join(dir, "out")
	first := renderCmd("--engine", "plain", "--size", "320x320", "--preset", "veryfast", "-o", out, src)
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	defer first.Process.Kill()
	waitFor(t, "the first run's lock", 30*time.Second, func() bool {
		data, _ := os.ReadFile(filepath.Join(out, ".podium-lock"))
		return bytes.Contains(data, []byte(fmt.Sprintf(`"pid":%d`, first.Process.Pid)))
	})
	start := time.Now()
	r := runCmd(t, renderCmd(append(fast, "-o", out, src)...))
	if r.code != 1 || !strings.Contains(r.stderr, fmt.Sprintf("pid %d", first.Process.Pid)) {
		t.Errorf("second run: exit %d, stderr %q; want 1 naming pid %d", r.code, r.stderr, first.Process.Pid)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("the refused run took %v", took)
	}
	if r := runCmd(t, renderCmd(append(fast, "--shard", "2/2", "-o", out, empty)...)); r.code != 0 {
		t.Errorf("another shard on the same folder: exit %d, %s", r.code, r.stderr)
	}
	first.Process.Signal(syscall.SIGINT)
	first.Wait()
}

// asUnprivileged runs cmd as nobody when the tests run as root (CI does),
// since root reads and writes through any permission bits.
func asUnprivileged(t *testing.T, cmd *exec.Cmd) *exec.Cmd {
	if os.Geteuid() == 0 {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	}
	return cmd
}

// openDir is a temporary folder every user can enter (t.TempDir is 0700).
func openDir(t *testing.T) string {
	dir, err := os.MkdirTemp("", "podium-perm-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			os.Chmod(p, 0o755)
			return nil
		})
		os.RemoveAll(dir)
	})
	os.Chmod(dir, 0o777)
	return dir
}

func writeMel(t *testing.T, path string) {
	t.Helper()
	os.MkdirAll(filepath.Dir(path), 0o755)
	if err := npyfile.WriteFile(path, make([][128]float32, 60)); err != nil {
		t.Fatal(err)
	}
	os.Chmod(path, 0o644)
}

// TestUnwritableOutput: an output folder the user cannot write fails with a
// message naming it and leaves nothing there.
func TestUnwritableOutput(t *testing.T) {
	needFFmpeg(t)
	dir := openDir(t)
	writeMel(t, filepath.Join(dir, "in", "a.npy"))
	out := filepath.Join(dir, "out")
	os.Mkdir(out, 0o555)
	r := runCmd(t, asUnprivileged(t, renderCmd(append(fast, "--size", "32x32", "-o", out, filepath.Join(dir, "in"))...)))
	if r.code != 1 || !strings.Contains(r.stderr, out) {
		t.Errorf("exit %d, stderr %q: want 1 and a line naming %s", r.code, r.stderr, out)
	}
	if entries, _ := os.ReadDir(out); len(entries) != 0 {
		t.Errorf("files appeared in the unwritable folder: %v", entries)
	}
	// A sub-folder that cannot be written fails only its own songs.
	os.Chmod(out, 0o777)
	os.Mkdir(filepath.Join(out, "locked"), 0o555)
	writeMel(t, filepath.Join(dir, "in", "locked", "b.npy"))
	r = runCmd(t, asUnprivileged(t, renderCmd(append(fast, "--size", "32x32", "--recursive", "-o", out, filepath.Join(dir, "in"))...)))
	if r.code != 1 || !strings.Contains(r.stderr, filepath.Join(out, "locked")) || !strings.Contains(r.stdout, "1 done") {
		t.Errorf("exit %d, stdout %q, stderr %q: want a.npy done and b.npy failed naming its folder", r.code, r.stdout, r.stderr)
	}
	if l := hidden(out); len(l) > 0 {
		t.Errorf("left behind %q", l)
	}
}

// TestUnreadableFolder: an input folder the user cannot read is one failed
// line naming it; the rest of the batch is rendered.
func TestUnreadableFolder(t *testing.T) {
	needFFmpeg(t)
	dir := openDir(t)
	in := filepath.Join(dir, "in")
	writeMel(t, filepath.Join(in, "ok", "a.npy"))
	writeMel(t, filepath.Join(in, "secret", "b.npy"))
	os.Chmod(filepath.Join(in, "secret"), 0o000)
	r := runCmd(t, asUnprivileged(t, renderCmd(append(fast, "--size", "32x32", "--recursive", "-o", filepath.Join(dir, "out"), in)...)))
	if r.code != 1 || !strings.Contains(r.stderr, filepath.Join(in, "secret")) || !strings.Contains(r.stdout, "1 done") {
		t.Errorf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "out", "ok", "a.mp4")); err != nil {
		t.Errorf("the readable song was not rendered: %v", err)
	}
}
