package synth

import (
	"context"
	"math"
	"math/rand/v2"
)

// Rendered is a synthesized piece with its ground truth.
type Rendered struct {
	Rate      int       // samples per second
	Samples   []float32 // mono, peak 0.9
	Beats     []float64 // time of every beat in seconds (the notated beat, where the notes start)
	Downbeats []int     // indices into Beats of the first beat of each bar
}

// instrument names a voice of the orchestra.
type instrument int

const (
	strings instrument = iota
	bass
	brass
	timpani
	kick
	snare
	hihat
)

// note is one event of the score.
type note struct {
	inst   instrument
	start  float64 // seconds
	dur    float64 // seconds the note is held before its release
	freq   float64 // Hz
	amp    float64 // linear gain, dynamics included
	attack float64 // seconds
	bright float64 // 0 dark … 1 bright: filter opening
}

// chords are triads as semitone offsets from the tonic; a bar-level
// progression I IV V I vi ii V I and a beat-level chorale progression.
var (
	barChords    = [][3]int{{0, 4, 7}, {5, 9, 12}, {7, 11, 14}, {0, 4, 7}, {9, 12, 16}, {2, 5, 9}, {7, 11, 14}, {0, 4, 7}}
	choraleChord = [][3]int{{0, 4, 7}, {5, 9, 12}, {7, 11, 14}, {0, 4, 7}, {9, 12, 16}, {2, 5, 9}, {7, 11, 14}, {0, 4, 7},
		{5, 9, 12}, {0, 4, 7}, {2, 5, 9}, {7, 11, 14}, {9, 12, 16}, {5, 9, 12}, {7, 11, 14}, {0, 4, 7}}
	chordRoots = map[[3]int]int{{0, 4, 7}: 0, {5, 9, 12}: 5, {7, 11, 14}: 7, {9, 12, 16}: 9, {2, 5, 9}: 2}
)

// gain maps a dynamic level (0 pp … 1 ff) to a linear gain spanning 30 dB.
func gain(level float64) float64 { return math.Pow(10, -(1-level)*1.5) }

