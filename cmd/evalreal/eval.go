package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/podium-dev/podium/audio"
	"github.com/podium-dev/podium/beat"
	"github.com/podium-dev/podium/infer/conductor"
	"github.com/podium-dev/podium/infer/onnx"
	"github.com/podium-dev/podium/internal/beateval"
	"github.com/podium-dev/podium/internal/moveeval"
	"github.com/podium-dev/podium/internal/npyfile"
	"github.com/podium-dev/podium/metrics"
	"github.com/podium-dev/podium/motion"
)

// options are the command's flags and arguments.
type options struct {
	real    []string // folders or files of real recordings
	samples string   // folder of synthesized samples
	model   string   // M2S-GAN generator
	ortLib  string
	seed    int64
	cache   string
	verbose bool
}

// tolerance is the F-measure's window, in seconds.
const tolerance = 0.07

// piece is one recording to score.
type piece struct {
	path  string
	name  string
	real  bool      // a real recording (compared with M2S-GAN), not a synthesized sample
	truth []float64 // annotated beat times; nil when unannotated
	bpm   float64   // annotated tempo, 0 when unknown
}

// evaluate scores every piece and prints the tables.
func evaluate(ctx context.Context, opt options, out, log io.Writer) error {
	pieces, err := collect(opt)
	if err != nil {
		return err
	}
	if len(pieces) == 0 {
		return errors.New("no recordings found")
	}
	var gan *onnx.Engine
	if opt.model != "" {
		lib, err := onnx.FindLibrary(opt.ortLib, "")
		if err != nil {
			return err
		}
		gan, err = onnx.Open(opt.model, onnx.Options{Device: "cpu", LibraryPath: lib, Seed: opt.seed})
		if err != nil {
			return err
		}
		defer gan.Close()
	}
	cond := conductor.New(conductor.Options{Seed: opt.seed})
	var scored []score
	var moved []moveeval.Recording
	var tempos []float64 // the tempo the conductor heard in each of moved
	for _, p := range pieces {
		if err := ctx.Err(); err != nil {
			return err
		}
		mel, err := loadMel(ctx, p.path, opt.cache)
		if err != nil {
			fmt.Fprintln(log, "evalreal:", err)
			continue
		}
		an, err := beat.Listen(ctx, mel)
		if err != nil {
			return err
		}
		m, err := cond.Generate(ctx, mel)
		if err != nil {
			return fmt.Errorf("conduct %s: %w", p.path, err)
		}
		var ref *motion.Motion
		if p.real && gan != nil {
			r, err := ganMotion(ctx, gan, mel, opt)
			if err != nil {
				fmt.Fprintln(log, "evalreal:", fmt.Errorf("M2S-GAN on %s: %w", p.path, err))
			} else {
				ref = &r
				moved = append(moved, moveeval.Recording{Name: p.name, Ours: moveeval.StdXY(m), Ref: moveeval.StdXY(r)})
				tempos = append(tempos, an.Tempo)
			}
		}
		if p.truth != nil {
			scored = append(scored, scoreIctus(p, an, m, ref))
		}
	}
	printScores(out, scored)
	if len(moved) > 0 {
		printMovement(out, moved, tempos, opt.verbose)
	}
	return nil
}

// collect lists the recordings: audio files in each folder given (or the
// files themselves), then the samples.
func collect(opt options) ([]piece, error) {
	var pieces []piece
	add := func(path string, real bool) error {
		p := piece{path: path, real: real, name: strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))}
		gridPath := beateval.GridPath(path)
		if _, err := os.Stat(gridPath); err == nil {
			g, err := beateval.ReadGrid(gridPath)
			if err != nil {
				return err
			}
			p.truth, p.bpm = g.Beats, g.BPM
		}
		pieces = append(pieces, p)
		return nil
	}
	scan := func(arg string, real bool) error {
		st, err := os.Stat(arg)
		if err != nil {
			return err
		}
		if !st.IsDir() {
			return add(arg, real)
		}
		entries, err := os.ReadDir(arg)
		if err != nil {
			return err
		}
		for _, e := range entries {
			if e.IsDir() || !isAudio(e.Name()) {
				continue
			}
			if err := add(filepath.Join(arg, e.Name()), real); err != nil {
				return err
			}
		}
		return nil
	}
	for _, arg := range opt.real {
		if err := scan(arg, true); err != nil {
			return nil, err
		}
	}
	if opt.samples != "" {
		if err := scan(opt.samples, false); err != nil {
			return nil, err
		}
	}
	return pieces, nil
}

