package main

import (
	"context"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/podium-dev/podium/beat"
	"github.com/podium-dev/podium/infer/conductor"
	"github.com/podium-dev/podium/infer/onnx"
	"github.com/podium-dev/podium/internal/beateval"
	"github.com/podium-dev/podium/internal/moveeval"
	"github.com/podium-dev/podium/metrics"
	"github.com/podium-dev/podium/motion"
	"sort"
)

// phase of each detected time relative to the grid, in beats (-0.5..0.5)
func phases(det, truth []float64) []float64 {
	var out []float64
	for _, x := range det {
		i := 0
		for i+1 < len(truth) && truth[i+1] <= x {
			i++
		}
		var p float64
		if x < truth[0] {
			p = (x - truth[0]) / (truth[1] - truth[0])
		} else if i+1 >= len(truth) {
			p = (x - truth[i]) / (truth[i] - truth[i-1])
		} else {
			p = (x - truth[i]) / (truth[i+1] - truth[i])
		}
		p -= math.Round(p)
		out = append(out, p)
	}
	return out
}

func TestDbgSeq(t *testing.T) {
	dirs := strings.Fields(os.Getenv("DBG_DIRS"))
	if len(dirs) == 0 {
		t.Skip()
	}
	pieces, _ := collect(options{real: dirs})
	ctx := context.Background()
	for _, p := range pieces {
		if p.truth == nil {
			continue
		}
		if f := os.Getenv("DBG_ONLY"); f != "" && !strings.Contains(p.name, f) {
			continue
		}
		mel, err := loadMel(ctx, p.path, "/tmp/evc")
		if err != nil {
			t.Fatal(err)
		}
		an, _ := beat.Listen(ctx, mel)
		m, _ := conductor.New(conductor.Options{}).Generate(ctx, mel)
		y := make([]float64, m.Frames)
		for f := range y {
			y[f] = float64(m.At(f, motion.RightWrist).Y)
		}
		ict := beateval.Ictuses(y, m.Rate)
		var bt []float64
		for _, b := range an.Beats {
			bt = append(bt, b.Time)
		}
		f, lv := beateval.TempoFMeasure(ict, p.truth, 0.07)
		fmt.Printf("%s F %.3f %s tempo %.1f metre %d\n", p.name, f, lv, an.Tempo, an.Metre)
		ph := phases(bt, p.truth)
		var sb strings.Builder
		for i, x := range ph {
			c := "."
			switch {
			case math.Abs(x) > 0.35:
				c = "X"
			case math.Abs(x) > 0.2:
				c = "?"
			case x*60/p.bpm > 0.07 || x*60/p.bpm < -0.07:
				c = "o"
			}
			if i%16 == 0 {
				fmt.Fprintf(&sb, " %5.1f:", bt[i])
			}
			sb.WriteString(c)
		}
		fmt.Println(sb.String())
	}
}

func TestDbgIctus(t *testing.T) {
	dirs := strings.Fields(os.Getenv("DBG_DIRS"))
	if len(dirs) == 0 {
		t.Skip()
	}
	pieces, _ := collect(options{real: dirs})
	ctx := context.Background()
	for _, p := range pieces {
		if p.truth == nil {
			continue
		}
		if f := os.Getenv("DBG_ONLY"); f != "" && !strings.Contains(p.name, f) {
			continue
		}
		mel, _ := loadMel(ctx, p.path, "/tmp/evc")
		an, _ := beat.Listen(ctx, mel)
		m, _ := conductor.New(conductor.Options{}).Generate(ctx, mel)
		y := make([]float64, m.Frames)
		for f := range y {
			y[f] = float64(m.At(f, motion.RightWrist).Y)
		}
		ict := beateval.Ictuses(y, m.Rate)
		var bt []float64
		for _, b := range an.Beats {
			bt = append(bt, b.Time)
		}
		f, lv := beateval.TempoFMeasure(ict, p.truth, 0.07)
		g := beateval.Levels(p.truth)[lv]
		_, pr, rc := beateval.FMeasure(ict, g, 0.07)
		// histogram of ictus offsets (ms) in 10 ms bins
		var h [21]int
		for _, x := range ict {
			best := math.Inf(1)
			for _, q := range g {
				if math.Abs(x-q) < math.Abs(best) {
					best = x - q
				}
			}
			i := int(math.Floor(best*100)) + 10
			if i >= 0 && i < 21 {
				h[i]++
			}
		}
		var hb [21]int
		for _, x := range bt {
			best := math.Inf(1)
			for _, q := range g {
				if math.Abs(x-q) < math.Abs(best) {
					best = x - q
				}
			}
			i := int(math.Floor(best*100)) + 10
			if i >= 0 && i < 21 {
				hb[i]++
			}
		}
		fmt.Printf("%-24s F %.3f P %.3f R %.3f n %d/%d\n  ictus -100..100ms %v\n  beats            %v\n", p.name, f, pr, rc, len(ict), len(g), h, hb)
	}
}

