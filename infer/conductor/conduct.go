package conductor

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/podium-dev/podium/beat"
	"github.com/podium-dev/podium/internal/series"
	"github.com/podium-dev/podium/motion"
)

// Conducting's fixed parameters, in seconds and normalised image units.
const (
	// lead is how long before the sound the ictus comes: players follow the
	// point of maximal deceleration and sound follows it by 30–50 ms (SPEC §7).
	lead = 0.033
	// planeY is the height of the ictus plane of the right hand; every beat of
	// the pattern lands on it. planeYL is the left hand's, a little lower:
	// both are a little above the waist, so that the arms reach them while
	// the trunk rocks, and the left hand, which mirrors the rebounds higher
	// in legato, has room to.
	planeY  = 0.68
	planeYL = 0.685
	// patternW and patternH are the half-width and the rebound height of a
	// fortissimo beat pattern.
	patternW = 0.11
	patternH = 0.28
	// mirrorX and mirrorY are the left hand's amplitudes relative to the
	// right's: it follows the beat as high and a little narrower, which
	// keeps its elbow quieter.
	mirrorX = 0.9
	mirrorY = 1.0
	// releaseTime is how long the hands take to sink back to rest after the
	// music stops.
	releaseTime = 1.2
	// legatoWide is how much wider a legato pattern is than a staccato
	// one, legatoCurve how far (image units, at a gesture size of 1) a
	// legato rebound curves in toward the body at its top: the hand flows
	// in loops between the beats instead of bouncing straight up.
	legatoWide  = 0.15
	legatoCurve = 0.08
	// followShoulder is how much of its shoulder's sideways movement each
	// hand's pattern follows as the trunk rocks and sways.
	followShoulder = 0.25
)

// The body's movement. The trunk is rigid (the drawn shoulder–hip bones keep
// their length), so the shoulders rise and fall by the trunk rocking about
// rollCentre and by the whole body giving with the beat; the head moves on
// top of the trunk. Amplitudes are at full energy (characterOf) and a gesture
// size of 1. How much of it each movement takes follows how legato the music
// is: in sustained music the trunk rocks more and the knees give less (the
// rocking moves the shoulders up and down twice as much as the hips, the
// bounce both alike), in percussive music the head keeps over the hips
// while the shoulders rock. On the twelve shared real recordings and on ten
// orchestral ones this moves the head, shoulders and hips 60–160 % as much
// as M2S-GAN does (README, make eval-real).
const (
	bodyLean   = 0.02  // radians: the trunk's slow lean with the phrase
	bodyRock   = 0.23  // radians: the trunk rocking from side to side over two bars
	bodyBounce = 0.024 // the body sinking into each ictus and rising with the rebound
	bodyBow    = 0.011 // the body bowing into the middle of each bar
	headNod    = 0.02  // the head nodding with each beat, on top of the body's bounce
	headBow    = 0.05  // the head bowing into the middle of each bar
	// bodyStaccato and bodyLegato scale the trunk's rocking and bowing at
	// legato 0 and 1; bounceLegato and bowLegato are how much of the
	// bounce and the bow legato music takes away, headLegato how much it
	// adds to the head's nod and bow, and headOverHips how much of the
	// neck's sideways rocking the head takes back in staccato music.
	bodyStaccato = 0.45
	bodyLegato   = 1.0
	bounceLegato = 0.5
	bowLegato    = 0.35
	headLegato   = 0.2
	headOverHips = 0.5
	// swayStill and swayLegato are the body's sideways sway over the
	// phrase, image units: at any music, and added by legato at full
	// energy.
	swayStill  = 0.015
	swayLegato = 0.0165
	// bodyEase is the share of the way the trunk's slow movements go to
	// their target each frame: a time constant of about 0.1 s at 30 fps.
	bodyEase = 0.3
	// maxTilt is the most the trunk rocks to either side, radians.
	maxTilt = 0.2
)

// Centres of the two hands' patterns and their rest positions at the waist.
var (
	centreR = vec{0.425, planeY}
	centreL = vec{0.56, planeYL}
	restR   = vec{0.448, 0.705}
	restL   = vec{0.562, 0.70}
	// rollCentre is where the trunk turns when it rocks: at the waist, a
	// little to the right of the hips' centre, so the two shoulders rise and
	// fall about as much and the hips less.
	rollCentre = vec{0.506, 0.69}
	// neck is where the head turns when it nods.
	neck = vec{0.501, 0.467}
)

