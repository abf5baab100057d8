package audio

import (
	"math"
	"runtime"
	"sync"
)

// MelSpectrogram computes the ConductorMotion100 mel (SPEC §2 steps 2–7) of
// mono samples at SampleRate Hz. Only opt.ZeroPad matters here. An input too
// short for one 90 Hz frame (under 1/90 s) gives an empty Mel.
func MelSpectrogram(samples []float32, opt Options) Mel {
	s := newMelStream(opt, melFrames(len(samples)))
	// Feed in blocks, as a decoder would, so the frame buffer grows the same
	// way and the work is split across cores batch by batch.
	const block = 1 << 16
	for i := 0; i < len(samples); i += block {
		s.write(samples[i:min(i+block, len(samples))])
	}
	return s.mel()
}

// melFrames is the number of 90 Hz frames for n samples at 22 050 Hz:
// int(n / 22050 · 90), evaluated in the reference's order.
func melFrames(n int) int { return int(float64(n) / SampleRate * MelRate) }

// mel finishes the stream: dB relative to the loudest value, 80 dB range,
// scaled to [0,1], bands flipped, time axis resized to 90 Hz (steps 4–7).
// It works in place on the frame buffer, so a two-hour song needs one
// mel-sized buffer, not two.
func (s *melStream) mel() Mel {
	power, src := s.finish()
	w := melFrames(s.n)
	if src == 0 || w == 0 {
		return Mel{}
	}
	normalise(power)
	data := power
	if need := w * MelBands; cap(data) >= need {
		data = data[:need]
	} else {
		data = make([]float32, need)
		copy(data, power)
	}
	s.power = nil
	resizeRows(data, src, w)
	return Mel{Frames: w, Data: data[:w*MelBands]}
}

// normalise turns band energies into the [0,1] scale in place: 0 at 80 dB
// below the loudest value, 1 at it; each row reversed so the highest band
// comes first. When nothing rises above the power floor (digital silence)
// every value is 0, the floor, rather than librosa's 0 dB everywhere.
func normalise(power []float32) {
	var peak float32
	for _, v := range power {
		peak = max(peak, v)
	}
	if float64(peak) <= ampMin {
		clear(power)
		return
	}
	ref := 10 * math.Log10(float64(peak))
	// This runs once the stream has ended, so nothing overlaps it: a
	// logarithm per value is worth splitting across the cores.
	rows := len(power) / MelBands
	parts := runtime.GOMAXPROCS(0)
	if rows < 1024 || parts < 2 {
		parts = 1
	}
	var wg sync.WaitGroup
	for p := 0; p < parts; p++ {
		a, b := rows*p/parts, rows*(p+1)/parts
		wg.Add(1)
		go func() {
			defer wg.Done()
			normaliseRows(power[a*MelBands:b*MelBands], ref)
		}()
	}
	wg.Wait()
}

// normaliseRows is normalise's per-value work on whole rows.
func normaliseRows(power []float32, ref float64) {
	for r := 0; r+MelBands <= len(power); r += MelBands {
		row := power[r : r+MelBands]
		for i, v := range row {
			db := 10*math.Log10(math.Max(float64(v), ampMin)) - ref
			db = math.Max(db, -topDB)
			row[i] = float32(math.Abs(db+topDB) / topDB)
		}
		for i, j := 0, MelBands-1; i < j; i, j = i+1, j-1 {
			row[i], row[j] = row[j], row[i]
		}
	}
}

// resizeRows resamples src rows of MelBands values to w rows in place (data
// holds at least max(src,w) rows) with OpenCV's bilinear rule in float64
// coordinates (SPEC §2 step 6). Output row d reads source rows ≤ d when
// stretching and ≥ d when shrinking, so walking backwards or forwards
// respectively never reads a row already overwritten.
func resizeRows(data []float32, src, w int) {
	scale := float64(src) / float64(w)
	var tmp [MelBands]float32
	row := func(d int) {
		fx := (float64(d)+0.5)*scale - 0.5
		sx := int(math.Floor(fx))
		a := fx - float64(sx)
		if sx < 0 {
			sx, a = 0, 0
		}
		if sx >= src-1 {
			sx, a = src-1, 0
		}
		c0 := data[sx*MelBands : (sx+1)*MelBands]
		if a == 0 {
			copy(tmp[:], c0)
		} else {
			c1 := data[(sx+1)*MelBands : (sx+2)*MelBands]
			for i := range tmp {
				tmp[i] = float32((1-a)*float64(c0[i]) + a*float64(c1[i]))
			}
		}
		copy(data[d*MelBands:(d+1)*MelBands], tmp[:])
	}
	if w >= src {
		for d := w - 1; d >= 0; d-- {
			row(d)
		}
	} else {
		for d := 0; d < w; d++ {
			row(d)
		}
	}
}