func TestDbgStd(t *testing.T) {
	dirs := strings.Fields(os.Getenv("DBG_DIRS"))
	if len(dirs) == 0 {
		t.Skip()
	}
	opt := options{real: dirs, model: "/work/shared/models/m2sgan/m2sgan_generator.onnx", cache: "/tmp/evc"}
	pieces, _ := collect(opt)
	ctx := context.Background()
	lib, _ := onnx.FindLibrary("", os.Getenv(onnx.LibraryEnv))
	gan, err := onnx.Open(opt.model, onnx.Options{Device: "cpu", LibraryPath: lib})
	if err != nil {
		t.Fatal(err)
	}
	var so, sg [motion.Joints][2]float64
	for _, p := range pieces {
		mel, _ := loadMel(ctx, p.path, opt.cache)
		m, _ := conductor.New(conductor.Options{}).Generate(ctx, mel)
		ref, err := ganMotion(ctx, gan, mel, opt)
		if err != nil {
			t.Fatal(err)
		}
		a, b := moveeval.StdXY(m), moveeval.StdXY(ref)
		for j := range a {
			for k := 0; k < 2; k++ {
				so[j][k] += a[j][k] / float64(len(pieces))
				sg[j][k] += b[j][k] / float64(len(pieces))
			}
		}
	}
	for j := range so {
		fmt.Printf("%-15s ours x %.4f y %.4f   gan x %.4f y %.4f   %% %3.0f %3.0f\n", motion.Name(j), so[j][0], so[j][1], sg[j][0], sg[j][1], 100*so[j][0]/sg[j][0], 100*so[j][1]/sg[j][1])
	}
}

func TestDbgGanCorr(t *testing.T) {
	if os.Getenv("DBG_GAN") == "" {
		t.Skip()
	}
	opt := options{real: []string{"/work/shared/realmusic", "/work/shared/realmusic/unannotated"}, model: "/work/shared/models/m2sgan/m2sgan_generator.onnx", cache: "/tmp/evc"}
	pieces, _ := collect(opt)
	ctx := context.Background()
	lib, _ := onnx.FindLibrary("", os.Getenv(onnx.LibraryEnv))
	gan, _ := onnx.Open(opt.model, onnx.Options{Device: "cpu", LibraryPath: lib})
	for _, p := range pieces {
		mel, _ := loadMel(ctx, p.path, opt.cache)
		ref, _ := ganMotion(ctx, gan, mel, opt)
		ser := func(j, a int) []float64 {
			x := make([]float64, ref.Frames)
			for f := range x {
				q := ref.At(f, j)
				if a == 0 {
					x[f] = float64(q.X)
				} else {
					x[f] = float64(q.Y)
				}
			}
			return x
		}
		corr := func(x, y []float64) float64 {
			var mx, my float64
			for i := range x {
				mx += x[i]
				my += y[i]
			}
			mx /= float64(len(x))
			my /= float64(len(x))
			var sxy, sxx, syy float64
			for i := range x {
				sxy += (x[i] - mx) * (y[i] - my)
				sxx += (x[i] - mx) * (x[i] - mx)
				syy += (y[i] - my) * (y[i] - my)
			}
			return sxy / math.Sqrt(sxx*syy)
		}
		// shoulder-hip length variation
		var lmin, lmax = 9.0, 0.0
		for f := 0; f < ref.Frames; f++ {
			a, b := ref.At(f, 5), ref.At(f, 11)
			l := math.Hypot(float64(a.X-b.X), float64(a.Y-b.Y))
			lmin, lmax = math.Min(lmin, l), math.Max(lmax, l)
		}
		fmt.Printf("%-30s corr Lsh-Rsh y %+.2f  Lsh-Lhip y %+.2f  nose-Lear y %+.2f  Lsh-wristL y %+.2f  trunk len %.3f..%.3f\n", p.name, corr(ser(5, 1), ser(6, 1)), corr(ser(5, 1), ser(11, 1)), corr(ser(0, 1), ser(3, 1)), corr(ser(5, 1), ser(9, 1)), lmin, lmax)
	}
}