// patternX gives, for each metre, the ictus x of each beat of the bar in units
// of patternW, positive toward the body's midline (the right hand's "in").
// 2/4: down, up; 3/4: down, out, up; 4/4: down, in, out, up (SPEC §7).
var patternX = map[int][]float64{
	2: {0, -0.3},
	3: {0, -1, -0.35},
	4: {0, 0.75, -1, -0.3},
}

// reboundH gives the height of the rebound after each beat of the bar, in
// units of patternH: the rebound after the upbeat is the highest, since it
// prepares the downbeat's fall.
var reboundH = map[int][]float64{
	2: {0.75, 1},
	3: {0.75, 0.7, 1},
	4: {0.75, 0.65, 0.7, 1},
}

// stroke is the right hand's path between two ictuses, as an offset from the
// pattern's centre.
type stroke struct {
	x0, x1   float64 // ictus x at both ends, in image units
	height   float64 // rebound height, image units
	gamma    float64 // bounce exponent: 1 sharp (staccato) … 1.5 round (legato)
	curve    float64 // how far the rebound curves in toward the body at its top (legato), image units
	size0    float64 // gesture size at both ends, for a smooth change
	size1    float64
	duration float64 // seconds
}

// at returns the offset at fraction u of the stroke. The height follows
// sin(πu)^γ: the hand leaves the plane upward and falls back into it, its
// deceleration peaking at the bottom, which is the ictus.
func (s stroke) at(u float64) vec {
	e := u * u * (3 - 2*u) // the rebound heads toward the next beat smoothly
	b := 0.0
	if sn := math.Sin(math.Pi * u); sn > 0 {
		g := s.gamma
		if u > 0.5 {
			g = max(g, fallGamma) // the fall slows to a stop at the ictus
		}
		b = math.Exp(g * math.Log(sn)) // sn^g; math.Pow's special cases cost more
	}
	sz := s.size0 + (s.size1-s.size0)*u
	return vec{s.x0 + (s.x1-s.x0)*e + s.curve*sz*math.Sin(math.Pi*u), -saturate(s.height*sz) * b}
}

// fallGamma is the least bounce exponent of the fall into an ictus: however
// sharp the rebound, the hand decelerates into the beat and all but stops
// on it (players follow the point of maximal deceleration, SPEC §7), so the
// moment of least speed is the ictus, not the top of the rebound.
const fallGamma = 2.4

// maxRise is the highest a rebound may rise above the ictus plane: to just
// below the shoulders.
const maxRise = 0.21

// saturate limits a rebound height smoothly to maxRise: nearly linear for
// ordinary gestures, so that loudness still shows, while fortissimo
// upbeats approach the limit instead of running into the shoulder.
func saturate(a float64) float64 {
	r := a / maxRise
	r *= r
	r *= r
	return a / math.Sqrt(math.Sqrt(math.Sqrt(1+r*r)))
}

// characterOf is how a beat asks to be conducted: its energy, 0 … 1 (how
// large), and how legato it is, 0 … 1 (how flowing). Both come from what the
// music sounds like around the beat: its loudness on the mel's scale (about
// 0.2 pp … 0.4 f; beyond that the mel's loudness, relative to the song's
// peak, measures how compressed a mix is rather than how loud the music
// plays), how percussive it is (Analysis.Activity, the onsets' flux, per
// unit of loudness: about 0.025 for strings, brass or a rock band, 0.05 and
// more for drums and synthesizer beats) and how noise-like
// (Analysis.Flatness: 0.01–0.03 for an orchestra, 0.1–0.2 for distorted
// guitars and cymbals). The energy's weights are in about the proportions
// that explain how much the official M2S-GAN, trained on real orchestra
// conductors, moves its wrists from song to song on 122 real 60-second
// recordings (rock, metal, a ballad, orchestral, electronic and game music:
// ln of its wrist std ≈ 2.2·loudness − 15·percussiveness − 5.5·flatness, R²
// 0.55), scaled so that the twelve shared real recordings and ten
// orchestral ones move as much as M2S-GAN's (make eval-real). So a loud
// sustained tutti is conducted largest and flowing, loud rock large and
// sharp, quiet sustained music smaller and flowing, quiet percussive music
// smallest. The loudness relative to the song's own quiet and loud beats
// (lo, hi) adds the dynamics within the song. Legato falls with
// percussiveness and noise.
func characterOf(loud, activity, flatness float32, lo, hi float64) (energy, legato float64) {
	l := float64(loud)
	perc := float64(activity) / math.Max(l, 0.05)
	noise := float64(flatness)
	rel := 0.75
	if hi-lo > 0.05 {
		rel = clamp((l-lo)/(hi-lo), 0, 1)
	}
	energy = clamp(0.985+2*(math.Min(l, 0.4)-0.4)-13*(perc-0.03)-2.6*(noise-0.05)+0.1*(rel-0.75), 0, 1)
	legato = 1 - clamp(0.5*(perc-0.02)/0.03+0.55*(noise-0.02)/0.1, 0, 1)
	return energy, legato
}

