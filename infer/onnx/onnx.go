// Package onnx runs a conducting model exported to ONNX (SPEC §3) through ONNX
// Runtime, loaded lazily from a shared library: nothing in podium needs the
// library unless a model is opened.
//
// A model takes `mel` float32 [1, 90·T, 128] and optionally `noise` float32
// [1, T, 8], and gives float32 [1, 30·T, 13, 2] (or [1, 30·T, 26]). The engine
// reads the names and shapes from the model and refuses anything else. Songs
// of any length are cut into overlapping windows of whole seconds (60 s by
// default), run one after the other and cross-faded, so there is no seam; a
// song shorter than the model's shortest window is padded by reflection and
// trimmed back. GAN noise comes from a seeded stream, so a song gives the same
// motion on every run.
//
// The ONNX Runtime code sits in engine_ort.go; built without cgo, the package
// compiles from engine_ort_disabled.go and Open reports that the engine is
// unavailable.
package onnx

//go:generate go run ../../cmd/mkmodels -o ../../testdata/models

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"

	"github.com/podium-dev/podium/audio"
	"github.com/podium-dev/podium/motion"
)

// Window defaults, in seconds. The official M2S-GAN was trained on 60 s
// clips and sees about ±8.6 s of music (SPEC §3), so neighbouring windows
// share at least DefaultOverlap seconds and are cross-faded across all of it.
const (
	DefaultWindow  = 60
	DefaultOverlap = 10
)

// NoiseDim is the number of standard-normal values per second of music that
// GAN generators take in their `noise` input (SPEC §1).
const NoiseDim = 8

// Options configures the runtime and the windowing. The zero value runs on
// the best device available with all cores, seed 0 and 60 s windows.
type Options struct {
	Device      string // auto (default: CUDA when it works, else CPU), cpu or cuda
	LibraryPath string // libonnxruntime.so; "" uses the one scripts/fetch-ort.sh caches (see FindLibrary)
	Threads     int    // intra-op threads; 0 means the number of cores
	Seed        int64  // seeds the noise input of GAN generators
	Notify      func(string)

	// Window is the length in seconds of the windows a model with a dynamic
	// time axis runs on; 0 means DefaultWindow. A model with a fixed time
	// axis always runs on windows of its own length.
	Window int
	// Overlap is the least number of seconds neighbouring windows share;
	// 0 means DefaultOverlap. It is reduced when a window is too short for it.
	Overlap int
}

// Engine is a loaded ONNX model. It implements infer.Engine.
type Engine struct {
	path   string
	opt    Options
	c      contract
	run    runner
	device string // the execution provider in use: "cpu" or "cuda"

	// maxFail is the longest window, in seconds, the model has refused (0:
	// none yet). Only songs shorter than a window need it.
	maxFail int
}

// runner runs the model over one window of whole seconds. mel holds
// 90·seconds rows of 128 bands; noise holds NoiseDim·seconds values, or is nil
// when the model takes no noise. It returns 30·seconds frames of 26 values.
type runner interface {
	run(ctx context.Context, mel, noise []float32, seconds int) ([]float32, error)
	close() error
}

// Name names the engine, its model and the device it runs on.
func (e *Engine) Name() string {
	return fmt.Sprintf("onnx %s (%s)", filepath.Base(e.path), e.device)
}

// Device reports the execution provider the model runs on: "cpu" or "cuda".
func (e *Engine) Device() string { return e.device }

// Generate runs the model over the whole song and returns exactly
// mel.MotionFrames() frames at motion.Rate. Noise, for models that take it,
// is drawn from the seeded stream (Options.Seed). The context is checked
// between windows and also stops a run in progress.
func (e *Engine) Generate(ctx context.Context, mel audio.Mel) (motion.Motion, error) {
	return e.generate(ctx, mel, nil)
}

