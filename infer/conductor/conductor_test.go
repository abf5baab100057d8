package conductor

import (
	"context"
	"errors"
	"math"
	"runtime"
	"slices"
	"testing"

	"github.com/podium-dev/podium/audio"
	"github.com/podium-dev/podium/internal/synth"
	"github.com/podium-dev/podium/motion"
)

// engine is infer.Engine, restated: importing infer would be a cycle.
type engine interface {
	Name() string
	Generate(ctx context.Context, mel audio.Mel) (motion.Motion, error)
	Close() error
}

// The conductor is an engine.
var _ engine = (*Conductor)(nil)

// specLead is how long before the sound the ictus should come: SPEC §7 says
// sound follows the ictus by 30–50 ms; the middle is the expectation.
const specLead = 0.040

// bones are the pairs SPEC §4 draws.
var bones = [][2]int{{0, 1}, {0, 2}, {1, 3}, {2, 4}, {5, 6}, {5, 7}, {7, 9}, {6, 8}, {8, 10}, {11, 12}, {5, 11}, {6, 12}}

func generate(t testing.TB, mel audio.Mel, seed int64) motion.Motion {
	t.Helper()
	c := New(Options{Seed: seed})
	defer c.Close()
	m, err := c.Generate(context.Background(), mel)
	if err != nil {
		t.Fatal(err)
	}
	if m.Frames != mel.MotionFrames() || m.Rate != motion.Rate {
		t.Fatalf("%d frames at %v fps, want %d at %d", m.Frames, m.Rate, mel.MotionFrames(), motion.Rate)
	}
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	return m
}

// ictusTimes finds the ictuses in a wrist's motion from its trajectory
// alone: frames where the downward motion's deceleration (minus the second
// difference of y, y growing downwards) has a local maximum at the bottom of
// the stroke (y maximal within ±2 frames, give or take a frame), with a
// parabola through the deceleration for sub-frame timing. Peaks weaker than
// 30 % of the median peak are not ictuses.
func ictusTimes(m motion.Motion, joint int) []float64 {
	n := m.Frames
	y := make([]float64, n)
	for f := range y {
		y[f] = float64(m.At(f, joint).Y)
	}
	dec := make([]float64, n)
	for f := 1; f < n-1; f++ {
		dec[f] = -(y[f+1] - 2*y[f] + y[f-1])
	}
	isBottom := func(f int) bool {
		for g := max(2, f-1); g <= min(n-3, f+1); g++ {
			top := true
			for h := g - 2; h <= g+2; h++ {
				if y[h] > y[g] {
					top = false
				}
			}
			if top {
				return true
			}
		}
		return false
	}
	type peak struct{ t, v float64 }
	var peaks []peak
	for f := 2; f < n-2; f++ {
		if dec[f] > 0 && dec[f] >= dec[f-1] && dec[f] > dec[f+1] && isBottom(f) {
			a, b, c := dec[f-1], dec[f], dec[f+1]
			d := 0.0
			if den := a - 2*b + c; den < 0 {
				d = 0.5 * (a - c) / den
			}
			peaks = append(peaks, peak{(float64(f) + d) / m.Rate, b})
		}
	}
	if len(peaks) == 0 {
		return nil
	}
	vals := make([]float64, len(peaks))
	for i, p := range peaks {
		vals[i] = p.v
	}
	slices.Sort(vals)
	thr := 0.3 * vals[len(vals)/2]
	var times []float64
	for _, p := range peaks {
		if p.v >= thr {
			times = append(times, p.t)
		}
	}
	return times
}