// sizeOf maps a beat's energy and period to a gesture size: about 0.15 for
// the quietest music, 1.4 for the loudest and busiest, very fast beats
// slightly smaller.
func sizeOf(energy, period float64) float64 {
	tempo := clamp(math.Sqrt(period/0.55), 0.75, 1.05)
	return (0.15 + 1.25*energy*energy) * tempo
}

// role is what the left hand does over a phrase, as weights that sum to 1:
// mirror the beat pattern, sustain (hold the sound with a slow, flowing
// hand) or rest at the waist. Cues and crescendos act on top of it.
type role struct{ mirror, sustain, rest float64 }

// chooseRoles gives the left hand a role for every phrase of two bars, drawn
// by rng with odds that follow the phrase's energy and character: loud
// music is mostly mirrored, percussive music more so, quiet music mostly
// sustained or left to the right hand.
// The roles are blended over a beat or two where they change.
func chooseRoles(beats []beat.Beat, energy, legato []float64, rng *rand.Rand) []role {
	nb := len(beats)
	roles := make([]role, nb)
	for start := 0; start < nb; {
		end := start + 1
		bars := 0
		for end < nb && bars < 2 {
			if beats[end].InBar == 0 {
				bars++
				if bars == 2 {
					break
				}
			}
			end++
		}
		e, lg := 0.0, 0.0
		for k := start; k < end; k++ {
			e += energy[k] / float64(end-start)
			lg += legato[k] / float64(end-start)
		}
		pm, ps := 0.25+0.6*e+0.6*(1-lg), 0.45-0.15*e // odds of mirror and sustain; rest takes the rest
		var r role
		switch x := rng.Float64(); {
		case x < pm:
			r.mirror = 1
		case x < pm+ps:
			r.sustain = 1
		default:
			r.rest = 1
		}
		for k := start; k < end; k++ {
			roles[k] = r
		}
		start = end
	}
	for pass := 0; pass < 2; pass++ {
		prev := slices.Clone(roles)
		for k := 1; k < nb-1; k++ {
			a, b, c := prev[k-1], prev[k], prev[k+1]
			roles[k] = role{0.25*a.mirror + 0.5*b.mirror + 0.25*c.mirror,
				0.25*a.sustain + 0.5*b.sustain + 0.25*c.sustain,
				0.25*a.rest + 0.5*b.rest + 0.25*c.rest}
		}
	}
	return roles
}

// conductor state over one song.
type plan struct {
	an      beat.Analysis
	ictus   []float64 // time of each beat's ictus
	size    []float64 // gesture size per beat
	xs      []float64 // ictus x offset per beat (image units, right hand)
	height  []float64 // rebound height after each beat, before size
	gamma   []float64
	segEnd  []bool    // beat k ends a stretch of conducting (the next beat, if any, starts afresh)
	period  []float64 // the beat's own duration, or the local one at a stretch's end
	cue     []bool    // beat k is a big entrance the left hand cues
	end     []float64 // at a stretch's last beat: when the sound stops after it
	crescen []float32 // per mel frame: 0 … 1 how strongly the music grows
	energy  []float64 // per beat: 0 … 1 how much the music asks (characterOf)
	legato  []float64 // per beat: 0 staccato … 1 legato (characterOf)
	role    []role    // per beat: what the left hand does
	barNo   []int     // per beat: which bar it is in
}

