package conductor

import (
	"context"
	"os"
	"testing"

	"github.com/podium-dev/podium/infer/onnx"
	"github.com/podium-dev/podium/internal/synth"
	"github.com/podium-dev/podium/internal/testdata"
	"github.com/podium-dev/podium/motion"
)

// TestStdLikeM2SGANOnSamples runs the official M2S-GAN (through infer/onnx)
// and the conductor on the same synthesized music, the three samples, and
// compares each joint's standard deviation over the music the way SPEC §5's
// SDP compares a data set: the ratio of the mean std over the pieces must be
// 60–160 % for every joint. Per-piece ratios are logged: on these pieces the
// model moves its left hand 1.2–1.6 times as much as its right, and the
// conductor's left hand, which mirrors the right narrower, reaches 50–60 %
// of it piece by piece. It skips where ONNX Runtime or the model is absent.
func TestStdLikeM2SGANOnSamples(t *testing.T) {
	model := testdata.Path(t, "models", "m2sgan", "m2sgan_generator.onnx")
	if _, err := os.Stat(model); err != nil {
		t.Skip("no M2S-GAN model:", err)
	}
	lib, err := onnx.FindLibrary("", os.Getenv(onnx.LibraryEnv))
	if err != nil {
		t.Skip("no ONNX Runtime:", err)
	}
	gan, err := onnx.Open(model, onnx.Options{Device: "cpu", LibraryPath: lib, Seed: 1})
	if err != nil {
		t.Skip("ONNX Runtime does not run here:", err)
	}
	defer gan.Close()
	var sumGot, sumWant [motion.Joints]float64
	for _, p := range synth.Samples() {
		r := render(t, p)
		ref, err := gan.Generate(context.Background(), r.mel)
		if err != nil {
			t.Fatal(err)
		}
		m := generate(t, r.mel, 1)
		a, b := int(r.Beats[0]*m.Rate), int(r.Beats[len(r.Beats)-1]*m.Rate)
		got, _, _ := jointStd(m, a, b)
		want, _, _ := jointStd(ref, a, b)
		for j := 0; j < motion.Joints; j++ {
			sumGot[j] += got[j]
			sumWant[j] += want[j]
			t.Logf("%-28s %-15s std %.4f  M2S-GAN %.4f  ratio %3.0f %%", p.Name, motion.Name(j), got[j], want[j], 100*got[j]/want[j])
		}
	}
	for j := 0; j < motion.Joints; j++ {
		ratio := sumGot[j] / sumWant[j]
		t.Logf("all samples  %-15s ratio of mean std %3.0f %%", motion.Name(j), 100*ratio)
		if ratio < 0.6 || ratio > 1.6 {
			t.Errorf("%s: mean std %.4f is %.0f %% of the M2S-GAN's %.4f on the same music, want 60–160 %%",
				motion.Name(j), sumGot[j]/3, 100*ratio, sumWant[j]/3)
		}
	}
}
