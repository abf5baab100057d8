//go:build cgo

package evaluate

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/podium-dev/podium/audio"
	"github.com/podium-dev/podium/dataset/datasettest"
)

// A model whose output breaks the contract on some samples (NaN where the
// music is quiet) has those samples reported as failed, naming the model,
// frame and keypoint; the others are scored, and no score is NaN.
func TestModelOutputOutsideTheContractFailsItsSample(t *testing.T) {
	root := t.TempDir()
	datasettest.Write(t, root, "val", []int{0, 1}, 10)
	// Pair 1 falls quiet for its second 5 s.
	mel := make([]float32, 900*audio.MelBands)
	for r := range 900 {
		for b := range audio.MelBands {
			v := datasettest.MelValue(1, r, b)
			if r >= 450 {
				v = 0.1
			}
			mel[r*audio.MelBands+b] = v
		}
	}
	datasettest.WriteNPY(t, filepath.Join(root, "val", "1", "mel.npy"), []int{900, audio.MelBands}, mel)
	model := filepath.Join("..", "testdata", "models", "emits_nan.onnx")
	jsonPath := filepath.Join(t.TempDir(), "r.json")
	var out, log bytes.Buffer
	rep, err := Run(context.Background(), Options{Dataset: root, SampleLength: 5, Model: model, Device: "cpu",
		ORTLib: os.Getenv("ONNXRUNTIME_SHARED_LIBRARY_PATH"), JSONPath: jsonPath, Out: &out, Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Samples != 3 || len(rep.Failed) != 1 || rep.Failed[0].ID != "1_1" || len(rep.Skipped) != 0 {
		t.Fatalf("%d samples scored, failed %v, skipped %v; want 3 and 1_1", rep.Samples, rep.Failed, rep.Skipped)
	}
	want := "failed 1_1: model " + model + ": output frame 0 (0.00 s) keypoint 0 (nose): x is NaN"
	if !strings.Contains(log.String(), want) || strings.Count(log.String(), "\n") != 1 {
		t.Fatalf("log:\n%s\nwant the line %q", log.String(), want)
	}
	for _, v := range []float64{rep.RDE, rep.SCE, float64(rep.SDPPercent), float64(rep.BCGen), float64(rep.BCReal)} {
		if math.IsNaN(v) {
			t.Fatalf("a NaN score in %+v", rep)
		}
	}
	if row := strings.Fields(strings.Split(out.String(), "\n")[1]); row[len(row)-1] != "1" {
		t.Fatalf("table does not count the failed sample:\n%s", out.String())
	}
	raw, err := os.ReadFile(jsonPath)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Failed []struct{ ID, Error string } `json:"failed"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil || len(doc.Failed) != 1 || !strings.Contains(doc.Failed[0].Error, "keypoint 0 (nose)") {
		t.Fatalf("report.json failed: %+v (%v)", doc.Failed, err)
	}
}