// Conduct turns an analysis into frames of motion at motion.Rate. It is
// O(frames + beats).
func Conduct(ctx context.Context, an beat.Analysis, frames int, seed int64) (motion.Motion, error) {
	m := motion.New(frames, motion.Rate)
	pl := makePlan(an, seed)
	rng := rand.New(rand.NewPCG(uint64(seed), 0x5eed))
	// Slow, seeded drift of the body: three incommensurate sways.
	var drift [3]struct {
		osc oscillator
		a   float64
	}
	for i := range drift {
		drift[i].osc = newOscillator(0.03+0.09*rng.Float64(), 2*math.Pi*rng.Float64())
		drift[i].a = 0.002 + 0.002*rng.Float64()
	}
	// The sway's phase varies a little with the seed: it moves the whole
	// body, and another seed should vary the motion, not replace it.
	swayPhase := 1 + 0.6*(rng.Float64()-0.5)
	phrase := 8.0 // seconds per sway cycle: two bars at the song's tempo
	if an.Tempo > 0 {
		phrase = 2 * float64(an.Metre) * 60 / an.Tempo
		for phrase < 3 {
			phrase *= 2
		}
	}
	swayOsc := newOscillator(1/phrase, swayPhase)
	lean := newOscillator(1/phrase, swayPhase+0.9)
	// The sustaining left hand flows on two slow curves of its own, the
	// same for every seed (the seed varies gestures a little, not the
	// hand's path).
	flowX := newOscillator(0.5/phrase, 0)
	flowY := newOscillator(0.75/phrase, 1)
	var theta, bowS float64 // the trunk's rocking angle and bow, eased
	k := -1                 // the last beat whose ictus is at or before t
	nb := len(pl.ictus)
	for f := 0; f < frames; f++ {
		if f%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return motion.Motion{}, err
			}
		}
		t := float64(f) / motion.Rate
		for k+1 < nb && pl.ictus[k+1] <= t {
			k++
		}
		off, rest, pulse, act := pl.hand(t, k)
		mf := min(int(t*pl.an.Rate), len(pl.an.Loudness)-1)
		// The body: a rigid trunk that sways with the phrase and drifts
		// slowly; the head nods with the beat (see bodyRock … headLevel).
		sway := swayOsc.next()
		dx := 0.0
		for i := range drift {
			dx += drift[i].a * drift[i].osc.next()
		}
		dx *= 0.2 + 0.8*act // standing still in silence
		dx += act * (swayStill + swayLegato*pl.near(pl.legato, t, k)*pl.near(pl.energy, t, k)) * sway
		// The trunk leans with the phrase; the whole body sinks into each
		// ictus and rises with the rebound (the knees give with the beat),
		// the head nodding with it. Over each bar (and each pair of bars)
		// the body breathes with the phrase: the head bows into the bar's
		// middle and lifts for the next downbeat, the trunk rocks from side
		// to side while the head keeps level, all as large as the music's
		// energy. Slower than the beat, bow and rock move the body without
		// jolting it.
		barU, barOdd, e, lg := pl.barAt(t, k)
		body := bodyStaccato + (bodyLegato-bodyStaccato)*lg
		bow := act * e * body * sq(math.Sin(math.Pi*barU))
		rockPh := math.Pi * (barU + barOdd)
		rock := act * e * body * math.Sin(rockPh)
		// The trunk's slow movements through a short low-pass (about 0.1 s):
		// where a stretch of conducting starts afresh its bar position
		// jumps, the body does not.
		theta += bodyEase * (softLimit(act*bodyLean*lean.next()+bodyRock*rock, maxTilt) - theta)
		bowS += bodyEase * (bow - bowS)
		bow = bowS
		dy := -bodyBounce*(1-bounceLegato*lg)*pulse - bodyBow*(1-bowLegato*lg)*bow
		var pose [motion.Joints]vec
		trunk := newRotation(rollCentre, theta)
		for j := range pose {
			pose[j] = trunk.apply(template[j]).add(vec{dx, dy})
		}
		// The head turns back the trunk's rocking (the eyes stay level) and,
		// the less legato the music, keeps over the hips.
		neckAt := trunk.apply(neck)
		head := newRotation(neckAt.add(vec{dx, dy}), -theta)
		stay := -headOverHips * (1 - lg) * (neckAt.x - neck.x)
		for j := motion.Nose; j <= motion.RightEar; j++ {
			pose[j] = head.apply(pose[j]).add(vec{stay, (1 + headLegato*lg) * (-headNod*pulse + headBow*bow)})
		}
		// The hands: the right hand conducts; the left, by its role in the
		// phrase, mirrors it narrower, sustains with a slow flowing hand or
		// rests, and on top shapes crescendos and cues entrances.
		// The patterns move sideways with their shoulders as the trunk
		// rocks and sways; the ictuses stay on their plane.
		followR := vec{followShoulder * (pose[motion.RightShoulder].x - template[motion.RightShoulder].x), 0}
		followL := vec{followShoulder * (pose[motion.LeftShoulder].x - template[motion.LeftShoulder].x), 0}
		right := mix(centreR.add(off), restR, rest).add(followR)
		r, e := pl.roleAt(t, k)
		lg = pl.near(pl.legato, t, k)
		// The left hand beats as high as the right in legato and half as
		// high in staccato; the louder percussive music is, the more it
		// leaves the high rebounds to the right (a mirrored fortissimo
		// flings the elbow). Its sustaining flow is the wider the more
		// legato the music.
		mirror := vec{-off.x * mirrorX, off.y * mirrorY * (0.5 + 0.9*lg) * (1.15 - 2.5*max(0, e-0.8)*(1-0.7*lg))}
		fx, fy := flowX.next(), flowY.next()
		flow := (0.2 + 0.8*e) * (1 + 3*lg)
		sustain := vec{centreL.x + 0.015 + 0.01*e + 0.05*flow*fx, planeYL - 0.02 - 0.05*e + 0.035*flow*fy}.add(mirror.scale(0.35))
		held := restL.add(vec{-0.01, -0.01}).add(mirror.scale(0.12))
		left := centreL.add(mirror).scale(r.mirror).add(sustain.scale(r.sustain)).add(held.scale(r.rest))
		if mf >= 0 {
			c := float64(pl.crescen[mf])
			lift := vec{centreL.x + 0.01, planeYL - 0.02 - 0.1*float64(pl.an.Loudness[mf])}
			left = mix(left, lift.add(mirror.scale(0.85)), c)
		}
		if q := pl.cueWeight(t, k); q > 0 {
			left = mix(left, vec{centreL.x + 0.075, planeYL - 0.13}, q)
		}
		left = mix(left, restL, rest).add(followL)
		eR, wR := solveArm(pose[motion.RightShoulder], guard(right, pose[motion.RightShoulder]), 1)
		eL, wL := solveArm(pose[motion.LeftShoulder], guard(left, pose[motion.LeftShoulder]), -1)
		pose[motion.RightElbow], pose[motion.RightWrist] = eR, wR
		pose[motion.LeftElbow], pose[motion.LeftWrist] = eL, wL
		for j, p := range pose {
			m.Set(f, j, motion.Point{X: clamp01(p.x), Y: clamp01(p.y)})
		}
	}
	return m, nil
}

