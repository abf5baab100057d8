// Package beat hears the pulse of music in a mel spectrogram: onset strength,
// tempo (following changes), beat times, metre and downbeat, loudness and
// where the music plays. The built-in conductor beats what it hears, evaluate
// scores motion against it (Beat Consistency), and the music strip of a demo
// video marks it.
package beat

import (
	"context"
	"math"
	"slices"

	"github.com/podium-dev/podium/audio"
	"github.com/podium-dev/podium/internal/series"
)

// Analysis is what the conductor hears in a mel: the beats it will give, the
// metre, the loudness and where the music plays. Times are in seconds of the
// mel's timeline (frame i of the mel is at i/90 s).
type Analysis struct {
	Tempo    float64   // global tempo in BPM at the level the conductor beats
	Metre    int       // beats per bar: 2, 3 or 4
	Beats    []Beat    // the beats, in order; only where music plays
	Loudness []float32 // smoothed loudness per mel frame, 0 (silence) … about 0.7 (ff)
	// Activity is per mel frame how busy the music is: the mel's mean rise
	// per band and frame (its spectral flux), smoothed over about a second;
	// about 0.002 for a sustained string passage, 0.007 for a rock mix,
	// 0.015 for dense percussion.
	Activity []float32
	// Flatness is per mel frame how noise-like the sound is: the spectral
	// flatness of the mel's power (its geometric over its arithmetic mean
	// across the bands), smoothed over about a second; about 0.01–0.03 for
	// an orchestra, a piano or a synthesizer pad, 0.1–0.2 for a rock mix of
	// distorted guitars and cymbals, 1 for white noise.
	Flatness  []float32
	Active    []bool  // per mel frame: music is sounding
	Rate      float64 // frames per second of Loudness and Active
	Downbeats []int   // indices into Beats of the first beat of each bar
}

// Beat is one beat the conductor gives.
type Beat struct {
	Time     float64 // seconds: when the sound of the beat starts
	InBar    int     // 0 for the downbeat … Metre-1 for the upbeat
	Strength float32 // onset strength at the beat relative to the song's median beat
	Sharp    float32 // 0 legato … 1 staccato: how fast the sound decays after the beat
	Loud     float32 // loudness just after the beat
}

// Listening's fixed parameters. Frames are mel frames at 90 Hz.
const (
	melRate = audio.MelRate
	// beatRate is the frame rate tempo estimation and beat tracking work at:
	// the onset strength pooled over pairs of mel frames. Half the frames and
	// half the lags make them four times cheaper; beats are then placed on
	// the full-rate onset peak.
	beatRate = melRate / 2
	// onsetLatency is how much later than the written beat the spectral-flux
	// peak of a note appears in a ConductorMotion100 mel, in seconds; measured
	// on the synthesized pieces of internal/synth (a negative value: the
	// 2048-sample analysis window centred on a frame hears a note before the
	// frame's own time).
	onsetLatency = -0.012
	// conductorBPM and conductorOctaves weigh the levels of one pulse (a
	// beat, its half and its double) by the tempo a conductor beats: a
	// ballad's eighths at 190 are beaten in quarters at 95, a march at 176
	// stays in quarters.
	conductorBPM     = 130.0
	conductorOctaves = 0.5
	minBPM           = 48.0  // the slowest beat a conductor gives
	maxBPM           = 192.0 // the fastest
	powerSteps       = 1024  // steps of the table of a mel value's power (flatness)
	lowBands         = 16    // the lowest mel bands (below ~420 Hz): bass and timpani
	kickBands        = 8     // the lowest of them (below ~210 Hz): kick drum, bass, timpani
	// The beat's side of every two ticks (choosePhase) is decided from the
	// kick band against the band above it (snare body, ~210–420 Hz) and the
	// full band's onset on each tick against its neighbours. In rock and
	// pop the kick and the bass fall on the beat while snare, hi-hat and
	// guitar chords can be as loud on the off-beats (a thrash beat puts the
	// snare on every off-beat); where the kick plays every eighth, the full
	// band's accents decide. Weighed on some fifty chart-annotated 60-second
	// excerpts of rock and metal songs, and the synthesized pieces.
	phaseKick  = 2.0
	phaseSnare = 0.5
	phaseOnset = 1.0
	// phaseSwitch is what the beat changing sides costs within a steady
	// stretch, in units of that evidence: about forty seconds of a riff
	// that plays nothing but the off-beats (internal/synth's OffBeatIntro
	// gives ten a tick). In a song with a steady pulse the beat does not
	// move by half a beat; a silence or a tempo jump starts afresh.
	phaseSwitch = 2000.0
	// lowLag is how many frames after the attack the low bands' flux
	// peaks (the kick's body rings after its click).
	lowLag = 3
	// tickKick is how much the kick band counts beside the full band's
	// onset in tracking the ticks: it holds them on the eighths where a
	// riff's sixteenths would pull them off.
	tickKick = 0.5
	// tempoNear, tempoHold and tempoPull keep the local tempo on the song's
	// (viterbiLags): within ±15 % (in ln) while that still scores tempoHold
	// of the best, at a cost of tempoPull a second outside.
	tempoNear = 0.14
	tempoHold = 0.3
	tempoPull = 2.0
	tempoLast = 4 // seconds the support must last
	// snapFrames is how far (mel frames) a tracked beat moves to the full
	// band's onset peak: the kick band's flux peaks later than the attack.
	snapFrames = 3
	// tightness is tick tracking's penalty on the squared log deviation of a
	// tick interval from the local period. High: a looser tracker wanders
	// to a riff's sixteenths; the local period already follows tempo
	// changes and rubato. (Higher still, the whole frames of the dynamic
	// programme make it drift off a steady pulse.)
	tightness = 1000.0
)

