package audio

import (
	"slices"
	"strings"
	"testing"
)

// A real "-loglevel level+info" description (ffmpeg 5.1) of a video with a
// subtitle track and an audio track, with a metadata value that imitates a
// Duration line, then a multi-line fatal error.
const sampleLog = `[info] Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'file:/music/a b.mp4':
[info]   Metadata:
[info]     major_brand     : isom
[info]     comment         : Duration: 09:59:59.00
[info]   Duration: 01:02:03.50, start: 0.000000, bitrate: 18 kb/s
[info]   Stream #0:0[0x1](und): Video: h264 (High) (avc1 / 0x31637661), yuv420p, 32x32, 5 fps (default)
[info]     Metadata:
[info]       handler_name    : VideoHandler
[info]   Stream #0:1[0x2](eng): Subtitle: mov_text (tx3g / 0x67337874), 0 kb/s
[info]   Stream #0:2[0x3](und): Audio: aac (LC) (mp4a / 0x6134706D), 44100 Hz, stereo, fltp, 128 kb/s
[mp3 @ 0x55c53be21980] [warning] filesize and duration do not match (growing file?)
[info] Stream mapping:
[info]   Stream #0:2 -> #0:0 (aac (native) -> pcm_f32le (native))
[info] Output #0, wav, to 'pipe:':
[info]   Duration: 00:00:01.00
[info]   Stream #0:0: Audio: pcm_f32le ([3][0][0][0] / 0x0003), 44100 Hz, stereo, flt, 2822 kb/s
[aac @ 0x5612] [error] Input buffer exhausted before END element found
[fatal] Stream map '0:a:9' matches no streams.
To ignore this, add a trailing '?' to the map.
[info] size=   20672kB time=00:01:00.00 bitrate=2822.4kbits/s speed= 381x`

// TestFFmpegLog reads the input description whatever the write boundaries
// (exec hands stderr over in arbitrary pieces), ignores the output's
// description and metadata look-alikes, and keeps only the error lines.
func TestFFmpegLog(t *testing.T) {
	for _, piece := range []int{1, 7, 64, len(sampleLog)} {
		l := newFFmpegLog()
		for i := 0; i < len(sampleLog); i += piece {
			l.Write([]byte(sampleLog[i:min(i+piece, len(sampleLog))]))
		}
		select {
		case <-l.described:
		default:
			t.Fatalf("pieces of %d: description not complete after the output's header", piece)
		}
		l.close()
		in := l.input()
		if !in.opened || in.seconds != 3723.5 || !slices.Equal(in.kinds, []string{"video", "subtitle", "audio"}) || !in.hasAudio() {
			t.Fatalf("pieces of %d: %+v", piece, in)
		}
		want := "Input buffer exhausted before END element found\nStream map '0:a:9' matches no streams.\nTo ignore this, add a trailing '?' to the map.\n"
		if got := l.errorText(); got != want {
			t.Fatalf("pieces of %d: errors %q, want %q", piece, got, want)
		}
	}
}

// TestFFmpegLogNoInput: when ffmpeg cannot open the file there is no
// description; close still releases anyone waiting for one.
func TestFFmpegLogNoInput(t *testing.T) {
	l := newFFmpegLog()
	l.Write([]byte("[error] file:/x/notes.txt: Invalid data found when processing input")) // no newline
	select {
	case <-l.described:
		t.Fatal("described before ffmpeg finished")
	default:
	}
	l.close()
	<-l.described
	if in := l.input(); in.opened || in.hasAudio() || in.seconds != 0 {
		t.Fatalf("%+v", in)
	}
	if got := oneLine(l.errorText(), "file:/x/notes.txt"); got != "Invalid data found when processing input" {
		t.Fatalf("error %q", got)
	}
}

// TestFFmpegLogLongLines: a runaway line is cut, not kept whole.
func TestFFmpegLogLongLines(t *testing.T) {
	l := newFFmpegLog()
	l.Write([]byte("[error] " + strings.Repeat("x", 1<<20) + "\n[info] Input #0, wav, from 'file:a':\n[info]   Duration: N/A, bitrate: N/A\n"))
	l.close()
	if n := len(l.errorText()); n > maxLine+1 {
		t.Fatalf("kept %d bytes of one line", n)
	}
	if in := l.input(); !in.opened || in.seconds != 0 {
		t.Fatalf("%+v", in)
	}
}