func clamp01(v float64) float32 {
	switch {
	case v < 0:
		return 0
	case v > 1:
		return 1
	}
	return float32(v)
}

// oscillator is a sine of fixed frequency sampled once per motion frame by
// complex rotation, re-anchored to the exact phase now and then so that
// hours of frames do not drift.
type oscillator struct {
	w, ph  float64 // radians per frame, initial phase
	f      int     // frames produced
	re, im float64
	cr, ci float64
}

func newOscillator(hz, phase float64) oscillator {
	w := 2 * math.Pi * hz / motion.Rate
	ci, cr := math.Sincos(w)
	return oscillator{w: w, ph: phase, cr: cr, ci: ci}
}

// next returns the sine at the current frame and advances one frame.
func (o *oscillator) next() float64 {
	if o.f%1024 == 0 {
		o.im, o.re = math.Sincos(o.w*float64(o.f) + o.ph)
	}
	s := o.im
	o.re, o.im = o.re*o.cr-o.im*o.ci, o.re*o.ci+o.im*o.cr
	o.f++
	return s
}

func smoothstep(a, b, x float64) float64 {
	u := clamp((x-a)/(b-a), 0, 1)
	return u * u * (3 - 2*u)
}

// makePlan prepares every beat's stroke: ictus time, position in the
// pattern, size, sharpness, and where conducting stops and starts again.
func makePlan(an beat.Analysis, seed int64) *plan {
	nb := len(an.Beats)
	pl := &plan{an: an, ictus: make([]float64, nb), size: make([]float64, nb), xs: make([]float64, nb),
		height: make([]float64, nb), gamma: make([]float64, nb), segEnd: make([]bool, nb),
		period: make([]float64, nb), cue: make([]bool, nb)}
	rng := rand.New(rand.NewPCG(uint64(seed), 0xbea7))
	metre := an.Metre
	if patternX[metre] == nil {
		metre = 4
	}
	px, ph := patternX[metre], reboundH[metre]
	defPeriod := 0.6
	if an.Tempo > 0 {
		defPeriod = 60 / an.Tempo
	}
	for k, b := range an.Beats {
		// On a motion frame: the frame of the ictus is then the stroke's
		// lowest point exactly, and the lead seen at 30 fps stays within
		// half a frame of the intended one.
		pl.ictus[k] = math.Round((b.Time-lead)*motion.Rate) / motion.Rate
	}
	// A stretch of conducting ends where the next beat is far (a rest, a
	// fermata) or the music stops in between.
	for k := 0; k < nb; k++ {
		if k == nb-1 {
			pl.segEnd[k] = true
			continue
		}
		d := pl.ictus[k+1] - pl.ictus[k]
		ref := defPeriod
		if k > 0 && !pl.segEnd[k-1] {
			ref = pl.ictus[k] - pl.ictus[k-1]
		} else if k+2 < nb {
			ref = pl.ictus[k+2] - pl.ictus[k+1]
		}
		f0, f1 := int(an.Beats[k].Time*an.Rate), int(an.Beats[k+1].Time*an.Rate)
		pl.segEnd[k] = d > 1.75*ref || series.GapBetween(an.Active, max(f0, 0), min(f1, len(an.Active)-1))
	}
	pl.end = make([]float64, nb)
	for k := 0; k < nb; k++ {
		if pl.segEnd[k] {
			pl.end[k] = pl.soundEnd(k)
		}
		switch {
		case !pl.segEnd[k]:
			pl.period[k] = pl.ictus[k+1] - pl.ictus[k]
		case k > 0 && !pl.segEnd[k-1]:
			pl.period[k] = pl.period[k-1]
		default:
			pl.period[k] = defPeriod
		}
	}
	// The song's quiet and loud beats, for relative dynamics.
	louds := make([]float32, nb)
	for k, b := range an.Beats {
		louds[k] = b.Loud
	}
	lo, hi := 0.0, 0.0
	if nb > 0 {
		slices.Sort(louds)
		lo, hi = float64(louds[nb/20]), float64(louds[nb-1-nb/20])
	}
	pl.energy, pl.legato = make([]float64, nb), make([]float64, nb)
	for k, b := range an.Beats {
		f := min(max(0, int(b.Time*an.Rate)), len(an.Activity)-1)
		var act, flat float32
		if f >= 0 {
			act, flat = an.Activity[f], an.Flatness[f]
		}
		pl.energy[k], pl.legato[k] = characterOf(b.Loud, act, flat, lo, hi)
	}
	// Each bar its own shape: a seeded width and height of its own on top
	// of the beat's, so that no two bars are drawn alike.
	barW, barH := 1.0, 1.0
	for k, b := range an.Beats {
		pos := b.InBar % len(px)
		if pos == 0 || k == 0 {
			barW, barH = 1+0.12*(rng.Float64()-0.5), 1+0.1*(rng.Float64()-0.5)
		}
		e := pl.energy[k]
		// Loud: wide; legato: wider still and rounder; sharp attacks: sharp.
		lg := pl.legato[k]
		pl.xs[k] = patternW * barW * (0.3 + 0.9*e*e) * (1 + legatoWide*lg) * (px[pos] + 0.1*(rng.Float64()-0.5))
		pl.height[k] = patternH * barH * ph[pos] * (1 + 0.1*(rng.Float64()-0.5))
		pl.gamma[k] = 1.2 + 0.15*lg - 0.3*float64(b.Sharp)
		pl.size[k] = sizeOf(e, pl.period[k])
	}
	// The roles follow the music, not the seed: another seed varies the
	// gestures, not what the left hand is doing.
	pl.barNo = make([]int, nb)
	bar := 0
	for k, b := range an.Beats {
		if k > 0 && b.InBar == 0 {
			bar++
		}
		pl.barNo[k] = bar
	}
	pl.role = chooseRoles(an.Beats, pl.energy, pl.legato, rand.New(rand.NewPCG(uint64(nb), 0x1eff)))
	// Sizes change from beat to beat, not by jumps.
	if nb > 2 {
		raw := append([]float64(nil), pl.size...)
		for k := 1; k < nb-1; k++ {
			pl.size[k] = 0.25*raw[k-1] + 0.5*raw[k] + 0.25*raw[k+1]
		}
	}
	// Big entrances: a strong beat where the music jumps in loudness.
	for k, b := range an.Beats {
		from, to := int((b.Time-1.2)*an.Rate), int((b.Time-0.2)*an.Rate)
		if from >= 0 && b.Strength > 1.6 && b.Loud-series.MaxOver(an.Loudness, from, to) > 0.12 {
			pl.cue[k] = true
		}
	}
	// Crescendo: how fast the loudness rises over ±1.5 s, per mel frame.
	n := len(an.Loudness)
	pl.crescen = make([]float32, n)
	w := int(1.5 * an.Rate)
	for i := range pl.crescen {
		a, b := max(0, i-w), min(n-1, i+w)
		if b <= a || !an.Active[i] {
			continue
		}
		slope := float64(an.Loudness[b]-an.Loudness[a]) / (float64(b-a) / an.Rate) // per second
		pl.crescen[i] = float32(smoothstep(0.008, 0.02, slope))
	}
	series.SmoothInPlace(pl.crescen, 0.8*an.Rate)
	return pl
}

