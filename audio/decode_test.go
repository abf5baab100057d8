package audio

import (
	"context"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"
)

// ffmpegGen writes out with ffmpeg from the given arguments (lavfi sources).
func ffmpegGen(t testing.TB, out string, args ...string) string {
	t.Helper()
	cmd := exec.Command("ffmpeg", append(append([]string{"-nostdin", "-v", "error", "-y"}, args...), out)...)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg %v: %v\n%s", args, err, msg)
	}
	return out
}

// sineArgs is a lavfi sine tone of f Hz, d seconds, at rate sr, ch channels.
func sineArgs(f, sr, ch int, d float64) []string {
	return []string{"-f", "lavfi", "-i", "sine=f=" + itoa(f) + ":r=" + itoa(sr) + ":d=" + ftoa(d), "-ac", itoa(ch)}
}

// bandOf is the mel column (highest band first) whose centre is nearest f.
func bandOf(f float64) int {
	lo, hi := hzToMel(0), hzToMel(melFMax)
	best, col := math.Inf(1), 0
	for m, e := range linspace(lo, hi, MelBands+2)[1 : MelBands+1] {
		if d := math.Abs(melToHz(e) - f); d < best {
			best, col = d, MelBands-1-m
		}
	}
	return col
}

// loudestBand is the column with the largest mean over the mel.
func loudestBand(m Mel) int {
	var sum [MelBands]float64
	for f := 0; f < m.Frames; f++ {
		for b, v := range m.Row(f) {
			sum[b] += float64(v)
		}
	}
	best := 0
	for b := range sum {
		if sum[b] > sum[best] {
			best = b
		}
	}
	return best
}

// TestLoadFormats decodes generated files of every common kind, checking
// the reported rate, channels and duration, the mel length, and that the
// tone lands in its mel band.
func TestLoadFormats(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name    string
		args    []string
		sr, ch  int
		seconds float64
		tol     float64 // lossy codecs add encoder delay/padding
		tone    int
	}{
		{"tone 48k.wav", append(sineArgs(440, 48000, 1, 2), "-c:a", "pcm_s16le"), 48000, 1, 2, 0, 440},
		{"Tone à 音 #1.mp3", append(sineArgs(1000, 44100, 2, 3), "-c:a", "libmp3lame"), 44100, 2, 3, 0.08, 1000},
		{"odd:name -x.flac", append(sineArgs(2000, 32000, 2, 2.5), "-c:a", "flac"), 32000, 2, 2.5, 0, 2000},
		{"-lead.ogg", append(sineArgs(3000, 44100, 1, 2), "-c:a", "libvorbis"), 44100, 1, 2, 0.08, 3000},
		{"tone.m4a", append(sineArgs(700, 48000, 2, 2), "-c:a", "aac"), 48000, 2, 2, 0.08, 700},
		{"clip.mp4", append([]string{"-f", "lavfi", "-i", "testsrc=s=64x64:r=10:d=2"}, append(sineArgs(1500, 44100, 2, 2),
			"-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest")...), 44100, 2, 2, 0.1, 1500},
		{"tone 11k.wav", append(sineArgs(1200, 11025, 1, 1.6), "-c:a", "pcm_f32le"), 11025, 1, 1.6, 0, 1200},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := ffmpegGen(t, filepath.Join(dir, c.name), c.args...)
			m, info, err := Load(context.Background(), path, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if info.Path != path || info.SampleRate != c.sr || info.Channels != c.ch || !info.HasAudio {
				t.Fatalf("info %+v, want %d Hz, %d channels, audio", info, c.sr, c.ch)
			}
			if math.Abs(info.Seconds-c.seconds) > c.tol+1e-9 {
				t.Fatalf("decoded %.4f s, want %.4f ± %.2f", info.Seconds, c.seconds, c.tol)
			}
			n := int(math.Round(info.Seconds * float64(c.sr)))
			resampled := n
			if c.sr != SampleRate {
				resampled = int(math.Ceil(float64(n) * SampleRate / float64(c.sr)))
			}
			if want := melFrames(resampled); m.Frames != want || len(m.Data) != want*MelBands {
				t.Fatalf("%d mel frames (%d values), want %d", m.Frames, len(m.Data), want)
			}
			if got, want := loudestBand(m), bandOf(float64(c.tone)); got < want-1 || got > want+1 {
				t.Fatalf("a %d Hz tone peaks in mel column %d, want %d ± 1", c.tone, got, want)
			}
		})
	}
}

