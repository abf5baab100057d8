package metrics

import (
	"encoding/json"
	"math"
	"math/cmplx"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/podium-dev/podium/internal/testdata"
	"github.com/podium-dev/podium/motion"
)

// cases is the part of ../shared/fixtures/metrics/cases.json the tests use.
// Its numbers come from ChenDelong1999/VirtualConductor
// ProspectiveCup/utils/loss.py + eval.py computed in float64 (see "source").
type cases struct {
	Inputs map[string]string `json:"inputs"`
	Pairs  []struct {
		Real, Fake    string
		T             int
		RDE, SCE, SDP float64
		SDReal        float64 `json:"SD_real"`
		SDFake        float64 `json:"SD_fake"`
		Intermediates *struct {
			PSDReal     []float64 `json:"psd_real_over26"`
			PSDFake     []float64 `json:"psd_fake_over26"`
			ContourReal []float64 `json:"contour_real"`
			ContourFake []float64 `json:"contour_fake"`
		}
	}
	Aggregate struct {
		Pairs   [][2]string `json:"pairs"`
		Float64 struct{ RDE, SCE, SDP float64 }
	} `json:"eval_aggregate_first6_pairs"`
}

func loadCases(t testing.TB) (cases, func(name string) motion.Motion) {
	t.Helper()
	dir := testdata.Path(t, "fixtures", "metrics")
	raw, err := os.ReadFile(filepath.Join(dir, "cases.json"))
	if err != nil {
		t.Fatal(err)
	}
	var c cases
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatalf("cases.json: %v", err)
	}
	if len(c.Pairs) == 0 {
		t.Fatal("cases.json holds no pairs")
	}
	cache := map[string]motion.Motion{}
	load := func(name string) motion.Motion {
		t.Helper()
		if m, ok := cache[name]; ok {
			return m
		}
		// The fixture folder names files by the input's key; cases.json keeps
		// the generator's longer names. Accept either.
		path := filepath.Join(dir, name+".npy")
		if _, err := os.Stat(path); err != nil {
			path = filepath.Join(dir, c.Inputs[name])
		}
		m, err := motion.ReadNPY(path, Rate)
		if err != nil {
			t.Fatal(err)
		}
		cache[name] = m
		return m
	}
	return c, load
}

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

func TestCasesReproduceWithin1e6(t *testing.T) {
	c, load := loadCases(t)
	for _, pc := range c.Pairs {
		t.Run(pc.Real+"_vs_"+pc.Fake, func(t *testing.T) {
			ref, gen := load(pc.Real), load(pc.Fake)
			if ref.Frames != pc.T {
				t.Fatalf("%s has %d frames, cases.json says %d", pc.Real, ref.Frames, pc.T)
			}
			p, err := Compare(ref, gen)
			if err != nil {
				t.Fatal(err)
			}
			for _, chk := range []struct {
				name      string
				got, want float64
			}{{"RDE", p.RDE, pc.RDE}, {"SCE", p.SCE, pc.SCE}, {"SDP", p.SDP(), pc.SDP},
				{"SD_real", p.SDReal, pc.SDReal}, {"SD_fake", p.SDGen, pc.SDFake}} {
				if !near(chk.got, chk.want, 1e-6) {
					t.Errorf("%s = %.12g, want %.12g (diff %.3g)", chk.name, chk.got, chk.want, chk.got-chk.want)
				}
			}
			// The one-metric entry points agree with Compare.
			if r, _ := RDE(ref, gen); r != p.RDE {
				t.Errorf("RDE() = %v, Compare says %v", r, p.RDE)
			}
			if s, _ := SCE(ref, gen); s != p.SCE {
				t.Errorf("SCE() = %v, Compare says %v", s, p.SCE)
			}
		})
	}
}