// hand returns the right hand's offset from its pattern centre at time t
// (k is the last beat with ictus ≤ t, -1 if none), how far it is at rest
// (0 conducting … 1 at rest), the beat's pulse (the rebound's height scaled
// by the gesture size, 0 at the ictus: the body and the head rise with it)
// and how active the body is (0 … 1).
func (pl *plan) hand(t float64, k int) (off vec, rest, pulse, act float64) {
	nb := len(pl.ictus)
	// Inside a stretch of conducting: the stroke from beat k to k+1.
	if k >= 0 && k < nb-1 && !pl.segEnd[k] {
		s := pl.strokeFrom(k)
		u := (t - pl.ictus[k]) / s.duration
		off = s.at(u)
		sn := math.Sin(math.Pi * u)
		return off, 0, pl.size[k] * sn * sn, 1
	}
	// Outside: after the last ictus of a stretch the hand rises and holds
	// while the music sounds, then sinks to rest; one beat before the next
	// stretch it prepares.
	rest = 1
	if k >= 0 {
		p := pl.period[k]
		rise := smoothstep(0, 0.5*p, t-pl.ictus[k])
		hold := vec{pl.xs[k] * 0.5, -0.45 * patternH * pl.size[k] * rise}
		end := pl.end[k]
		rest = smoothstep(end, end+releaseTime, t)
		off = hold
		act = 1 - rest
	}
	if k+1 < nb {
		next := k + 1
		p := pl.period[next]
		start := pl.ictus[next] - p
		if t >= start {
			prevPos := (pl.an.Beats[next].InBar + pl.an.Metre - 1) % pl.an.Metre
			px := patternX[pl.an.Metre]
			if px == nil {
				px = patternX[4]
				prevPos %= 4
			}
			s := stroke{x0: patternW * px[prevPos], x1: pl.xs[next], height: patternH * reboundH[len(px)][prevPos],
				gamma: pl.gamma[next], size0: pl.size[next], size1: pl.size[next], duration: p}
			u := (t - start) / p
			w := smoothstep(0, 0.5, u)
			prep := s.at(u)
			// Blend from wherever the hand was (rest or hold) into the
			// preparatory upbeat: by its apex it is fully conducting.
			from := mix(off, restR.sub(centreR), rest)
			off = mix(from, prep, w)
			rest = 0
			act = math.Max(act, w)
		}
	}
	return off, rest, 0, act
}

