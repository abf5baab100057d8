// Package evaluate scores a conducting engine, or motions generated
// elsewhere, on a ConductorMotion100 split with the competition's metrics
// (SPEC §5) and Beat Consistency: it streams the split's samples, generates a
// motion for each sample's mel, compares it with the real motion, scores both
// against the beats package beat hears in the mel, and reports a table, a
// JSON file with per-sample values and, on request, plots. A generated motion
// that breaks the model contract (NaN, or coordinates far outside [0, 1]) fails
// its sample instead of being scored.
package evaluate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"text/tabwriter"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/podium-dev/podium/beat"
	"github.com/podium-dev/podium/dataset"
	"github.com/podium-dev/podium/infer"
	"github.com/podium-dev/podium/metrics"
	"github.com/podium-dev/podium/motion"
)

// DefaultPlotCount is how many samples are plotted when a plot folder is
// given without a list of samples.
const DefaultPlotCount = 3

// Options is everything one evaluation needs; each field is one flag of
// cmd/evaluate.
type Options struct {
	Dataset      string  // data set root holding <split>/<n>/{mel.npy,motion.npy}
	Split        string  // train, val or test; "" means val
	SampleLength int     // seconds per sample; 0 means 30, the reference default
	LimitHours   float64 // evaluate about this much music (the reference's rule); 0 means all

	Model   string // an .onnx model; exclusive with Engine and PredDir
	Engine  string // builtin or plain when no model is given; "" means builtin
	ORTLib  string // ONNX Runtime library for Model
	Device  string // auto, cpu or cuda, for Model
	Threads int    // ONNX Runtime threads; 0 means all cores
	Seed    int64  // engine seed
	PredDir string // evaluate <PredDir>/<n>.npy, motions generated elsewhere, instead of an engine

	JSONPath    string   // write the report with per-sample values here; "" for none
	PlotDir     string   // write <id>.png for the chosen samples here; "" for none
	PlotSamples []string // sample IDs (<n>_<piece>) to plot; empty means the first PlotCount
	PlotCount   int      // 0 means DefaultPlotCount

	Out      io.Writer // the result table; nil for none
	Progress io.Writer // the progress bar; nil for none
	Log      io.Writer // one line per skipped sample; nil for none
}

// Number is a float64 that encodes NaN and infinities as JSON null.
type Number float64

// MarshalJSON writes null for values JSON cannot hold.
func (n Number) MarshalJSON() ([]byte, error) {
	f := float64(n)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte("null"), nil
	}
	return json.Marshal(f)
}

// SampleResult is one sample's metrics.
type SampleResult struct {
	ID         string  `json:"id"`     // <n>_<piece>
	Folder     string  `json:"folder"` // the pair's folder, <n>
	Piece      int     `json:"piece"`
	Start      int     `json:"start_s"` // first second within the pair
	RDE        float64 `json:"RDE"`
	SCE        float64 `json:"SCE"`
	SDReal     float64 `json:"SD_real"`
	SDGen      float64 `json:"SD_gen"`
	SDPPercent Number  `json:"SDP_percent"` // this sample's SD_gen/SD_real × 100
	BCGen      Number  `json:"BC_gen"`      // Beat Consistency of the generated motion; null without music beats
	BCReal     Number  `json:"BC_real"`     // of the real motion, against the same beats
	MusicBeats int     `json:"music_beats"` // beats heard in the sample's mel
	GenSeconds Number  `json:"gen_seconds"` // engine time for this sample; null for --pred
}

// Skip is a sample or pair left out, or a sample whose generated motion
// failed, and why.
type Skip struct {
	ID    string `json:"id"` // <n> for a whole pair, <n>_<piece> for one piece
	Error string `json:"error"`
}

// Report is an evaluation's outcome.
type Report struct {
	Engine        string         `json:"engine"`
	Dataset       string         `json:"dataset"`
	Split         string         `json:"split"`
	SampleLength  int            `json:"sample_length_s"`
	Samples       int            `json:"samples"`
	RDE           float64        `json:"RDE"`             // mean over samples
	SCE           float64        `json:"SCE"`             // mean over samples
	SDPPercent    Number         `json:"SDP_percent"`     // mean(SD_gen)/mean(SD_real) × 100
	SDReal        float64        `json:"SD_real"`         // mean over samples
	SDGen         float64        `json:"SD_gen"`          // mean over samples
	BCGen         Number         `json:"BC_gen"`          // mean Beat Consistency of the generated motion, over the BC samples
	BCReal        Number         `json:"BC_real"`         // of the real motion, over the same samples
	BCSamples     int            `json:"BC_samples"`      // samples with music beats, which BC averages over
	TimePerSecond Number         `json:"time_per_second"` // engine seconds per second of motion; null for --pred
	MotionSeconds float64        `json:"motion_seconds"`  // music evaluated
	PerSample     []SampleResult `json:"per_sample"`
	Skipped       []Skip         `json:"skipped"` // bad data: pairs or pieces that could not be read
	Failed        []Skip         `json:"failed"`  // samples whose generated motion broke the contract
}