// TestIctusOnTheBeat is the main criterion: on music with known beats
// (tempi 60–180 BPM, metres 2/3/4, a tempo step, a ritardando, crescendos)
// the right wrist's ictuses, found from its motion alone, match the true
// beats with F ≥ 0.9 at ±70 ms once the spec's 40 ms lead of the ictus over
// the sound is allowed for; and the lead itself is 20–60 ms.
func TestIctusOnTheBeat(t *testing.T) {
	for _, p := range synth.TestSet() {
		r := render(t, p)
		m := generate(t, r.mel, 1)
		ict := ictusTimes(m, motion.RightWrist)
		shifted := make([]float64, len(ict))
		for i, x := range ict {
			shifted[i] = x + specLead
		}
		f, prec, rec := fMeasure(shifted, r.Beats, 0.07)
		raw, _, _ := fMeasure(ict, r.Beats, 0.07)
		leadMs := -1000 * medianOffset(ict, r.Beats, 0.1)
		t.Logf("%-30s ictuses %3d beats %3d  F %.3f (P %.3f R %.3f)  uncompensated F %.3f  lead %.0f ms",
			p.Name, len(ict), len(r.Beats), f, prec, rec, raw, leadMs)
		if f < 0.9 {
			t.Errorf("%s: ictus F-measure %.3f < 0.9", p.Name, f)
		}
		if leadMs < 20 || leadMs > 60 {
			t.Errorf("%s: the ictus leads the sound by %.0f ms, want 30–50 (±10 for 30 fps)", p.Name, leadMs)
		}
	}
}

// rms is the root mean square of samples in [a, b) seconds, in dB.
func rmsDB(s []float32, rate int, a, b float64) float64 {
	i0, i1 := max(0, int(a*float64(rate))), min(len(s), int(b*float64(rate)))
	var e float64
	for _, v := range s[i0:i1] {
		e += float64(v) * float64(v)
	}
	return 10 * math.Log10(e/float64(max(1, i1-i0))+1e-12)
}

// correlation is Pearson's r.
func correlation(x, y []float64) float64 {
	n := float64(len(x))
	var sx, sy, sxx, syy, sxy float64
	for i := range x {
		sx += x[i]
		sy += y[i]
		sxx += x[i] * x[i]
		syy += y[i] * y[i]
		sxy += x[i] * y[i]
	}
	return (sxy - sx*sy/n) / math.Sqrt((sxx-sx*sx/n)*(syy-sy*sy/n))
}

// TestGestureGrowsInCrescendo: through a crescendo the right wrist's speed,
// pooled over 2-second windows, follows the loudness of the audio (its RMS in
// dB over the same windows) with a correlation of at least 0.8.
func TestGestureGrowsInCrescendo(t *testing.T) {
	for _, p := range synth.TestSet() {
		if p.DynamicAt(0) > 0.3 || p.DynamicAt(float64(p.Bars)) < 0.9 {
			continue // not a crescendo
		}
		r := render(t, p)
		m := generate(t, r.mel, 1)
		var speed, loud []float64
		first, last := r.Beats[0], r.Beats[len(r.Beats)-1]
		for a := first; a+2 <= last; a += 2 {
			f0, f1 := int(a*m.Rate), int((a+2)*m.Rate)
			s := 0.0
			for f := f0 + 1; f <= f1; f++ {
				p0, p1 := m.At(f-1, motion.RightWrist), m.At(f, motion.RightWrist)
				s += math.Hypot(float64(p1.X-p0.X), float64(p1.Y-p0.Y)) * m.Rate
			}
			speed = append(speed, s/float64(f1-f0))
			loud = append(loud, rmsDB(r.Samples, r.Rate, a, a+2))
		}
		c := correlation(speed, loud)
		t.Logf("%s: %d windows, wrist speed %.3f → %.3f /s, loudness %.1f → %.1f dB, correlation %.3f",
			p.Name, len(speed), speed[0], speed[len(speed)-1], loud[0], loud[len(loud)-1], c)
		if c < 0.8 {
			t.Errorf("%s: correlation of wrist speed with loudness %.3f < 0.8", p.Name, c)
		}
	}
}