// score lists the notes of the piece.
func (p Piece) score() []note {
	rng := rand.New(rand.NewPCG(p.Seed, 0x9e3779b97f4a7c15))
	beats := p.BeatTimes()
	var notes []note
	mel := 4 // melody scale step index into the chord, varies with the seed
	last := len(beats) - 1
	for k := 0; k <= last; k++ {
		pos := k % p.Metre
		barPos := float64(k) / float64(p.Metre)
		level := p.DynamicAt(barPos)
		g := gain(level)
		t := beats[k]
		beat := 60 / p.TempoAt(barPos)
		bar := k / p.Metre
		ch := barChords[bar%len(barChords)]
		if p.Style == Chorale {
			ch = choraleChord[k%len(choraleChord)]
		}
		if k == last {
			ch = barChords[0]
		}
		root := p.Root * math.Pow(2, float64(chordRoots[ch])/12)
		if chordRoots[ch] > 6 {
			root /= 2 // keep the bass line in one octave
		}
		mid := p.Root * 4
		vel := 1 + 0.06*(rng.Float64()-0.5)
		if k == last { // the final chord: everyone, held into the tail
			hold := math.Max(0.3, p.Tail-0.4)
			for _, s := range ch {
				notes = append(notes, note{strings, t, hold, semis(mid, s), 0.35 * g, 0.05, level})
				notes = append(notes, note{brass, t, hold, semis(mid, s+12), 0.22 * g, 0.03, level})
			}
			notes = append(notes, note{bass, t, hold, root, 0.6 * g, 0.03, level})
			notes = append(notes, note{timpani, t, 0, p.Root * 2, 1.0 * g, 0, level})
			break
		}
		switch p.Style {
		case Waltz:
			if pos == 0 {
				notes = append(notes, note{bass, t, 0.8 * beat, root, 0.7 * g * vel, 0.02, level})
				notes = append(notes, note{timpani, t, 0, timpPitch(p.Root, ch), 0.9 * g * vel, 0, level})
				mel = (mel + rng.IntN(3) + 2) % 6
				s := ch[mel%3] + 12*(mel/3)
				notes = append(notes, note{brass, t, (float64(p.Metre) - 0.3) * beat, semis(mid, s+12), 0.12 * g * vel, 0.03, level})
			} else {
				for _, s := range ch {
					notes = append(notes, note{strings, t, 0.35 * beat, semis(mid, s), 0.45 * g * vel, 0.012, level})
				}
			}
		case March:
			accent := 0.45
			if pos == 0 {
				accent = 1
			} else if p.Metre == 4 && pos == 2 {
				accent = 0.6
			}
			notes = append(notes, note{timpani, t, 0, timpPitch(p.Root, ch), 0.8 * accent * g * vel, 0, level})
			bn := root
			if pos != 0 {
				bn = root * 1.5
			}
			notes = append(notes, note{bass, t, 0.45 * beat, bn, 0.55 * g * vel, 0.01, level})
			for _, s := range ch {
				notes = append(notes, note{brass, t, 0.4 * beat, semis(mid, s+12), 0.2 * accent * g * vel, 0.015, level})
			}
			if 60/beat < 140 { // soft off-beat strings where there is room for them
				for _, s := range ch {
					notes = append(notes, note{strings, t + beat/2, 0.2 * beat, semis(mid, s+12), 0.06 * g, 0.01, level})
				}
			}
		case Backbeat:
			if bar < p.IntroBars {
				// The riff on the off-beats; a closed hi-hat ticks the beats.
				notes = append(notes, note{hihat, t, 0.03, 0, 0.2 * g * vel, 0, level})
				notes = append(notes, note{kick, t + beat/2, 0, 55, 1.0 * g * vel, 0, level})
				notes = append(notes, note{bass, t + beat/2, 0.3 * beat, root, 0.5 * g * vel, 0.005, level})
				for _, s := range ch {
					notes = append(notes, note{brass, t + beat/2, 0.2 * beat, semis(mid, s+12), 0.35 * g * vel, 0.004, 1})
				}
				break
			}
			if pos%2 == 0 {
				notes = append(notes, note{kick, t, 0, 55, 1.0 * g * vel, 0, level})
				notes = append(notes, note{bass, t, 0.45 * beat, root, 0.5 * g * vel, 0.005, level})
			} else {
				notes = append(notes, note{snare, t, 0, 190, 0.9 * g * vel, 0, level})
			}
			notes = append(notes, note{hihat, t, 0.03, 0, 0.25 * g * vel, 0, level})
			notes = append(notes, note{hihat, t + beat/2, 0.1, 0, 0.9 * g * vel, 0, level})
			// Short, bright chord stabs on every off-beat, as a rhythm guitar
			// plays them.
			for _, s := range ch {
				notes = append(notes, note{brass, t + beat/2, 0.12 * beat, semis(mid, s+12), 0.3 * g * vel, 0.004, 1})
			}
		case Chorale:
			for _, s := range ch {
				notes = append(notes, note{strings, t, 0.88 * beat, semis(mid, s), 0.3 * g * vel, 0.05, level})
			}
			bassAmp := 0.45
			if pos == 0 {
				bassAmp = 0.7
				notes = append(notes, note{timpani, t, 0, timpPitch(p.Root, ch), 0.7 * g * vel, 0, level})
			}
			notes = append(notes, note{bass, t, 0.88 * beat, root, bassAmp * g * vel, 0.03, level})
			// The brass joins as the music grows louder.
			if level > 0.35 {
				for _, s := range ch {
					notes = append(notes, note{brass, t, 0.85 * beat, semis(mid, s+12), 0.18 * (level - 0.3) * g * vel, 0.03, level})
				}
			}
		}
	}
	return notes
}

// timpPitch tunes the timpani to the tonic or, under a dominant chord, to the
// dominant below it.
func timpPitch(root float64, ch [3]int) float64 {
	if chordRoots[ch] == 7 {
		return root * 1.5
	}
	return root * 2
}

