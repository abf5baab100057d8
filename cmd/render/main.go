// Command render turns songs into conducting videos: for every audio file of
// the folders and files it is given, an mp4 of a conductor moving to the
// music, with the music on the soundtrack.
//
//	render [flags] [DIR|FILE...]
//
// Exit status: 0 when every song is done or skipped, 1 when any failed (or
// the output folder is locked by another run of the same shard), 2 for bad
// usage, 130 or 143 when interrupted by SIGINT or SIGTERM.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"

	"github.com/podium-dev/podium/render"
)

func main() {
	// A two-hour song's mel is ~330 MB and decoding it churns through FFT
	// buffers; by default the GC lets the heap grow to twice what is live.
	// A soft limit makes it collect harder only when a song is that long,
	// keeping the run well under 1 GiB. GOMEMLIMIT, if set, wins.
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(softMemoryLimit)
	}
	os.Exit(run(os.Args[1:]))
}

// softMemoryLimit is the Go heap size above which the GC works harder.
const softMemoryLimit = 640 << 20

// interrupted is the cause the context is canceled with: which signal came.
type interrupted struct{ sig syscall.Signal }

func (i interrupted) Error() string { return "interrupted by " + i.sig.String() }

func run(args []string) int {
	opt := render.Defaults()
	fs := flag.NewFlagSet("render", flag.ContinueOnError)
	fs.Usage = func() {
		out := fs.Output()
		fmt.Fprint(out, `Usage: render [flags] [DIR|FILE...]

Renders a conducting video (mp4: H.264 + AAC) for every song in the folders and
files given (default ./test_samples) into the output folder, mirroring
sub-folders. Songs whose mp4 is newer than the source are skipped. Each run
writes report.json in the output folder. Exit status: 0 all done or skipped,
1 some failed, 2 bad usage, 130/143 interrupted.

Flags:
`)
		fs.PrintDefaults()
	}
	fs.StringVar(&opt.OutDir, "o", opt.OutDir, "output `folder` (created if missing)")
	fs.BoolVar(&opt.Recursive, "recursive", false, "also render the songs in sub-folders, mirrored under the output folder")
	fs.StringVar(&opt.Model, "model", "", "ONNX conducting `model` (.onnx); without it the built-in conductor conducts")
	fs.StringVar(&opt.Engine, "engine", opt.Engine, "`engine` when no --model is given: builtin (listens to the music), plain (a still pose) or truth (a data-set sample's real motion); default: truth for data-set samples, builtin for songs")
	fs.Var(listFlag{&opt.Compare}, "compare", "side by side: one panel per `engine`, comma-separated (up to 6): builtin, plain, truth or a model's .onnx path")
	fs.Var(listFlag{&opt.Labels}, "labels", "the --compare panels' `labels`, comma-separated (default: the engine names and model file stems)")
	fs.StringVar(&opt.Framing, "framing", opt.Framing, "fit: one fixed camera per song framing the figure of every panel; unit: the reference's unit-square mapping")
	fs.Var(captionFlag{&opt.Caption}, "caption", "draw the song's name and a time code above the panels (default: on with --compare)")
	fs.BoolVar(&opt.MusicStrip, "music-strip", false, "add a strip under the panels: the mel scrolling past a playhead, with the beats podium hears")
	fs.StringVar(&opt.Device, "device", opt.Device, "where an ONNX model runs: auto, cpu or cuda")
	fs.StringVar(&opt.ORTLib, "ort-lib", os.Getenv("ONNXRUNTIME_SHARED_LIBRARY_PATH"), "libonnxruntime.so `path` for --model (default $ONNXRUNTIME_SHARED_LIBRARY_PATH, else the cached one)")
	fs.IntVar(&opt.Threads, "threads", 0, "ONNX Runtime threads (0: all cores)")
	fs.Int64Var(&opt.Seed, "seed", 0, "seed of the model's noise and the conductor's variation; the same seed gives the same video")
	fs.Var(&opt.Size, "size", "frame size `WxH`, both even")
	fs.IntVar(&opt.FPS, "fps", opt.FPS, "frames per second: 30, or 60 (motion interpolated between the model's 30 fps)")
	fs.StringVar(&opt.Theme, "theme", opt.Theme, "colour scheme: light or dark")
	fs.StringVar(&opt.Preset, "preset", opt.Preset, "libx264 preset: ultrafast … veryslow (slower: smaller file, longer encode)")
	fs.IntVar(&opt.CRF, "crf", opt.CRF, "libx264 quality, 0–51 (lower: better and larger)")
	fs.IntVar(&opt.Jobs, "jobs", opt.Jobs, "songs rendered at once (each song already draws its frames on all cores)")
	fs.BoolVar(&opt.Force, "force", false, "render again even where an up-to-date mp4 exists")
	fs.BoolVar(&opt.NoSmooth, "no-smooth", false, "draw the raw motion, without Savitzky–Golay smoothing")
	fs.Var(keypointsFlag{&opt}, "keypoints", "also write <name>.npy (float32 [T,13,2]) and <name>.json, one pair per panel: the engine's motion as it made it (30 fps, not smoothed); --keypoints=drawn: the drawn motion (smoothed, at --fps)")
	fs.Var(&opt.Shard, "shard", "render only shard `I/N` of the inputs (by a hash of each relative path), for N workers sharing one output folder")
	fs.DurationVar(&opt.MaxDuration, "max-duration", 0, "fail songs longer than this `duration` (e.g. 90m; 0: no limit)")
	fs.StringVar(&opt.FFmpeg, "ffmpeg", opt.FFmpeg, "ffmpeg `executable`")
	fs.StringVar(&opt.FFprobe, "ffprobe", opt.FFprobe, "ffprobe `executable`")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		opt.Inputs = fs.Args()
	}
	opt.Log = os.Stderr
	opt.Summary = os.Stdout
	if isTerminal(os.Stderr) {
		opt.Progress = os.Stderr
	}

	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		if s, ok := (<-sigs).(syscall.Signal); ok {
			cancel(interrupted{s})
		}
	}()

	rep, err := render.Run(ctx, opt)
	var sig interrupted
	switch {
	case errors.As(err, &sig):
		fmt.Fprintf(os.Stderr, "render: %v: stopped; the report is in %s\n", sig, opt.OutDir)
		return 128 + int(sig.sig)
	case errors.Is(err, render.ErrUsage):
		fmt.Fprintf(os.Stderr, "render: %v\n", err)
		fmt.Fprintln(os.Stderr, "Run 'render -h' for the flags.")
		return 2
	case err != nil:
		fmt.Fprintf(os.Stderr, "render: %v\n", err)
		return 1
	case !rep.OK():
		return 1
	}
	return 0
}

