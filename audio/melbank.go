package audio

import (
	"math"
	"sync"
)

// STFT and filterbank parameters of the ConductorMotion100 mel (SPEC §2).
const (
	nFFT    = 2048
	hop     = 256
	nBins   = nFFT/2 + 1
	melFMax = SampleRate / 2.0
	ampMin  = 1e-10 // power floor before taking dB (librosa's amin)
	topDB   = 80.0  // dynamic range kept below the loudest value
)

// melBand is one triangular filter, stored sparsely: weights for the FFT
// bins first, first+1, ….
type melBand struct {
	first   int
	weights []float64
}

// melBankT is the 128-band Slaney filterbank, lowest band first.
type melBankT [MelBands]melBand

// melBank builds the filterbank once; it is immutable.
var melBank = sync.OnceValue(func() *melBankT {
	// Band edges: MelBands+2 points evenly spaced on the Slaney mel scale.
	lo, hi := hzToMel(0), hzToMel(melFMax)
	var edges [MelBands + 2]float64
	for i, m := range linspace(lo, hi, len(edges)) {
		edges[i] = melToHz(m)
	}
	fftFreqs := linspace(0, SampleRate/2.0, nBins)
	bank := new(melBankT)
	for m := 0; m < MelBands; m++ {
		lower := edges[m+1] - edges[m]
		upper := edges[m+2] - edges[m+1]
		enorm := 2 / (edges[m+2] - edges[m])
		first, last := -1, -1
		var w [nBins]float64
		for k, f := range fftFreqs {
			v := math.Max(0, math.Min(-(edges[m]-f)/lower, (edges[m+2]-f)/upper))
			// librosa stores the triangle in float32, then scales it
			// in place (float32 · float64 → float32); so do we.
			v = float64(float32(float64(float32(v)) * enorm))
			if v > 0 {
				if first < 0 {
					first = k
				}
				last = k
			}
			w[k] = v
		}
		if first >= 0 {
			bank[m] = melBand{first: first, weights: append([]float64(nil), w[first:last+1]...)}
		}
	}
	return bank
})

// hzToMel is the Slaney mel scale: linear below 1 kHz, logarithmic above.
func hzToMel(f float64) float64 {
	const fSp = 200.0 / 3
	if f < 1000 {
		return f / fSp
	}
	return 1000/fSp + math.Log(f/1000)/(math.Log(6.4)/27)
}

// melToHz inverts hzToMel.
func melToHz(m float64) float64 {
	const fSp = 200.0 / 3
	if m < 1000/fSp {
		return m * fSp
	}
	return 1000 * math.Exp(math.Log(6.4)/27*(m-1000/fSp))
}

// apply returns the band energies of one power spectrum (nBins values).
func (b *melBankT) apply(power []float64, out []float32) {
	for m := range b {
		band := &b[m]
		p := power[band.first : band.first+len(band.weights)]
		var s float64
		for i, w := range band.weights {
			s += w * p[i]
		}
		out[m] = float32(s)
	}
}

// linspace is numpy's linspace with its rounding: start + i·step, the last
// point set to stop.
func linspace(start, stop float64, n int) []float64 {
	out := make([]float64, n)
	step := (stop - start) / float64(n-1)
	for i := range out {
		out[i] = float64(i)*step + start
	}
	out[n-1] = stop
	return out
}
