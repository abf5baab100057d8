// Command samplegen synthesizes the orchestral test pieces of internal/synth
// and writes each as test_samples/<name>.ogg or .mp3 (encoded by ffmpeg) with
// test_samples/<name>.beats.json holding its true beat times, metre and tempo.
package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"

	"github.com/podium-dev/podium/internal/child"
	"github.com/podium-dev/podium/internal/synth"
)

// options are the command's flags.
type options struct {
	out    string // output folder
	rate   int    // sample rate of the encoded files
	ffmpeg string // ffmpeg executable
	all    bool   // also write the ten-piece test set, not only the three samples
}

func main() {
	var opt options
	flag.StringVar(&opt.out, "out", "test_samples", "output folder")
	flag.IntVar(&opt.rate, "rate", 44100, "sample rate of the encoded files")
	flag.StringVar(&opt.ffmpeg, "ffmpeg", "ffmpeg", "ffmpeg executable")
	flag.BoolVar(&opt.all, "all", false, "write the whole test set, not only the committed samples")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, opt); err != nil {
		fmt.Fprintln(os.Stderr, "samplegen:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, opt options) error {
	if err := os.MkdirAll(opt.out, 0o755); err != nil {
		return err
	}
	pieces := synth.Samples()
	if opt.all {
		pieces = synth.TestSet()
	}
	for _, p := range pieces {
		if p.Format == "" {
			p.Format = "ogg"
		}
		r, err := synth.Render(ctx, p, opt.rate)
		if err != nil {
			return err
		}
		audioPath := filepath.Join(opt.out, p.Name+"."+p.Format)
		if err := encode(ctx, opt.ffmpeg, r, p.Format, audioPath); err != nil {
			return err
		}
		beatsPath := filepath.Join(opt.out, p.Name+".beats.json")
		if err := writeBeats(beatsPath, p, r); err != nil {
			return err
		}
		st, err := os.Stat(audioPath)
		if err != nil {
			return err
		}
		fmt.Printf("%s: %.1f s, %d beats, %d KiB\n", audioPath, float64(len(r.Samples))/float64(r.Rate), len(r.Beats), st.Size()/1024)
	}
	return nil
}

// encode pipes the samples as raw float32 into ffmpeg and writes an Ogg Vorbis
// or MP3 file through a temporary name, so a failed run leaves no half file.
func encode(ctx context.Context, ffmpeg string, r synth.Rendered, format, path string) error {
	codec := map[string][]string{
		"ogg": {"-c:a", "libvorbis", "-q:a", "4"},
		"mp3": {"-c:a", "libmp3lame", "-b:a", "160k"},
	}[format]
	if codec == nil {
		return fmt.Errorf("%s: unknown format %q (want ogg or mp3)", path, format)
	}
	raw := new(bytes.Buffer)
	if err := binary.Write(raw, binary.LittleEndian, r.Samples); err != nil {
		return err
	}
	tmp := path + ".tmp." + format
	args := []string{"-hide_banner", "-loglevel", "error", "-y", "-f", "f32le", "-ar", fmt.Sprint(r.Rate), "-ac", "1", "-i", "pipe:0"}
	args = append(args, codec...)
	// Bit-exact metadata keeps re-runs byte-identical where the encoder is.
	args = append(args, "-fflags", "+bitexact", "-flags:a", "+bitexact", "-map_metadata", "-1", tmp)
	cmd := exec.CommandContext(ctx, ffmpeg, args...)
	cmd.Stdin = raw
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := child.Run(cmd); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("encode %s: %w: %s", path, err, stderr.String())
	}
	return os.Rename(tmp, path)
}

// beatsFile is the JSON written beside each piece.
type beatsFile struct {
	Name      string        `json:"name"`
	Metre     int           `json:"metre"`
	BPM       float64       `json:"bpm"`         // tempo at the first beat
	Tempo     []synth.Point `json:"tempo"`       // BPM by bar position
	Dynamics  []synth.Point `json:"dynamics"`    // 0 pp … 1 ff by bar position
	Duration  float64       `json:"duration_s"`  // seconds
	Beats     []float64     `json:"beats"`       // seconds
	Downbeats []int         `json:"downbeats"`   // indices into beats
	Rate      int           `json:"sample_rate"` // of the encoded file
}

func writeBeats(path string, p synth.Piece, r synth.Rendered) error {
	beats := make([]float64, len(r.Beats))
	for i, b := range r.Beats {
		beats[i] = math.Round(b*1e6) / 1e6
	}
	doc := beatsFile{Name: p.Name, Metre: p.Metre, BPM: p.TempoAt(0), Tempo: p.Tempo, Dynamics: p.Dynamics,
		Duration: float64(len(r.Samples)) / float64(r.Rate), Beats: beats, Downbeats: r.Downbeats, Rate: r.Rate}
	data, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}