// listFlag is a comma-separated list.
type listFlag struct{ v *[]string }

func (l listFlag) String() string {
	if l.v == nil {
		return ""
	}
	return strings.Join(*l.v, ",")
}

func (l listFlag) Set(s string) error {
	*l.v = strings.Split(s, ",")
	return nil
}

// captionFlag is a boolean flag whose absence means "the default", which
// depends on --compare.
type captionFlag struct{ v *string }

func (c captionFlag) String() string {
	if c.v == nil {
		return ""
	}
	return *c.v
}

func (c captionFlag) Set(s string) error {
	on, err := strconv.ParseBool(s)
	if err != nil {
		return fmt.Errorf("want true or false")
	}
	*c.v = "off"
	if on {
		*c.v = "on"
	}
	return nil
}

func (captionFlag) IsBoolFlag() bool { return true }

// keypointsFlag is --keypoints: a boolean flag that also takes "drawn".
type keypointsFlag struct{ o *render.Options }

func (k keypointsFlag) String() string {
	switch {
	case k.o == nil || !k.o.Keypoints:
		return "false"
	case k.o.DrawnKeypoints:
		return "drawn"
	}
	return "true"
}

func (k keypointsFlag) Set(s string) error {
	switch strings.ToLower(s) {
	case "drawn":
		k.o.Keypoints, k.o.DrawnKeypoints = true, true
		return nil
	case "engine", "raw":
		k.o.Keypoints, k.o.DrawnKeypoints = true, false
		return nil
	}
	on, err := strconv.ParseBool(s)
	if err != nil {
		return fmt.Errorf("want true, false or drawn")
	}
	k.o.Keypoints, k.o.DrawnKeypoints = on, false
	return nil
}

func (keypointsFlag) IsBoolFlag() bool { return true }

// isTerminal reports whether f is a terminal (a character device), where
// progress bars are wanted; in cron logs and pipes they are not.
func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
