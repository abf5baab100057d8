// Command contactsheet draws docs/img/contact_sheet.png for the README: for
// each committed test sample, and for one real recording with a chart's beat
// grid, a few frames of the built-in conductor across one bar, and a plot of
// the right wrist's height with the beats the conductor heard and the true
// beats (the sample generator's, or the chart's).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
)

func main() {
	var opt options
	flag.StringVar(&opt.samples, "samples", "test_samples", "folder with the samples and their .beats.json files")
	flag.StringVar(&opt.out, "out", "docs/img/contact_sheet.png", "PNG to write")
	flag.IntVar(&opt.frames, "frames", 8, "frames per sample, spread over one bar")
	flag.IntVar(&opt.frameSize, "frame-size", 150, "side of one frame in pixels")
	flag.Int64Var(&opt.seed, "seed", 0, "conductor seed")
	flag.StringVar(&opt.real, "real", "../shared/realmusic/escape_from_chaosland.ogg", "a real recording with a .beats.json beside it, conducted below the samples (\"\" for none)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, opt); err != nil {
		fmt.Fprintln(os.Stderr, "contactsheet:", err)
		os.Exit(1)
	}
}