// Render synthesizes the piece at the given sample rate. It checks ctx between
// notes.
func Render(ctx context.Context, p Piece, rate int) (Rendered, error) {
	if err := p.Validate(); err != nil {
		return Rendered{}, err
	}
	beats := p.BeatTimes()
	n := int(math.Ceil(p.Duration() * float64(rate)))
	buf := make([]float64, n)
	for i, nt := range p.score() {
		if err := ctx.Err(); err != nil {
			return Rendered{}, err
		}
		seed := p.Seed*7919 + uint64(i)
		switch nt.inst {
		case strings:
			renderStrings(buf, rate, nt, seed)
		case bass:
			renderBass(buf, rate, nt)
		case brass:
			renderBrass(buf, rate, nt)
		case timpani:
			renderTimpani(buf, rate, nt, seed)
		case kick:
			renderKick(buf, rate, nt)
		case snare:
			renderSnare(buf, rate, nt, seed)
		case hihat:
			renderHihat(buf, rate, nt, seed)
		}
	}
	peak := 0.0
	for _, v := range buf {
		peak = math.Max(peak, math.Abs(v))
	}
	out := make([]float32, n)
	if peak > 0 {
		for i, v := range buf {
			out[i] = float32(0.9 * v / peak)
		}
	}
	var down []int
	for k := 0; k < len(beats); k += p.Metre {
		down = append(down, k)
	}
	return Rendered{Rate: rate, Samples: out, Beats: beats, Downbeats: down}, nil
}

// envelope is a linear attack, a hold and an exponential release (time
// constant rel) after the note's duration, stepped one sample at a time so
// that no exp is taken per sample.
type envelope struct {
	t, dt, attack, dur float64
	level, decay       float64
}

func newEnvelope(rate int, attack, dur, rel float64) *envelope {
	dt := 1 / float64(rate)
	return &envelope{dt: dt, attack: attack, dur: dur, decay: math.Exp(-dt / rel)}
}

// next returns the envelope at the current sample and advances one sample.
func (e *envelope) next() float64 {
	switch {
	case e.t < e.attack:
		e.level = e.t / e.attack
	case e.t < e.dur:
		e.level = 1
	default:
		e.level *= e.decay
	}
	e.t += e.dt
	return e.level
}

// span returns the sample range a note occupies, release included.
func span(n int, rate int, start, length float64) (int, int) {
	a := int(math.Ceil(start * float64(rate)))
	b := int((start + length) * float64(rate))
	if a < 0 {
		a = 0
	}
	if b > n {
		b = n
	}
	return a, b
}

// onePole returns the coefficient of a one-pole low-pass at fc Hz.
func onePole(fc float64, rate int) float64 {
	fc = math.Min(fc, 0.45*float64(rate))
	return 1 - math.Exp(-2*math.Pi*fc/float64(rate))
}

// rotor is a sine oscillator by complex rotation: one multiply per sample
// instead of a math.Sin.
type rotor struct{ re, im, cr, ci float64 }

func newRotor(freq float64, rate int, phase float64) rotor {
	w := 2 * math.Pi * freq / float64(rate)
	return rotor{re: math.Cos(phase), im: math.Sin(phase), cr: math.Cos(w), ci: math.Sin(w)}
}

// retune changes the frequency and renormalises the amplitude, which the
// rotation lets drift slowly.
func (r *rotor) retune(freq float64, rate int) {
	w := 2 * math.Pi * freq / float64(rate)
	r.cr, r.ci = math.Cos(w), math.Sin(w)
	n := math.Hypot(r.re, r.im)
	r.re, r.im = r.re/n, r.im/n
}

// next returns the sine and advances one sample.
func (r *rotor) next() float64 {
	s := r.im
	r.re, r.im = r.re*r.cr-r.im*r.ci, r.re*r.ci+r.im*r.cr
	return s
}