// rawSamples decodes path with a plain ffmpeg call to interleaved float32.
func rawSamples(t *testing.T, path string) []float32 {
	t.Helper()
	out, err := exec.Command("ffmpeg", "-nostdin", "-v", "error", "-i", path, "-f", "f32le", "pipe:").Output()
	if err != nil {
		t.Fatal(err)
	}
	x := make([]float32, len(out)/4)
	for i := range x {
		x[i] = math.Float32frombits(binary.LittleEndian.Uint32(out[4*i:]))
	}
	return x
}

// TestLoadStreamingEqualsOneShot: the streamed decode → resample → mel must
// equal MelSpectrogram(Resample(all samples)) bit for bit.
func TestLoadStreamingEqualsOneShot(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		name   string
		sr, ch int
	}{{"n44.wav", 44100, 2}, {"n48.flac", 48000, 2}, {"n16.wav", 16000, 1}} {
		path := ffmpegGen(t, filepath.Join(dir, c.name), "-f", "lavfi", "-i",
			"anoisesrc=d=4.3:c=pink:a=0.3:r="+itoa(c.sr), "-f", "lavfi", "-i", "sine=f=330:d=4.3:r="+itoa(c.sr),
			"-filter_complex", "amix=inputs=2", "-ac", itoa(c.ch), "-c:a", map[bool]string{true: "flac", false: "pcm_f32le"}[strings.HasSuffix(c.name, ".flac")])
		for _, zp := range []bool{false, true} {
			got, info, err := Load(context.Background(), path, Options{ZeroPad: zp})
			if err != nil {
				t.Fatal(err)
			}
			raw := rawSamples(t, path)
			mono := make([]float32, len(raw)/c.ch)
			mixDown(raw, c.ch, mono)
			if info.Seconds != float64(len(mono))/float64(c.sr) {
				t.Fatalf("%s: Info.Seconds %v, want %v", c.name, info.Seconds, float64(len(mono))/float64(c.sr))
			}
			want := MelSpectrogram(Resample(mono, c.sr, SampleRate), Options{ZeroPad: zp})
			if got.Frames != want.Frames {
				t.Fatalf("%s: streamed %d frames, one-shot %d", c.name, got.Frames, want.Frames)
			}
			for i := range want.Data {
				if got.Data[i] != want.Data[i] {
					t.Fatalf("%s: value %d streamed %v, one-shot %v", c.name, i, got.Data[i], want.Data[i])
				}
			}
		}
	}
}

// TestLoadBadInputs: every broken input is an error naming the file, on
// one line, never a panic.
func TestLoadBadInputs(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := ffmpegGen(t, filepath.Join(dir, "good.mp3"), append(sineArgs(440, 44100, 2, 6), "-c:a", "libmp3lame")...)
	full, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	png := ffmpegGen(t, filepath.Join(dir, "picture.png"), "-f", "lavfi", "-i", "testsrc=s=32x32:d=1", "-frames:v", "1")
	silentVideo := ffmpegGen(t, filepath.Join(dir, "no sound.mp4"), "-f", "lavfi", "-i", "testsrc=s=32x32:r=5:d=1", "-c:v", "libx264", "-pix_fmt", "yuv420p")
	cases := []struct {
		name, path, want string
	}{
		{"text", write("notes à.txt", []byte("this is not audio\n")), "not an audio file"},
		{"text named mp3", write("fake song.mp3", []byte(strings.Repeat("not audio at all ", 100))), "not an audio file"},
		{"empty", write("empty.wav", nil), "empty file"},
		{"truncated mp3", write("cut short.mp3", full[:len(full)/4]), "truncated"},
		{"mp3 head only", write("head.mp3", full[:300]), ""},
		{"missing", filepath.Join(dir, "nowhere", "gone.mp3"), "no such file"},
		{"folder", dir, "directory"},
		{"png", png, "no audio stream"},
		{"video without audio", silentVideo, "no audio stream"},
		{"bad npy", write("mel.npy", []byte("\x93NUMPY garbage")), ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, _, err := Load(context.Background(), c.path, Options{})
			if err == nil {
				t.Fatalf("no error, %d frames", m.Frames)
			}
			msg := err.Error()
			if !strings.Contains(msg, c.path) || strings.Contains(msg, "\n") || !strings.Contains(msg, c.want) {
				t.Fatalf("error %q: want one line naming %s and saying %q", msg, c.path, c.want)
			}
			t.Log(msg)
		})
	}
	if _, _, err := Load(context.Background(), filepath.Join(dir, "gone.wav"), Options{}); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing file: %v does not wrap os.ErrNotExist", err)
	}
}

