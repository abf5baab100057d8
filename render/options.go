// Package render is podium's batch: it finds the songs, turns each into a
// conducting video (audio → motion → frames drawn in parallel → ffmpeg) and
// writes the outputs atomically, with a report, a lock per shard and a
// deterministic split across machines.
package render

import (
	"errors"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/podium-dev/podium/skeleton"
)

// ErrUsage marks an error in the options themselves (a bad size, frame rate,
// preset, shard…); the command exits with status 2 for it.
var ErrUsage = errors.New("bad usage")

// Options configures a batch. Every command-line flag of cmd/render sets
// exactly one field (Inputs are its arguments); Workers, Log, Progress and
// Summary are for callers and have no flag.
type Options struct {
	Inputs    []string // files and folders to render; folders contribute their audio files
	OutDir    string   // where the videos go; created if missing
	Recursive bool     // descend into sub-folders (mirrored under OutDir)

	Model  string // an .onnx conducting model; "" uses Engine
	Engine string // when Model is empty: "builtin", "plain" or "truth"; "" (default) means truth for data-set samples, builtin for songs
	// Compare puts engines side by side, one panel each (1 to 6): builtin,
	// plain, truth (a data-set sample's real motion) or the path of an
	// .onnx model. Model and Engine are then unused.
	Compare []string
	Labels  []string // the Compare panels' labels, replacing the engine names and model file stems
	Device  string   // auto, cpu or cuda (ONNX only)
	ORTLib  string   // libonnxruntime.so path (ONNX only)
	Threads int      // ONNX Runtime threads; 0 means all cores
	Seed    int64    // noise and variation seed

	Size     Size   // frame size, both sides even
	FPS      int    // 30, or 60 (motion interpolated)
	Theme    string // skeleton colour scheme: light or dark
	Preset   string // libx264 preset
	CRF      int    // libx264 constant rate factor, 0–51
	NoSmooth bool   // draw the raw motion instead of the Savitzky–Golay smoothed one
	// Framing is "fit" (default: one fixed camera per song, fitted to the
	// figure of every panel) or "unit" (the reference's unit-square mapping).
	Framing string
	// Caption is "on", "off" or "" (on with Compare): a bar with the
	// song's name and a time code above the panels.
	Caption    string
	MusicStrip bool // a strip under the panels: the mel past a playhead, with the beats podium hears

	Jobs  int  // songs rendered at once; frames of each song are drawn on all cores anyway
	Force bool // render again even where an up-to-date mp4 exists
	// Keypoints also writes <name>.npy (float32 [T,13,2]) and <name>.json
	// for each panel (<name>.<label>.npy with Compare): the motion as the
	// engine made it (30 fps, not smoothed), which is what evaluate scores,
	// or with DrawnKeypoints the motion as drawn (smoothed, at FPS).
	Keypoints      bool
	DrawnKeypoints bool
	Shard          Shard         // this worker's share of the inputs; the zero value means all
	MaxDuration    time.Duration // refuse songs longer than this; 0 means no limit
	FFmpeg         string        // ffmpeg executable; "" means ffmpeg on PATH
	FFprobe        string        // ffprobe executable, which checks each finished video; "" means ffprobe on PATH

	// Workers is the number of goroutines drawing each song's frames; 0 means
	// one per core.
	Workers int
	// Log receives one line per failed input, as it happens (nil: discarded).
	Log io.Writer
	// Progress receives the progress bars; nil shows none (cron logs stay
	// clean). Give it a terminal.
	Progress io.Writer
	// Summary receives the table printed at the end (nil: none).
	Summary io.Writer
}

// Defaults returns the options of a plain `render` run.
func Defaults() Options {
	return Options{
		Inputs:  []string{"test_samples"},
		OutDir:  "results",
		Device:  "auto",
		Size:    Size{W: 720, H: 720},
		FPS:     30,
		Framing: "fit",
		Theme:   string(skeleton.Light),
		Preset:  "veryfast",
		CRF:     23,
		Jobs:    1,
		FFmpeg:  "ffmpeg",
		FFprobe: "ffprobe",
	}
}