// features holds the per-frame signals listening works on.
type features struct {
	onset    []float32 // spectral flux of the dB mel, all bands, normalised to unit std
	low      []float32 // spectral flux of the lowest bands
	kick     []float32 // spectral flux of the kick bands, normalised to unit std
	snare    []float32 // spectral flux of the low bands above them (snare body, ~210–420 Hz), unit std
	loud     []float32 // mean dB-mel value (the mel is dB/80 + 1), lightly smoothed
	activity []float32 // spectral flux per band, smoothed over a second (Analysis.Activity)
	flatness []float32 // spectral flatness, smoothed over a second (Analysis.Flatness)
	active   []bool
	chroma   []float32 // per-frame mean over the mid bands in 8 groups, for harmonic change
	nGroups  int
}

// Listen analyses the mel. It is O(frames · bands) plus beat tracking that is
// O(frames · period); its working memory is a few float32 per frame.
func Listen(ctx context.Context, mel audio.Mel) (Analysis, error) {
	n := mel.Frames
	an := Analysis{Rate: melRate, Metre: 4}
	if n < 2 {
		an.Loudness = make([]float32, n)
		an.Activity = make([]float32, n)
		an.Flatness = make([]float32, n)
		an.Active = make([]bool, n)
		return an, nil
	}
	fe := computeFeatures(mel)
	an.Loudness, an.Active, an.Activity, an.Flatness = fe.loud, fe.active, fe.activity, fe.flatness
	if err := ctx.Err(); err != nil {
		return an, err
	}
	onset2, active2 := pool2(fe.onset, fe.active)
	period, periods2 := tempoTrack(onset2, active2)
	if period == 0 {
		return an, nil // no music: no beats
	}
	an.Tempo = 60 * beatRate / period
	if err := ctx.Err(); err != nil {
		return an, err
	}
	// The pulse is tracked at the half-beat (every beat and off-beat, where
	// snare, hi-hat and guitar fill in what the kick leaves), where no
	// accent pattern can pull the tracker half a beat off; which of every
	// two ticks is the beat is then decided for each steady stretch as a
	// whole (choosePhase).
	periods := tempoPeriods(periods2, n)
	half := make([]float32, n)
	for t, p := range periods {
		half[t] = p / 2
	}
	guide := make([]float32, n)
	for t := range guide {
		guide[t] = fe.onset[t] + tickKick*fe.kick[min(n-1, t+lowLag-1)]
	}
	ticks := trackBeats(guide, fe.active, half)
	// Again on the tempo the ticks themselves keep: the autocorrelation's
	// period is good to a percent, and a rigid tracker on a period 1 % off
	// drifts off the beat within twenty beats before the onsets pull it
	// back.
	if refinePeriods(ticks, half) {
		ticks = trackBeats(guide, fe.active, half)
	}
	frames := choosePhase(fe, ticks, half)
	// Each beat on the full band's strongest onset near it.
	for i, a := range frames {
		best := a
		for g := max(0, a-snapFrames); g <= min(n-1, a+snapFrames); g++ {
			if fe.onset[g] > fe.onset[best] {
				best = g
			}
		}
		frames[i] = best
	}
	an.Beats, frames = describeBeats(fe, frames, periods)
	an.Metre = detectMetre(fe, an.Beats, frames, periods)
	for i, b := range an.Beats {
		if b.InBar == 0 {
			an.Downbeats = append(an.Downbeats, i)
		}
	}
	return an, ctx.Err()
}

