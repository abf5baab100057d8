// Command evaluate scores a conducting engine on a ConductorMotion100 split
// with the competition's metrics (RDE, SCE, SDP), Beat Consistency (of the
// generated and the real motion) and its generation time:
//
//	evaluate --dataset DIR [--split val] [--model M.onnx | --engine builtin | --engine plain | --pred DIR]
//	         [--sample-length 30] [--limit HOURS] [--json FILE] [--plot DIR]
//
// It prints a table on stdout, a progress bar and skipped or failed samples on
// stderr.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/podium-dev/podium/evaluate"
)

// ortEnv names the ONNX Runtime library when --ort-lib is not given.
const ortEnv = "ONNXRUNTIME_SHARED_LIBRARY_PATH"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv))
}

// run parses the arguments, evaluates, and returns the exit status: 0 done,
// 1 failed, 2 bad usage.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	opt, err := parseFlags(args, stderr, getenv)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "evaluate:", err)
		return 2
	}
	opt.Out = stdout
	opt.Log = stderr
	if _, err := evaluate.Run(ctx, opt); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	return 0
}

// parseFlags turns the command line into the library's options.
func parseFlags(args []string, stderr io.Writer, getenv func(string) string) (evaluate.Options, error) {
	var opt evaluate.Options
	var plotSamples string
	var quiet bool
	fs := flag.NewFlagSet("evaluate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&opt.Dataset, "dataset", "", "ConductorMotion100 root holding <split>/<n>/{mel.npy,motion.npy} (required)")
	fs.StringVar(&opt.Split, "split", "val", "split to evaluate: train, val or test")
	fs.IntVar(&opt.SampleLength, "sample-length", 30, "seconds per sample; each 60 s pair is cut into whole samples")
	fs.Float64Var(&opt.LimitHours, "limit", 0, "stop after about this many hours of music (0: all)")
	fs.StringVar(&opt.Model, "model", "", "ONNX model to evaluate")
	fs.StringVar(&opt.Engine, "engine", "", "built-in engine to evaluate: builtin or plain (default builtin)")
	fs.StringVar(&opt.ORTLib, "ort-lib", "", "ONNX Runtime shared library (default $"+ortEnv+")")
	fs.StringVar(&opt.Device, "device", "auto", "ONNX device: auto, cpu or cuda")
	fs.IntVar(&opt.Threads, "threads", 0, "ONNX Runtime threads (0: all cores)")
	fs.Int64Var(&opt.Seed, "seed", 0, "engine seed")
	fs.StringVar(&opt.PredDir, "pred", "", "evaluate motions generated elsewhere: DIR/<n>.npy per pair, [T,13,2], [1,T,13,2] or [T,26]")
	fs.StringVar(&opt.JSONPath, "json", "", "write the report with per-sample values to FILE")
	fs.StringVar(&opt.PlotDir, "plot", "", "write a PNG per chosen sample to DIR")
	fs.StringVar(&plotSamples, "plot-samples", "", "comma-separated sample IDs <n>_<piece> to plot (default: the first --plot-count)")
	fs.IntVar(&opt.PlotCount, "plot-count", evaluate.DefaultPlotCount, "samples to plot when --plot-samples is not given")
	fs.BoolVar(&quiet, "quiet", false, "no progress bar")
	if err := fs.Parse(args); err != nil {
		return opt, err
	}
	if fs.NArg() > 0 {
		return opt, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if opt.Dataset == "" {
		return opt, errors.New("--dataset is required")
	}
	if opt.ORTLib == "" {
		opt.ORTLib = getenv(ortEnv)
	}
	for _, id := range strings.Split(plotSamples, ",") {
		if id = strings.TrimSpace(id); id != "" {
			opt.PlotSamples = append(opt.PlotSamples, id)
		}
	}
	if !quiet {
		opt.Progress = stderr
	}
	return opt, nil
}
