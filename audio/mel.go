// Package audio turns a sound file into the mel spectrogram that conducting
// models were trained on (ConductorMotion100's recipe, SPEC §2).
package audio

// The mel feature's fixed parameters (SPEC §2).
const (
	SampleRate = 22050 // Hz, the rate every file is resampled to
	MelRate    = 90    // mel frames per second
	MelBands   = 128   // mel bands per frame
)

// Mel is a mel spectrogram at MelRate frames per second: Data is row-major
// [Frames][MelBands], values in [0,1], column 0 the highest band.
type Mel struct {
	Frames int
	Data   []float32
}

// FrameRate is the mel's frame rate in frames per second.
func (Mel) FrameRate() float64 { return MelRate }

// Row returns the MelBands values of frame i (shared, not copied).
func (m Mel) Row(i int) []float32 { return m.Data[i*MelBands : (i+1)*MelBands] }

// Seconds is the duration the mel covers.
func (m Mel) Seconds() float64 { return float64(m.Frames) / MelRate }

// MotionFrames is the number of 30 fps motion frames a model makes from this mel.
func (m Mel) MotionFrames() int { return m.Frames / 3 }
