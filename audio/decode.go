package audio

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"unsafe"

	ffmpeg "github.com/u2takey/ffmpeg-go"

	"github.com/podium-dev/podium/internal/child"
)

// decode runs ffmpeg on path and streams the samples through mix-down →
// resampler → STFT, one goroutine per stage, the resampler and STFT each
// splitting their batches across cores; only filter histories, a few blocks
// and the mel frames are held.
//
// ffmpeg writes a WAV stream whose header states the rate and channel count
// of the samples that follow, and describes its input on standard error
// (see ffmpegLog): the container's length (the MaxSeconds refusal, the
// truncation check, the mel buffer's size) and its streams (the clear
// errors for inputs that are not audio). One process, no ffprobe.
func decode(ctx context.Context, path string, opt Options) (Mel, Info, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return Mel{}, Info{}, fmt.Errorf("decode %s: %w", path, err)
	}
	// "file:" keeps ffmpeg from reading a colon in the name as a protocol
	// and a leading dash as an option.
	url := "file:" + abs

	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	cmd := exec.CommandContext(ctx, opt.ffmpeg(), ffmpegArgs(url)...)
	log := newFFmpegLog()
	cmd.Stderr = log
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return Mel{}, Info{}, fmt.Errorf("decode %s: %w", path, err)
	}
	if err := child.Start(cmd); err != nil {
		return Mel{}, Info{}, fmt.Errorf("decode %s: cannot run ffmpeg: %w", path, err)
	}

	// The mel buffer is sized once ffmpeg states the length (see reserve).
	mel := newMelStream(opt, 0)
	var (
		hdr      wavHeader
		hdrReady = make(chan struct{}) // hdr is set (zero if ffmpeg wrote none)
	)
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
		br := bufio.NewReaderSize(stdout, 1<<16)
		h, err := readWAVHeader(br)
		if err != nil {
			close(hdrReady)
			if err != io.EOF {
				readErr = err
			}
			// io.EOF: ffmpeg wrote nothing; its own error says why.
			return
		}
		hdr = h
		close(hdrReady)
		var maxFrames int64 = math.MaxInt64
		if opt.MaxSeconds > 0 {
			maxFrames = int64(opt.MaxSeconds*float64(h.sampleRate)) + int64(h.sampleRate)
		}
		frames, readErr = readSamples(ctx, br, h.channels, maxFrames, mono.send)
	}()
	go func() {
		defer wg.Done()
		defer resampled.close()
		<-hdrReady
		if hdr.sampleRate == 0 {
			for range mono.full {
			}
			return
		}
		res := newResampler(hdr.sampleRate, SampleRate)
		for b := range mono.full {
			res.write(b, resampled.send)
			mono.recycle(b)
		}
		// readErr was set before mono closed.
		if readErr == nil && ctx.Err() == nil {
			res.finish(resampled.send)
		}
	}()
	// The samples end when ffmpeg closes its output; its description of
	// the input arrives first (on another pipe, so at some point between).
	described := log.described
	for full := resampled.full; full != nil; {
		select {
		case b, ok := <-full:
			if !ok {
				full = nil
				continue
			}
			mel.write(b)
			resampled.recycle(b)
		case <-described:
			described = nil
			in := log.input()
			if opt.MaxSeconds > 0 && in.seconds > opt.MaxSeconds {
				cancel() // refused: the rest need not be decoded
				continue
			}
			// Size the frame buffer for the stated length (+2 %), so the
			// final in-place resize rarely has to reallocate. Untouched
			// capacity costs no resident memory, but a bogus header must
			// not reserve gigabytes: past four hours the buffer grows as
			// frames arrive.
			mel.reserve(int(math.Min(in.seconds, 4*3600)*1.02*MelRate) + MelRate)
		}
	}
	wg.Wait()
	if readErr != nil {
		cancel() // stop ffmpeg before waiting for it
	}
	waitErr := cmd.Wait()
	log.close()
	in := log.input()
	ffmpegSays := func() string { return oneLine(log.errorText(), url) }

	switch {
	case parent.Err() != nil:
		// The caller cancelled; whatever was read is incomplete.
		return Mel{}, Info{}, fmt.Errorf("decode %s: %w", path, parent.Err())
	case opt.MaxSeconds > 0 && in.seconds > opt.MaxSeconds:
		return Mel{}, Info{}, tooLong(path, in.seconds, opt.MaxSeconds)
	case errors.Is(readErr, errTooLong):
		return Mel{}, Info{}, tooLong(path, float64(frames)/float64(hdr.sampleRate), opt.MaxSeconds)
	case !in.opened && (waitErr != nil || frames == 0):
		return Mel{}, Info{}, fmt.Errorf("decode %s: not an audio file (ffmpeg: %s)", path, ffmpegSays())
	case in.opened && !in.hasAudio():
		if len(in.kinds) == 0 {
			return Mel{}, Info{}, fmt.Errorf("decode %s: no audio stream", path)
		}
		return Mel{}, Info{}, fmt.Errorf("decode %s: no audio stream (only %s)", path, strings.Join(in.kinds, ", "))
	case readErr != nil:
		return Mel{}, Info{}, fmt.Errorf("decode %s: %w", path, readErr)
	case waitErr != nil:
		return Mel{}, Info{}, fmt.Errorf("decode %s: ffmpeg failed (%v): %s", path, waitErr, ffmpegSays())
	}
	if frames == 0 {
		return Mel{}, Info{}, fmt.Errorf("decode %s: no audio decoded (ffmpeg: %s)", path, ffmpegSays())
	}
	seconds := float64(frames) / float64(hdr.sampleRate)
	// A file cut short still decodes up to the cut; the container's own
	// length gives it away. Encoder delay and padding differ by far less.
	if in.seconds > 0 && seconds < in.seconds-math.Max(0.5, 0.02*in.seconds) {
		return Mel{}, Info{}, fmt.Errorf("decode %s: truncated or damaged: decoded %.2f s of %.2f s", path, seconds, in.seconds)
	}
	m := mel.mel()
	if m.Frames == 0 {
		return Mel{}, Info{}, fmt.Errorf("decode %s: %.4f s of audio is too short for one mel frame", path, seconds)
	}
	return m, Info{Path: path, SampleRate: hdr.sampleRate, Channels: hdr.channels, Seconds: seconds, HasAudio: true}, nil
}

