package evaluate

import (
	"bytes"
	"context"
	"encoding/json"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/podium-dev/podium/audio"
	"github.com/podium-dev/podium/beat"
	"github.com/podium-dev/podium/dataset/datasettest"
	"github.com/podium-dev/podium/internal/synth"
	"github.com/podium-dev/podium/metrics"
	"github.com/podium-dev/podium/motion"
)

// smallSet writes pairs 0–2 of 10 s each into root/val.
func smallSet(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	datasettest.Write(t, root, "val", []int{0, 1, 2}, 10)
	return root
}

func TestPlainEngineScoresZeroSDP(t *testing.T) {
	root := smallSet(t)
	var out, log bytes.Buffer
	jsonPath := filepath.Join(t.TempDir(), "report.json")
	rep, err := Run(context.Background(), Options{Dataset: root, SampleLength: 5, Engine: "plain",
		JSONPath: jsonPath, Out: &out, Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Samples != 6 || rep.Engine != "plain" {
		t.Fatalf("%d samples by %q, want 6 by plain", rep.Samples, rep.Engine)
	}
	if rep.SDPPercent != 0 || rep.SDGen != 0 || rep.SDReal <= 0 {
		t.Fatalf("plain: SDP %v%%, SD gen %v real %v; want SDP 0 with a moving real motion", rep.SDPPercent, rep.SDGen, rep.SDReal)
	}
	if rep.RDE <= 0 || rep.SCE <= 0 || math.IsNaN(float64(rep.TimePerSecond)) || rep.TimePerSecond < 0 {
		t.Fatalf("plain: RDE %v SCE %v time %v", rep.RDE, rep.SCE, rep.TimePerSecond)
	}
	// The table: a header and one row with the engine, count and SDP.
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "engine") || !strings.Contains(lines[0], "SDP %") {
		t.Fatalf("table:\n%s", out.String())
	}
	row := strings.Fields(lines[1])
	if len(row) != 9 || row[0] != "plain" || row[1] != "6" || row[4] != "0.00" || row[5] != "0.0000" || row[8] != "0" {
		t.Fatalf("table row %q", lines[1])
	}
	if rdeCol, _ := strconv.ParseFloat(row[2], 64); math.Abs(rdeCol-rep.RDE) > 1e-4 {
		t.Fatalf("table RDE %s, report %v", row[2], rep.RDE)
	}
	// The JSON: the aggregate and per-sample values.
	raw, err := os.ReadFile(jsonPath)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Engine     string
		Samples    int
		RDE        float64
		SDPPercent *float64 `json:"SDP_percent"`
		Time       *float64 `json:"time_per_second"`
		PerSample  []struct {
			ID         string
			RDE, SCE   float64
			SDPPercent *float64 `json:"SDP_percent"`
			GenSeconds *float64 `json:"gen_seconds"`
		} `json:"per_sample"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("report.json: %v", err)
	}
	if doc.Samples != 6 || len(doc.PerSample) != 6 || doc.SDPPercent == nil || *doc.SDPPercent != 0 || doc.Time == nil {
		t.Fatalf("report.json: %s", raw)
	}
	if doc.PerSample[0].ID != "0_0" || doc.PerSample[5].ID != "2_1" || doc.PerSample[3].GenSeconds == nil {
		t.Fatalf("per-sample entries: %+v", doc.PerSample)
	}
	mean := 0.0
	for _, s := range doc.PerSample {
		mean += s.RDE / 6
	}
	if math.Abs(mean-doc.RDE) > 1e-12 {
		t.Fatalf("RDE %v is not the mean of the samples' %v", doc.RDE, mean)
	}
}

func TestPredictionsEqualToTheDataScorePerfectly(t *testing.T) {
	root := smallSet(t)
	pred := t.TempDir()
	for _, n := range []int{0, 1, 2} {
		datasettest.WriteMotion(t, filepath.Join(pred, strconv.Itoa(n)+".npy"), datasettest.Motion(n, 300))
	}
	rep, err := Run(context.Background(), Options{Dataset: root, SampleLength: 5, PredDir: pred})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Samples != 6 || rep.RDE != 0 || rep.SCE != 0 || rep.SDPPercent != 100 {
		t.Fatalf("the real motion as prediction: %d samples, RDE %v SCE %v SDP %v%%", rep.Samples, rep.RDE, rep.SCE, rep.SDPPercent)
	}
	if !math.IsNaN(float64(rep.TimePerSecond)) {
		t.Fatalf("--pred reports a generation time %v", rep.TimePerSecond)
	}
	var out bytes.Buffer
	rep.WriteTable(&out)
	if row := strings.Fields(strings.Split(out.String(), "\n")[1]); !strings.HasPrefix(row[0], "pred:") || row[7] != "-" || row[5] != row[6] {
		t.Fatalf("table:\n%s", out.String())
	}
}

func TestPredictionsAreCutLikeTheData(t *testing.T) {
	root := smallSet(t)
	pred := t.TempDir()
	// Pair 0's prediction is pair 0's motion with the second half still;
	// pair 1 has none; pair 2's is too short for its second piece.
	m := datasettest.Motion(0, 300)
	for f := 150; f < 300; f++ {
		copy(m.Frame(f), m.Frame(150))
	}
	datasettest.WriteMotion(t, filepath.Join(pred, "0.npy"), m)
	datasettest.WriteMotion(t, filepath.Join(pred, "2.npy"), datasettest.Motion(2, 200))
	var log bytes.Buffer
	rep, err := Run(context.Background(), Options{Dataset: root, SampleLength: 5, PredDir: pred, Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Samples != 3 || len(rep.Skipped) != 3 {
		t.Fatalf("%d samples, skipped %v; want 3 and 3", rep.Samples, rep.Skipped)
	}
	got := map[string]SampleResult{}
	for _, s := range rep.PerSample {
		got[s.ID] = s
	}
	if s := got["0_0"]; s.RDE != 0 || s.SCE != 0 || s.SDPPercent != 100 {
		t.Fatalf("0_0 (identical) scored %+v", s)
	}
	if s := got["0_1"]; s.SDPPercent != 0 || s.RDE == 0 {
		t.Fatalf("0_1 (still) scored %+v", s)
	}
	if s := got["2_0"]; s.RDE != 0 {
		t.Fatalf("2_0 scored %+v", s)
	}
	for _, frag := range []string{"skipped 1_0: ", "1.npy is missing", "skipped 2_1: 2.npy has 200 frames, the piece needs frames 150–299"} {
		if !strings.Contains(log.String(), frag) {
			t.Errorf("log lacks %q:\n%s", frag, log.String())
		}
	}
}

func TestPlotsChosenSamples(t *testing.T) {
	root := smallSet(t)
	plots := t.TempDir()
	var log bytes.Buffer
	_, err := Run(context.Background(), Options{Dataset: root, SampleLength: 5, Engine: "plain",
		PlotDir: plots, PlotSamples: []string{"1_1", "9_9"}, Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(plots)
	if len(entries) != 1 || entries[0].Name() != "1_1.png" {
		t.Fatalf("plot folder holds %v, want 1_1.png", entries)
	}
	f, err := os.Open(filepath.Join(plots, "1_1.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() < 1000 || b.Dy() < 1500 {
		t.Fatalf("plot is %v", b)
	}
	if !strings.Contains(log.String(), "not plotted (no such evaluated sample): [9_9]") {
		t.Fatalf("log:\n%s", log.String())
	}
}

func TestRunErrors(t *testing.T) {
	root := smallSet(t)
	ctx := context.Background()
	for _, c := range []struct {
		name string
		opt  Options
		want string
	}{
		{"missing split", Options{Dataset: root, Split: "test", Engine: "plain"}, `split "test" not found`},
		{"two sources", Options{Dataset: root, Engine: "plain", PredDir: root}, "give one of"},
		{"short samples", Options{Dataset: root, SampleLength: 1, Engine: "plain"}, "too short for the metrics"},
		{"unknown engine", Options{Dataset: root, SampleLength: 5, Engine: "nope"}, `unknown engine "nope"`},
		{"no pred folder", Options{Dataset: root, SampleLength: 5, PredDir: filepath.Join(root, "nope")}, "prediction folder"},
		{"no usable sample", Options{Dataset: root, SampleLength: 20, Engine: "plain"}, "no usable sample"},
	} {
		_, err := Run(ctx, c.opt)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := Run(cancelled, Options{Dataset: root, SampleLength: 5, Engine: "plain"}); err == nil || !strings.Contains(err.Error(), "canceled") {
		t.Errorf("cancelled run: %v", err)
	}
}

// The driver's per-sample numbers are the metrics package's on the same cut.
func TestPerSampleMatchesMetrics(t *testing.T) {
	root := smallSet(t)
	pred := t.TempDir()
	for _, n := range []int{0, 1, 2} {
		// Another pair's motion as the prediction: nonzero, known errors.
		datasettest.WriteMotion(t, filepath.Join(pred, strconv.Itoa(n)+".npy"), datasettest.Motion(n+1, 300))
	}
	rep, err := Run(context.Background(), Options{Dataset: root, SampleLength: 5, PredDir: pred})
	if err != nil {
		t.Fatal(err)
	}
	s := rep.PerSample[3] // 1_1: seconds 5–10 of pair 1
	cut := func(m motion.Motion) motion.Motion {
		return motion.Motion{Rate: 30, Frames: 150, Data: m.Data[150*26 : 300*26]}
	}
	p, err := metrics.Compare(cut(datasettest.Motion(1, 300)), cut(datasettest.Motion(2, 300)))
	if err != nil {
		t.Fatal(err)
	}
	if s.ID != "1_1" || s.RDE != p.RDE || s.SCE != p.SCE || s.SDGen != p.SDGen || s.RDE == 0 {
		t.Fatalf("sample %+v, metrics %+v", s, p)
	}
}

// A data set whose mels (and motions) NumPy saved in Fortran order — as the
// VirtualConductor recipe saves its transposed mel — is scored sample for
// sample exactly like the same data set in C order.
func TestFortranOrderedDataSetScoresEverySample(t *testing.T) {
	c, f := t.TempDir(), t.TempDir()
	datasettest.Write(t, c, "val", []int{0, 1, 2}, 10)
	datasettest.WriteLayout(t, f, "val", []int{0, 1, 2}, 10, datasettest.Layout{Fortran: true})
	want, err := Run(context.Background(), Options{Dataset: c, SampleLength: 5, Engine: "builtin"})
	if err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	got, err := Run(context.Background(), Options{Dataset: f, SampleLength: 5, Engine: "builtin", Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	if got.Samples != 6 || len(got.Skipped) != 0 || log.Len() != 0 {
		t.Fatalf("Fortran-ordered set: %d samples, skipped %v", got.Samples, got.Skipped)
	}
	for i, s := range got.PerSample {
		w := want.PerSample[i]
		if s.ID != w.ID || s.RDE != w.RDE || s.SCE != w.SCE || s.SDGen != w.SDGen || s.SDReal != w.SDReal {
			t.Fatalf("sample %s: %+v, the C-ordered set gives %+v", s.ID, s, w)
		}
	}
}

// Beat Consistency end to end, on a synthesized march (120 BPM) and the
// beats beat.Listen hears in its mel: a real motion built to stop on those
// beats scores ≥ 0.95; as a prediction it scores exactly what the real
// motion does; half a beat late it scores ≤ 0.4; a still pose scores 0.
func TestBeatConsistencyAgainstTheHeardBeats(t *testing.T) {
	ctx := context.Background()
	piece := synth.Samples()[1]
	r, err := synth.Render(ctx, piece, audio.SampleRate)
	if err != nil {
		t.Fatal(err)
	}
	mel := audio.MelSpectrogram(r.Samples, audio.Options{})
	an, err := beat.Listen(ctx, mel)
	if err != nil {
		t.Fatal(err)
	}
	heard := make([]float64, len(an.Beats))
	for i, b := range an.Beats {
		heard[i] = b.Time
	}
	if len(heard) < 30 {
		t.Fatalf("the tracker heard %d beats in %s", len(heard), piece.Name)
	}
	late := make([]float64, len(heard)) // each beat moved half-way to the next
	for k := range heard {
		next := heard[min(k+1, len(heard)-1)]
		if k+1 == len(heard) {
			next = 2*heard[k] - heard[k-1]
		}
		late[k] = (heard[k] + next) / 2
	}
	frames := mel.MotionFrames()
	root, dir := t.TempDir(), filepath.Join("val", "0")
	os.MkdirAll(filepath.Join(root, dir), 0o755)
	datasettest.WriteNPY(t, filepath.Join(root, dir, "mel.npy"), []int{mel.Frames, audio.MelBands}, mel.Data)
	real := datasettest.BeatMotion(heard, frames)
	datasettest.WriteMotion(t, filepath.Join(root, dir, "motion.npy"), real)

	still := motion.New(frames, motion.Rate)
	for f := range frames {
		copy(still.Frame(f), real.Frame(0))
	}
	score := func(m motion.Motion) Report {
		pred := t.TempDir()
		datasettest.WriteMotion(t, filepath.Join(pred, "0.npy"), m)
		rep, err := Run(ctx, Options{Dataset: root, SampleLength: 5, PredDir: pred})
		if err != nil {
			t.Fatal(err)
		}
		return rep
	}
	same, shifted, none := score(real), score(datasettest.BeatMotion(late, frames)), score(still)
	t.Logf("%d beats heard; BC real %.4f, as prediction %.4f, half a beat late %.4f, still %.4f",
		len(heard), same.BCReal, same.BCGen, shifted.BCGen, none.BCGen)
	if same.BCSamples != same.Samples || same.Samples != int(mel.Seconds())/5 {
		t.Fatalf("%d samples, %d with BC", same.Samples, same.BCSamples)
	}
	if same.BCGen != same.BCReal || same.BCReal < 0.95 {
		t.Errorf("the real motion as prediction: BC %v, real %v; want equal and ≥ 0.95", same.BCGen, same.BCReal)
	}
	for _, s := range same.PerSample {
		if s.BCGen != s.BCReal || s.BCReal < 0.9 || s.MusicBeats < 5 {
			t.Errorf("sample %s: BC %v, real %v, %d beats", s.ID, s.BCGen, s.BCReal, s.MusicBeats)
		}
	}
	if shifted.BCGen > 0.4 || shifted.BCReal != same.BCReal {
		t.Errorf("half a beat late: BC %v (want ≤ 0.4), real %v", shifted.BCGen, shifted.BCReal)
	}
	if none.BCGen != 0 {
		t.Errorf("a still pose: BC %v, want 0", none.BCGen)
	}
}

// Predictions in pixels, or with NaN, fail their samples; they are not
// scored.
func TestPredictionsOutsideTheContractFail(t *testing.T) {
	root := smallSet(t)
	pred := t.TempDir()
	for _, n := range []int{0, 1, 2} {
		m := datasettest.Motion(n, 300)
		switch n {
		case 1:
			for i := range m.Data {
				m.Data[i] *= 720
			}
		case 2:
			m.Set(200, motion.LeftWrist, motion.Point{X: float32(math.NaN()), Y: 0.5})
		}
		datasettest.WriteMotion(t, filepath.Join(pred, strconv.Itoa(n)+".npy"), m)
	}
	var log bytes.Buffer
	rep, err := Run(context.Background(), Options{Dataset: root, SampleLength: 5, PredDir: pred, Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	var failed []string
	for _, f := range rep.Failed {
		failed = append(failed, f.ID)
	}
	if rep.Samples != 3 || strings.Join(failed, " ") != "1_0 1_1 2_1" {
		t.Fatalf("%d samples, failed %v; want 3 and 1_0 1_1 2_1", rep.Samples, failed)
	}
	for _, frag := range []string{"failed 1_0: 1.npy, the piece from frame 0: frame 0 (0.00 s) keypoint 0 (nose): x = 222.1 is far outside [0, 1]",
		"failed 1_1: 1.npy, the piece from frame 150: frame 0", "failed 2_1: 2.npy, the piece from frame 150: frame 50 (1.67 s) keypoint 9 (left_wrist): x is NaN"} {
		if !strings.Contains(log.String(), frag) {
			t.Errorf("log lacks %q:\n%s", frag, log.String())
		}
	}
}
