package render

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/podium-dev/podium/internal/npyfile"
	"github.com/podium-dev/podium/motion"
	"github.com/podium-dev/podium/skeleton"
)

// testOptions renders small and fast: the plain engine, 160×160, ultrafast.
func testOptions(out string, inputs ...string) Options {
	o := Defaults()
	o.Inputs, o.OutDir = inputs, out
	o.Engine, o.Size, o.Preset = "plain", Size{W: 160, H: 160}, "ultrafast"
	return o
}

// lavfi writes a file from an ffmpeg lavfi source.
func lavfi(t testing.TB, path, src string) {
	t.Helper()
	out, err := exec.Command("ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", src, path).CombinedOutput()
	if err != nil {
		t.Fatalf("generate %s: %v: %s", path, err, out)
	}
}

// leftovers lists the files under dir that are not finished outputs or the
// report: temporary files and locks.
func leftovers(t testing.TB, dir string) []string {
	t.Helper()
	var bad []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasPrefix(d.Name(), ".") {
			bad = append(bad, p)
		}
		return nil
	})
	return bad
}

// decodeFrame returns frame n of a video as rgb24.
func decodeFrame(t testing.TB, path string, n, w, h int) []byte {
	t.Helper()
	out, err := exec.Command("ffmpeg", "-loglevel", "error", "-i", path, "-vf", fmt.Sprintf("select=eq(n\\,%d)", n),
		"-vsync", "0", "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1").Output()
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != w*h*3 {
		t.Fatalf("frame %d of %s: %d bytes, want %d", n, path, len(out), w*h*3)
	}
	return out
}