// jointStd is the per-joint standard deviation over time, the root mean
// square of the x and y standard deviations, over frames [a, b).
func jointStd(m motion.Motion, a, b int) (s, sx, sy [motion.Joints]float64) {
	for j := 0; j < motion.Joints; j++ {
		var mx, my, vx, vy float64
		n := float64(b - a)
		for f := a; f < b; f++ {
			p := m.At(f, j)
			mx += float64(p.X)
			my += float64(p.Y)
		}
		mx /= n
		my /= n
		for f := a; f < b; f++ {
			p := m.At(f, j)
			vx += (float64(p.X) - mx) * (float64(p.X) - mx)
			vy += (float64(p.Y) - my) * (float64(p.Y) - my)
		}
		sx[j], sy[j] = math.Sqrt(vx/n), math.Sqrt(vy/n)
		s[j] = math.Sqrt((vx + vy) / (2 * n))
	}
	return s, sx, sy
}

// TestStdInSpecRanges checks the per-joint std on the synthesized samples
// against SPEC §1's M2S-GAN ranges, widened to 60–160 %. The head and
// shoulders' upper bound is 160 % of what M2S-GAN itself does on real music
// rather than on its reference mel (SPEC §1's ≈ 0.01): on the twelve shared
// real recordings its nose moves 0.022 in x and y and its shoulders 0.019 in
// x and 0.014 in y (and SPEC §7: real conductors move more than it), and the
// conductor's head and shoulders move with the beat and the bar.
func TestStdInSpecRanges(t *testing.T) {
	const headOnRealMusic = 0.022 // M2S-GAN's nose and shoulders on real music, at most
	ranges := map[int][2]float64{ // SPEC §1
		motion.Nose: {0.01, headOnRealMusic}, motion.LeftShoulder: {0.01, headOnRealMusic}, motion.RightShoulder: {0.01, headOnRealMusic},
		motion.LeftElbow: {0.02, 0.04}, motion.RightElbow: {0.02, 0.04},
		motion.LeftWrist: {0.03, 0.07}, motion.RightWrist: {0.03, 0.07},
		motion.LeftHip: {0.005, 0.014}, motion.RightHip: {0.005, 0.014},
	}
	for _, p := range synth.Samples() {
		r := render(t, p)
		m := generate(t, r.mel, 1)
		// The music, not the silence around it.
		s, _, _ := jointStd(m, int(r.Beats[0]*m.Rate), int(r.Beats[len(r.Beats)-1]*m.Rate))
		for j, rg := range ranges {
			if s[j] < 0.6*rg[0] || s[j] > 1.6*rg[1] {
				t.Errorf("%s: %s std %.4f outside 60–160 %% of SPEC's %.3f–%.3f", p.Name, motion.Name(j), s[j], rg[0], rg[1])
			}
		}
		t.Logf("%s: std wrist R %.4f L %.4f, elbow R %.4f, shoulder R %.4f, nose %.4f, hip R %.4f",
			p.Name, s[motion.RightWrist], s[motion.LeftWrist], s[motion.RightElbow], s[motion.RightShoulder], s[motion.Nose], s[motion.RightHip])
	}
}

// TestAnatomy: bone lengths constant within 1 %, every value in [0,1], no
// elbow flips (the elbow stays on the outer side of the shoulder–wrist line).
func TestAnatomy(t *testing.T) {
	for _, p := range synth.Samples() {
		r := render(t, p)
		m := generate(t, r.mel, 7)
		for _, b := range bones {
			lo, hi := math.Inf(1), math.Inf(-1)
			for f := 0; f < m.Frames; f++ {
				a, c := m.At(f, b[0]), m.At(f, b[1])
				l := math.Hypot(float64(a.X-c.X), float64(a.Y-c.Y))
				lo, hi = math.Min(lo, l), math.Max(hi, l)
			}
			if hi > 1.01*lo {
				t.Errorf("%s: bone %s–%s varies from %.4f to %.4f", p.Name, motion.Name(b[0]), motion.Name(b[1]), lo, hi)
			}
		}
		for i, v := range m.Data {
			if v < 0 || v > 1 {
				t.Fatalf("%s: value %d is %v, outside [0,1]", p.Name, i, v)
			}
		}
		for f := 0; f < m.Frames; f++ {
			for _, arm := range [][3]int{{motion.RightShoulder, motion.RightElbow, motion.RightWrist}, {motion.LeftShoulder, motion.LeftElbow, motion.LeftWrist}} {
				s, e, w := m.At(f, arm[0]), m.At(f, arm[1]), m.At(f, arm[2])
				cross := float64((w.X-s.X)*(e.Y-s.Y) - (w.Y-s.Y)*(e.X-s.X))
				outward := cross > 0 // right arm: the elbow on the image-left of shoulder→wrist
				if arm[0] == motion.LeftShoulder {
					outward = cross < 0
				}
				if !outward {
					t.Fatalf("%s: frame %d: the %s elbow bends inward", p.Name, f, motion.Name(arm[1]))
				}
			}
		}
	}
}

