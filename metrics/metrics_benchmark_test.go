package metrics

import (
	"testing"

	"github.com/podium-dev/podium/internal/testdata"
	"github.com/podium-dev/podium/motion"
)

// BenchmarkPair60s measures RDE + SCE + SD of one 60 s (1800-frame) pair, the
// unit of work of an evaluation; the target is ≤ 5 ms.
func BenchmarkPair60s(b *testing.B) {
	dir := testdata.Path(b, "fixtures", "metrics")
	ref, err := motion.ReadNPY(dir+"/A_sines.npy", Rate)
	if err != nil {
		b.Fatal(err)
	}
	gen, err := motion.ReadNPY(dir+"/B_sines.npy", Rate)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	var p Pair
	for b.Loop() {
		if p, err = Compare(ref, gen); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/pair")
	_ = p
}
