package audio

// PLACEHOLDER: the audio helper replaces this file with the real decoder.

import (
	"context"
	"errors"
)

// Options controls decoding and the mel recipe.
type Options struct {
	ZeroPad    bool    // librosa ≥ 0.9 zero padding of the STFT instead of reflect (SPEC §2 step 2)
	FFmpeg     string  // ffmpeg executable; "" means "ffmpeg" on PATH
	FFprobe    string  // ffprobe executable; "" means "ffprobe" on PATH
	MaxSeconds float64 // refuse longer inputs; 0 means no limit
}

// Info describes a loaded input.
type Info struct {
	Path       string
	SampleRate int     // the file's own rate (0 for a .npy mel)
	Channels   int     // the file's channel count (0 for a .npy mel)
	Seconds    float64 // duration of the decoded audio (for a .npy mel, Frames/90)
	HasAudio   bool    // false for a .npy mel: there is no soundtrack to mux
}

// Load decodes path (any file ffmpeg reads, or a [T,128] .npy mel) into a mel.
func Load(ctx context.Context, path string, opt Options) (Mel, Info, error) {
	return Mel{}, Info{}, errors.New("audio.Load: not written yet")
}