func isAudio(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".ogg", ".mp3", ".wav", ".flac", ".opus", ".m4a", ".aac", ".oga":
		return true
	}
	return false
}

// loadMel decodes a recording, through the cache when there is one (keyed by
// the file's path, size and modification time).
func loadMel(ctx context.Context, path, cache string) (audio.Mel, error) {
	var cached string
	if cache != "" {
		st, err := os.Stat(path)
		if err != nil {
			return audio.Mel{}, err
		}
		abs, _ := filepath.Abs(path)
		cached = filepath.Join(cache, key(fmt.Sprintf("%s|%d|%d", abs, st.Size(), st.ModTime().UnixNano()))+".mel.npy")
		if mel, _, err := audio.Load(ctx, cached, audio.Options{}); err == nil {
			return mel, nil
		}
	}
	mel, _, err := audio.Load(ctx, path, audio.Options{})
	if err != nil {
		return audio.Mel{}, err
	}
	if cached != "" {
		rows := make([][audio.MelBands]float32, mel.Frames)
		for i := range rows {
			copy(rows[i][:], mel.Row(i))
		}
		if err := os.MkdirAll(cache, 0o755); err != nil {
			return audio.Mel{}, err
		}
		if err := npyfile.WriteFile(cached, rows); err != nil {
			return audio.Mel{}, err
		}
	}
	return mel, nil
}

// ganMotion runs M2S-GAN on the mel, through the cache when there is one
// (keyed by the model, the seed and the mel's values).
func ganMotion(ctx context.Context, gan *onnx.Engine, mel audio.Mel, opt options) (motion.Motion, error) {
	var cached string
	if opt.cache != "" {
		h := sha256.New()
		fmt.Fprintf(h, "%s|%d|%d|", opt.model, opt.seed, mel.Frames)
		for _, v := range mel.Data {
			b := math.Float32bits(v)
			h.Write([]byte{byte(b), byte(b >> 8), byte(b >> 16), byte(b >> 24)})
		}
		cached = filepath.Join(opt.cache, hex.EncodeToString(h.Sum(nil))[:24]+".m2sgan.npy")
		if m, err := motion.ReadNPY(cached, motion.Rate); err == nil {
			return m, nil
		}
	}
	m, err := gan.Generate(ctx, mel)
	if err != nil {
		return motion.Motion{}, err
	}
	if cached != "" {
		if err := motion.WriteNPY(cached, m); err != nil {
			return motion.Motion{}, err
		}
	}
	return m, nil
}

func key(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:12])
}

// score is one annotated piece's ictus F-measure.
type score struct {
	name      string
	bpm       float64 // annotated
	heard     float64 // the tempo the beat tracker heard
	perMinute float64 // ictuses a minute
	f         float64
	level     beateval.Variant
	leadMs    float64 // median time from ictus to the nearest beat of that level
	beatF     float64 // the beat tracker's own beats against the grid, the same way
	beatMs    float64 // median time from the grid to the heard beat
	bc, bcRef float64 // Beat Consistency of the motion and of M2S-GAN's against the grid (NaN: none)
}

// scoreIctus finds the right wrist's ictuses and scores them, and the
// motion's Beat Consistency (and M2S-GAN's, given ref) against the grid.
func scoreIctus(p piece, an beat.Analysis, m motion.Motion, ref *motion.Motion) score {
	y := make([]float64, m.Frames)
	for f := range y {
		y[f] = float64(m.At(f, motion.RightWrist).Y)
	}
	ict := beateval.Ictuses(y, m.Rate)
	f, level := beateval.TempoFMeasure(ict, p.truth, tolerance)
	minutes := (p.truth[len(p.truth)-1] - p.truth[0]) / 60
	var inside int
	for _, t := range ict {
		if t >= p.truth[0]-0.1 && t <= p.truth[len(p.truth)-1]+0.1 {
			inside++
		}
	}
	heard := make([]float64, len(an.Beats))
	for i, b := range an.Beats {
		heard[i] = b.Time
	}
	bf, blevel := beateval.TempoFMeasure(heard, p.truth, tolerance)
	bc, bcRef := math.NaN(), math.NaN()
	if v, err := metrics.BeatConsistency(p.truth, m); err == nil {
		bc = v
	}
	if ref != nil {
		if v, err := metrics.BeatConsistency(p.truth, *ref); err == nil {
			bcRef = v
		}
	}
	return score{bc: bc, bcRef: bcRef, name: p.name, bpm: p.bpm, heard: an.Tempo, perMinute: float64(inside) / minutes, f: f, level: level,
		leadMs: -1000 * beateval.MedianOffset(ict, beateval.Levels(p.truth)[level], 0.1),
		beatF:  bf, beatMs: 1000 * beateval.MedianOffset(heard, beateval.Levels(p.truth)[blevel], 0.1)}
}