// TestSmooth: no jerk spikes. The sharpest moment of conducting is the ictus,
// where the wrist stops on purpose; away from the ictuses no arm joint
// accelerates harder than the wrist does at most ictuses (its 90th
// percentile there), and the head, trunk and hips stay well below it.
func TestSmooth(t *testing.T) {
	for _, p := range synth.Samples() {
		r := render(t, p)
		m := generate(t, r.mel, 3)
		ict := ictusTimes(m, motion.RightWrist)
		acc := func(f, j int) float64 {
			a, b, c := m.At(f-1, j), m.At(f, j), m.At(f+1, j)
			return math.Hypot(float64(a.X-2*b.X+c.X), float64(a.Y-2*b.Y+c.Y))
		}
		var atIctus []float64
		near := make([]bool, m.Frames)
		for _, x := range ict {
			f := int(math.Round(x * m.Rate))
			if f > 0 && f < m.Frames-1 {
				atIctus = append(atIctus, acc(f, motion.RightWrist))
			}
			for g := max(0, f-2); g <= min(m.Frames-1, f+2); g++ {
				near[g] = true
			}
		}
		slices.Sort(atIctus)
		p90 := atIctus[len(atIctus)*9/10]
		worst, worstBody := 0.0, 0.0
		for f := 1; f < m.Frames-1; f++ {
			for j := 0; j < motion.Joints; j++ {
				a := acc(f, j)
				if j <= motion.RightShoulder || j >= motion.LeftHip {
					worstBody = math.Max(worstBody, a)
				} else if !near[f] {
					worst = math.Max(worst, a)
				}
			}
		}
		t.Logf("%s: ictus acceleration (90th percentile) %.4f; elsewhere at most %.4f (arms) %.4f (head, trunk)", p.Name, p90, worst, worstBody)
		if worst > p90 || worstBody > 0.3*p90 {
			t.Errorf("%s: acceleration spike %.4f (arms) %.4f (head, trunk) against %.4f at the ictuses", p.Name, worst, worstBody, p90)
		}
	}
}

// TestSilence: on digital silence the conductor stands still in a relaxed
// pose (hands low, at the waist) without NaN.
func TestSilence(t *testing.T) {
	mel := audio.Mel{Frames: 90 * 12, Data: make([]float32, 90*12*audio.MelBands)}
	m := generate(t, mel, 5)
	s, _, _ := jointStd(m, 0, m.Frames)
	for j, v := range s {
		if v > 0.003 {
			t.Errorf("%s moves (std %.4f) in silence", motion.Name(j), v)
		}
	}
	for _, j := range []int{motion.LeftWrist, motion.RightWrist} {
		w, e := m.At(m.Frames/2, j), m.At(m.Frames/2, j-2)
		if w.Y < 0.63 || w.Y < e.Y {
			t.Errorf("%s at %v (elbow %v) in silence: not resting at the waist", motion.Name(j), w, e)
		}
	}
}

