package audio

import (
	"math"
	"runtime"
	"sync"

	"github.com/mjibson/go-dsp/fft"
)

// hannWindow is the periodic Hann window of length nFFT, computed once.
var hannWindow = sync.OnceValue(func() []float64 {
	w := make([]float64, nFFT)
	for i := range w {
		w[i] = 0.5 - 0.5*math.Cos(2*math.Pi*float64(i)/nFFT)
	}
	return w
})

// melStream is the streaming STFT + filterbank of SPEC §2 steps 2–3: it takes
// 22 050 Hz samples as they come and keeps only the 128 band energies of each
// frame (float32), plus one window of samples. The dB scale needs the global
// maximum, so the rest of the recipe waits for finish.
type melStream struct {
	zeroPad bool

	win     []float32 // samples x[winBase:], the ones frames still need
	winBase int
	n       int // samples written
	next    int // next frame to compute

	power   []float32 // computed frames × MelBands, lowest band first
	fw      []*frameWorker
	workers int
}

// newMelStream makes a stream; capFrames is a guess of the final mel length
// (0 if unknown) so the frame buffer can later be resized in place.
func newMelStream(opt Options, capFrames int) *melStream {
	singleWorkerFFT()
	return &melStream{
		zeroPad: opt.ZeroPad,
		power:   make([]float32, 0, capFrames*MelBands),
		workers: runtime.GOMAXPROCS(0),
	}
}

// reserve makes room for capFrames frames in the frame buffer, once the
// length is known (the decoder learns it while the first frames arrive).
func (s *melStream) reserve(capFrames int) {
	if need := capFrames * MelBands; cap(s.power) < need {
		grown := make([]float32, len(s.power), need)
		copy(grown, s.power)
		s.power = grown
	}
}

// write appends samples and computes every frame that no longer depends on
// samples to come: frame f covers padded samples 256f..256f+2047, i.e.
// signal samples 256f-1024..256f+1023, and the left reflection needs x[1024].
func (s *melStream) write(x []float32) {
	s.trim()
	s.win = append(s.win, x...)
	s.n += len(x)
	if s.n >= nFFT/2+1 {
		s.frames((s.n-nFFT/2-1)/hop+1, s.n)
	}
}

// finish computes the frames that reach past the end (reflected or zero
// padded) and returns the band energies of all 1 + n/256 frames.
func (s *melStream) finish() (power []float32, frames int) {
	if s.n == 0 {
		return nil, 0
	}
	frames = 1 + s.n/hop
	s.frames(frames, s.n)
	return s.power, frames
}

// trim drops samples no remaining frame can reach (keeping 3072 samples
// before the next frame's centre, enough for the right reflection at the end).
func (s *melStream) trim() {
	keep := max(0, hop*s.next-3*nFFT/2)
	drop := keep - s.winBase
	if drop < 1<<16 || drop < len(s.win)/2 {
		return
	}
	s.win = append(s.win[:0], s.win[drop:]...)
	s.winBase += drop
}

// frames computes frames s.next..end-1, knowing n samples, split across
// workers, each with its own FFT plan.
func (s *melStream) frames(end, n int) {
	count := end - s.next
	if count <= 0 {
		return
	}
	need := end * MelBands
	if cap(s.power) < need {
		grown := make([]float32, len(s.power), max(need, 2*cap(s.power)))
		copy(grown, s.power)
		s.power = grown
	}
	s.power = s.power[:need]
	parts := s.workers
	if count < 32 || parts < 2 {
		parts = 1
	}
	for len(s.fw) < parts {
		s.fw = append(s.fw, newFrameWorker())
	}
	var wg sync.WaitGroup
	for p := 0; p < parts; p++ {
		a, b := s.next+count*p/parts, s.next+count*(p+1)/parts
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.frameRange(s.fw[p], a, b, n)
		}()
	}
	wg.Wait()
	s.next = end
}

// frameWorker is one worker's buffers, kept for the whole stream.
//
// The FFT is go-dsp's (the project's chosen FFT). It allocates its output and
// starts goroutines on every call, so frames go through it two at a time: one
// complex FFT of (frame a) + i·(frame b) yields both real spectra, since
// A[k] = (Z[k] + conj Z[N−k])/2 and B[k] = (Z[k] − conj Z[N−k])/2i. That halves
// the calls and the garbage; the garbage matters because the GC lets it grow
// as large as the live heap, which for a long song is the mel itself.
type frameWorker struct {
	a, b []float64
	z    []complex128
	pa   []float64
	pb   []float64
}

func newFrameWorker() *frameWorker {
	return &frameWorker{
		a:  make([]float64, nFFT),
		b:  make([]float64, nFFT),
		z:  make([]complex128, nFFT),
		pa: make([]float64, nBins),
		pb: make([]float64, nBins),
	}
}

// singleWorkerFFT makes go-dsp run each FFT on the calling goroutine's one
// worker: frames are already spread over the cores, and its default (a
// worker per core for every call) only adds hand-offs to every stage.
var singleWorkerFFT = sync.OnceFunc(func() { fft.SetWorkerPoolSize(1) })

// frameRange computes frames a..b-1 into s.power.
func (s *melStream) frameRange(fw *frameWorker, a, b, n int) {
	bank, w := melBank(), hannWindow()
	for f := a; f < b; f += 2 {
		s.frame(f, n, fw.a)
		pair := f+1 < b
		if pair {
			s.frame(f+1, n, fw.b)
		} else {
			clear(fw.b)
		}
		for j, v := range w {
			fw.z[j] = complex(fw.a[j]*v, fw.b[j]*v)
		}
		z := fft.FFT(fw.z)
		for k := 0; k < nBins; k++ {
			zk, zn := z[k], z[(nFFT-k)%nFFT]
			// 2A = zk + conj(zn), 2B·i = zk − conj(zn).
			ar, ai := real(zk)+real(zn), imag(zk)-imag(zn)
			br, bi := imag(zk)+imag(zn), real(zn)-real(zk)
			fw.pa[k] = (ar*ar + ai*ai) / 4
			fw.pb[k] = (br*br + bi*bi) / 4
		}
		bank.apply(fw.pa, s.power[f*MelBands:(f+1)*MelBands])
		if pair {
			bank.apply(fw.pb, s.power[(f+1)*MelBands:(f+2)*MelBands])
		}
	}
}

// frame copies the nFFT samples of frame f (centred: signal samples
// 256f-1024 …) into dst, padding outside 0..n-1 by reflection or zeros.
func (s *melStream) frame(f, n int, dst []float64) {
	i0 := hop*f - nFFT/2
	if i0 >= 0 && i0+nFFT <= n {
		src := s.win[i0-s.winBase : i0-s.winBase+nFFT]
		for j, v := range src {
			dst[j] = float64(v)
		}
		return
	}
	for j := range dst {
		i := i0 + j
		if i < 0 || i >= n {
			if s.zeroPad {
				dst[j] = 0
				continue
			}
			i = reflectIndex(i, n)
		}
		dst[j] = float64(s.win[i-s.winBase])
	}
}

// reflectIndex maps an index outside 0..n-1 into it as numpy's "reflect"
// padding does (mirror without repeating the edge, repeatedly if needed).
func reflectIndex(i, n int) int {
	if n == 1 {
		return 0
	}
	period := 2 * (n - 1)
	i %= period
	if i < 0 {
		i += period
	}
	if i >= n {
		i = period - i
	}
	return i
}