// TestRunEndToEnd renders a generated clip whose name has spaces and
// non-ASCII letters, checks the mp4 with ffprobe (streams, durations, frame
// count, rate) and decodes a frame: the right wrist is drawn where the
// keypoints file says. A second run skips it; a newer source or --force
// renders it again.
func TestRunEndToEnd(t *testing.T) {
	needFFmpeg(t)
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in"), filepath.Join(dir, "out")
	os.Mkdir(in, 0o755)
	src := filepath.Join(in, "Ständchen für ♫ 1.wav")
	lavfi(t, src, "sine=frequency=330:beep_factor=6:sample_rate=44100:duration=4")

	opt := testOptions(out, in)
	opt.Keypoints, opt.Engine = true, "builtin" // the conductor moves: a better test of where things are drawn
	var log bytes.Buffer
	opt.Log = &log
	rep, err := Run(context.Background(), opt)
	if err != nil || !rep.OK() || rep.Counts.Done != 1 {
		t.Fatalf("Run: %v, counts %+v, log %s", err, rep.Counts, log.String())
	}
	mp4 := filepath.Join(out, "Ständchen für ♫ 1.mp4")
	st := probe(t, mp4)
	v, a := streamOf(t, st, "video"), streamOf(t, st, "audio")
	if v.CodecName != "h264" || a.CodecName != "aac" || v.PixFmt != "yuv420p" {
		t.Errorf("streams %s %s / %s, want h264 yuv420p / aac", v.CodecName, v.PixFmt, a.CodecName)
	}
	if v.NbFrames != "120" {
		t.Errorf("%s frames, want 120 (4 s at 30 fps)", v.NbFrames)
	}
	for _, s := range []probeStream{v, a} {
		if d := seconds(t, s.Duration); math.Abs(d-4) > 0.1 {
			t.Errorf("%s stream lasts %.3f s, want 4 ± 0.1", s.CodecType, d)
		}
	}
	if e := rep.Entries[0]; e.Duration != 4 || e.Frames != 120 || e.Engine != "builtin" || e.Timings == nil || e.Timings.Realtime <= 0 {
		t.Errorf("report entry %+v", e)
	}

	// The keypoints are the engine's motion at 30 fps.
	arr, err := npyfile.Read(filepath.Join(out, "Ständchen für ♫ 1.npy"))
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(arr.Shape) != "[120 13 2]" {
		t.Fatalf("keypoints shape %v, want [120 13 2]", arr.Shape)
	}
	for _, ext := range []string{".npy", ".json", ".mp4"} {
		st, err := os.Stat(filepath.Join(out, "Ständchen für ♫ 1"+ext))
		if err != nil {
			t.Error(err)
		} else if st.Mode().Perm() != 0o644 {
			t.Errorf("%s has mode %v, want 0644 like any output", ext, st.Mode().Perm())
		}
	}
	raw, _ := motion.FromData(arr.Data, motion.Rate)
	const n, size = 60, 160
	// Drawn: smoothed, through the camera fitted to the song's figure.
	m := skeleton.Smooth(raw)
	cam := skeleton.FitCamera(skeleton.Style{Width: size, Height: size}, m)
	frame := decodeFrame(t, mp4, n, size, size)
	bg := skeleton.NewPainter(skeleton.Style{Width: size, Height: size}).Draw(motion.New(0, motion.Rate), 0)
	diff := func(x, y int) int {
		i, j := (y*size+x)*3, y*bg.Stride+x*4
		return abs(int(frame[i])-int(bg.Pix[j])) + abs(int(frame[i+1])-int(bg.Pix[j+1])) + abs(int(frame[i+2])-int(bg.Pix[j+2]))
	}
	w := m.At(n, motion.RightWrist)
	if d := diff(int(cam.X+float64(w.X)*cam.Scale), int(cam.Y+float64(w.Y)*cam.Scale)); d < 60 {
		t.Errorf("frame %d at the right wrist (%.3f, %.3f) differs from the background by %d: no skeleton there", n, w.X, w.Y, d)
	}
	if d := diff(4, 4); d > 24 {
		t.Errorf("frame %d's corner differs from the background by %d", n, d)
	}
	// The skeleton moves: the wrist travels, and so do the drawn pixels.
	w2 := m.At(n+15, motion.RightWrist)
	if dist := math.Hypot(float64(w2.X-w.X), float64(w2.Y-w.Y)) * cam.Scale; dist < 2 {
		t.Errorf("the right wrist moved %.1f px in half a second", dist)
	}
	other := decodeFrame(t, mp4, n+15, size, size)
	changed := 0
	for i := range frame {
		if abs(int(frame[i])-int(other[i])) > 30 {
			changed++
		}
	}
	if changed < 30 {
		t.Errorf("frames %d and %d differ in only %d values: the skeleton does not move", n, n+15, changed)
	}
	if l := leftovers(t, out); len(l) > 0 {
		t.Errorf("left behind: %q", l)
	}

	// Up to date: skipped. Source newer: rendered. --force: rendered.
	rep, _ = Run(context.Background(), opt)
	if rep.Counts.Skipped != 1 {
		t.Errorf("second run: %+v, want skipped", rep.Counts)
	}
	future := time.Now().Add(time.Minute)
	os.Chtimes(src, future, future)
	rep, _ = Run(context.Background(), opt)
	if rep.Counts.Done != 1 {
		t.Errorf("after touching the source: %+v, want done", rep.Counts)
	}
	opt.Force = true
	os.Chtimes(src, time.Now().Add(-time.Hour), time.Now().Add(-time.Hour))
	if rep, _ = Run(context.Background(), opt); rep.Counts.Done != 1 {
		t.Errorf("--force: %+v, want done", rep.Counts)
	}
}

// TestRunAt60FPS: --fps 60 doubles the frames over the same duration.
func TestRunAt60FPS(t *testing.T) {
	needFFmpeg(t)
	dir := t.TempDir()
	src := filepath.Join(dir, "a.flac")
	lavfi(t, src, "sine=frequency=220:sample_rate=48000:duration=2")
	opt := testOptions(filepath.Join(dir, "out"), src)
	opt.FPS = 60
	if rep, err := Run(context.Background(), opt); err != nil || !rep.OK() {
		t.Fatalf("Run: %v %+v", err, rep.Entries)
	}
	st := probe(t, filepath.Join(dir, "out", "a.mp4"))
	if v := streamOf(t, st, "video"); v.NbFrames != "120" || math.Abs(seconds(t, v.Duration)-2) > 0.1 {
		t.Errorf("%s frames over %s s, want 120 over 2", v.NbFrames, v.Duration)
	}
}