// TestRestAndPreparation: before the music the hands rest; they prepare
// during the beat before the first one (not earlier, not later); after the
// music they are back at rest.
func TestRestAndPreparation(t *testing.T) {
	p := synth.Samples()[0]
	r := render(t, p)
	// Three seconds of silence after the piece's own ending.
	tail := make([]float32, 3*audio.SampleRate)
	mel := audio.MelSpectrogram(append(append([]float32(nil), r.Samples...), tail...), audio.Options{})
	m := generate(t, mel, 1)
	period := r.Beats[1] - r.Beats[0]
	restY := m.At(0, motion.RightWrist).Y
	moved := -1.0
	for f := 1; f < m.Frames; f++ {
		if math.Abs(float64(m.At(f, motion.RightWrist).Y-restY)) > 0.005 {
			moved = float64(f) / m.Rate
			break
		}
	}
	t.Logf("first beat at %.2f s, period %.2f s, the hand leaves rest at %.2f s", r.Beats[0], period, moved)
	if moved < r.Beats[0]-1.3*period || moved > r.Beats[0]-0.3*period {
		t.Errorf("the hand leaves rest at %.2f s; the first beat is at %.2f s, one beat is %.2f s", moved, r.Beats[0], period)
	}
	end := m.At(m.Frames-1, motion.RightWrist)
	if math.Abs(float64(end.Y-restY)) > 0.01 {
		t.Errorf("after the music the right wrist is at %v, rest is y=%v", end, restY)
	}
}

// TestDeterministic: the same mel and seed give the same motion; another seed
// varies it a little without changing the beat.
func TestDeterministic(t *testing.T) {
	r := render(t, synth.Samples()[1])
	a := generate(t, r.mel, 1)
	b := generate(t, r.mel, 1)
	c := generate(t, r.mel, 2)
	diff := 0.0
	for i := range a.Data {
		if a.Data[i] != b.Data[i] {
			t.Fatalf("value %d differs between two runs with the same seed", i)
		}
		diff = math.Max(diff, math.Abs(float64(a.Data[i]-c.Data[i])))
	}
	if diff == 0 || diff > 0.05 {
		t.Errorf("another seed changes the motion by at most %.4f; want a small, non-zero variation", diff)
	}
	fa, _, _ := fMeasure(ictusTimes(a, motion.RightWrist), ictusTimes(c, motion.RightWrist), 0.04)
	if fa < 0.95 {
		t.Errorf("the seed moves the ictuses: F %.3f between seeds", fa)
	}
}

// TestTwoHours: a two-hour song (a piece's mel tiled) runs with memory in
// proportion to the output, not quadratic, and the motion stays valid.
func TestTwoHours(t *testing.T) {
	if testing.Short() {
		t.Skip("two hours of mel is 330 MB")
	}
	r := render(t, synth.Samples()[0])
	frames := 2 * 3600 * audio.MelRate
	mel := audio.Mel{Frames: frames, Data: make([]float32, frames*audio.MelBands)}
	for i := 0; i < len(mel.Data); i += len(r.mel.Data) {
		copy(mel.Data[i:], r.mel.Data)
	}
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	m := generate(t, mel, 1)
	runtime.ReadMemStats(&after)
	alloc := float64(after.TotalAlloc-before.TotalAlloc) / (1 << 20)
	out := float64(len(m.Data)*4) / (1 << 20)
	t.Logf("2 h: %d motion frames (%.0f MiB) with %.0f MiB allocated in all", m.Frames, out, alloc)
	if alloc > 4*out+64 {
		t.Errorf("allocated %.0f MiB for a %.0f MiB motion", alloc, out)
	}
	// The music is still conducted at the end.
	ict := ictusTimes(motion.Motion{Rate: m.Rate, Frames: 30 * 60, Data: m.Data[len(m.Data)-30*60*motion.Joints*2:]}, motion.RightWrist)
	if len(ict) < 40 {
		t.Errorf("only %d ictuses in the last minute of two hours", len(ict))
	}
}