// check fills the zero values that have defaults and rejects the rest of the
// impossible options, each error wrapping ErrUsage.
func (o *Options) check() error {
	def := Defaults()
	if len(o.Inputs) == 0 {
		o.Inputs = def.Inputs
	}
	if o.OutDir == "" {
		o.OutDir = def.OutDir
	}
	if o.Size == (Size{}) {
		o.Size = def.Size
	}
	if o.FPS == 0 {
		o.FPS = def.FPS
	}
	if o.Preset == "" {
		o.Preset = def.Preset
	}
	if o.Jobs == 0 {
		o.Jobs = 1
	}
	if o.Workers <= 0 {
		o.Workers = runtime.NumCPU()
	}
	if o.FFmpeg == "" {
		o.FFmpeg = def.FFmpeg
	}
	if o.FFprobe == "" {
		o.FFprobe = def.FFprobe
	}
	if o.Theme == "" {
		o.Theme = def.Theme
	}
	if o.Framing == "" {
		o.Framing = def.Framing
	}
	usage := func(format string, a ...any) error {
		return fmt.Errorf("%w: %s", ErrUsage, fmt.Sprintf(format, a...))
	}
	if err := o.Size.valid(); err != nil {
		return usage("%v", err)
	}
	if o.FPS != 30 && o.FPS != 60 {
		return usage("--fps %d: want 30 or 60", o.FPS)
	}
	if !validPreset(o.Preset) {
		return usage("--preset %q: want one of ultrafast, superfast, veryfast, faster, fast, medium, slow, slower, veryslow", o.Preset)
	}
	if o.CRF < 0 || o.CRF > 51 {
		return usage("--crf %d: want 0 to 51", o.CRF)
	}
	if o.Jobs < 0 {
		return usage("--jobs %d: want at least 1", o.Jobs)
	}
	if o.MaxDuration < 0 {
		return usage("--max-duration %v: want a positive duration", o.MaxDuration)
	}
	if err := o.Shard.valid(); err != nil {
		return usage("%v", err)
	}
	theme, err := skeleton.ParseTheme(o.Theme)
	if err != nil {
		return usage("--theme: %v", err)
	}
	o.Theme = string(theme)
	switch o.Device {
	case "", "auto", "cpu", "cuda":
	default:
		return usage("--device %q: want auto, cpu or cuda", o.Device)
	}
	switch o.Framing {
	case "fit", "unit":
	default:
		return usage("--framing %q: want fit or unit", o.Framing)
	}
	switch o.Caption {
	case "", "on", "off":
	default:
		return usage("--caption %q: want on or off", o.Caption)
	}
	if o.DrawnKeypoints && !o.Keypoints {
		return usage("drawn keypoints need Keypoints")
	}
	if len(o.Compare) > 0 {
		if o.Model != "" || o.Engine != "" {
			return usage("--compare names every panel's engine: leave out --model and --engine")
		}
		if _, err := parsePanels(o.Compare, o.Labels); err != nil {
			return usage("%v", err)
		}
	} else if len(o.Labels) > 0 {
		return usage("--labels names the --compare panels; without --compare there is one, unlabelled")
	}
	if o.Model == "" {
		switch o.Engine {
		case "", "builtin", "plain", "truth":
		default:
			return usage("--engine %q: want builtin, plain or truth (or give --model)", o.Engine)
		}
	}
	return nil
}

func validPreset(p string) bool {
	switch p {
	case "ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow":
		return true
	}
	return false
}

// Size is a frame size in pixels. It is a flag.Value: "720x720".
type Size struct{ W, H int }

// String formats the size as WxH.
func (s Size) String() string { return fmt.Sprintf("%dx%d", s.W, s.H) }

// Set parses WxH.
func (s *Size) Set(v string) error {
	w, h, ok := strings.Cut(strings.ToLower(strings.TrimSpace(v)), "x")
	if !ok {
		return fmt.Errorf("size %q: want WIDTHxHEIGHT, e.g. 720x720", v)
	}
	wi, err1 := strconv.Atoi(w)
	hi, err2 := strconv.Atoi(h)
	if err1 != nil || err2 != nil {
		return fmt.Errorf("size %q: want WIDTHxHEIGHT, e.g. 720x720", v)
	}
	n := Size{W: wi, H: hi}
	if err := n.valid(); err != nil {
		return err
	}
	*s = n
	return nil
}

// valid accepts even sizes from 16 to 8192: yuv420p halves both sides for
// the chroma planes, and libx264 refuses odd ones.
func (s Size) valid() error {
	if s.W < 16 || s.H < 16 || s.W > 8192 || s.H > 8192 {
		return fmt.Errorf("size %s: each side must be 16 to 8192 pixels", s)
	}
	if s.W%2 != 0 || s.H%2 != 0 {
		return fmt.Errorf("size %s: both sides must be even (yuv420p)", s)
	}
	return nil
}