// barAt is where time t is in its bar (0 at the downbeat … 1 at the next),
// whether the bar is an odd one (0 or 1) and the music's energy and legato
// there; k is the last beat with ictus ≤ t.
func (pl *plan) barAt(t float64, k int) (u, odd, energy, legato float64) {
	nb := len(pl.ictus)
	if nb == 0 || k < 0 {
		return 0, 0, 0, 0
	}
	b := pl.an.Beats[k]
	metre := float64(max(1, pl.an.Metre))
	f := clamp((t-pl.ictus[k])/pl.period[k], 0, 1)
	u = (float64(b.InBar) + f) / metre
	// Bars count from the song's first downbeat.
	odd = float64(pl.barNo[k] % 2)
	if k >= nb-1 || pl.segEnd[k] {
		// After a stretch's last beat the body finishes that beat's
		// movement and holds; it stills as the hands come to rest.
		return u, odd, pl.energy[k], pl.legato[k]
	}
	return u, odd, pl.energy[k] + f*(pl.energy[k+1]-pl.energy[k]), pl.legato[k] + f*(pl.legato[k+1]-pl.legato[k])
}

func sq(x float64) float64 { return x * x }

// softLimit limits x smoothly to ±lim: x/(1+(x/lim)^4)^(1/4), nearly the
// identity well inside the limit.
func softLimit(x, lim float64) float64 {
	r := x / lim
	r *= r
	return x / math.Sqrt(math.Sqrt(1+r*r))
}