// computeFeatures makes one pass over the mel.
func computeFeatures(mel audio.Mel) features {
	n := mel.Frames
	const groups = 8
	fe := features{
		onset: make([]float32, n), low: make([]float32, n), kick: make([]float32, n), snare: make([]float32, n), activity: make([]float32, n), loud: make([]float32, n),
		flatness: make([]float32, n), active: make([]bool, n), chroma: make([]float32, n*groups), nGroups: groups,
	}
	// The power of a mel value v (dB/80 + 1) relative to the song's peak,
	// 10^(8(v-1)), by table: the flatness needs it for every band.
	var power [powerSteps + 1]float32
	for i := range power {
		power[i] = float32(math.Pow(10, 8*(float64(i)/powerSteps-1)))
	}
	// Column 0 is the highest band: the low bands are the last columns; the
	// "mid" bands for harmonic change are the 64 above them.
	const (
		lowFrom    = audio.MelBands - lowBands
		kickFrom   = audio.MelBands - kickBands
		groupBands = 8
		midFrom    = lowFrom - groups*groupBands
	)
	prev := (*[audio.MelBands]float32)(mel.Row(0))
	for t := 0; t < n; t++ {
		// Fixed-size arrays: constant bounds, no checks in the loops.
		row := (*[audio.MelBands]float32)(mel.Row(t))
		// Positive differences summed without a branch, (d + |d|) / 2, in
		// independent chains (plain variables, so they stay in registers)
		// so the additions overlap.
		var f0, f1, f2, f3, l0, l1, k0, k1, s0, s1, s2, s3 float32
		for b := 0; b < lowFrom; b += 4 {
			d0, d1, d2, d3 := row[b]-prev[b], row[b+1]-prev[b+1], row[b+2]-prev[b+2], row[b+3]-prev[b+3]
			f0 += d0 + abs32(d0)
			f1 += d1 + abs32(d1)
			f2 += d2 + abs32(d2)
			f3 += d3 + abs32(d3)
			s0 += row[b]
			s1 += row[b+1]
			s2 += row[b+2]
			s3 += row[b+3]
		}
		for b := lowFrom; b < kickFrom; b += 2 {
			d0, d1 := row[b]-prev[b], row[b+1]-prev[b+1]
			l0 += d0 + abs32(d0)
			l1 += d1 + abs32(d1)
			s0 += row[b]
			s1 += row[b+1]
		}
		for b := kickFrom; b < audio.MelBands; b += 2 {
			d0, d1 := row[b]-prev[b], row[b+1]-prev[b+1]
			k0 += d0 + abs32(d0)
			k1 += d1 + abs32(d1)
			s0 += row[b]
			s1 += row[b+1]
		}
		flux, kflux, sum := (f0+f1)+(f2+f3), k0+k1, (s0+s1)+(s2+s3)
		// The flatness on every third frame (it is smoothed over a second):
		// the arithmetic mean of the power across the bands against its
		// geometric mean, 10^(8(mean v - 1)), which the mean value gives.
		if t%3 == 0 {
			var p0, p1 float32
			for b := 0; b < audio.MelBands; b += 2 {
				p0 += power[min(max(int(row[b]*powerSteps+0.5), 0), powerSteps)]
				p1 += power[min(max(int(row[b+1]*powerSteps+0.5), 0), powerSteps)]
			}
			fe.flatness[t] = float32(math.Exp(8*math.Ln10*(float64(sum)/audio.MelBands-1)) / (float64(p0+p1) / audio.MelBands))
		} else {
			fe.flatness[t] = fe.flatness[t-1]
		}
		lflux := l0 + l1 + kflux
		fe.snare[t] = (l0 + l1) / 2
		fe.onset[t], fe.low[t], fe.kick[t], fe.loud[t] = (flux+lflux)/2, lflux/2, kflux/2, sum/audio.MelBands
		g := (*[groups]float32)(fe.chroma[t*groups : (t+1)*groups])
		for k := range g {
			q := (*[groupBands]float32)(row[midFrom+k*groupBands : midFrom+(k+1)*groupBands])
			g[k] = q[0] + q[1] + q[2] + q[3] + q[4] + q[5] + q[6] + q[7]
		}
		prev = row
	}
	for t, v := range fe.onset {
		fe.activity[t] = v * 2 / audio.MelBands
	}
	fe.activity[0] = 0
	series.SmoothInPlace(fe.activity, melRate)
	// Onset strength in units of its own spread, so beat tracking's penalty
	// means the same for quiet and loud songs.
	unitSpread(fe.onset)
	unitSpread(fe.kick)
	unitSpread(fe.snare)
	// Loudness: smoothed forward and backward (about 0.1 s) so it has no lag.
	series.SmoothInPlace(fe.loud, 0.1*melRate)
	// Music sounds where the loudness stands clearly above the floor; the
	// threshold follows the song's loud passages so a quiet recording still
	// counts as music, but never below a fixed floor so noise does not.
	hi := percentile(fe.loud, 0.95)
	thr := float32(math.Max(0.03, 0.1*float64(hi)))
	for t, v := range fe.loud {
		fe.active[t] = v > thr
	}
	// The flatness of the music only: silence's floor is as flat as white
	// noise, and must not leak into the music around it.
	weight := make([]float32, n)
	for t, a := range fe.active {
		if a {
			weight[t] = 1
		} else {
			fe.flatness[t] = 0
		}
	}
	series.SmoothInPlace(fe.flatness, melRate)
	series.SmoothInPlace(weight, melRate)
	for t, w := range weight {
		if w > 1e-3 {
			fe.flatness[t] /= w
		}
	}
	return fe
}

// unitSpread divides x by its standard deviation (zeroes it when flat).
func unitSpread(x []float32) {
	var s, ss float64
	for _, v := range x {
		s += float64(v)
		ss += float64(v) * float64(v)
	}
	n := float64(len(x))
	mean := s / n
	sd := math.Sqrt(math.Max(ss/n-mean*mean, 0))
	if sd <= 1e-9 {
		clear(x)
		return
	}
	for t := range x {
		x[t] = float32(float64(x[t]) / sd)
	}
}

// pool2 halves the frame rate: the larger onset and "any active" of each
// pair of frames.
func pool2(onset []float32, active []bool) ([]float32, []bool) {
	n := (len(onset) + 1) / 2
	o := make([]float32, n)
	a := make([]bool, n)
	for i := range o {
		j := min(2*i+1, len(onset)-1)
		o[i] = max(onset[2*i], onset[j])
		a[i] = active[2*i] || active[j]
	}
	return o, a
}

// percentile returns the q-quantile of x using a 256-bin histogram of [0,1]
// (the mel's range), O(n) without sorting a copy.
func percentile(x []float32, q float64) float32 {
	var hist [257]int
	for _, v := range x {
		i := int(math.Max(0, math.Min(1, float64(v))) * 256)
		hist[i]++
	}
	want := int(q * float64(len(x)))
	acc := 0
	for i, c := range hist {
		acc += c
		if acc > want {
			return float32(i) / 256
		}
	}
	return 1
}

