// Command evalreal measures the built-in conductor on real music (issue 12):
//
//	evalreal [-samples test_samples] [-model M2S-GAN.onnx] [-cache DIR] [DIR|FILE ...]
//
// For every piece with a .beats.json beside it (among the recordings given,
// default ../shared/realmusic and its unannotated/ folder, and the committed
// test samples) it prints the right wrist's ictus F-measure at ±70 ms,
// allowing half or double tempo, and the Beat Consistency of the motion (and
// of M2S-GAN's, for the real recordings) against that grid. For every real
// recording it prints each joint's x and y standard deviation as a
// percentage of the official M2S-GAN's on the same recording, and how much
// the wrists' movement varies from song to song for both engines.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/podium-dev/podium/infer/onnx"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv))
}

// run parses the arguments and evaluates: 0 done, 1 failed, 2 bad usage.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	var opt options
	fs := flag.NewFlagSet("evalreal", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&opt.samples, "samples", "test_samples", "folder of synthesized samples with .beats.json (scored for F only; \"\" for none)")
	fs.StringVar(&opt.model, "model", "../shared/models/m2sgan/m2sgan_generator.onnx", "the M2S-GAN generator to compare movement with (\"\" for none)")
	fs.StringVar(&opt.ortLib, "ort-lib", "", "libonnxruntime.so (default $"+onnx.LibraryEnv+", then the cached one)")
	fs.Int64Var(&opt.seed, "seed", 0, "seed of the conductor and of the M2S-GAN's noise")
	fs.StringVar(&opt.cache, "cache", "", "folder to keep decoded mels and M2S-GAN motions in between runs (\"\" keeps none)")
	fs.BoolVar(&opt.verbose, "v", false, "also print every recording's per-joint percentages")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: evalreal [flags] [DIR|FILE ...]   (default ../shared/realmusic ../shared/realmusic/unannotated)")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	opt.real = fs.Args()
	if len(opt.real) == 0 {
		opt.real = []string{"../shared/realmusic", "../shared/realmusic/unannotated"}
	}
	if opt.ortLib == "" {
		opt.ortLib = getenv(onnx.LibraryEnv)
	}
	if err := evaluate(ctx, opt, stdout, stderr); err != nil {
		fmt.Fprintln(stderr, "evalreal:", err)
		return 1
	}
	return 0
}