// roleAt is the left hand's role and the music's energy at time t (k is the
// last beat with ictus ≤ t), interpolated between beats.
func (pl *plan) roleAt(t float64, k int) (role, float64) {
	nb := len(pl.ictus)
	switch {
	case nb == 0:
		return role{mirror: 1}, 0.5
	case k < 0:
		return pl.role[0], pl.energy[0]
	case k >= nb-1:
		return pl.role[nb-1], pl.energy[nb-1]
	}
	u := clamp((t-pl.ictus[k])/(pl.ictus[k+1]-pl.ictus[k]), 0, 1)
	a, b := pl.role[k], pl.role[k+1]
	return role{a.mirror + u*(b.mirror-a.mirror), a.sustain + u*(b.sustain-a.sustain), a.rest + u*(b.rest-a.rest)},
		pl.energy[k] + u*(pl.energy[k+1]-pl.energy[k])
}

// near is a per-beat series (energy, legato) at time t (k is the last beat
// with ictus ≤ t), interpolated between beats.
func (pl *plan) near(x []float64, t float64, k int) float64 {
	nb := len(pl.ictus)
	switch {
	case nb == 0:
		return 0
	case k < 0:
		return x[0]
	case k >= nb-1:
		return x[nb-1]
	}
	u := clamp((t-pl.ictus[k])/(pl.ictus[k+1]-pl.ictus[k]), 0, 1)
	return x[k] + u*(x[k+1]-x[k])
}

// strokeFrom builds the stroke from beat k to beat k+1.
func (pl *plan) strokeFrom(k int) stroke {
	return stroke{x0: pl.xs[k], x1: pl.xs[k+1], height: pl.height[k], gamma: pl.gamma[k+1],
		curve: legatoCurve * pl.legato[k+1], size0: pl.size[k], size1: pl.size[k+1], duration: pl.ictus[k+1] - pl.ictus[k]}
}

// soundEnd is when the music stops after beat k: the first silent mel frame
// after it, or the end of the song.
func (pl *plan) soundEnd(k int) float64 {
	an := pl.an
	f := max(0, int(an.Beats[k].Time*an.Rate))
	for f < len(an.Active) && an.Active[f] {
		f++
	}
	return float64(f) / an.Rate
}

// cueWeight is how far the left hand is cueing at time t: it rises during
// the beat before a big entrance and falls away after it.
func (pl *plan) cueWeight(t float64, k int) float64 {
	q := 0.0
	for _, j := range []int{k, k + 1} {
		if j < 0 || j >= len(pl.ictus) || !pl.cue[j] {
			continue
		}
		p := pl.period[j]
		ic := pl.ictus[j]
		up := smoothstep(ic-p, ic, t)
		down := 1 - smoothstep(ic+0.3*p, ic+1.5*p, t)
		q = math.Max(q, up*down)
	}
	return q
}
