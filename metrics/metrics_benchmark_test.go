package metrics

import (
	"testing"

	"github.com/podium-dev/podium/internal/testdata"
	"github.com/podium-dev/podium/motion"
)

// BenchmarkPair60s measures RDE + SCE + SD of one 60 s (1800-frame) pair, the
// unit of work of an evaluation, through a Scorer as the evaluation driver
// uses it; the target is ≤ 5 ms. Each iteration scores
// the pair pairsPerOp times so that `make bench`'s -benchtime 1x still gives
// a warm, stable ms/pair figure.
func BenchmarkPair60s(b *testing.B) {
	const pairsPerOp = 20
	ref, gen := pair60s(b)
	sc := NewScorer()
	b.ReportAllocs()
	for b.Loop() {
		for range pairsPerOp {
			if _, err := sc.Compare(ref, gen); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N*pairsPerOp), "ms/pair")
}

// BenchmarkBC60s measures what Beat Consistency adds to one 60 s pair: the
// BC of the real and of the generated motion against 120 music beats; the
// target is ≤ 1 ms. (The music beats themselves come from beat.Listen, once
// per sample, measured in package beat.)
func BenchmarkBC60s(b *testing.B) {
	const pairsPerOp = 20
	ref, gen := pair60s(b)
	beats := steadyBeats(0.25, 59.75, 0.5)
	sc := NewScorer()
	b.ReportAllocs()
	for b.Loop() {
		for range pairsPerOp {
			for _, m := range []motion.Motion{ref, gen} {
				if _, err := sc.BeatConsistency(beats, m); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N*pairsPerOp), "ms/pair")
}

// pair60s is a 60 s (1800-frame) real and generated motion from the fixtures.
func pair60s(b *testing.B) (ref, gen motion.Motion) {
	dir := testdata.Path(b, "fixtures", "metrics")
	var err error
	if ref, err = motion.ReadNPY(dir+"/A_sines.npy", Rate); err != nil {
		b.Fatal(err)
	}
	if gen, err = motion.ReadNPY(dir+"/B_sines.npy", Rate); err != nil {
		b.Fatal(err)
	}
	if ref.Frames != 1800 || gen.Frames != 1800 {
		b.Fatalf("fixtures have %d and %d frames, want 1800", ref.Frames, gen.Frames)
	}
	return ref, gen
}
