package beateval

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Annotation is a piece's true beats, as a .beats.json beside it gives them.
type Annotation struct {
	Beats []float64 // seconds, in order
	BPM   float64   // the first tempo given, 0 if none
	Metre int       // beats a bar, 0 if not given
}

// GridPath is where the grid of the recording at path lies: beside it,
// with the extension .beats.json.
func GridPath(path string) string {
	return strings.TrimSuffix(path, filepath.Ext(path)) + ".beats.json"
}

// ReadGrid reads a .beats.json in either form podium meets: the real
// recordings' grids, from their charts, list beats as {"t": seconds,
// "beat": n} and tempi as "bpm": [...]; the synthesized samples' list plain
// seconds, "bpm": n and "metre": n.
func ReadGrid(path string) (Annotation, error) {
	var raw struct {
		BPM   json.RawMessage   `json:"bpm"`
		Metre int               `json:"metre"`
		Beats []json.RawMessage `json:"beats"`
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return Annotation{}, err
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return Annotation{}, fmt.Errorf("read %s: %w", path, err)
	}
	g := Annotation{Metre: raw.Metre}
	for _, b := range raw.Beats {
		var t float64
		if err := json.Unmarshal(b, &t); err != nil {
			var obj struct {
				T *float64 `json:"t"`
			}
			if err := json.Unmarshal(b, &obj); err != nil || obj.T == nil {
				return Annotation{}, fmt.Errorf("read %s: a beat is neither seconds nor {\"t\": seconds}: %s", path, b)
			}
			t = *obj.T
		}
		g.Beats = append(g.Beats, t)
	}
	if len(g.Beats) == 0 {
		return Annotation{}, fmt.Errorf("read %s: no beats", path)
	}
	if len(raw.BPM) > 0 && json.Unmarshal(raw.BPM, &g.BPM) != nil {
		var list []float64
		if json.Unmarshal(raw.BPM, &list) == nil && len(list) > 0 {
			g.BPM = list[0]
		}
	}
	return g, nil
}
