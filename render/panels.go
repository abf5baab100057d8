package render

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"unicode"

	"github.com/podium-dev/podium/audio"
	"github.com/podium-dev/podium/compose"
	"github.com/podium-dev/podium/dataset"
	"github.com/podium-dev/podium/infer"
	"github.com/podium-dev/podium/motion"
)

// Engines a panel can name besides a model file.
const (
	engineBuiltin = "builtin"
	enginePlain   = "plain"
	engineTruth   = "truth" // a data-set sample's real motion
)

// panelSpec is one panel of a video: where its motion comes from and what
// it is called.
type panelSpec struct {
	entry string // builtin, plain, truth, a model path, or "" (truth for samples, builtin for songs)
	label string // shown above the panel
	// suffix goes between a song's name and the extension of the panel's
	// keypoint files: "" for a single panel, ".<label>" side by side.
	suffix string
}

// parsePanels reads --compare's entries and --labels' names into panels.
func parsePanels(entries, labels []string) ([]panelSpec, error) {
	if len(entries) > compose.MaxPanels {
		return nil, fmt.Errorf("--compare: %d panels, at most %d (2×3)", len(entries), compose.MaxPanels)
	}
	if len(labels) > 0 && len(labels) != len(entries) {
		return nil, fmt.Errorf("--labels: %d labels for %d --compare panels", len(labels), len(entries))
	}
	var ps []panelSpec
	suffixes := map[string]string{}
	for i, e := range entries {
		e = strings.TrimSpace(e)
		p := panelSpec{entry: e, label: e}
		switch {
		case e == engineBuiltin || e == enginePlain || e == engineTruth:
		case strings.EqualFold(filepath.Ext(e), ".onnx"):
			p.label = strings.TrimSuffix(filepath.Base(e), filepath.Ext(e))
		default:
			return nil, fmt.Errorf("--compare entry %q: want builtin, plain, truth or the path of an .onnx model", e)
		}
		if len(labels) > 0 {
			p.label = strings.TrimSpace(labels[i])
		}
		if p.label == "" {
			return nil, fmt.Errorf("--labels: panel %d (%s) has an empty label", i+1, e)
		}
		p.suffix = "." + fileLabel(p.label)
		if other, ok := suffixes[p.suffix]; ok {
			return nil, fmt.Errorf("--compare: panels %q and %q would share the keypoint files *%s.npy; give them distinct --labels", other, p.label, p.suffix)
		}
		suffixes[p.suffix] = p.label
		ps = append(ps, p)
	}
	if len(ps) == 0 {
		return nil, fmt.Errorf("--compare: no panels")
	}
	return ps, nil
}

// fileLabel makes a label safe in a file name: letters, digits, '-', '_',
// '.' and '+' stay, anything else becomes '_'.
func fileLabel(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("-_.+", r) {
			return r
		}
		return '_'
	}, s)
}

// panels returns the batch's panels: --compare's, or the one engine.
func (o *Options) panels() []panelSpec {
	if len(o.Compare) > 0 {
		ps, _ := parsePanels(o.Compare, o.Labels) // check has refused bad ones
		return ps
	}
	e := o.Engine
	if o.Model != "" {
		e = o.Model
	}
	return []panelSpec{{entry: e}}
}

// engineSet holds the batch's engines, each opened once and used by one
// song at a time (Engine.Generate is not safe for concurrent use).
type engineSet struct {
	engines map[string]*lockedEngine // by panel entry; builtin also serves ""
}

type lockedEngine struct {
	mu  sync.Mutex
	eng infer.Engine
}

// openEngines opens every engine the panels name; truth needs none.
func openEngines(o *Options, ps []panelSpec, notify func(string)) (*engineSet, error) {
	set := &engineSet{engines: map[string]*lockedEngine{}}
	for _, p := range ps {
		key := p.entry
		if key == "" {
			key = engineBuiltin
		}
		if key == engineTruth || set.engines[key] != nil {
			continue
		}
		opt := infer.Options{Engine: key, Device: o.Device, ORTLib: o.ORTLib, Threads: o.Threads, Seed: o.Seed, Notify: notify}
		if key != engineBuiltin && key != enginePlain {
			opt.Engine, opt.Model = "", key
		}
		eng, err := infer.Open(opt)
		if err != nil {
			set.Close()
			return nil, err
		}
		set.engines[key] = &lockedEngine{eng: eng}
	}
	return set, nil
}

// Close closes every engine.
func (s *engineSet) Close() {
	for _, e := range s.engines {
		e.eng.Close()
	}
}

// panelMotion is one panel's motion as its source made it, and the name
// of that source for messages and the report.
type panelMotion struct {
	spec   panelSpec
	name   string
	motion motion.Motion
}

// generate makes each panel's motion for the song: the engine's, or the
// sample's real motion. A panel that fails fails the song, its message
// naming the panel's engine.
func (s *engineSet) generate(ctx context.Context, in input, mel audio.Mel, ps []panelSpec) ([]panelMotion, error) {
	want := mel.MotionFrames()
	out := make([]panelMotion, 0, len(ps))
	for _, p := range ps {
		entry := p.entry
		if entry == "" {
			entry = engineBuiltin
			if in.Sample {
				entry = engineTruth
			}
		}
		var pm panelMotion
		if entry == engineTruth {
			m, err := readTruth(in, want, mel.Frames)
			if err != nil {
				return nil, err
			}
			pm = panelMotion{spec: p, name: engineTruth, motion: m}
		} else {
			e := s.engines[entry]
			e.mu.Lock()
			m, err := e.eng.Generate(ctx, mel)
			name := e.eng.Name()
			e.mu.Unlock()
			if err != nil {
				return nil, fmt.Errorf("%s: engine %s: %w", in.Path, name, err)
			}
			if m.Frames != want {
				return nil, fmt.Errorf("%s: engine %s made %d frames, the song needs %d", in.Path, name, m.Frames, want)
			}
			if err := m.Validate(); err != nil {
				return nil, fmt.Errorf("%s: engine %s: %w", in.Path, name, err)
			}
			pm = panelMotion{spec: p, name: name, motion: m}
		}
		if pm.spec.label == "" {
			pm.spec.label = pm.name
		}
		out = append(out, pm)
	}
	return out, nil
}

// readTruth reads a data-set sample's real motion, which must cover its
// music frame for frame (3 mel frames a motion frame).
func readTruth(in input, want, melFrames int) (motion.Motion, error) {
	if !in.Sample {
		return motion.Motion{}, fmt.Errorf("%s: engine truth: not a data-set sample (a folder holding %s and %s), so it has no real motion", in.Path, dataset.MelFile, dataset.MotionFile)
	}
	path := filepath.Join(in.Path, dataset.MotionFile)
	m, err := motion.ReadNPY(path, motion.Rate)
	if err != nil {
		return motion.Motion{}, fmt.Errorf("engine truth: %w", err)
	}
	if m.Frames != want {
		return motion.Motion{}, fmt.Errorf("engine truth: %s has %d frames, but its %s's %d frames of music make %d", path, m.Frames, dataset.MelFile, melFrames, want)
	}
	if err := m.Validate(); err != nil {
		return motion.Motion{}, fmt.Errorf("engine truth: %s: %w", path, err)
	}
	return m, nil
}
