package npyfile

import (
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/podium-dev/podium/internal/npyfile/npytest"
)

// BenchmarkReadMel60s reads a 60 s mel ([5400,128] float32, 2.7 MB, from
// the page cache) in C order and in Fortran order (as the VirtualConductor
// recipe's transposed mel is saved), in turn, and reports the time of each
// and their ratio; the target is fortran/c ≤ 2. Each iteration reads each
// file readsPerOp times, which goes first alternating, so make bench's
// -benchtime 1x gives warm medians.
func BenchmarkReadMel60s(b *testing.B) {
	const rows, bands, readsPerOp = 5400, 128, 15
	c := make([]float64, rows*bands)
	for i := range c {
		c[i] = float64(i%1000) / 1000
	}
	dir := b.TempDir()
	paths := map[bool]string{false: filepath.Join(dir, "c.npy"), true: filepath.Join(dir, "fortran.npy")}
	for f, path := range paths {
		if err := os.WriteFile(path, npytest.Encode([]int{rows, bands}, c, npytest.Layout{Fortran: f}), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	var times [2][]float64
	b.ReportAllocs()
	for b.Loop() {
		for i := range readsPerOp {
			for _, k := range [2][2]int{{0, 1}, {1, 0}}[i%2] {
				f := k == 1
				// Each read allocates the 2.7–5.5 MB it returns; collected
				// here, the collection does not land on whichever read
				// comes next (always the C one, when they went in order).
				runtime.GC()
				t0 := time.Now()
				if _, err := Read(paths[f]); err != nil {
					b.Fatal(err)
				}
				times[k] = append(times[k], time.Since(t0).Seconds()*1000)
			}
		}
	}
	mc, mf := median(times[0]), median(times[1])
	b.ReportMetric(mc, "ms/c-read")
	b.ReportMetric(mf, "ms/fortran-read")
	b.ReportMetric(mf/mc, "fortran/c")
}

func median(x []float64) float64 {
	s := slices.Clone(x)
	slices.Sort(s)
	return s[len(s)/2]
}