func TestIntermediatesPSDAndContour(t *testing.T) {
	c, load := loadCases(t)
	checked := 0
	for _, pc := range c.Pairs {
		im := pc.Intermediates
		if im == nil {
			continue
		}
		checked++
		for _, side := range []struct {
			name        string
			psd, contor []float64
		}{{pc.Real, im.PSDReal, im.ContourReal}, {pc.Fake, im.PSDFake, im.ContourFake}} {
			m := load(side.name)
			p, err := PSD(m)
			if err != nil {
				t.Fatal(err)
			}
			if len(p) != len(side.psd) {
				t.Fatalf("%s: %d PSD bins, want %d", side.name, len(p), len(side.psd))
			}
			for k := range p {
				if !near(p[k], side.psd[k], 1e-9*math.Abs(side.psd[k])+1e-18) {
					t.Fatalf("%s (T=%d): PSD bin %d = %.15g, want %.15g", side.name, pc.T, k, p[k], side.psd[k])
				}
			}
			con, err := Contour(m)
			if err != nil {
				t.Fatal(err)
			}
			if len(con) != len(side.contor) {
				t.Fatalf("%s: %d contour values, want %d", side.name, len(con), len(side.contor))
			}
			for k := range con {
				if !near(con[k], side.contor[k], 1e-9) {
					t.Fatalf("%s: contour %d = %.15g, want %.15g", side.name, k, con[k], side.contor[k])
				}
			}
		}
	}
	if checked == 0 {
		t.Fatal("no case carries intermediates")
	}
}

func TestAggregateFirstSixPairs(t *testing.T) {
	c, load := loadCases(t)
	var s Summary
	for _, pr := range c.Aggregate.Pairs {
		p, err := Compare(load(pr[0]), load(pr[1]))
		if err != nil {
			t.Fatal(err)
		}
		s.Add(p)
	}
	if s.N != 6 {
		t.Fatalf("aggregate over %d pairs, want 6", s.N)
	}
	want := c.Aggregate.Float64
	if !near(s.RDE(), want.RDE, 1e-6) || !near(s.SCE(), want.SCE, 1e-6) || !near(s.SDP(), want.SDP, 1e-6) {
		t.Fatalf("aggregate RDE %.10g SCE %.10g SDP %.10g, want %.10g %.10g %.10g",
			s.RDE(), s.SCE(), s.SDP(), want.RDE, want.SCE, want.SDP)
	}
}

// naivePSD is Welch's method written from its definition with a direct DFT,
// an implementation independent of the FFT path.
func naivePSD(x []float64, fs float64) []float64 {
	n := min(256, len(x))
	step := n - n/2
	segs := (len(x) - n/2) / step
	w := make([]float64, n)
	ws := 0.0
	for i := range w {
		w[i] = math.Sin(math.Pi*float64(i)/float64(n)) * math.Sin(math.Pi*float64(i)/float64(n))
		ws += w[i] * w[i]
	}
	out := make([]float64, n/2+1)
	for s := 0; s < segs; s++ {
		seg := x[s*step : s*step+n]
		mean := 0.0
		for _, v := range seg {
			mean += v / float64(n)
		}
		for k := range out {
			var z complex128
			for i, v := range seg {
				z += complex((v-mean)*w[i], 0) * cmplx.Exp(complex(0, -2*math.Pi*float64(k*i)/float64(n)))
			}
			p := real(z)*real(z) + imag(z)*imag(z)
			if k != 0 && 2*k != n {
				p *= 2
			}
			out[k] += p / (fs * ws) / float64(segs)
		}
	}
	return out
}

func TestWelchMatchesDefinition(t *testing.T) {
	// 1800: 13 full segments; 1000: a trailing remainder dropped; 201 and 200:
	// shorter than a segment, so the segment is the whole series (odd and
	// even, the Nyquist bin doubled or not).
	for _, n := range []int{1800, 1000, 201, 200} {
		x := make([]float64, n)
		for i := range x {
			ti := float64(i) / 30
			x[i] = 0.3 + 0.05*math.Sin(2*math.Pi*1.7*ti) + 0.01*math.Cos(2*math.Pi*7.3*ti) + 1e-3*float64(i%7)
		}
		got, err := Welch(x, 30)
		if err != nil {
			t.Fatal(err)
		}
		want := naivePSD(x, 30)
		if len(got) != len(want) {
			t.Fatalf("n=%d: %d bins, want %d", n, len(got), len(want))
		}
		for k := range want {
			if !near(got[k], want[k], 1e-12+1e-9*want[k]) {
				t.Fatalf("n=%d bin %d: %.15g, want %.15g", n, k, got[k], want[k])
			}
		}
	}
}