func TestDbgIctusVsBeat(t *testing.T) {
	f := os.Getenv("DBG_IVB")
	if f == "" {
		t.Skip()
	}
	ctx := context.Background()
	mel, _ := loadMel(ctx, f, "/tmp/evc")
	an, _ := beat.Listen(ctx, mel)
	m, _ := conductor.New(conductor.Options{}).Generate(ctx, mel)
	y := make([]float64, m.Frames)
	for i := range y {
		y[i] = float64(m.At(i, motion.RightWrist).Y)
	}
	ict := beateval.Ictuses(y, m.Rate)
	var h [12]int
	far := 0
	for _, x := range ict {
		best := 9.0
		for _, b := range an.Beats {
			if math.Abs(x-b.Time) < math.Abs(best) {
				best = x - b.Time
			}
		}
		i := int(math.Floor(best*100)) + 8
		if i >= 0 && i < 12 {
			h[i]++
		} else {
			far++
		}
	}
	fmt.Println("ictus - heard beat, 10ms bins from -80:", h, "far", far, "ict", len(ict), "beats", len(an.Beats))
}

func TestDbgBC(t *testing.T) {
	dirs := strings.Fields(os.Getenv("DBG_BC"))
	if len(dirs) == 0 {
		t.Skip()
	}
	opt := options{real: dirs, model: "/work/shared/models/m2sgan/m2sgan_generator.onnx", cache: "/tmp/evc"}
	pieces, _ := collect(opt)
	ctx := context.Background()
	lib, _ := onnx.FindLibrary("", os.Getenv(onnx.LibraryEnv))
	gan, _ := onnx.Open(opt.model, onnx.Options{Device: "cpu", LibraryPath: lib})
	var so, sg float64
	k := 0
	for _, p := range pieces {
		if p.truth == nil {
			continue
		}
		mel, _ := loadMel(ctx, p.path, opt.cache)
		m, _ := conductor.New(conductor.Options{}).Generate(ctx, mel)
		ref, _ := ganMotion(ctx, gan, mel, opt)
		bo, _ := metrics.BeatConsistency(p.truth, m)
		bg, _ := metrics.BeatConsistency(p.truth, ref)
		mb, _ := metrics.MotionBeats(m)
		// offset of motion beats to the nearest chart beat
		var offs []float64
		for _, x := range mb {
			best := 9.0
			for _, y := range p.truth {
				if math.Abs(x-y) < math.Abs(best) {
					best = x - y
				}
			}
			offs = append(offs, best)
		}
		sort.Float64s(offs)
		med := 0.0
		if len(offs) > 0 {
			med = offs[len(offs)/2]
		}
		fmt.Printf("%-24s BC ours %.3f  M2S-GAN %.3f   motion beats %d median offset %+.0f ms\n", p.name, bo, bg, len(mb), 1000*med)
		so += bo
		sg += bg
		k++
	}
	fmt.Printf("mean BC ours %.3f M2S-GAN %.3f\n", so/float64(k), sg/float64(k))
}