// GenerateWithNoise is Generate with the noise given: NoiseDim values for each
// second of the song, ceil(mel.Seconds()) seconds ([1, T, 8] flattened).
// Models without a noise input ignore it.
func (e *Engine) GenerateWithNoise(ctx context.Context, mel audio.Mel, noise []float32) (motion.Motion, error) {
	seconds := songSeconds(mel.Frames)
	if len(noise) != NoiseDim*seconds {
		return motion.Motion{}, fmt.Errorf("model %s: noise has %d values, want %d (%d s × %d) for a %.2f s song",
			e.path, len(noise), NoiseDim*seconds, seconds, NoiseDim, mel.Seconds())
	}
	if noise == nil {
		noise = []float32{}
	}
	return e.generate(ctx, mel, noise)
}

// Close releases the session. The ONNX Runtime library itself stays loaded
// for the rest of the process (see engine_ort.go).
func (e *Engine) Close() error {
	if e.run == nil {
		return nil
	}
	err := e.run.close()
	e.run = nil
	if err != nil {
		return fmt.Errorf("close model %s: %w", e.path, err)
	}
	return nil
}

// songSeconds is the number of whole seconds that cover frames mel frames.
func songSeconds(frames int) int { return (frames + audio.MelRate - 1) / audio.MelRate }

// generate is Generate and GenerateWithNoise; noise nil means seeded noise.
// The motion is checked against the contract: a model whose output holds NaN
// or coordinates far outside [0, 1] (pixels, say) fails the song with a
// *motion.ContractError naming the frame and the keypoint, rather than
// drawing a vanished or collapsed skeleton.
func (e *Engine) generate(ctx context.Context, mel audio.Mel, noise []float32) (motion.Motion, error) {
	m, err := e.runSong(ctx, mel, noise)
	if err != nil {
		return motion.Motion{}, err
	}
	if err := m.CheckContract(); err != nil {
		return motion.Motion{}, fmt.Errorf("model %s: output %w", e.path, err)
	}
	return m, nil
}

// runSong runs the model over the song, window after window.
func (e *Engine) runSong(ctx context.Context, mel audio.Mel, noise []float32) (motion.Motion, error) {
	if e.run == nil {
		return motion.Motion{}, fmt.Errorf("model %s: the engine is closed", e.path)
	}
	if mel.Frames <= 0 {
		return motion.Motion{}, fmt.Errorf("model %s: the mel is empty", e.path)
	}
	if len(mel.Data) != mel.Frames*audio.MelBands {
		return motion.Motion{}, fmt.Errorf("model %s: mel has %d values for %d frames of %d bands",
			e.path, len(mel.Data), mel.Frames, audio.MelBands)
	}
	if err := ctx.Err(); err != nil {
		return motion.Motion{}, err
	}
	seconds := songSeconds(mel.Frames)
	win, overlap := e.windowing()
	frames := mel.MotionFrames()
	out := motion.New(frames, motion.Rate)
	if frames == 0 {
		return out, nil
	}

	if seconds < win && e.c.seconds == 0 {
		// A short song runs as one window of its own length, or of the
		// model's minimum when that is longer.
		y, err := e.runShort(ctx, mel, noise, seconds, win)
		if err != nil {
			return motion.Motion{}, err
		}
		copy(out.Data, y[:len(out.Data)])
		return out, nil
	}
	if seconds < win {
		// A fixed-length model pads a short song to its length.
		seconds = win
	}

	ws := planWindows(seconds, win, overlap)
	total := ws[len(ws)-1].start + ws[len(ws)-1].seconds
	ns := e.noiseFor(noise, total)
	acc := newBlender(out, ws)
	var buf []float32
	for i, w := range ws {
		if err := ctx.Err(); err != nil {
			return motion.Motion{}, err
		}
		var m []float32
		m, buf = windowMel(mel, w.start, w.seconds, buf)
		y, err := e.runWindow(ctx, m, sliceNoise(ns, w.start, w.seconds), w.seconds)
		if err != nil {
			if ctxErr := ctx.Err(); ctxErr != nil {
				return motion.Motion{}, ctxErr
			}
			return motion.Motion{}, fmt.Errorf("run model %s on %d–%d s: %w", e.path, w.start, w.start+w.seconds, err)
		}
		acc.add(i, y)
	}
	acc.finish()
	return out, nil
}