// tempoTrack finds the beat period in frames: a global period (autocorrelation
// of the onset strength with a broad prior), then a local period every second
// by Viterbi over windowed autocorrelations near the global one, so tempo
// changes and rubato are followed. It returns the global period and the local
// period of every frame; 0 when nothing plays.
func tempoTrack(onset []float32, active []bool) (float64, []float32) {
	n := len(onset)
	minLag := int(math.Floor(60 * beatRate / maxBPM))
	maxLag := int(math.Ceil(60 * beatRate / minBPM))
	// Lags up to twice the slowest beat: a period's comb includes its double.
	nl := 2*maxLag + 1
	// Mean-removed onset over active frames; silence contributes nothing.
	var s float64
	cnt := 0
	for t, v := range onset {
		if active[t] {
			s += float64(v)
			cnt++
		}
	}
	if cnt < 2*maxLag {
		return 0, nil
	}
	mean := float32(s / float64(cnt))
	// Mean-removed and blurred by [1 2 1]/4: at 45 Hz a period falls
	// between whole lags, and the blur lets the two lags share its peak.
	x := make([]float32, n)
	for t := range onset {
		if !active[t] {
			continue
		}
		l, r := onset[max(t-1, 0)], onset[min(t+1, n-1)]
		x[t] = (l+2*onset[t]+r)/4 - mean
	}
	// Per-second sums of lagged products: bins[sec*nl+lag]. Windowed and
	// global autocorrelations are sums of bins, so the cost is one pass of
	// frames × lags whatever the window.
	secs := (n + beatRate - 1) / beatRate
	bins := make([]float32, secs*nl)
	for t := 0; t < n; t++ {
		xt := x[t]
		if xt == 0 {
			continue
		}
		b := bins[(t/beatRate)*nl:]
		lo := max(0, t-(nl-1))
		for u := t; u >= lo; u-- {
			b[t-u] += xt * x[u]
		}
	}
	global := make([]float64, nl)
	for sec := 0; sec < secs; sec++ {
		for l := 0; l < nl; l++ {
			global[l] += float64(bins[sec*nl+l])
		}
	}
	if global[0] <= 0 {
		return 0, nil
	}
	period := choosePeriod(global, minLag, maxLag)
	// Local periods within 0.6–1.6 of the global one, every second, over
	// 16-second windows (long enough to tell a fast beat's period to a
	// fraction of a percent), chosen by Viterbi with a penalty on tempo jumps.
	lo := max(minLag, int(0.6*period))
	hi := min(maxLag, int(math.Ceil(1.6*period)))
	ns := hi - lo + 1
	score := make([]float32, secs*ns)
	win := make([]float64, nl)
	const half = 8
	for sec := 0; sec < secs; sec++ {
		clear(win)
		for w := max(0, sec-half); w < min(secs, sec+half); w++ {
			// The local comb stays within the beat range: a doubled lag
			// scored as strongly as the beat would halve a fast section.
			for l := 0; l <= maxLag; l++ {
				win[l] += float64(bins[w*nl+l])
			}
		}
		// Normalise to the window's energy and add the comb of the double
		// lag, which sharpens the peak at the true period.
		top := 1e-9
		for l := lo; l <= hi; l++ {
			v := win[l]
			if 2*l <= maxLag {
				v += 0.5 * win[2*l]
			}
			top = math.Max(top, v)
		}
		for l := lo; l <= hi; l++ {
			v := win[l]
			if 2*l <= maxLag {
				v += 0.5 * win[2*l]
			}
			score[sec*ns+l-lo] = float32(math.Max(v, 0) / top)
		}
	}
	path := viterbiLags(score, secs, ns, lo, period)
	// Each second's period to a fraction of a lag from the multiples of it
	// that its window's autocorrelation reaches (see multiplePeriod).
	for sec := range path {
		clear(win)
		for w := max(0, sec-half); w < min(secs, sec+half); w++ {
			for l := 0; l < nl; l++ {
				win[l] += float64(bins[w*nl+l])
			}
		}
		if p := multiplePeriod(win, path[sec]); p > 0 {
			path[sec] = p
		}
	}
	periods := make([]float32, n)
	for t := range periods {
		// Interpolate between the per-second centres.
		f := float64(t)/beatRate - 0.5
		i := int(math.Floor(f))
		a := f - float64(i)
		p0 := path[min(max(i, 0), secs-1)]
		p1 := path[min(max(i+1, 0), secs-1)]
		periods[t] = float32((1-a)*p0 + a*p1)
	}
	return period, periods
}

// choosePeriod picks the beat period from a global autocorrelation. The
// strongest periodicity (a local maximum of the autocorrelation) fixes the
// family of related periods: its doublings and halvings, and its thirds where
// it is a bar of three (its third is a clear peak, its half is not). Among the
// members the music supports (a clear peak of their own) it takes the one
// whose comb (the lag and its double) weighted by the tempo a conductor would
// beat (conductorBPM) is best. Levels in a 3:2 ratio never compete, so a
// beat is never taken for a dotted one.
func choosePeriod(ac []float64, minLag, maxLag int) float64 {
	comb := func(l int) float64 {
		v := ac[l]
		if 2*l < len(ac) {
			v += 0.5 * ac[2*l]
		}
		return v
	}
	isPeak := func(l int) bool { return ac[l] >= ac[l-1] && ac[l] >= ac[min(l+1, len(ac)-1)] }
	anchor := -1
	for l := minLag; l <= maxLag; l++ {
		if isPeak(l) && (anchor < 0 || ac[l] > ac[anchor]) {
			anchor = l
		}
	}
	if anchor < 0 {
		return refine(ac, peakNear(ac, float64(minLag+maxLag)/2, minLag, maxLag))
	}
	// A member is supported when there is a peak within ±8 % of its lag,
	// however small beside the strongest: a thrash song's bar accent every
	// 1.3 s can dwarf the autocorrelation of its blast-beat eighths, and
	// the comb (with the bar at the double lag) still weighs the beat.
	member := func(lag float64) int {
		l := peakNear(ac, lag, minLag, maxLag)
		if l < 0 || !isPeak(l) || ac[l] < 0.05*ac[anchor] {
			return -1
		}
		return l
	}
	base := float64(anchor)
	if half := member(base / 2); half < 0 {
		if third := member(base / 3); third >= 0 && ac[third] >= 0.3*ac[anchor] {
			base = float64(third) // a bar of three: its beats
		}
	}
	best, bestScore := anchor, math.Inf(-1)
	for _, f := range []float64{0.25, 0.5, 1, 2, 4} {
		l := member(base * f)
		if l < 0 {
			continue
		}
		bpm := 60 * beatRate / float64(l)
		d := math.Log2(bpm / conductorBPM)
		if sc := comb(l) * math.Exp(-d*d/(2*conductorOctaves*conductorOctaves)); sc > bestScore {
			best, bestScore = l, sc
		}
	}
	if p := multiplePeriod(ac, float64(best)); p > 0 {
		return p
	}
	return refine(ac, best)
}