func TestLoadMaxSeconds(t *testing.T) {
	path := ffmpegGen(t, filepath.Join(t.TempDir(), "three.wav"), sineArgs(440, 22050, 1, 3)...)
	if _, _, err := Load(context.Background(), path, Options{MaxSeconds: 2}); err == nil || !strings.Contains(err.Error(), "longer than the limit") {
		t.Fatalf("3 s file with a 2 s limit: %v", err)
	}
	if m, _, err := Load(context.Background(), path, Options{MaxSeconds: 4}); err != nil || m.Frames != 270 {
		t.Fatalf("3 s file with a 4 s limit: %d frames, %v", m.Frames, err)
	}
	// A long file is refused on ffmpeg's description of it, before its
	// samples are decoded: the message gives the whole length, where
	// counting samples would stop a second past the limit.
	long := ffmpegGen(t, filepath.Join(t.TempDir(), "ten minutes.wav"), append(sineArgs(440, 8000, 1, 600), "-c:a", "pcm_u8")...)
	_, _, err := Load(context.Background(), long, Options{MaxSeconds: 1})
	if err == nil || !strings.Contains(err.Error(), "600.0 s is longer than the limit of 1.0 s") || !strings.Contains(err.Error(), long) {
		t.Fatalf("10-minute file with a 1 s limit: %v", err)
	}
}

// TestLoadCancel: cancelling stops the decode (and kills ffmpeg) promptly.
func TestLoadCancel(t *testing.T) {
	path := ffmpegGen(t, filepath.Join(t.TempDir(), "long.wav"), append(sineArgs(440, 44100, 2, 120), "-c:a", "pcm_s16le")...)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := Load(ctx, path, Options{}); !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), path) {
		t.Fatalf("cancelled context: %v", err)
	}
	ctx, cancel = context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, _, err := Load(ctx, path, Options{})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("2 minutes of audio with a 50 ms deadline: %v", err)
	}
	if el := time.Since(start); el > 3*time.Second {
		t.Fatalf("Load returned %v after the deadline", el)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// TestLoadHoldsOnlyTheMel: decoding 3 minutes must not hold the song's
// samples. The live heap is sampled while Load runs, with the GC made eager
// (GOGC 5) so that the peak reflects what is held rather than garbage: the
// mel itself is 8.3 MB and the stream's filters and buffers add a few MB,
// while holding the song would add ≥ 16 MB more (the 22.05 kHz signal as
// float32; the 44.1 kHz input would be 32 MB).
func TestLoadHoldsOnlyTheMel(t *testing.T) {
	path := ffmpegGen(t, filepath.Join(t.TempDir(), "three minutes.wav"), "-f", "lavfi", "-i",
		"anoisesrc=d=180:c=pink:a=0.2:r=44100", "-ac", "2", "-c:a", "pcm_s16le")
	defer debug.SetGCPercent(debug.SetGCPercent(5))
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	done := make(chan struct{})
	peak := make(chan uint64)
	go func() {
		var top uint64
		var ms runtime.MemStats
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				peak <- top
				return
			case <-tick.C:
				runtime.ReadMemStats(&ms)
				top = max(top, ms.HeapAlloc)
			}
		}
	}()
	m, _, err := Load(context.Background(), path, Options{})
	close(done)
	top := <-peak
	if err != nil {
		t.Fatal(err)
	}
	if m.Frames != 180*MelRate {
		t.Fatalf("%d frames, want %d", m.Frames, 180*MelRate)
	}
	melBytes := uint64(len(m.Data) * 4)
	held := top - min(top, base.HeapAlloc)
	t.Logf("mel %.1f MB, peak heap during Load %.1f MB above the start", float64(melBytes)/1e6, float64(held)/1e6)
	if held > melBytes+16<<20 {
		t.Fatalf("Load's heap peaked %.1f MB above the start for a %.1f MB mel: it is holding more than a stream needs", float64(held)/1e6, float64(melBytes)/1e6)
	}
}
