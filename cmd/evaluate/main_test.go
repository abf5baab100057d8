package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/podium-dev/podium/dataset/datasettest"
)

func noEnv(string) string { return "" }

func TestFlagsFillOptions(t *testing.T) {
	env := func(k string) string {
		if k == ortEnv {
			return "/opt/ort/libonnxruntime.so"
		}
		return ""
	}
	opt, err := parseFlags([]string{"--dataset", "/data", "--split", "test", "--model", "m.onnx", "--sample-length", "20",
		"--limit", "1.5", "--json", "r.json", "--plot", "p", "--plot-samples", "3_0, 7_1", "--quiet"}, &bytes.Buffer{}, env)
	if err != nil {
		t.Fatal(err)
	}
	if opt.Dataset != "/data" || opt.Split != "test" || opt.Model != "m.onnx" || opt.SampleLength != 20 || opt.LimitHours != 1.5 ||
		opt.JSONPath != "r.json" || opt.PlotDir != "p" || strings.Join(opt.PlotSamples, " ") != "3_0 7_1" || opt.Progress != nil {
		t.Fatalf("options %+v", opt)
	}
	if opt.ORTLib != "/opt/ort/libonnxruntime.so" {
		t.Fatalf("ORT library %q, want the environment's", opt.ORTLib)
	}
	opt, _ = parseFlags([]string{"--dataset", "d", "--ort-lib", "/x.so"}, &bytes.Buffer{}, env)
	if opt.ORTLib != "/x.so" || opt.Split != "val" || opt.SampleLength != 30 {
		t.Fatalf("--ort-lib must win over the environment; defaults val/30: %+v", opt)
	}
}

func TestUsageErrors(t *testing.T) {
	var stderr bytes.Buffer
	if code := run(context.Background(), []string{"--split", "val"}, &bytes.Buffer{}, &stderr, noEnv); code != 2 ||
		!strings.Contains(stderr.String(), "--dataset is required") {
		t.Fatalf("exit %d, stderr %q", code, stderr.String())
	}
	stderr.Reset()
	if code := run(context.Background(), []string{"--dataset", t.TempDir(), "--engine", "plain"}, &bytes.Buffer{}, &stderr, noEnv); code != 1 ||
		!strings.Contains(stderr.String(), `split "val" not found`) {
		t.Fatalf("exit %d, stderr %q", code, stderr.String())
	}
}

func TestPlainAndPredEndToEnd(t *testing.T) {
	root := t.TempDir()
	datasettest.Write(t, root, "val", []int{0, 1}, 10)
	pred := t.TempDir()
	for _, n := range []int{0, 1} {
		datasettest.WriteMotion(t, filepath.Join(pred, strconv.Itoa(n)+".npy"), datasettest.Motion(n, 300))
	}
	for _, c := range []struct {
		args []string
		row  string // engine, samples, and the SDP column
	}{
		{[]string{"--engine", "plain"}, "plain 4 0.00"},
		{[]string{"--pred", pred}, "pred:" + filepath.Base(pred) + " 4 100.00"},
	} {
		jsonPath := filepath.Join(t.TempDir(), "r.json")
		var stdout, stderr bytes.Buffer
		args := append([]string{"--dataset", root, "--sample-length", "5", "--json", jsonPath}, c.args...)
		if code := run(context.Background(), args, &stdout, &stderr, noEnv); code != 0 {
			t.Fatalf("%v: exit %d\n%s", c.args, code, stderr.String())
		}
		lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
		if len(lines) != 2 {
			t.Fatalf("stdout:\n%s", stdout.String())
		}
		f := strings.Fields(lines[1])
		if got := f[0] + " " + f[1] + " " + f[4]; got != c.row {
			t.Fatalf("%v: row %q, want engine/samples/SDP %q", c.args, lines[1], c.row)
		}
		if !strings.Contains(stderr.String(), "4/4") {
			t.Errorf("%v: no progress bar on stderr: %q", c.args, stderr.String())
		}
		raw, err := os.ReadFile(jsonPath)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Samples   int
			PerSample []json.RawMessage `json:"per_sample"`
		}
		if err := json.Unmarshal(raw, &doc); err != nil || doc.Samples != 4 || len(doc.PerSample) != 4 {
			t.Fatalf("JSON %v: %s", err, raw)
		}
	}
}