// generator makes the motion for one sample: an engine, or files from --pred.
type generator interface {
	name() string
	// generate returns the motion and the engine time it took (NaN when not
	// measured), or a *dataset.SampleError to skip the sample.
	generate(ctx context.Context, s dataset.Sample) (motion.Motion, float64, error)
	close() error
}

// Run evaluates as opt says and returns the report, after writing the table,
// JSON and plots it asks for. Bad samples are skipped and listed; it fails on
// a missing split, an engine that cannot open or fails, a cancelled context,
// or when no sample could be evaluated.
func Run(ctx context.Context, opt Options) (Report, error) {
	if err := check(&opt); err != nil {
		return Report{}, err
	}
	ds, err := dataset.Open(opt.Dataset, dataset.Options{Split: opt.Split, SampleLength: opt.SampleLength, LimitHours: opt.LimitHours})
	if err != nil {
		return Report{}, fmt.Errorf("evaluate: %w", err)
	}
	gen, err := openGenerator(opt)
	if err != nil {
		return Report{}, fmt.Errorf("evaluate: %w", err)
	}
	defer gen.close()
	if opt.PlotDir != "" {
		if err := os.MkdirAll(opt.PlotDir, 0o755); err != nil {
			return Report{}, fmt.Errorf("evaluate: plot folder: %w", err)
		}
	}

	rep := Report{Engine: gen.name(), Dataset: opt.Dataset, Split: opt.Split, SampleLength: ds.SampleLength(),
		PerSample: []SampleResult{}, Skipped: []Skip{}, Failed: []Skip{}}
	var bar *progressbar.ProgressBar
	if opt.Progress != nil {
		bar = progressbar.NewOptions(ds.Estimate(), progressbar.OptionSetWriter(opt.Progress),
			progressbar.OptionSetDescription("evaluate "+rep.Engine), progressbar.OptionShowCount(),
			progressbar.OptionSetPredictTime(true), progressbar.OptionThrottle(200*time.Millisecond))
	}
	var sum metrics.Summary
	scorer := metrics.NewScorer()
	genTime, done := 0.0, 0
	plots := newPlotChoice(opt.PlotSamples, opt.PlotCount)
	note := func(list *[]Skip, verb, id string, err error) {
		*list = append(*list, Skip{ID: id, Error: err.Error()})
		if opt.Log != nil {
			if bar != nil {
				bar.Clear() // the log usually shares the terminal with the bar
			}
			fmt.Fprintf(opt.Log, "%s %s: %v\n", verb, id, err)
		}
	}
	skip := func(id string, err error) { note(&rep.Skipped, "skipped", id, err) }
	fail := func(id string, err error) { note(&rep.Failed, "failed", id, err) }
	for s, err := range ds.Samples(ctx) {
		var se *dataset.SampleError
		if errors.As(err, &se) {
			skip(se.ID(), se.Err)
			continue
		} else if err != nil {
			return Report{}, fmt.Errorf("evaluate: %w", err)
		}
		m, secs, err := gen.generate(ctx, s)
		var ce *motion.ContractError
		switch {
		case errors.As(err, &se):
			skip(s.ID(), se.Err)
			continue
		case errors.As(err, &ce):
			fail(s.ID(), err)
			continue
		case err != nil:
			return Report{}, fmt.Errorf("evaluate: sample %s: %w", s.ID(), err)
		}
		if err := m.CheckContract(); err != nil {
			// The ONNX engine and --pred check their motion themselves, naming
			// the model or file; this catches any other engine.
			fail(s.ID(), fmt.Errorf("%s: %w", rep.Engine, err))
			continue
		}
		p, err := scorer.Compare(s.Motion, m)
		if err != nil {
			skip(s.ID(), err)
			continue
		}
		bc, err := beatConsistency(ctx, scorer, s, m)
		if err != nil {
			if ctx.Err() != nil {
				return Report{}, fmt.Errorf("evaluate: %w", ctx.Err())
			}
			skip(s.ID(), err)
			continue
		}
		sum.Add(p)
		sum.AddBC(bc.real, bc.gen)
		genTime += secs
		rep.MotionSeconds += s.Motion.Seconds()
		rep.PerSample = append(rep.PerSample, SampleResult{ID: s.ID(), Folder: s.Folder, Piece: s.Piece, Start: s.Start,
			RDE: p.RDE, SCE: p.SCE, SDReal: p.SDReal, SDGen: p.SDGen, SDPPercent: Number(100 * p.SDP()),
			BCGen: Number(bc.gen), BCReal: Number(bc.real), MusicBeats: bc.beats, GenSeconds: Number(secs)})
		if opt.PlotDir != "" && plots.take(s.ID()) {
			if err := PlotSample(filepath.Join(opt.PlotDir, s.ID()+".png"), s.ID()+" — "+rep.Engine, s.Motion, m); err != nil {
				return Report{}, fmt.Errorf("evaluate: %w", err)
			}
		}
		if bar != nil {
			if done++; done > bar.GetMax() {
				bar.ChangeMax(done)
			}
			bar.Add(1)
		}
	}
	if bar != nil {
		// The estimate assumed 60 s pairs and no bad ones: end at the truth.
		bar.ChangeMax(max(done, 1))
		bar.Finish()
		fmt.Fprintln(opt.Progress)
	}
	if sum.N == 0 {
		return rep, fmt.Errorf("evaluate: no usable sample in %s (%d skipped, %d failed)", ds.Dir(), len(rep.Skipped), len(rep.Failed))
	}
	rep.Samples = sum.N
	rep.RDE, rep.SCE = sum.RDE(), sum.SCE()
	rep.SDReal, rep.SDGen = sum.SDReal(), sum.SDGen()
	rep.SDPPercent = Number(100 * sum.SDP())
	rep.BCGen, rep.BCReal, rep.BCSamples = Number(sum.BCGen()), Number(sum.BCReal()), sum.BCN
	rep.TimePerSecond = Number(genTime / rep.MotionSeconds)
	if missing := plots.missing(); opt.PlotDir != "" && len(missing) > 0 && opt.Log != nil {
		fmt.Fprintf(opt.Log, "not plotted (no such evaluated sample): %v\n", missing)
	}
	if opt.JSONPath != "" {
		if err := writeJSON(opt.JSONPath, rep); err != nil {
			return rep, fmt.Errorf("evaluate: %w", err)
		}
	}
	if opt.Out != nil {
		if err := rep.WriteTable(opt.Out); err != nil {
			return rep, fmt.Errorf("evaluate: %w", err)
		}
	}
	return rep, nil
}

