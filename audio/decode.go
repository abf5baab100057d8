package audio

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os/exec"
	"path/filepath"
	"sync"

	ffmpeg "github.com/u2takey/ffmpeg-go"
)

// decode runs ffprobe then ffmpeg on path and streams the samples through
// mix-down → resampler → STFT, one goroutine per stage, the resampler and
// STFT each splitting their batches across cores; only filter histories, a
// few blocks and the mel frames are held.
func decode(ctx context.Context, path string, opt Options) (Mel, Info, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return Mel{}, Info{}, fmt.Errorf("decode %s: %w", path, err)
	}
	// "file:" keeps ffmpeg from reading a colon in the name as a protocol
	// and a leading dash as an option.
	url := "file:" + abs
	p, err := probe(ctx, opt.ffprobe(), url, path)
	if err != nil {
		return Mel{}, Info{}, err
	}
	if opt.MaxSeconds > 0 && p.seconds > opt.MaxSeconds {
		return Mel{}, Info{}, tooLong(path, p.seconds, opt.MaxSeconds)
	}

	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cmd := exec.CommandContext(ctx, opt.ffmpeg(), ffmpegArgs(url, p)...)
	stderr := &tailWriter{max: 4096}
	cmd.Stderr = stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return Mel{}, Info{}, fmt.Errorf("decode %s: %w", path, err)
	}
	if err := cmd.Start(); err != nil {
		return Mel{}, Info{}, fmt.Errorf("decode %s: cannot run ffmpeg: %w", path, err)
	}

	// Size the frame buffer for the probed length (+2 %), so the final
	// in-place resize rarely has to reallocate. Untouched capacity costs no
	// resident memory, but a bogus header must not reserve gigabytes: past
	// four hours the buffer grows as frames arrive.
	guess := int(math.Min(p.seconds, 4*3600)*1.02*MelRate) + MelRate
	mel := newMelStream(opt, guess)
	res := newResampler(p.sampleRate, SampleRate)

	var maxFrames int64 = math.MaxInt64
	if opt.MaxSeconds > 0 {
		maxFrames = int64(opt.MaxSeconds*float64(p.sampleRate)) + int64(p.sampleRate)
	}
	// Three stages, so ffmpeg never waits on the resampler: reading the
	// pipe (and mixing to mono), resampling, and the STFT here.
	mono, resampled := newBlockPipe(), newBlockPipe()
	var (
		frames  int64
		readErr error
		wg      sync.WaitGroup
	)
	wg.Add(2)
	go func() {
		defer wg.Done()
		defer mono.close()
		frames, readErr = readSamples(ctx, stdout, p.channels, maxFrames, mono.send)
	}()
	go func() {
		defer wg.Done()
		defer resampled.close()
		for b := range mono.full {
			res.write(b, resampled.send)
			mono.recycle(b)
		}
		// readErr was set before mono closed.
		if readErr == nil && ctx.Err() == nil {
			res.finish(resampled.send)
		}
	}()
	for b := range resampled.full {
		mel.write(b)
		resampled.recycle(b)
	}
	wg.Wait()
	if readErr != nil {
		cancel() // stop ffmpeg before waiting for it
	}
	waitErr := cmd.Wait()

	switch {
	case parent.Err() != nil:
		// The caller cancelled; whatever was read is incomplete.
		return Mel{}, Info{}, fmt.Errorf("decode %s: %w", path, parent.Err())
	case errors.Is(readErr, errTooLong):
		return Mel{}, Info{}, tooLong(path, float64(frames)/float64(p.sampleRate), opt.MaxSeconds)
	case readErr != nil:
		return Mel{}, Info{}, fmt.Errorf("decode %s: %w", path, readErr)
	case waitErr != nil:
		return Mel{}, Info{}, fmt.Errorf("decode %s: ffmpeg failed (%v): %s", path, waitErr, oneLine(stderr.String(), url))
	}
	seconds := float64(frames) / float64(p.sampleRate)
	if frames == 0 {
		return Mel{}, Info{}, fmt.Errorf("decode %s: no audio decoded (ffmpeg: %s)", path, oneLine(stderr.String(), url))
	}
	// A file cut short still decodes up to the cut; the container's own
	// length gives it away. Encoder delay and padding differ by far less.
	if p.seconds > 0 && seconds < p.seconds-math.Max(0.5, 0.02*p.seconds) {
		return Mel{}, Info{}, fmt.Errorf("decode %s: truncated or damaged: decoded %.2f s of %.2f s", path, seconds, p.seconds)
	}
	m := mel.mel()
	if m.Frames == 0 {
		return Mel{}, Info{}, fmt.Errorf("decode %s: %.4f s of audio is too short for one mel frame", path, seconds)
	}
	return m, Info{Path: path, SampleRate: p.sampleRate, Channels: p.channels, Seconds: seconds, HasAudio: true}, nil
}