// block is how many samples slowly varying parameters (filter cutoff, pitch
// glide, vibrato) stay constant: 1.5 ms at 22 050 Hz.
const block = 32

// renderStrings adds a string section: three saws detuned by ±7 cents with a
// gentle vibrato, through two one-pole low-passes whose cutoff opens with the
// dynamic.
func renderStrings(buf []float64, rate int, nt note, seed uint64) {
	rel := 0.08
	a, b := span(len(buf), rate, nt.start, nt.dur+6*rel)
	rng := rand.New(rand.NewPCG(seed, 1))
	var ph [3]float64
	for i := range ph {
		ph[i] = rng.Float64()
	}
	det := [3]float64{math.Pow(2, -7.0/1200), 1, math.Pow(2, 7.0/1200)}
	k := onePole(600+2600*nt.bright, rate)
	env := newEnvelope(rate, nt.attack, nt.dur, rel)
	vib := newRotor(5.3, rate, 0)
	var l1, l2 float64
	dt := 1 / float64(rate)
	var inc [3]float64
	for i := a; i < b; i++ {
		if (i-a)%block == 0 {
			v := 1 + 0.003*vib.im
			for j := range inc {
				inc[j] = nt.freq * det[j] * v * dt
			}
		}
		vib.next()
		s := 0.0
		for j := range ph {
			ph[j] += inc[j]
			if ph[j] >= 1 {
				ph[j]--
			}
			s += 2*ph[j] - 1
		}
		l1 += k * (s - l1)
		l2 += k * (l1 - l2)
		buf[i] += nt.amp * env.next() * l2 / 3
	}
}

// renderBass adds cellos and basses: one low-passed saw.
func renderBass(buf []float64, rate int, nt note) {
	rel := 0.08
	a, b := span(len(buf), rate, nt.start, nt.dur+6*rel)
	k := onePole(300+500*nt.bright, rate)
	env := newEnvelope(rate, nt.attack, nt.dur, rel)
	var ph, l1, l2 float64
	inc := nt.freq / float64(rate)
	for i := a; i < b; i++ {
		ph += inc
		if ph >= 1 {
			ph--
		}
		l1 += k * (2*ph - 1 - l1)
		l2 += k * (l1 - l2)
		buf[i] += nt.amp * env.next() * l2
	}
}

// renderBrass adds a brass section: a saw whose low-pass opens at the attack
// (the "blat" of a brass accent) and more the louder it plays.
func renderBrass(buf []float64, rate int, nt note) {
	rel := 0.07
	a, b := span(len(buf), rate, nt.start, nt.dur+6*rel)
	env := newEnvelope(rate, nt.attack, nt.dur, rel)
	blat, blatDecay := 1.0, math.Exp(-1/(0.09*float64(rate)))
	var ph, ph2, l1, l2, k float64
	inc, inc2 := nt.freq/float64(rate), nt.freq*1.003/float64(rate)
	for i := a; i < b; i++ {
		if (i-a)%block == 0 {
			k = onePole(nt.freq*(2+6*nt.bright+6*blat), rate)
		}
		blat *= blatDecay
		ph += inc
		if ph >= 1 {
			ph--
		}
		ph2 += inc2
		if ph2 >= 1 {
			ph2--
		}
		s := (2*ph - 1) + 0.5*(2*ph2-1)
		l1 += k * (s - l1)
		l2 += k * (l1 - l2)
		buf[i] += nt.amp * env.next() * (1 + 0.6*blat) * l2
	}
}