// multiplePeriod refines a period of about lag from the autocorrelation's
// peak at the largest multiple of it within reach: a peak is found to a tenth
// of a lag, so k periods in one peak give the period to a tenth of a lag over
// k. At 45 Hz one lag is 6 % of a fast beat, and a rigid tracker on a period
// 1 % off drifts 40 ms off the beat in twenty beats. It returns 0 where the
// multiples do not agree with lag within 3 %.
func multiplePeriod(ac []float64, lag float64) float64 {
	k := int(float64(len(ac)-2) / (lag * 1.04))
	if k < 1 || lag < 2 {
		return 0
	}
	lo := max(1, int(math.Floor(float64(k)*lag*0.97)))
	hi := min(len(ac)-2, int(math.Ceil(float64(k)*lag*1.03)))
	best := -1
	for l := lo; l <= hi; l++ {
		if ac[l] >= ac[l-1] && ac[l] >= ac[l+1] && (best < 0 || ac[l] > ac[best]) {
			best = l
		}
	}
	if best < 0 {
		return 0
	}
	return refine(ac, best) / float64(k)
}

// peakNear returns the lag of the largest autocorrelation within ±8 % of lag,
// or -1 when that range is outside [minLag, maxLag].
func peakNear(ac []float64, lag float64, minLag, maxLag int) int {
	lo := max(minLag, int(math.Floor(lag*0.92)))
	hi := min(maxLag, int(math.Ceil(lag*1.08)))
	best := -1
	for l := lo; l <= hi; l++ {
		if best < 0 || ac[l] > ac[best] {
			best = l
		}
	}
	return best
}

// refine interpolates the peak at lag l with a parabola through its neighbours.
func refine(ac []float64, l int) float64 {
	if l <= 0 || l >= len(ac)-1 {
		return float64(l)
	}
	a, b, c := ac[l-1], ac[l], ac[l+1]
	den := a - 2*b + c
	if den >= 0 {
		return float64(l)
	}
	return float64(l) + math.Max(-0.5, math.Min(0.5, 0.5*(a-c)/den))
}

// viterbiLags finds the smoothest sequence of lags (one per second) through
// the per-second scores, penalising squared log-ratio jumps between seconds.
func viterbiLags(score []float32, secs, ns, lo int, period float64) []float64 {
	const jump = 25.0 // penalty per (ln ratio)² between consecutive seconds
	cost := make([]float64, ns)
	next := make([]float64, ns)
	back := make([]int32, secs*ns)
	logl := make([]float64, ns)
	for i := range logl {
		logl[i] = math.Log(float64(lo + i))
	}
	// Where the global period is still supported (a lag within ±15 % of it
	// scores at least tempoHold of the second's best), the local period
	// stays within that range: a passage whose accents group in threes
	// against the beat (a ballad's dotted-eighth riff, 4:3 against it) is
	// not a new tempo. Where the support is gone, the tempo is free to
	// change (a real tempo change leaves the old period nothing).
	lp := math.Log(period)
	support := make([]float32, secs)
	for sec := range support {
		for i := 0; i < ns; i++ {
			if math.Abs(logl[i]-lp) < tempoNear {
				support[sec] = max(support[sec], score[sec*ns+i])
			}
		}
	}
	pull := make([]float64, secs*ns)
	for sec := 0; sec < secs; sec++ {
		// Support that lasts: where it fades away within seconds, the
		// tempo has changed, and the sooner the path follows the better.
		if slices.Min(support[sec:min(secs, sec+tempoLast)]) < tempoHold {
			continue
		}
		for i := 0; i < ns; i++ {
			if math.Abs(logl[i]-lp) >= tempoNear {
				pull[sec*ns+i] = tempoPull
			}
		}
	}
	for i := range cost {
		d := logl[i] - lp
		cost[i] = float64(score[i]) - 2*d*d
	}
	for sec := 1; sec < secs; sec++ {
		for i := 0; i < ns; i++ {
			best, arg := math.Inf(-1), 0
			for j := 0; j < ns; j++ {
				d := logl[i] - logl[j]
				if v := cost[j] - jump*d*d; v > best {
					best, arg = v, j
				}
			}
			next[i] = best + float64(score[sec*ns+i]) - pull[sec*ns+i]
			back[sec*ns+i] = int32(arg)
		}
		cost, next = next, cost
	}
	path := make([]float64, secs)
	i := 0
	for j := range cost {
		if cost[j] > cost[i] {
			i = j
		}
	}
	for sec := secs - 1; sec >= 0; sec-- {
		// Between whole lags by a parabola through the second's scores: at
		// 45 Hz one lag is 6 % of a fast beat, and a rigid tracker would
		// drift off the beat by that much.
		row := score[sec*ns : (sec+1)*ns]
		d := 0.0
		if i > 0 && i < ns-1 {
			a, b, c := float64(row[i-1]), float64(row[i]), float64(row[i+1])
			if den := a - 2*b + c; den < 0 {
				d = math.Max(-0.5, math.Min(0.5, 0.5*(a-c)/den))
			}
		}
		path[sec] = float64(lo+i) + d
		i = int(back[sec*ns+i])
	}
	return path
}

