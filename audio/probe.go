package audio

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
)

// probed is what ffprobe says about a file's first audio stream.
type probed struct {
	sampleRate int
	channels   int
	seconds    float64 // 0 when the container does not say
}

// probe asks ffprobe for the first audio stream's rate, channels and length.
// url is the ffmpeg URL of the file (file:…); path names it in errors.
func probe(ctx context.Context, ffprobe, url, path string) (probed, error) {
	cmd := exec.CommandContext(ctx, ffprobe, "-v", "error",
		"-show_entries", "stream=codec_type,sample_rate,channels,duration:format=duration",
		"-of", "json", url)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return probed{}, fmt.Errorf("decode %s: %w", path, ctx.Err())
		}
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			return probed{}, fmt.Errorf("decode %s: cannot run ffprobe: %w", path, err)
		}
		return probed{}, fmt.Errorf("decode %s: not an audio file (ffprobe: %s)", path, oneLine(stderr.String(), url))
	}
	var out struct {
		Streams []struct {
			CodecType  string `json:"codec_type"`
			SampleRate string `json:"sample_rate"`
			Channels   int    `json:"channels"`
			Duration   string `json:"duration"`
		} `json:"streams"`
		Format struct {
			Duration string `json:"duration"`
		} `json:"format"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		return probed{}, fmt.Errorf("decode %s: unreadable ffprobe output: %w", path, err)
	}
	for _, s := range out.Streams {
		if s.CodecType != "audio" {
			continue
		}
		rate, _ := strconv.Atoi(s.SampleRate)
		if rate <= 0 || s.Channels <= 0 {
			return probed{}, fmt.Errorf("decode %s: audio stream with %q Hz and %d channels", path, s.SampleRate, s.Channels)
		}
		p := probed{sampleRate: rate, channels: s.Channels}
		p.seconds, _ = strconv.ParseFloat(s.Duration, 64)
		if p.seconds <= 0 {
			p.seconds, _ = strconv.ParseFloat(out.Format.Duration, 64)
		}
		return p, nil
	}
	kinds := make([]string, 0, len(out.Streams))
	for _, s := range out.Streams {
		kinds = append(kinds, s.CodecType)
	}
	if len(kinds) == 0 {
		return probed{}, fmt.Errorf("decode %s: no audio stream", path)
	}
	return probed{}, fmt.Errorf("decode %s: no audio stream (only %s)", path, strings.Join(kinds, ", "))
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