// renderTimpani adds a timpani stroke: inharmonic membrane modes that decay,
// with a slight downward pitch glide and a short mallet noise.
func renderTimpani(buf []float64, rate int, nt note, seed uint64) {
	ratios := [4]float64{1, 1.5, 1.98, 2.44}
	amps := [4]float64{1, 0.5, 0.3, 0.18}
	taus := [4]float64{0.7, 0.45, 0.3, 0.22}
	a, b := span(len(buf), rate, nt.start, 3.5)
	rng := rand.New(rand.NewPCG(seed, 2))
	var modes [4]rotor
	var decay, level [4]float64
	for j := range modes {
		modes[j] = newRotor(nt.freq*ratios[j]*1.03, rate, 0)
		decay[j] = math.Exp(-1 / (taus[j] * float64(rate)))
		level[j] = amps[j]
	}
	noise, noiseDecay := 1.5, math.Exp(-1/(0.015*float64(rate)))
	var lp float64
	kn := onePole(1200, rate)
	dt := 1 / float64(rate)
	for i := a; i < b; i++ {
		t := float64(i-a) * dt
		if (i-a)%block == 0 {
			glide := 1 + 0.03*math.Exp(-t/0.05)
			for j := range modes {
				modes[j].retune(nt.freq*ratios[j]*glide, rate)
			}
		}
		s := 0.0
		for j := range modes {
			s += level[j] * modes[j].next()
			level[j] *= decay[j]
		}
		if noise > 1e-4 {
			lp += kn * (rng.Float64()*2 - 1 - lp)
			s += noise * lp
			noise *= noiseDecay
		}
		s *= math.Min(1, t/0.002) // no click before the mallet lands
		buf[i] += nt.amp * s
	}
}

// renderKick adds a kick drum: a sine falling from about 2.5 times its pitch
// to it within 30 ms, decaying in 0.18 s, with a short beater click.
func renderKick(buf []float64, rate int, nt note) {
	a, b := span(len(buf), rate, nt.start, 0.6)
	dt := 1 / float64(rate)
	r := newRotor(nt.freq*2.5, rate, 0)
	level, decay := 1.0, math.Exp(-1/(0.18*float64(rate)))
	for i := a; i < b; i++ {
		t := float64(i-a) * dt
		if (i-a)%block == 0 {
			r.retune(nt.freq*(1+1.5*math.Exp(-t/0.03)), rate)
		}
		s := level * r.next()
		if t < 0.004 {
			s += 0.3 * (1 - t/0.004)
		}
		level *= decay
		buf[i] += nt.amp * s * math.Min(1, t/0.001)
	}
}

// renderSnare adds a snare drum: a decaying drum tone at its pitch and a
// brighter burst of wire noise.
func renderSnare(buf []float64, rate int, nt note, seed uint64) {
	a, b := span(len(buf), rate, nt.start, 0.5)
	dt := 1 / float64(rate)
	rng := rand.New(rand.NewPCG(seed, 3))
	r := newRotor(nt.freq, rate, 0)
	tone, toneDecay := 0.7, math.Exp(-1/(0.06*float64(rate)))
	noise, noiseDecay := 1.0, math.Exp(-1/(0.12*float64(rate)))
	var lp, prev float64
	k := onePole(6000, rate)
	for i := a; i < b; i++ {
		t := float64(i-a) * dt
		lp += k * (rng.Float64()*2 - 1 - lp)
		hp := lp - prev // a first difference: the wires' brightness
		prev = lp
		s := tone*r.next() + noise*(0.6*lp+0.8*hp)
		tone *= toneDecay
		noise *= noiseDecay
		buf[i] += nt.amp * s * math.Min(1, t/0.001)
	}
}

// renderHihat adds a hi-hat: high-passed noise decaying over nt.dur (a
// closed hat about 30 ms, an open one longer).
func renderHihat(buf []float64, rate int, nt note, seed uint64) {
	a, b := span(len(buf), rate, nt.start, 6*nt.dur)
	dt := 1 / float64(rate)
	rng := rand.New(rand.NewPCG(seed, 4))
	level, decay := 1.0, math.Exp(-1/(nt.dur*float64(rate)))
	var lp float64
	k := onePole(7000, rate)
	for i := a; i < b; i++ {
		t := float64(i-a) * dt
		x := rng.Float64()*2 - 1
		lp += k * (x - lp)
		buf[i] += nt.amp * level * (x - lp) * math.Min(1, t/0.0005)
		level *= decay
	}
}
