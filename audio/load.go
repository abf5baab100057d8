package audio

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Options controls decoding and the mel recipe.
type Options struct {
	ZeroPad    bool    // librosa ≥ 0.9 zero padding of the STFT instead of reflect (SPEC §2 step 2)
	FFmpeg     string  // ffmpeg executable; "" means "ffmpeg" on PATH
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

// Load decodes path (any file ffmpeg reads, or a [T,128] / [1,T,128] .npy
// mel) into a mel. Audio is decoded, mixed to mono, resampled and analysed
// as a stream, so memory stays bounded by the mel itself however long the
// song. Errors are one line naming the file; cancelling ctx stops ffmpeg.
func Load(ctx context.Context, path string, opt Options) (Mel, Info, error) {
	if err := ctx.Err(); err != nil {
		return Mel{}, Info{}, fmt.Errorf("decode %s: %w", path, err)
	}
	st, err := os.Stat(path)
	switch {
	case err != nil:
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the path is named once, below
		}
		return Mel{}, Info{}, fmt.Errorf("decode %s: %w", path, err)
	case st.IsDir():
		return Mel{}, Info{}, fmt.Errorf("decode %s: is a directory, not a file", path)
	case st.Size() == 0:
		return Mel{}, Info{}, fmt.Errorf("decode %s: empty file", path)
	}
	if strings.EqualFold(filepath.Ext(path), ".npy") {
		return loadNPY(path, opt)
	}
	return decode(ctx, path, opt)
}

func (o Options) ffmpeg() string {
	if o.FFmpeg == "" {
		return "ffmpeg"
	}
	return o.FFmpeg
}

// tooLong is the MaxSeconds refusal.
func tooLong(path string, seconds, limit float64) error {
	return fmt.Errorf("decode %s: %.1f s is longer than the limit of %.1f s", path, seconds, limit)
}