func printScores(out io.Writer, scored []score) {
	fmt.Fprintf(out, "Right-wrist ictus F-measure (±%.0f ms, best of grid / every other beat / grid with midpoints)\n", 1000*tolerance)
	fmt.Fprintf(out, "%-32s %6s %7s %9s %6s %-9s %8s   %7s %8s   %6s %7s\n", "piece", "BPM", "heard", "ictus/min", "F", "level", "lead ms", "beats F", "beat ms", "BC", "BC GAN")
	var sum float64
	worst := math.Inf(1)
	for _, s := range scored {
		fmt.Fprintf(out, "%-32s %6.0f %7.1f %9.1f %6.3f %-9s %8.0f   %7.3f %+8.0f   %6s %7s\n", s.name, s.bpm, s.heard, s.perMinute, s.f, s.level, s.leadMs, s.beatF, s.beatMs, orDash(s.bc), orDash(s.bcRef))
		sum += s.f
		worst = math.Min(worst, s.f)
	}
	if len(scored) > 0 {
		fmt.Fprintf(out, "%-32s %6s %7s %9s %6.3f (lowest %.3f)\n\n", "mean", "", "", "", sum/float64(len(scored)), worst)
	}
}

func printMovement(out io.Writer, moved []moveeval.Recording, tempos []float64, verbose bool) {
	fmt.Fprintf(out, "Movement on %d real recordings: each joint's std as %% of M2S-GAN's (ratio of the means over the recordings; target %.0f–%.0f)\n",
		len(moved), 100*moveeval.MinRatio, 100*moveeval.MaxRatio)
	fmt.Fprintf(out, "%-15s %7s %7s   %-17s %-17s\n", "joint", "x %", "y %", "x % per song", "y % per song")
	ratios := moveeval.Ratios(moved)
	for j := 0; j < motion.Joints; j++ {
		var lo, hi [2]float64
		for a := 0; a < 2; a++ {
			lo[a], hi[a] = math.Inf(1), math.Inf(-1)
			for _, m := range moved {
				r := 100 * m.Ours[j][a] / m.Ref[j][a]
				lo[a], hi[a] = math.Min(lo[a], r), math.Max(hi[a], r)
			}
		}
		fmt.Fprintf(out, "%-15s %7.0f %7.0f   %5.0f … %-7.0f %5.0f … %-7.0f\n", motion.Name(j), 100*ratios[j][0], 100*ratios[j][1], lo[0], hi[0], lo[1], hi[1])
	}
	if verbose {
		for _, m := range moved {
			fmt.Fprintf(out, "%-32s", m.Name)
			for j := 0; j < motion.Joints; j++ {
				fmt.Fprintf(out, " %3.0f/%-3.0f", 100*m.Ours[j][0]/m.Ref[j][0], 100*m.Ours[j][1]/m.Ref[j][1])
			}
			fmt.Fprintln(out)
		}
	}
	fmt.Fprintln(out)
	fmt.Fprintln(out, "Wrist movement per song: RMS of both wrists' x and y std (image units), and the tempo the conductor heard")
	fmt.Fprintf(out, "%-32s %9s %9s %7s\n", "recording", "builtin", "M2S-GAN", "heard")
	var ours, gan []float64
	for i, m := range moved {
		o, g := m.Ours.Wrists(), m.Ref.Wrists()
		ours, gan = append(ours, o), append(gan, g)
		fmt.Fprintf(out, "%-32s %9.4f %9.4f %7.1f\n", m.Name, o, g, tempos[i])
	}
	fmt.Fprintf(out, "%-32s %9.4f %9.4f\n", "mean", mean(ours), mean(gan))
	so, sg := moveeval.Spreads(moved)
	fmt.Fprintf(out, "spread (max/min over songs)      ×%-8.2f ×%-8.2f  (target: builtin ≥ ×%.2f, half of M2S-GAN's above 1)\n", so, sg, moveeval.SpreadTarget(sg))
}

// orDash prints a value to three places, or "-" for NaN.
func orDash(v float64) string {
	if math.IsNaN(v) {
		return "-"
	}
	return fmt.Sprintf("%.3f", v)
}

func mean(x []float64) float64 {
	var s float64
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}