// A sine's power lands in its own bin and, integrated, equals its variance
// (density scaling): A²/2.
func TestWelchDensityScaling(t *testing.T) {
	x := make([]float64, 1800)
	const f, amp = 30.0 * 20 / 256, 0.1 // exactly bin 20
	for i := range x {
		x[i] = amp * math.Sin(2*math.Pi*f*float64(i)/30)
	}
	p, _ := Welch(x, 30)
	peak := 0
	total := 0.0
	for k, v := range p {
		if v > p[peak] {
			peak = k
		}
		total += v * 30 / 256
	}
	if peak != 20 {
		t.Fatalf("peak in bin %d, want 20", peak)
	}
	if !near(total, amp*amp/2, 1e-6) {
		t.Fatalf("integrated PSD %v, want the variance %v", total, amp*amp/2)
	}
}

func TestCompareRejectsBadInput(t *testing.T) {
	good := motion.New(120, Rate)
	for i := range good.Data {
		good.Data[i] = float32(i%26) / 26
	}
	short := motion.New(59, Rate)
	nan := good.Clone()
	nan.Data[26*5+3] = float32(math.NaN())
	for _, c := range []struct {
		name     string
		ref, gen motion.Motion
		want     string
	}{
		{"lengths differ", good, motion.New(150, Rate), "120 frames, generated 150"},
		{"too short", short, short, "shorter than the 60"},
		{"NaN", good, nan, "frame 5 keypoint 1 is not finite"},
	} {
		_, err := Compare(c.ref, c.gen)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
	}
}

func TestConstantMotionHasZeroSD(t *testing.T) {
	m := motion.New(300, Rate)
	for f := 0; f < m.Frames; f++ {
		m.Set(f, motion.LeftWrist, motion.Point{X: 0.6, Y: 0.59})
	}
	sdv, err := SD(m)
	if err != nil {
		t.Fatal(err)
	}
	if sdv != 0 {
		t.Fatalf("SD of a still pose = %v", sdv)
	}
	var s Summary
	if !math.IsNaN(s.SDP()) || !math.IsNaN(s.RDE()) {
		t.Fatal("an empty summary reports numbers")
	}
	s.Add(Pair{RDE: 1, SCE: 2, SDReal: 0.05, SDGen: 0})
	if s.SDP() != 0 || s.RDE() != 1 || s.SCE() != 2 {
		t.Fatalf("summary %v %v %v", s.SDP(), s.RDE(), s.SCE())
	}
}

func TestRadix2MatchesDFT(t *testing.T) {
	for n := 2; n <= 512; n *= 2 {
		re, im := make([]float64, n), make([]float64, n)
		for i := range re {
			re[i] = math.Sin(float64(i*i)*0.37) + 0.1*float64(i%3)
			im[i] = math.Cos(float64(i)*1.91) - 0.2
		}
		want := make([]complex128, n)
		for k := range want {
			for i := range re {
				want[k] += complex(re[i], im[i]) * cmplx.Exp(complex(0, -2*math.Pi*float64(k*i%n)/float64(n)))
			}
		}
		newRadix2(n).transform(re, im)
		for k := range want {
			if cmplx.Abs(complex(re[k], im[k])-want[k]) > 1e-9*float64(n) {
				t.Fatalf("n=%d bin %d: %v, want %v", n, k, complex(re[k], im[k]), want[k])
			}
		}
	}
}

// A Scorer reused across pairs of different lengths gives what a fresh
// Compare gives.
func TestScorerReuseMatchesCompare(t *testing.T) {
	_, load := loadCases(t)
	sc := NewScorer()
	for _, pr := range [][2]string{{"A_sines", "B_sines"}, {"A900", "B900"}, {"F_randwalk", "E_shifted"}} {
		want, err := Compare(load(pr[0]), load(pr[1]))
		if err != nil {
			t.Fatal(err)
		}
		got, err := sc.Compare(load(pr[0]), load(pr[1]))
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Fatalf("%v: scorer %+v, Compare %+v", pr, got, want)
		}
	}
	if _, err := sc.Compare(load("A_sines"), load("A900")); err == nil {
		t.Fatal("pairs of different lengths were compared")
	}
}