// TestGeneralPause: music that stops for 2.5 s in the middle (a general
// pause) and starts again. During the pause the hands sink to rest and give
// no ictus; one beat before the music returns they prepare, and the ictuses
// match the beats on both sides.
func TestGeneralPause(t *testing.T) {
	r := render(t, synth.Samples()[1])
	const pause = 2.5
	cut := r.Beats[len(r.Beats)/2] - 0.02 // just before a beat in the middle
	i := int(cut * float64(r.Rate))
	samples := append(append(append([]float32(nil), r.Samples[:i]...), make([]float32, int(pause*float64(r.Rate)))...), r.Samples[i:]...)
	var beats []float64
	for _, b := range r.Beats {
		if b > cut {
			b += pause
		}
		beats = append(beats, b)
	}
	mel := audio.MelSpectrogram(samples, audio.Options{})
	m := generate(t, mel, 1)
	ict := ictusTimes(m, motion.RightWrist)
	shifted := make([]float64, len(ict))
	inPause := 0
	for k, x := range ict {
		shifted[k] = x + specLead
		if x > cut+0.3 && x < cut+pause-0.1 {
			inPause++
		}
	}
	f, _, _ := fMeasure(shifted, beats, 0.07)
	restY := m.At(0, motion.RightWrist).Y
	mid := m.At(int((cut+pause/2+0.5)*m.Rate), motion.RightWrist).Y
	t.Logf("F %.3f, %d ictuses in the pause, wrist y mid-pause %.3f (rest %.3f)", f, inPause, mid, restY)
	if f < 0.9 {
		t.Errorf("ictus F-measure %.3f < 0.9 around a general pause", f)
	}
	if inPause > 0 {
		t.Errorf("%d ictuses during the pause", inPause)
	}
	if math.Abs(float64(mid-restY)) > 0.03 {
		t.Errorf("mid-pause the right wrist is at y=%.3f, rest is %.3f", mid, restY)
	}
}

// TestTinyAndMalformedMels: mels too short for a beat give a resting pose of
// the right length; a mel whose data does not match its frame count is
// refused rather than read out of bounds.
func TestTinyAndMalformedMels(t *testing.T) {
	for _, frames := range []int{0, 1, 2, 3, 5, 90} {
		mel := audio.Mel{Frames: frames, Data: make([]float32, frames*audio.MelBands)}
		for i := range mel.Data {
			mel.Data[i] = 0.5
		}
		m := generate(t, mel, 0)
		if m.Frames != frames/3 {
			t.Errorf("%d mel frames gave %d motion frames", frames, m.Frames)
		}
	}
	bad := audio.Mel{Frames: 10, Data: make([]float32, 9*audio.MelBands)}
	if _, err := New(Options{}).Generate(context.Background(), bad); err == nil {
		t.Error("a mel with too little data was accepted")
	}
}

// TestCancel: a cancelled context stops Generate with the context's error.
func TestCancel(t *testing.T) {
	r := render(t, synth.Samples()[0])
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := New(Options{}).Generate(ctx, r.mel); !errors.Is(err, context.Canceled) {
		t.Errorf("Generate with a cancelled context returned %v", err)
	}
}

// TestLeftHandCuesEntrance: a quiet passage, then the full orchestra enters
// fortissimo. At the entrance the left hand breaks away from mirroring the
// right: it is further out and higher than at the same point of the bars
// before, while the right hand keeps beating on the plane.
func TestLeftHandCuesEntrance(t *testing.T) {
	p := synth.Piece{Name: "tutti_entrance", Style: synth.March, Metre: 2, Bars: 14,
		Tempo: []synth.Point{{Bar: 0, Value: 110}}, Dynamics: []synth.Point{{Bar: 0, Value: 0.2}, {Bar: 8, Value: 0.2}, {Bar: 8, Value: 0.95}},
		LeadIn: 1, Tail: 1.5, Root: 55, Seed: 11}
	r := render(t, p)
	m := generate(t, r.mel, 1)
	at := func(beat int) motion.Point {
		return m.At(int(math.Round((r.Beats[beat]-specLead)*m.Rate)), motion.LeftWrist)
	}
	entrance := 8 * p.Metre
	cue := at(entrance)
	var before motion.Point
	for _, b := range []int{entrance - 2*p.Metre, entrance - 4*p.Metre} {
		q := at(b)
		before.X += q.X / 2
		before.Y += q.Y / 2
	}
	t.Logf("left wrist at the entrance %v, at the downbeats before %v", cue, before)
	if cue.X-before.X < 0.02 || before.Y-cue.Y < 0.03 {
		t.Errorf("the left hand does not cue the entrance: %v at the entrance, %v before", cue, before)
	}
}