// wavHeader is what the WAV header of ffmpeg's output says about the samples.
type wavHeader struct {
	sampleRate, channels int
}

// readWAVHeader reads the RIFF header up to the start of the data chunk
// (whose length ffmpeg cannot fill in on a pipe: the data runs to EOF). It
// returns io.EOF when there is no output at all.
func readWAVHeader(r *bufio.Reader) (wavHeader, error) {
	var riff [12]byte
	if _, err := io.ReadFull(r, riff[:]); err != nil {
		if err == io.EOF {
			return wavHeader{}, io.EOF
		}
		return wavHeader{}, fmt.Errorf("reading ffmpeg's output: short WAV header")
	}
	if string(riff[0:4]) != "RIFF" || string(riff[8:12]) != "WAVE" {
		return wavHeader{}, fmt.Errorf("reading ffmpeg's output: not a WAV stream")
	}
	var h wavHeader
	for {
		var ch [8]byte
		if _, err := io.ReadFull(r, ch[:]); err != nil {
			return wavHeader{}, fmt.Errorf("reading ffmpeg's output: WAV header cut short")
		}
		id, size := string(ch[0:4]), binary.LittleEndian.Uint32(ch[4:])
		if id == "data" {
			if h.channels <= 0 || h.sampleRate <= 0 {
				return wavHeader{}, fmt.Errorf("reading ffmpeg's output: WAV data before its format")
			}
			return h, nil
		}
		if size > 1<<20 {
			return wavHeader{}, fmt.Errorf("reading ffmpeg's output: WAV chunk %q of %d bytes", id, size)
		}
		body := make([]byte, size+size%2) // chunks are padded to even sizes
		if _, err := io.ReadFull(r, body); err != nil {
			return wavHeader{}, fmt.Errorf("reading ffmpeg's output: WAV header cut short")
		}
		if id == "fmt " {
			if size < 16 {
				return wavHeader{}, fmt.Errorf("reading ffmpeg's output: WAV format chunk of %d bytes", size)
			}
			h.channels = int(binary.LittleEndian.Uint16(body[2:]))
			h.sampleRate = int(binary.LittleEndian.Uint32(body[4:]))
			if bits := binary.LittleEndian.Uint16(body[14:]); bits != 32 {
				return wavHeader{}, fmt.Errorf("reading ffmpeg's output: %d-bit WAV, want float32", bits)
			}
		}
	}
}

// ffmpegArgs is the decode command line, built with ffmpeg-go: the first
// audio stream as float32 WAV on stdout at the stream's own rate and channel
// count, which the header states (should the stream change format midway,
// ffmpeg converts to the format it started with, so the header holds
// throughout). Global options go on the input, since ffmpeg ignores
// trailing ones.
func ffmpegArgs(url string) []string {
	// "level+info" tags each message with its level, for ffmpegLog.
	in := ffmpeg.Input(url, ffmpeg.KwArgs{"nostdin": "", "hide_banner": "", "nostats": "", "loglevel": "level+info"})
	out := in.Output("pipe:", ffmpeg.KwArgs{
		"map": "0:a:0", "f": "wav", "acodec": "pcm_f32le", "vn": "", "sn": "", "dn": "",
	})
	// GetArgs only builds the command line; running it ourselves keeps
	// ffmpeg-go's package-wide logging switch (Silent) out of the picture.
	return out.GetArgs()
}

var errTooLong = errors.New("longer than the limit")

// littleEndian is whether float32s are stored as ffmpeg's f32le writes them.
var littleEndian = func() bool {
	x := uint16(1)
	return *(*byte)(unsafe.Pointer(&x)) == 1
}()

// readSamples reads interleaved float32 frames from r, mixes each block to
// mono and hands it to sink. It returns the number of frames read. Blocks
// are filled completely (≈1.5 s) so the stages after it have enough work
// to split across cores.
func readSamples(ctx context.Context, r io.Reader, channels int, maxFrames int64, sink func([]float32)) (int64, error) {
	const blockFrames = 1 << 16
	frameBytes := 4 * channels
	inter := make([]float32, blockFrames*channels)
	buf := make([]byte, blockFrames*frameBytes)
	if littleEndian {
		// The samples are little-endian float32 already: read them into
		// place instead of converting one by one.
		buf = unsafe.Slice((*byte)(unsafe.Pointer(&inter[0])), len(inter)*4)
	}
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
			if !littleEndian {
				for i := range nv {
					inter[i] = math.Float32frombits(binary.LittleEndian.Uint32(buf[4*i:]))
				}
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