// TestRunBadInputs: inputs that are not audio, empty, truncated, very short,
// silent, or oddly named. Each bad one fails with one line naming it, the
// batch goes on, and no partial file is left.
func TestRunBadInputs(t *testing.T) {
	needFFmpeg(t)
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in"), filepath.Join(dir, "out")
	os.Mkdir(in, 0o755)
	os.WriteFile(filepath.Join(in, "not audio.mp3"), []byte("this is a shopping list, not a song\n"), 0o644)
	os.WriteFile(filepath.Join(in, "empty.wav"), nil, 0o644)
	full := filepath.Join(dir, "full.mp3")
	lavfi(t, full, "sine=frequency=440:sample_rate=44100:duration=3")
	data, _ := os.ReadFile(full)
	os.WriteFile(filepath.Join(in, "truncated.mp3"), data[:len(data)/2], 0o644)
	os.WriteFile(filepath.Join(in, "header only.mp3"), data[:200], 0o644)
	lavfi(t, filepath.Join(in, "short.ogg"), "sine=frequency=440:sample_rate=44100:duration=0.5")
	lavfi(t, filepath.Join(in, "silence.wav"), "anullsrc=r=22050:cl=mono:d=3")
	lavfi(t, filepath.Join(in, "日本語 の 歌.m4a"), "sine=frequency=523:sample_rate=44100:duration=1.5")

	var log bytes.Buffer
	opt := testOptions(out, in)
	opt.Log = &log
	rep, err := Run(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	status := map[string]Entry{}
	for _, e := range rep.Entries {
		status[e.Name] = e
	}
	for name, want := range map[string]Status{"not audio.mp3": Failed, "empty.wav": Failed, "header only.mp3": Failed,
		"short.ogg": Done, "silence.wav": Done, "日本語 の 歌.m4a": Done} {
		if got := status[name]; got.Status != want {
			t.Errorf("%s: %s (%s), want %s", name, got.Status, got.Reason, want)
		}
	}
	// A truncated mp3 either renders what it holds, with matching streams,
	// or fails; never a broken file.
	if e := status["truncated.mp3"]; e.Status == Done {
		st := probe(t, filepath.Join(out, "truncated.mp4"))
		va, aa := seconds(t, streamOf(t, st, "video").Duration), seconds(t, streamOf(t, st, "audio").Duration)
		if math.Abs(va-aa) > 0.1 || math.Abs(aa-e.Duration) > 0.1 {
			t.Errorf("truncated.mp3: video %.3f s, audio %.3f s, source %.3f s", va, aa, e.Duration)
		}
	} else if e.Status != Failed {
		t.Errorf("truncated.mp3: %s", e.Status)
	}
	// Vorbis drops a few samples at the end: 0.497 s → 14 frames.
	if e := status["short.ogg"]; e.Frames < 14 || math.Abs(float64(e.Frames)-30*e.Duration) >= 1 {
		t.Errorf("0.5 s file: %d frames for %.3f s, want 14 or 15, below 30 fps × duration by less than one", e.Frames, e.Duration)
	}
	lines := strings.Split(strings.TrimSpace(log.String()), "\n")
	for _, e := range rep.Entries {
		if e.Status != Failed {
			continue
		}
		found := 0
		for _, l := range lines {
			if strings.Contains(l, e.Input) {
				found++
			}
		}
		if found != 1 {
			t.Errorf("%d log lines name %s, want 1:\n%s", found, e.Input, log.String())
		}
		if _, err := os.Stat(filepath.Join(out, strings.TrimSuffix(e.Name, filepath.Ext(e.Name))+".mp4")); err == nil {
			t.Errorf("%s failed but has an mp4", e.Name)
		}
	}
	if rep.OK() {
		t.Error("report OK despite failures")
	}
	if l := leftovers(t, out); len(l) > 0 {
		t.Errorf("left behind: %q", l)
	}
}

// TestRunDeadFFmpeg: an ffmpeg killed mid-song (here by a file-size limit,
// as on a full disk) fails that song, says so and leaves nothing behind.
func TestRunDeadFFmpeg(t *testing.T) {
	needFFmpeg(t)
	dir := t.TempDir()
	src := filepath.Join(dir, "song.wav")
	lavfi(t, src, "sine=frequency=440:sample_rate=44100:duration=6")
	wrapper := filepath.Join(dir, "ffmpeg")
	os.WriteFile(wrapper, []byte("#!/bin/sh\nulimit -f 40\nexec ffmpeg \"$@\"\n"), 0o755)
	out := filepath.Join(dir, "out")
	opt := testOptions(out, src)
	opt.FFmpeg, opt.CRF, opt.Size = wrapper, 0, Size{W: 320, H: 320}
	var log bytes.Buffer
	opt.Log = &log
	rep, err := Run(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	if e := rep.Entries[0]; e.Status != Failed || !strings.Contains(e.Reason, "ffmpeg") {
		t.Errorf("entry %+v, want failed naming ffmpeg", e)
	}
	if !strings.Contains(log.String(), src) {
		t.Errorf("log %q does not name the song", log.String())
	}
	if _, err := os.Stat(filepath.Join(out, "song.mp4")); err == nil {
		t.Error("an mp4 was published")
	}
	if l := leftovers(t, out); len(l) > 0 {
		t.Errorf("left behind: %q", l)
	}
}

// TestRunShardsCoverEveryInputOnce renders one folder as shards 1/3..3/3
// into the same output folder: every input is done by exactly one shard,
// each shard has its own report, and the outputs are all there.
func TestRunShardsCoverEveryInputOnce(t *testing.T) {
	needFFmpeg(t)
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in"), filepath.Join(dir, "out")
	var names []string
	for i := range 9 {
		name := fmt.Sprintf("album %d/mel %d.npy", i%2, i)
		p := filepath.Join(in, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := npyfile.WriteFile(p, make([][128]float32, 30)); err != nil {
			t.Fatal(err)
		}
		names = append(names, name)
	}
	done := map[string]int{}
	for i := 1; i <= 3; i++ {
		opt := testOptions(out, in)
		opt.Recursive, opt.Shard, opt.Size = true, Shard{Index: i, Count: 3}, Size{W: 32, H: 32}
		rep, err := Run(context.Background(), opt)
		if err != nil || !rep.OK() {
			t.Fatalf("shard %d/3: %v %+v", i, err, rep.Entries)
		}
		if _, err := os.Stat(filepath.Join(out, fmt.Sprintf("report.shard-%d-of-3.json", i))); err != nil {
			t.Error(err)
		}
		for _, e := range rep.Entries {
			done[e.Name]++
		}
	}
	for _, n := range names {
		if done[n] != 1 {
			t.Errorf("%s rendered by %d shards", n, done[n])
		}
		mp4 := filepath.Join(out, filepath.FromSlash(strings.TrimSuffix(n, ".npy")+".mp4"))
		st := probe(t, mp4)
		if v := streamOf(t, st, "video"); v.NbFrames != "10" {
			t.Errorf("%s: %s frames, want 10", mp4, v.NbFrames)
		}
		for _, s := range st {
			if s.CodecType == "audio" {
				t.Errorf("%s: a mel has no soundtrack, but the video has audio", mp4)
			}
		}
	}
	if len(done) != len(names) {
		t.Errorf("shards rendered %d inputs, want %d", len(done), len(names))
	}
}

// TestRunOutputNotAFolder: an output folder that cannot be created fails the
// run with a message naming it.
func TestRunOutputNotAFolder(t *testing.T) {
	dir := t.TempDir()
	blocker := filepath.Join(dir, "file")
	os.WriteFile(blocker, []byte("x"), 0o644)
	_, err := Run(context.Background(), testOptions(filepath.Join(blocker, "out"), dir))
	if err == nil || !strings.Contains(err.Error(), blocker) {
		t.Errorf("err = %v, want one naming %s", err, blocker)
	}
}

// TestRunSubfolderBlocked: where one song's mirrored sub-folder cannot be
// made, that song fails and the others are rendered.
func TestRunSubfolderBlocked(t *testing.T) {
	needFFmpeg(t)
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in"), filepath.Join(dir, "out")
	for _, n := range []string{"a/x.npy", "b/y.npy"} {
		p := filepath.Join(in, filepath.FromSlash(n))
		os.MkdirAll(filepath.Dir(p), 0o755)
		npyfile.WriteFile(p, make([][128]float32, 30))
	}
	os.MkdirAll(out, 0o755)
	os.WriteFile(filepath.Join(out, "a"), []byte("a file where a folder should be"), 0o644)
	opt := testOptions(out, in)
	opt.Recursive, opt.Size = true, Size{W: 32, H: 32}
	rep, err := Run(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Counts.Done != 1 || rep.Counts.Failed != 1 || !strings.Contains(rep.Entries[0].Reason, filepath.Join(out, "a")) {
		t.Errorf("counts %+v, entries %+v", rep.Counts, rep.Entries)
	}
}

// TestRunBadOptions: impossible options are usage errors.
func TestRunBadOptions(t *testing.T) {
	for _, mod := range []func(*Options){
		func(o *Options) { o.FPS = 25 },
		func(o *Options) { o.Size = Size{W: 101, H: 100} },
		func(o *Options) { o.Preset = "warp" },
		func(o *Options) { o.CRF = 60 },
		func(o *Options) { o.Theme = "neon" },
		func(o *Options) { o.Shard = Shard{Index: 4, Count: 3} },
	} {
		o := testOptions(t.TempDir(), t.TempDir())
		mod(&o)
		if _, err := Run(context.Background(), o); !errors.Is(err, ErrUsage) {
			t.Errorf("%+v: err = %v, want ErrUsage", o, err)
		}
	}
}

// TestRunLockedFolder: a run on a folder and shard whose lock is held
// returns a *LockedError at once, without touching anything.
func TestRunLockedFolder(t *testing.T) {
	out := t.TempDir()
	l, err := acquireLock(out, Shard{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.release()
	_, err = Run(context.Background(), testOptions(out, t.TempDir()))
	var le *LockedError
	if !errors.As(err, &le) {
		t.Fatalf("err = %v, want *LockedError", err)
	}
	if _, err := os.Stat(filepath.Join(out, "report.json")); err == nil {
		t.Error("a refused run wrote a report")
	}
}

// TestRunProgressAndSummary: with a progress writer, the batch bar and one
// bar per song are drawn (two songs at once here), failure lines go above
// them, and the summary table lists every song.
func TestRunProgressAndSummary(t *testing.T) {
	needFFmpeg(t)
	dir := t.TempDir()
	in := filepath.Join(dir, "in")
	for _, n := range []string{"one.npy", "two.npy", "three.npy"} {
		os.MkdirAll(in, 0o755)
		npyfile.WriteFile(filepath.Join(in, n), make([][128]float32, 45))
	}
	os.WriteFile(filepath.Join(in, "bad.npy"), []byte("not numpy"), 0o644)
	var progress, summary bytes.Buffer
	opt := testOptions(filepath.Join(dir, "out"), in)
	opt.Size, opt.Jobs = Size{W: 32, H: 32}, 2
	opt.Progress, opt.Log, opt.Summary = &progress, &progress, &summary
	rep, err := Run(context.Background(), opt)
	if err != nil || rep.Counts.Done != 3 || rep.Counts.Failed != 1 {
		t.Fatalf("Run: %v %+v", err, rep.Counts)
	}
	p := progress.String()
	for _, want := range []string{"batch", "one.npy", "(15/15", "\x1b[2K", "\x1b[Jfailed: decode " + filepath.Join(in, "bad.npy")} {
		if !strings.Contains(p, want) {
			t.Errorf("progress output lacks %q:\n%q", want, p)
		}
	}
	s := summary.String()
	for _, want := range []string{"song", "× realtime", "one.npy", "bad.npy", "failed", "3 done, 0 skipped, 1 failed"} {
		if !strings.Contains(s, want) {
			t.Errorf("summary lacks %q:\n%s", want, s)
		}
	}
}