// runWindow runs one window and checks that it gave 30 frames a second.
func (e *Engine) runWindow(ctx context.Context, mel, noise []float32, seconds int) ([]float32, error) {
	y, err := e.run.run(ctx, mel, noise, seconds)
	if err != nil {
		return nil, err
	}
	if want := seconds * motion.Rate * motion.Joints * 2; len(y) != want {
		return nil, fmt.Errorf("%d output values for a %d s window, want %d", len(y), seconds, want)
	}
	return y, nil
}

// windowing returns the window length and least overlap in seconds.
func (e *Engine) windowing() (win, overlap int) {
	win = e.c.seconds
	if win == 0 {
		win = e.opt.Window
		if win <= 0 {
			win = DefaultWindow
		}
	}
	overlap = e.opt.Overlap
	if overlap <= 0 {
		overlap = DefaultOverlap
	}
	return win, overlap
}

// runShort runs a song of fewer seconds than a window on one window as short
// as the model allows: the song's own length when the model takes it, else
// the shortest longer length it takes, found by trying (and remembered for
// the next song). A window past the song mirrors it (see windowMel).
func (e *Engine) runShort(ctx context.Context, mel audio.Mel, noise []float32, seconds, win int) ([]float32, error) {
	try := func(n int) ([]float32, error) {
		m, _ := windowMel(mel, 0, n, nil)
		return e.runWindow(ctx, m, sliceNoise(e.noiseFor(noise, n), 0, n), n)
	}
	n := max(seconds, e.maxFail+1)
	lo := max(seconds-1, e.maxFail) // the longest length known not to do
	var y []float32
	for {
		n = min(n, win)
		out, err := try(n)
		if err == nil {
			y = out
			break
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, ctxErr
		}
		lo, e.maxFail = n, max(e.maxFail, n)
		if n == win {
			return nil, fmt.Errorf("run model %s on a %.2f s song padded to %d s: %w", e.path, mel.Seconds(), win, err)
		}
		if n-seconds < 8 {
			n++
		} else {
			n *= 2
		}
	}
	for hi := n; hi-lo > 1; { // after a jump, look for a shorter length that does
		m := (lo + hi) / 2
		out, err := try(m)
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, ctxErr
		}
		if err == nil {
			hi, y = m, out
		} else {
			lo, e.maxFail = m, max(e.maxFail, m)
		}
	}
	return y, nil
}

// noiseFor returns the noise for seconds seconds of music: the given noise
// extended by mirroring whole seconds where the window runs past the song, or,
// when given is nil, the seeded stream (whose first seconds do not depend on
// how many are drawn). For a model without a noise input it returns nil.
func (e *Engine) noiseFor(given []float32, seconds int) []float32 {
	if e.c.noise == "" {
		return nil
	}
	if given == nil {
		return seededNoise(e.opt.Seed, seconds)
	}
	have := len(given) / NoiseDim
	if have >= seconds {
		return given
	}
	out := make([]float32, NoiseDim*seconds)
	for s := 0; s < seconds; s++ {
		src := reflectIndex(s, have)
		copy(out[s*NoiseDim:(s+1)*NoiseDim], given[src*NoiseDim:(src+1)*NoiseDim])
	}
	return out
}

// seededNoise draws NoiseDim standard-normal values per second from a PCG
// stream seeded with seed, second after second.
func seededNoise(seed int64, seconds int) []float32 {
	r := rand.New(rand.NewPCG(uint64(seed), 0x706f6469756d)) // "podium"
	out := make([]float32, NoiseDim*seconds)
	for i := range out {
		out[i] = float32(r.NormFloat64())
	}
	return out
}

// sliceNoise returns the noise of seconds [start, start+n), or nil when the
// model takes none.
func sliceNoise(noise []float32, start, n int) []float32 {
	if noise == nil {
		return nil
	}
	return noise[start*NoiseDim : (start+n)*NoiseDim]
}

// reflectIndex maps i ≥ 0 into [0, n) by symmetric reflection (…, n−1, n−1,
// …, 0, 0, …, n−1, …): frames past the end of a song mirror the song, so a
// padded window never holds silence the music did not have.
func reflectIndex(i, n int) int {
	if n <= 1 {
		return 0
	}
	r := i % (2 * n)
	if r >= n {
		r = 2*n - 1 - r
	}
	return r
}