// check fills defaults and rejects contradictory options.
func check(opt *Options) error {
	if opt.Dataset == "" {
		return errors.New("evaluate: no data set given")
	}
	if opt.Split == "" {
		opt.Split = "val"
	}
	if opt.SampleLength == 0 {
		opt.SampleLength = dataset.DefaultSampleLength
	}
	if opt.SampleLength*motion.Rate < metrics.MinFrames {
		return fmt.Errorf("evaluate: samples of %d s are too short for the metrics (at least %d s)", opt.SampleLength, metrics.MinFrames/motion.Rate)
	}
	sources := 0
	for _, set := range []bool{opt.Model != "", opt.Engine != "", opt.PredDir != ""} {
		if set {
			sources++
		}
	}
	if sources > 1 {
		return errors.New("evaluate: give one of a model, an engine or a prediction folder")
	}
	if opt.PlotCount == 0 {
		opt.PlotCount = DefaultPlotCount
	}
	return nil
}

// WriteTable writes the one-line summary table: engine, samples, RDE, SCE,
// SDP %, Beat Consistency of the generated and of the real motion, time
// (seconds of generation per second of motion), and failed samples.
func (r Report) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "engine\tsamples\tRDE\tSCE\tSDP %\tBC\tBC real\ttime\tfailed")
	orDash := func(v Number, format string) string {
		if f := float64(v); !math.IsNaN(f) && !math.IsInf(f, 0) {
			return fmt.Sprintf(format, f)
		}
		return "-"
	}
	fmt.Fprintf(tw, "%s\t%d\t%.4f\t%.4f\t%.2f\t%s\t%s\t%s\t%d\n", r.Engine, r.Samples, r.RDE, r.SCE, float64(r.SDPPercent),
		orDash(r.BCGen, "%.4f"), orDash(r.BCReal, "%.4f"), orDash(r.TimePerSecond, "%.4g"), len(r.Failed))
	return tw.Flush()
}