// trackBeats places pulses (here the ticks) by dynamic programming (Ellis
// 2007): each gathers the onset strength at its frame plus the best score of
// a previous one about one local period earlier, penalised by the squared
// log deviation from that period. In silence the penalty is relaxed so that
// the pulse may start afresh when the music returns. It returns the frames
// in order.
func trackBeats(onset []float32, active []bool, periods []float32) []int {
	n := len(onset)
	score := make([]float32, n)
	back := make([]int32, n)
	// ln of every lag once, so the inner loop has no transcendental calls.
	maxLag := int(math.Ceil(1.4*float64(slices.Max(periods)))) + 1
	logLag := make([]float32, maxLag+1)
	for l := 1; l <= maxLag; l++ {
		logLag[l] = float32(math.Log(float64(l)))
	}
	for t := 0; t < n; t++ {
		p := float64(periods[t])
		lo, hi := int(0.7*p), min(int(math.Ceil(1.4*p)), maxLag)
		best, arg := float32(0), int32(-1)
		lp := float32(math.Log(p))
		alpha := float32(tightness)
		if !active[t] {
			alpha *= 0.05
		}
		for l := lo; l <= hi && t-l >= 0; l++ {
			d := logLag[l] - lp
			if v := score[t-l] - alpha*d*d; arg < 0 || v > best {
				best, arg = v, int32(t-l)
			}
		}
		o := onset[t]
		if !active[t] {
			o = 0
		}
		if arg < 0 || best < 0 {
			// Starting a new chain beats a chain that costs more than it earns.
			score[t], back[t] = o, -1
		} else {
			score[t], back[t] = o+best, arg
		}
	}
	// End at the best-scoring frame among the last period of the last active
	// stretch.
	last := n - 1
	for last > 0 && !active[last] {
		last--
	}
	p := int(periods[last])
	end := last
	for t := max(0, last-p); t <= last; t++ {
		if score[t] > score[end] {
			end = t
		}
	}
	var beats []int
	for t := int32(end); t >= 0; t = back[t] {
		beats = append(beats, int(t))
	}
	slices.Reverse(beats)
	return beats
}

// refinePeriods replaces the local periods (at beatRate) by the mean beat
// interval over the sixteen beats around each frame, where the beats run
// regularly and that mean is within 10 % of the period it replaces. It
// reports whether any period changed.
func refinePeriods(frames []int, periods []float32) bool {
	const half = 8
	nb := len(frames)
	if nb < 2*half+1 {
		return false
	}
	// The mean interval around beat i, from beat i-half to beat i+half
	// within one regular stretch.
	local := make([]float32, nb)
	for i := range frames {
		lo, hi := i, i
		for lo > 0 && i-lo < half && inStep(float64(frames[lo]-frames[lo-1]), float64(periods[frames[lo]])) {
			lo--
		}
		for hi < nb-1 && hi-i < half && inStep(float64(frames[hi+1]-frames[hi]), float64(periods[frames[hi]])) {
			hi++
		}
		if hi-lo >= half {
			local[i] = float32(frames[hi]-frames[lo]) / float32(hi-lo)
		}
	}
	// Where the tempo itself changes (within two seconds either way) the
	// ticks' mean interval mixes the two tempi: the tracked period stands.
	orig := slices.Clone(periods)
	const span = 2 * melRate
	changing := func(t int) bool {
		a, b := orig[max(0, t-span)], orig[min(len(orig)-1, t+span)]
		return math.Abs(math.Log(float64(b)/float64(a))) > 0.03
	}
	changed := false
	for i := 0; i < nb; i++ {
		from, to := frames[i], len(periods)
		if i+1 < nb {
			to = frames[i+1]
		}
		if i == 0 {
			from = 0
		}
		a, b := local[i], local[min(i+1, nb-1)]
		if a == 0 || b == 0 {
			continue
		}
		for t := from; t < to; t++ {
			u := float32(t-frames[i]) / float32(max(1, to-frames[i]))
			u = max(0, min(1, u))
			p := (1-u)*a + u*b
			if p > 0.9*periods[t] && p < 1.1*periods[t] && !changing(t) {
				periods[t] = p
				changed = true
			}
		}
	}
	return changed
}

// choosePhase takes every other tick as the beat: within each steady
// stretch of ticks (broken by silence or a tempo jump) by Viterbi over
// the two sides, whose evidence per tick is how much more the kick band and
// the full band sound on it than on its neighbours, with a high cost on the
// beat changing sides: in a song with a steady pulse the beat does not
// move by half a beat, and a passage that accents only the off-beats
// (an intro, a syncopated riff) is beaten on the beats the rest of the
// song establishes.
func choosePhase(fe features, ticks []int, half []float32) []int {
	n := len(fe.onset)
	nt := len(ticks)
	if nt == 0 {
		return nil
	}
	k := make([]float64, nt)
	o := make([]float64, nt)
	for i, f := range ticks {
		// The low bands' flux peaks a few frames after the attack.
		k[i] = phaseKick*float64(series.MaxOver(fe.kick, max(0, f-1), min(n-1, f+lowLag))) -
			phaseSnare*float64(series.MaxOver(fe.snare, max(0, f-1), min(n-1, f+lowLag)))
		o[i] = float64(series.MaxOver(fe.onset, max(0, f-1), min(n-1, f+1)))
	}
	// A clear tempo change (the local period moving by more than 8 % within
	// a second) starts a stretch afresh, as a silence does.
	jump := func(a, b int) bool {
		for t := a + 1; t <= b; t++ {
			if math.Abs(math.Log(float64(half[t])/float64(half[max(0, t-melRate)]))) > 0.08 {
				return true
			}
		}
		return false
	}
	same := func(i int) bool { // ticks i-1 and i are in one stretch
		a, b := ticks[i-1], ticks[i]
		return inStep(float64(b-a), float64(half[a])) && !series.GapBetween(fe.active, a, b) && !jump(a, b)
	}
	ev := make([]float64, nt)
	for i := range ticks {
		var kn, on float64
		c := 0.0
		if i > 0 && same(i) {
			kn, on, c = kn+k[i-1], on+o[i-1], c+1
		}
		if i+1 < nt && same(i+1) {
			kn, on, c = kn+k[i+1], on+o[i+1], c+1
		}
		if c > 0 {
			ev[i] = (k[i] - kn/c) + phaseOnset*(o[i]-on/c)
		}
	}
	// Viterbi: state s at tick i says tick i is a beat when (i+s) is even.
	back := make([]int8, 2*nt)
	var cost [2]float64
	for i := range ticks {
		var next [2]float64
		for s := 0; s < 2; s++ {
			gain := 0.0
			if (i+s)%2 == 0 {
				gain = ev[i]
			}
			if i == 0 || !same(i) {
				// A new stretch starts afresh from the best so far.
				best := 0
				if cost[1] > cost[0] {
					best = 1
				}
				next[s], back[2*i+s] = cost[best]+gain, int8(best)
				continue
			}
			stay, swap := cost[s], cost[1-s]-phaseSwitch
			if stay >= swap {
				next[s], back[2*i+s] = stay+gain, int8(s)
			} else {
				next[s], back[2*i+s] = swap+gain, int8(1-s)
			}
		}
		cost = next
	}
	s := 0
	if cost[1] > cost[0] {
		s = 1
	}
	var beats []int
	for i := nt - 1; i >= 0; i-- {
		if (i+s)%2 == 0 {
			beats = append(beats, ticks[i])
		}
		s = int(back[2*i+s])
	}
	slices.Reverse(beats)
	return beats
}

