package audio

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/podium-dev/podium/internal/tailbuf"
)

// inputInfo is what ffmpeg's description of its input says: the container's
// length and the kinds of its streams. It replaces a separate ffprobe run,
// whose process start-up alone (~0.15 s of CPU, loading the same libraries
// as ffmpeg) cost a sixth of decoding a whole minute of audio.
type inputInfo struct {
	opened  bool     // ffmpeg opened the input and described it
	seconds float64  // the container's duration; 0 when it does not say
	kinds   []string // stream kinds in file order, lower case ("audio", "video", …)
}

// hasAudio reports whether any stream is audio.
func (in inputInfo) hasAudio() bool {
	for _, k := range in.kinds {
		if k == "audio" {
			return true
		}
	}
	return false
}

// ffmpegLog is ffmpeg's standard error, run with "-loglevel level+info":
// every message carries its level, so the input description (info) is read
// for inputInfo and only errors are kept to explain a failure. Its Write is
// what exec.Cmd's copying goroutine calls; described is closed as soon as
// the input description is complete (or the output ends without one), which
// is before the first sample reaches the pipe.
type ffmpegLog struct {
	described chan struct{}

	mu      sync.Mutex
	partial []byte // an unfinished line
	level   string // level of the last prefixed line, for continuation lines
	inInput bool   // inside the "Input #0" description
	done    bool   // described is closed
	info    inputInfo
	errors  tailbuf.Buffer
}

func newFFmpegLog() *ffmpegLog {
	return &ffmpegLog{described: make(chan struct{}), errors: tailbuf.Buffer{Max: 4096}}
}

// maxLine bounds a kept line: a damaged file can make ffmpeg print long
// lines, and only their starts matter here.
const maxLine = 4096

func (l *ffmpegLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := len(p)
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			l.partial = appendBounded(l.partial, p)
			break
		}
		l.partial = appendBounded(l.partial, p[:i])
		l.line(string(l.partial))
		l.partial = l.partial[:0]
		p = p[i+1:]
	}
	return n, nil
}

func appendBounded(dst, p []byte) []byte {
	return append(dst, p[:min(len(p), max(0, maxLine-len(dst)))]...)
}

// close finishes the last unterminated line and marks the description
// complete, whatever ffmpeg printed. Call it once ffmpeg has exited.
func (l *ffmpegLog) close() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.partial) > 0 {
		l.line(string(l.partial))
		l.partial = nil
	}
	l.finishDescription()
}

func (l *ffmpegLog) finishDescription() {
	if !l.done {
		l.done = true
		close(l.described)
	}
}

// input returns what the description said; valid once described is closed.
func (l *ffmpegLog) input() inputInfo {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.info
}

// errorText returns the error messages, one per line.
func (l *ffmpegLog) errorText() string { return l.errors.String() }

var (
	// "  Duration: 00:01:00.03, start: …" (or "Duration: N/A").
	durationLine = regexp.MustCompile(`^  Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)`)
	// "  Stream #0:1[0x2](und): Video: h264 …": two spaces exactly, which
	// metadata values (indented further) cannot imitate.
	streamLine = regexp.MustCompile(`^  Stream #\d+:\d+\S*: ([A-Za-z]+):`)
)

// line takes one line of output.
func (l *ffmpegLog) line(s string) {
	level, msg, ok := splitLevel(s)
	if ok {
		l.level = level
	} else {
		level = l.level // a continuation of a multi-line message
	}
	switch level {
	case "error", "fatal", "panic":
		l.errors.Write([]byte(msg + "\n"))
		return
	case "info":
	default:
		return
	}
	switch {
	case strings.HasPrefix(msg, "Input #0,"):
		l.inInput, l.info.opened = true, true
	case strings.HasPrefix(msg, "Input #"), strings.HasPrefix(msg, "Output #"), strings.HasPrefix(msg, "Stream mapping:"):
		l.inInput = false
		if l.info.opened {
			l.finishDescription()
		}
	case !l.inInput:
	case durationLine.MatchString(msg):
		m := durationLine.FindStringSubmatch(msg)
		h, _ := strconv.Atoi(m[1])
		mins, _ := strconv.Atoi(m[2])
		sec, _ := strconv.ParseFloat(m[3], 64)
		l.info.seconds = float64(h)*3600 + float64(mins)*60 + sec
	case streamLine.MatchString(msg):
		l.info.kinds = append(l.info.kinds, strings.ToLower(streamLine.FindStringSubmatch(msg)[1]))
	}
}

// splitLevel takes the "[context @ 0x…] " prefixes and the "[level] " tag
// off a line; ok is false when the line has no level tag (it continues the
// previous message).
func splitLevel(s string) (level, msg string, ok bool) {
	rest := s
	for strings.HasPrefix(rest, "[") {
		end := strings.Index(rest, "] ")
		if end < 0 {
			break
		}
		tag := rest[1:end]
		rest = rest[end+2:]
		switch tag {
		case "panic", "fatal", "error", "warning", "info", "verbose", "debug", "trace":
			return tag, rest, true
		}
	}
	return "", s, false
}

// oneLine condenses ffmpeg's stderr into one line: the file URL prefix and
// "[demuxer @ 0x…]" tags dropped, repeated lines once, joined by "; ",
// and capped in length.
func oneLine(stderr, url string) string {
	var parts []string
	seen := map[string]bool{}
	for _, l := range strings.Split(stderr, "\n") {
		l = strings.TrimSpace(l)
		l = strings.TrimPrefix(l, url+": ")
		if strings.HasPrefix(l, "[") {
			if i := strings.Index(l, "] "); i > 0 {
				l = l[i+2:]
			}
		}
		if l == "" || seen[l] {
			continue
		}
		seen[l] = true
		parts = append(parts, l)
	}
	s := strings.Join(parts, "; ")
	if s == "" {
		return "no message"
	}
	if r := []rune(s); len(r) > 240 {
		s = string(r[:240]) + "…"
	}
	return s
}
