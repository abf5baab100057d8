package render

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/podium-dev/podium/dataset"
)

// input is one song of the batch.
type input struct {
	Path string // the file, reached from the user's argument
	Rel  string // slash-separated, relative to the folder argument it was found in (a file argument: its base name)
	Out  string // output path without extension: OutDir joined with Rel's stem, made unique
	Err  error  // why it cannot even be tried (an unreadable folder, a broken link); such inputs fail
	// Sample marks a data-set sample: Path is a folder holding mel.npy
	// (the music) and motion.npy (the real conductor's motion).
	Sample bool
}

// isSample reports whether dir is a ConductorMotion100 sample: a folder
// holding both mel.npy and motion.npy (links followed).
func isSample(dir string) bool {
	for _, f := range []string{dataset.MelFile, dataset.MotionFile} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || !st.Mode().IsRegular() {
			return false
		}
	}
	return true
}

// title names the input on screen: its relative path, and for a data-set
// sample named by its number alone, with its split ("val/17").
func (in input) title() string {
	if in.Sample && !strings.Contains(in.Rel, "/") {
		if abs, err := filepath.Abs(in.Path); err == nil {
			return filepath.Base(filepath.Dir(abs)) + "/" + in.Rel
		}
	}
	return in.Rel
}

// source is the file holding the song's music: the file itself, or a
// sample's mel.npy.
func (in input) source() string {
	if in.Sample {
		return filepath.Join(in.Path, dataset.MelFile)
	}
	return in.Path
}

// Ignored is a file in an input folder that is not rendered, and why.
type Ignored struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
}

// isMedia reports whether a file name has the extension of something audio.Load
// reads: audio, video with a soundtrack, or a .npy mel.
func isMedia(name string) bool {
	switch strings.ToLower(path.Ext(name)) {
	case ".mp3", ".wav", ".flac", ".ogg", ".oga", ".opus", ".m4a", ".aac", ".wma",
		".aiff", ".aif", ".mp4", ".mkv", ".webm", ".mov", ".avi", ".npy":
		return true
	}
	return false
}

// discover lists the inputs the arguments name, in argument order and, inside
// a folder, in name order. A file argument is always an input, whatever its
// name; in folders only media files count, hidden names (starting with a dot)
// are passed over, symbolic links are followed, and sub-folders are entered
// with recursive only, each real folder once (so link loops end). A folder
// that is a data-set sample (isSample) is an input of its own, named on the
// command line or met in a folder, recursive or not: it is rendered, not
// entered. The folder
// outDir is never entered: an output folder inside an input folder must not
// feed the videos back in as songs.
func discover(args []string, recursive bool, outDir string) (ins []input, ignored []Ignored) {
	seen := map[string]bool{}
	if real, err := filepath.EvalSymlinks(outDir); err == nil {
		seen[real] = true
	}
	for _, arg := range args {
		st, err := os.Stat(arg)
		if err != nil {
			ins = append(ins, input{Path: arg, Rel: filepath.ToSlash(filepath.Base(arg)), Err: statError(arg, err)})
			continue
		}
		if !st.IsDir() {
			ins = append(ins, input{Path: arg, Rel: filepath.Base(arg)})
			continue
		}
		if isSample(arg) {
			ins = append(ins, input{Path: arg, Rel: filepath.Base(filepath.Clean(arg)), Sample: true})
			continue
		}
		if real, err := filepath.EvalSymlinks(arg); err == nil {
			seen[real] = true
		}
		walk(arg, "", recursive, seen, &ins, &ignored)
	}
	return ins, ignored
}

// walk adds the media files of dir (reached as rel from its argument).
func walk(dir, rel string, recursive bool, seen map[string]bool, ins *[]input, ignored *[]Ignored) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		*ins = append(*ins, input{Path: dir, Rel: rel, Err: fmt.Errorf("read folder %s: %w", dir, unwrapPath(err))})
		return
	}
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			continue
		}
		p, r := filepath.Join(dir, name), path.Join(rel, name)
		st, err := os.Stat(p) // follows links
		if err != nil {
			if isMedia(name) {
				*ins = append(*ins, input{Path: p, Rel: r, Err: statError(p, err)})
			} else {
				*ignored = append(*ignored, Ignored{Path: p, Reason: statError(p, err).Error()})
			}
			continue
		}
		switch {
		case st.IsDir() && isSample(p):
			*ins = append(*ins, input{Path: p, Rel: r, Sample: true})
		case st.IsDir():
			if !recursive {
				*ignored = append(*ignored, Ignored{Path: p, Reason: "sub-folder (--recursive renders it)"})
				continue
			}
			real, err := filepath.EvalSymlinks(p)
			if err != nil {
				*ins = append(*ins, input{Path: p, Rel: r, Err: fmt.Errorf("resolve folder %s: %w", p, unwrapPath(err))})
				continue
			}
			if seen[real] {
				*ignored = append(*ignored, Ignored{Path: p, Reason: "the output folder, or one already visited (a link loop or a second link to it)"})
				continue
			}
			seen[real] = true
			walk(p, r, recursive, seen, ins, ignored)
		case !st.Mode().IsRegular():
			*ignored = append(*ignored, Ignored{Path: p, Reason: "not a regular file"})
		case !isMedia(name):
			*ignored = append(*ignored, Ignored{Path: p, Reason: "not an audio file (by its extension)"})
		default:
			*ins = append(*ins, input{Path: p, Rel: r})
		}
	}
}

// statError says why a path named as an input cannot be read.
func statError(p string, err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		if _, lerr := os.Lstat(p); lerr == nil {
			return fmt.Errorf("%s: broken symbolic link", p)
		}
		return fmt.Errorf("%s: no such file or folder", p)
	}
	return fmt.Errorf("%s: %w", p, unwrapPath(err))
}

// unwrapPath drops the *PathError wrapper, whose text repeats the path the
// message already names.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// assignOutputs gives every input a distinct output path under outDir: the
// input's relative path with its extension replaced, so sub-folders are
// mirrored. Where two inputs would still share a name, it is made unique in a
// way that depends only on the input list: song.mp3 and song.wav in one folder
// become song.mp3.mp4 and song.wav.mp4; the same relative path under two
// folder arguments becomes song.mp4 and song-2.mp4 (argument order).
func assignOutputs(ins []input, outDir string) {
	stem := func(in input) string {
		if in.Sample {
			return in.Rel // a folder: "1.5" is not "1" with an extension
		}
		return strings.TrimSuffix(in.Rel, path.Ext(in.Rel))
	}
	rels := map[string]map[string]bool{} // stem → the distinct relative paths wanting it
	for _, in := range ins {
		s := stem(in)
		if rels[s] == nil {
			rels[s] = map[string]bool{}
		}
		rels[s][in.Rel] = true
	}
	taken := map[string]bool{}
	for i := range ins {
		s := stem(ins[i])
		if len(rels[s]) > 1 {
			s = ins[i].Rel
		}
		name := s
		for n := 2; taken[name]; n++ {
			name = s + "-" + strconv.Itoa(n)
		}
		taken[name] = true
		ins[i].Out = filepath.Join(outDir, filepath.FromSlash(name))
	}
}