// tempoPeriods brings the local periods from beatRate to mel frames.
func tempoPeriods(periods2 []float32, n int) []float32 {
	periods := make([]float32, n)
	for t := range periods {
		periods[t] = 2 * periods2[min(t/2, len(periods2)-1)]
	}
	return periods
}

// describeBeats keeps the beats where music plays and that the music
// supports, refines their times and measures each one. Beats in silence go;
// so do runs of two or more beats without onsets at the ends of the music or
// within it (a held chord or a fermata: the conductor holds rather than
// beats). It returns the beats and their frames.
func describeBeats(fe features, frames []int, periods []float32) ([]Beat, []int) {
	n := len(fe.onset)
	peak := func(f int) float32 {
		var m float32
		for t := max(0, f-2); t <= min(n-1, f+2); t++ {
			m = max(m, fe.onset[t])
		}
		return m
	}
	var kept []int
	var strength []float32
	for _, f := range frames {
		if fe.active[f] {
			kept = append(kept, f)
			strength = append(strength, peak(f))
		}
	}
	if len(kept) == 0 {
		return nil, nil
	}
	med := median(strength)
	// A beat is weak when nothing sounds from it to the next: on it or
	// on its off-beat (a riff on the off-beats is still music to beat).
	weak := make([]bool, len(kept))
	for i, s := range strength {
		f := kept[i]
		span := series.MaxOver(fe.onset, f+3, f+int(0.75*float64(periods[f])))
		weak[i] = max(s, span) < 0.3*med
	}
	// Drop runs of ≥ 2 weak beats, and weak beats that start or end the
	// music or border a silence.
	drop := make([]bool, len(kept))
	for i := 0; i < len(kept); {
		if !weak[i] {
			i++
			continue
		}
		j := i
		for j < len(kept) && weak[j] {
			j++
		}
		edge := i == 0 || j == len(kept) || series.GapBetween(fe.active, kept[i-1], kept[i]) || series.GapBetween(fe.active, kept[j-1], kept[j])
		if j-i >= 2 || edge {
			for k := i; k < j; k++ {
				drop[k] = true
			}
		}
		i = j
	}
	var beats []Beat
	var out []int
	for i, f := range kept {
		if drop[i] {
			continue
		}
		p := float64(periods[f])
		// Sub-frame time from a parabola through the onset peak.
		tf := float64(f)
		if f > 0 && f < n-1 {
			a, b, c := float64(fe.onset[f-1]), float64(fe.onset[f]), float64(fe.onset[f+1])
			if den := a - 2*b + c; den < 0 && b >= a && b >= c {
				tf += 0.5 * (a - c) / den
			}
		}
		// Loudness just after the beat and half a beat later: a fast fall
		// means staccato.
		l0 := series.MaxOver(fe.loud, f, f+11) // the next 0.12 s
		l1 := fe.loud[min(n-1, f+int(0.6*p))]
		sharp := float32(math.Max(0, math.Min(1, float64(l0-l1)/0.08)))
		beats = append(beats, Beat{
			Time:     tf/melRate - onsetLatency,
			Strength: strength[i] / max(med, 1e-6),
			Sharp:    sharp,
			Loud:     l0,
		})
		out = append(out, f)
	}
	steady(beats, out, periods)
	return beats, out
}

// steady evens out the beat times where the beat is regular: each beat moves
// nearly all the way to a parabola through the sixteen beats on either side
// (index against time, within one stretch at about one tempo), unless it lies
// far from it (rubato), where the music's own time stands. The onset peak of a real mix wanders by
// 10–40 ms around the beat (a guitar's pick before the kick, a flam); a
// conductor's beat does not.
func steady(beats []Beat, frames []int, periods []float32) {
	const (
		half   = 16
		keep   = 0.1  // share of the deviation from the curve that stays
		beyond = 0.07 // seconds: farther from the curve is the music's own time
	)
	nb := len(beats)
	raw := make([]float64, nb)
	for i, b := range beats {
		raw[i] = b.Time
	}
	for i := range beats {
		p := float64(periods[frames[i]]) / melRate
		lo, hi := i, i
		// Neighbours within one stretch of regular beats at about this
		// tempo (a tempo step ends the stretch).
		near := func(j int) bool {
			return math.Abs(math.Log(float64(periods[frames[j]])/float64(periods[frames[i]]))) < 0.1
		}
		for lo > 0 && i-lo < half && inStep(raw[lo]-raw[lo-1], p) && near(lo-1) {
			lo--
		}
		for hi < nb-1 && hi-i < half && inStep(raw[hi+1]-raw[hi], p) && near(hi+1) {
			hi++
		}
		if hi-lo < 4 {
			continue
		}
		// A parabola (index against time): a steady tempo and one changing
		// evenly (a ritardando) both lie on it. Fitted twice, the second
		// time without the beats far from the first fit (a stray onset, the
		// edge of a tempo change).
		line, ok := fitParabola(raw, i, lo, hi, nil, 0)
		if !ok {
			continue
		}
		if line, ok = fitParabola(raw, i, lo, hi, &line, beyond); !ok {
			continue
		}
		if d := -line.a; math.Abs(d) < beyond {
			beats[i].Time = raw[i] + line.a + keep*d
		}
	}
}