// TestCrescendoShapedByLeftHand: through the chorale's crescendo the right
// hand's ictuses stay on one horizontal plane while the left hand's lowest
// points rise: the left hand lifts the orchestra instead of only mirroring.
func TestCrescendoShapedByLeftHand(t *testing.T) {
	r := render(t, synth.Samples()[2])
	m := generate(t, r.mel, 1)
	at := func(beat, joint int) float64 {
		return float64(m.At(int(math.Round((r.Beats[beat]-specLead)*m.Rate)), joint).Y)
	}
	n := len(r.Beats) - 1 // the final chord is held, not beaten
	third := n / 3
	var leftEarly, leftLate float64
	lo, hi := math.Inf(1), math.Inf(-1)
	for b := 1; b < n; b++ {
		y := at(b, motion.RightWrist)
		lo, hi = math.Min(lo, y), math.Max(hi, y)
		switch {
		case b <= third:
			leftEarly += at(b, motion.LeftWrist) / float64(third)
		case b > n-third:
			leftLate += at(b, motion.LeftWrist) / float64(third)
		}
	}
	t.Logf("right ictus plane y %.3f–%.3f; left wrist at the beats %.3f early, %.3f late", lo, hi, leftEarly, leftLate)
	if hi-lo > 0.02 {
		t.Errorf("the right hand's ictuses spread over %.3f in height, want one plane", hi-lo)
	}
	if leftEarly-leftLate < 0.03 {
		t.Errorf("the left hand's beat points rise by only %.3f through the crescendo", leftEarly-leftLate)
	}
}

// TestCharacterFollowsTheSound: what a beat sounds like decides how it is
// conducted, the way real conductors (and M2S-GAN, trained on them) respond
// across songs. A loud sustained orchestral tutti (tonal, few onsets per
// unit of loudness) is conducted largest and legato; a loud rock mix
// (distorted guitars and cymbals: a noise-like spectrum) large but sharp;
// a quiet sustained passage smaller and legato; quiet percussive music
// (drum machine, synthesizer stabs) smallest and sharp.
func TestCharacterFollowsTheSound(t *testing.T) {
	type sound struct{ loud, activity, flatness float32 }
	tutti, rock := sound{0.45, 0.012, 0.02}, sound{0.6, 0.015, 0.15}
	quietSustained, quietPercussive := sound{0.2, 0.004, 0.01}, sound{0.3, 0.02, 0.02}
	at := func(s sound) (energy, legato float64) { return characterOf(s.loud, s.activity, s.flatness, 0, 0) }
	eT, lT := at(tutti)
	eR, lR := at(rock)
	eQ, lQ := at(quietSustained)
	eP, lP := at(quietPercussive)
	t.Logf("energy / legato: tutti %.2f/%.2f, rock %.2f/%.2f, quiet sustained %.2f/%.2f, quiet percussive %.2f/%.2f", eT, lT, eR, lR, eQ, lQ, eP, lP)
	if !(eT > eR && eT > eQ && eR > eP && eQ > eP) {
		t.Errorf("energy: tutti %.2f, rock %.2f, quiet sustained %.2f, quiet percussive %.2f; want the tutti largest and quiet percussive music smallest", eT, eR, eQ, eP)
	}
	if eT-eQ < 0.1 {
		t.Errorf("a quiet sustained passage (%.2f) is conducted nearly as large as a tutti (%.2f)", eQ, eT)
	}
	if lT < 0.7 || lQ < 0.7 || lR > 0.4 || lP > 0.4 {
		t.Errorf("legato: tutti %.2f, quiet sustained %.2f (want ≥ 0.7), rock %.2f, quiet percussive %.2f (want ≤ 0.4)", lT, lQ, lR, lP)
	}
	// Within a song, its loud beats are conducted larger than its quiet ones.
	lo, hi := 0.3, 0.5
	eLow, _ := characterOf(0.3, 0.009, 0.02, lo, hi)
	eHigh, _ := characterOf(0.5, 0.015, 0.02, lo, hi)
	if eHigh <= eLow {
		t.Errorf("the song's loud beats get energy %.2f, its quiet ones %.2f", eHigh, eLow)
	}
}