// windowMel returns the mel rows of seconds [start, start+n) of the song,
// reflected past its end. A window inside the song is the song's own memory;
// otherwise buf is reused (and returned) to hold the copy.
func windowMel(mel audio.Mel, start, n int, buf []float32) ([]float32, []float32) {
	first, rows := start*audio.MelRate, n*audio.MelRate
	if first+rows <= mel.Frames {
		return mel.Data[first*audio.MelBands : (first+rows)*audio.MelBands], buf
	}
	size := rows * audio.MelBands
	if cap(buf) < size {
		buf = make([]float32, size)
	}
	buf = buf[:size]
	for r := 0; r < rows; r++ {
		copy(buf[r*audio.MelBands:(r+1)*audio.MelBands], mel.Row(reflectIndex(first+r, mel.Frames)))
	}
	return buf, buf
}

// window is a stretch of the (padded) song in whole seconds.
type window struct{ start, seconds int }

// planWindows covers total seconds with windows of win seconds whose
// neighbours share at least overlap seconds (or win−1 when win is shorter),
// spread evenly from the start to the end. total ≤ win gives one window.
func planWindows(total, win, overlap int) []window {
	if total <= win {
		return []window{{0, win}}
	}
	hop := win - overlap
	if hop < 1 {
		hop = max(1, win/2)
	}
	k := 1 + (total-win+hop-1)/hop
	ws := make([]window, k)
	for i := range ws {
		ws[i] = window{int(math.Round(float64(i) * float64(total-win) / float64(k-1))), win}
	}
	return ws
}

// blender adds up window outputs with raised-cosine weights that ramp across
// each overlap, so neighbouring windows hand over smoothly and the weights of
// two windows sum to one across their shared stretch.
type blender struct {
	out    motion.Motion
	ws     []window
	weight []float32 // per frame, the sum of weights so far
}

func newBlender(out motion.Motion, ws []window) *blender {
	b := &blender{out: out, ws: ws}
	if len(ws) > 1 {
		b.weight = make([]float32, out.Frames)
	}
	return b
}

// add blends in window i's output: 30·seconds frames of 26 values.
func (b *blender) add(i int, y []float32) {
	const per = motion.Joints * 2
	w := b.ws[i]
	a := w.start * motion.Rate
	end := min(a+w.seconds*motion.Rate, b.out.Frames)
	if len(b.ws) == 1 {
		copy(b.out.Data, y[:(end-a)*per])
		return
	}
	left, right := 0, 0 // frames shared with the previous and next window
	if i > 0 {
		p := b.ws[i-1]
		left = (p.start+p.seconds)*motion.Rate - a
	}
	if i+1 < len(b.ws) {
		right = (w.start+w.seconds)*motion.Rate - b.ws[i+1].start*motion.Rate
	}
	wEnd := a + w.seconds*motion.Rate
	for f := a; f < end; f++ {
		g := ramp(f-a, left) * ramp(wEnd-1-f, right)
		b.weight[f] += g
		dst, src := b.out.Data[f*per:(f+1)*per], y[(f-a)*per:(f-a+1)*per]
		for k := range dst {
			dst[k] += g * src[k]
		}
	}
}

// finish divides by the summed weights.
func (b *blender) finish() {
	if b.weight == nil {
		return
	}
	const per = motion.Joints * 2
	for f, g := range b.weight {
		if g == 1 {
			continue
		}
		inv := 1 / g
		dst := b.out.Data[f*per : (f+1)*per]
		for k := range dst {
			dst[k] *= inv
		}
	}
}

// ramp is the raised-cosine weight of the frame x frames from a window's
// edge when that edge is shared over n frames: rising from near 0 to 1 so
// that ramp(x, n) + ramp(n−1−x, n) = 1.
func ramp(x, n int) float32 {
	if x >= n {
		return 1
	}
	return float32(0.5 - 0.5*math.Cos(math.Pi*(float64(x)+0.5)/float64(n)))
}

// oneLine joins a multi-line runtime message into one line.
func oneLine(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}