// fitParabola fits y = a + b·x + c·x² to the times raw[lo..hi] against x =
// j − i by least squares, about raw[i]. With a previous fit (prev) it leaves
// out the points farther than tol from that one: a cheap robust second pass.
func fitParabola(raw []float64, i, lo, hi int, prev *fit, tol float64) (fit, bool) {
	var s [5]float64
	var ty [3]float64
	for j := lo; j <= hi; j++ {
		x, y := float64(j-i), raw[j]-raw[i]
		if prev != nil && math.Abs(y-prev.at(x)) > tol {
			continue
		}
		s[0]++
		s[1] += x
		s[2] += x * x
		s[3] += x * x * x
		s[4] += x * x * x * x
		ty[0] += y
		ty[1] += x * y
		ty[2] += x * x * y
	}
	if s[0] < 5 {
		return fit{}, false
	}
	det := det3(s[0], s[1], s[2], s[1], s[2], s[3], s[2], s[3], s[4])
	if math.Abs(det) < 1e-12 {
		return fit{}, false
	}
	return fit{
		a: det3(ty[0], s[1], s[2], ty[1], s[2], s[3], ty[2], s[3], s[4]) / det,
		b: det3(s[0], ty[0], s[2], s[1], ty[1], s[3], s[2], ty[2], s[4]) / det,
		c: det3(s[0], s[1], ty[0], s[1], s[2], ty[1], s[2], s[3], ty[2]) / det,
		t: raw[i],
	}, true
}

// fit is a parabola a + b·x + c·x² about the time t of beat i (x = j − i).
type fit struct{ a, b, c, t float64 }

// at is the fit's offset from t at x.
func (f fit) at(x float64) float64 { return f.a + f.b*x + f.c*x*x }

// det3 is the determinant of the 3×3 matrix with rows (a b c), (d e f), (g h i).
func det3(a, b, c, d, e, f, g, h, i float64) float64 {
	return a*(e*i-f*h) - b*(d*i-f*g) + c*(d*h-e*g)
}

// inStep says whether an interval is one beat of period p.
func inStep(d, p float64) bool { return d > 0.75*p && d < 1.33*p }

func median(x []float32) float32 {
	c := slices.Clone(x)
	slices.Sort(c)
	return c[len(c)/2]
}

// detectMetre finds the metre and the downbeat from accent periodicity: each
// beat's accent is its low-band onset (bass, timpani), its loudness and the
// harmonic change across it; the metre and phase are those whose beats in
// one position stand out most from the others. It sets InBar on every beat.
func detectMetre(fe features, beats []Beat, frames []int, periods []float32) int {
	nb := len(beats)
	if nb < 8 {
		for i := range beats {
			beats[i].InBar = i % 4
		}
		return 4
	}
	n := len(fe.onset)
	g := fe.nGroups
	low := make([]float64, nb)
	loud := make([]float64, nb)
	harm := make([]float64, nb)
	var before, after [16]float64
	for i, f := range frames {
		low[i] = float64(series.MaxOver(fe.low, f-2, f+3))
		loud[i] = float64(beats[i].Loud)
		w := int(0.5 * float64(periods[f]))
		clear(before[:g])
		clear(after[:g])
		for t := max(0, f-w); t < f; t++ {
			for k := 0; k < g; k++ {
				before[k] += float64(fe.chroma[t*g+k])
			}
		}
		for t := f; t < min(n, f+w); t++ {
			for k := 0; k < g; k++ {
				after[k] += float64(fe.chroma[t*g+k])
			}
		}
		harm[i] = 1 - cosine(before[:g], after[:g])
	}
	acc := make([]float64, nb)
	for _, feat := range []struct {
		x []float64
		w float64
	}{{low, 1}, {loud, 0.5}, {harm, 1}} {
		zscore(feat.x)
		for i := range acc {
			acc[i] += feat.w * feat.x[i]
		}
	}
	bestM, bestPhase, bestScore := 4, 0, math.Inf(-1)
	for _, m := range []int{4, 3, 2} {
		for ph := 0; ph < m; ph++ {
			var on, off float64
			var non, noff int
			for i, a := range acc {
				if (i-ph)%m == 0 {
					on += a
					non++
				} else {
					off += a
					noff++
				}
			}
			sc := on/float64(max(non, 1)) - off/float64(max(noff, 1))
			if sc > bestScore+1e-9 {
				bestM, bestPhase, bestScore = m, ph, sc
			}
		}
	}
	for i := range beats {
		beats[i].InBar = ((i-bestPhase)%bestM + bestM) % bestM
	}
	return bestM
}

func cosine(a, b []float64) float64 {
	var ab, aa, bb float64
	for i := range a {
		ab += a[i] * b[i]
		aa += a[i] * a[i]
		bb += b[i] * b[i]
	}
	if aa == 0 || bb == 0 {
		return 1
	}
	return ab / math.Sqrt(aa*bb)
}

func zscore(x []float64) {
	var s, ss float64
	for _, v := range x {
		s += v
		ss += v * v
	}
	m := s / float64(len(x))
	sd := math.Sqrt(math.Max(ss/float64(len(x))-m*m, 0))
	for i := range x {
		if sd > 1e-12 {
			x[i] = (x[i] - m) / sd
		} else {
			x[i] = 0
		}
	}
}

func abs32(x float32) float32 { return math.Float32frombits(math.Float32bits(x) &^ (1 << 31)) }