// ffmpegArgs is the decode command line, built with ffmpeg-go: the first
// audio stream as float32 on stdout at the probed rate and channel count,
// which are the stream's own (stating them only guards the interleaving we
// rely on against a stream that changes format midway). Global options go
// on the input, since ffmpeg ignores trailing ones.
func ffmpegArgs(url string, p probed) []string {
	in := ffmpeg.Input(url, ffmpeg.KwArgs{"nostdin": "", "hide_banner": "", "loglevel": "error"})
	out := in.Output("pipe:", ffmpeg.KwArgs{
		"map": "0:a:0", "f": "f32le", "acodec": "pcm_f32le", "vn": "", "sn": "", "dn": "",
		"ac": p.channels, "ar": p.sampleRate,
	})
	// GetArgs only builds the command line; running it ourselves keeps
	// ffmpeg-go's package-wide logging switch (Silent) out of the picture.
	return out.GetArgs()
}

var errTooLong = errors.New("longer than the limit")

// readSamples reads interleaved float32 frames from r, mixes each block to
// mono and hands it to sink. It returns the number of frames read. Blocks
// are filled completely (≈1.5 s) so the stages after it have enough work
// to split across cores.
func readSamples(ctx context.Context, r io.Reader, channels int, maxFrames int64, sink func([]float32)) (int64, error) {
	const blockFrames = 1 << 16
	frameBytes := 4 * channels
	buf := make([]byte, blockFrames*frameBytes)
	inter := make([]float32, blockFrames*channels)
	mono := make([]float32, blockFrames)
	var total int64
	fill := 0
	for {
		if err := ctx.Err(); err != nil {
			return total, nil // reported by the caller from ctx
		}
		n, err := io.ReadFull(r, buf[fill:])
		fill += n
		if err == io.ErrUnexpectedEOF {
			err = io.EOF
		}
		whole := fill / frameBytes
		if whole > 0 {
			nv := whole * channels
			for i := range nv {
				inter[i] = math.Float32frombits(binary.LittleEndian.Uint32(buf[4*i:]))
			}
			mixDown(inter[:nv], channels, mono[:whole])
			total += int64(whole)
			if total > maxFrames {
				return total, errTooLong
			}
			sink(mono[:whole])
			fill = copy(buf, buf[whole*frameBytes:fill])
		}
		if err == io.EOF {
			return total, nil
		}
		if err != nil {
			if ctx.Err() != nil {
				return total, nil
			}
			return total, fmt.Errorf("reading ffmpeg's output: %w", err)
		}
	}
}

// tailWriter keeps the last max bytes written to it (ffmpeg's stderr can be
// chatty on damaged files; only the end is needed for the message).
type tailWriter struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (w *tailWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	if len(w.buf) > 2*w.max {
		w.buf = append(w.buf[:0], w.buf[len(w.buf)-w.max:]...)
	}
	return len(p), nil
}

func (w *tailWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return string(w.buf)
}

// blockPipe hands sample blocks from one goroutine to the next, a few at a
// time, recycling them so a stream allocates only a handful.
type blockPipe struct {
	full chan []float32
	free chan []float32
}

func newBlockPipe() *blockPipe {
	return &blockPipe{full: make(chan []float32, 3), free: make(chan []float32, 4)}
}

// send passes a copy of y on (y may be reused once send returns).
func (p *blockPipe) send(y []float32) {
	var b []float32
	select {
	case b = <-p.free:
	default:
	}
	p.full <- append(b[:0], y...)
}

// recycle returns a received block for reuse.
func (p *blockPipe) recycle(b []float32) {
	select {
	case p.free <- b:
	default:
	}
}

func (p *blockPipe) close() { close(p.full) }