// writeJSON writes the report atomically: a temporary file, then a rename.
func writeJSON(path string, rep Report) error {
	data, err := json.MarshalIndent(rep, "", " ")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*.json")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// sampleBC is one sample's Beat Consistency.
type sampleBC struct {
	real, gen float64 // NaN when the mel has no beat
	beats     int     // music beats heard
}

// beatConsistency scores the real and the generated motion against the
// beats beat.Listen hears in the sample's mel.
func beatConsistency(ctx context.Context, sc *metrics.Scorer, s dataset.Sample, gen motion.Motion) (sampleBC, error) {
	an, err := beat.Listen(ctx, s.Mel)
	if err != nil {
		return sampleBC{}, fmt.Errorf("beat tracking: %w", err)
	}
	times := make([]float64, len(an.Beats))
	for i, b := range an.Beats {
		times[i] = b.Time
	}
	bc := sampleBC{beats: len(times)}
	if bc.real, err = sc.BeatConsistency(times, s.Motion); err != nil {
		return sampleBC{}, fmt.Errorf("real motion: %w", err)
	}
	if bc.gen, err = sc.BeatConsistency(times, gen); err != nil {
		return sampleBC{}, fmt.Errorf("generated motion: %w", err)
	}
	return bc, nil
}

// openGenerator opens the engine, or the prediction folder, opt names.
func openGenerator(opt Options) (generator, error) {
	if opt.PredDir != "" {
		st, err := os.Stat(opt.PredDir)
		if err != nil {
			return nil, fmt.Errorf("prediction folder: %w", err)
		}
		if !st.IsDir() {
			return nil, fmt.Errorf("prediction folder %s is not a folder", opt.PredDir)
		}
		return &predictions{dir: opt.PredDir}, nil
	}
	eng, err := infer.Open(infer.Options{Model: opt.Model, Engine: opt.Engine, Device: opt.Device,
		ORTLib: opt.ORTLib, Threads: opt.Threads, Seed: opt.Seed})
	if err != nil {
		return nil, fmt.Errorf("open engine: %w", err)
	}
	return engineGen{eng}, nil
}

// engineGen runs an engine on each sample's mel, timing only the engine.
type engineGen struct{ eng infer.Engine }

func (g engineGen) name() string { return g.eng.Name() }
func (g engineGen) close() error { return g.eng.Close() }

func (g engineGen) generate(ctx context.Context, s dataset.Sample) (motion.Motion, float64, error) {
	t0 := time.Now()
	m, err := g.eng.Generate(ctx, s.Mel)
	secs := time.Since(t0).Seconds()
	if err != nil {
		return motion.Motion{}, 0, err
	}
	return m, secs, nil
}

// predictions reads <dir>/<n>.npy, the motion made elsewhere for pair n,
// holding one pair's file at a time, and cuts it like the data set.
type predictions struct {
	dir    string
	folder string        // the pair whose file is loaded
	m      motion.Motion // its motion
	err    error         // or why it could not be read
}

func (p *predictions) name() string { return "pred:" + filepath.Base(p.dir) }
func (p *predictions) close() error { return nil }

func (p *predictions) generate(ctx context.Context, s dataset.Sample) (motion.Motion, float64, error) {
	if s.Folder != p.folder {
		p.folder = s.Folder
		p.m, p.err = dataset.ReadMotion(filepath.Join(p.dir, s.Folder+".npy"))
	}
	if p.err != nil {
		return motion.Motion{}, 0, &dataset.SampleError{Folder: s.Folder, Piece: s.Piece, Err: p.err}
	}
	f0, f1 := s.Start*motion.Rate, s.Start*motion.Rate+s.Motion.Frames
	if p.m.Frames < f1 {
		return motion.Motion{}, 0, &dataset.SampleError{Folder: s.Folder, Piece: s.Piece,
			Err: fmt.Errorf("%s.npy has %d frames, the piece needs frames %d–%d", s.Folder, p.m.Frames, f0, f1-1)}
	}
	m := motion.Motion{Rate: motion.Rate, Frames: f1 - f0, Data: p.m.Data[f0*motion.Joints*2 : f1*motion.Joints*2]}
	if err := m.CheckContract(); err != nil {
		return motion.Motion{}, 0, fmt.Errorf("%s.npy, the piece from frame %d: %w", s.Folder, f0, err)
	}
	return m, math.NaN(), nil
}

// plotChoice decides which samples get a plot.
type plotChoice struct {
	ids   map[string]bool // chosen IDs, plotted or not yet
	count int             // with no IDs, how many of the first samples
}

func newPlotChoice(ids []string, count int) *plotChoice {
	c := &plotChoice{count: count}
	if len(ids) > 0 {
		c.ids = map[string]bool{}
		for _, id := range ids {
			c.ids[id] = false
		}
	}
	return c
}

// take says whether sample id is to be plotted, and counts it.
func (c *plotChoice) take(id string) bool {
	if c.ids == nil {
		c.count--
		return c.count >= 0
	}
	done, chosen := c.ids[id]
	if !chosen || done {
		return false
	}
	c.ids[id] = true
	return true
}

// missing lists the chosen IDs that never came.
func (c *plotChoice) missing() []string {
	var out []string
	for id, done := range c.ids {
		if !done {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}
