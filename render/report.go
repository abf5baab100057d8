package render

import (
	"encoding/json"
	"fmt"
	"github.com/podium-dev/podium/internal/atomicfile"
	"io"
	"os"
	"text/tabwriter"
	"time"
)

// Status is what became of one input.
type Status string

// The statuses of an input. Only Failed (and Canceled) make the run fail.
const (
	Done     Status = "done"     // rendered now
	Skipped  Status = "skipped"  // its mp4 was already newer than the source
	Failed   Status = "failed"   // see Reason; nothing was left behind
	Canceled Status = "canceled" // the run was interrupted before or while rendering it
	Pending  Status = "pending"  // not yet rendered (seen only in the report of a run in progress)
)

// Timings are the seconds one song spent in each stage.
type Timings struct {
	Decode   float64 `json:"decode"`   // audio decode and mel
	Infer    float64 `json:"infer"`    // motion generation
	Encode   float64 `json:"encode"`   // drawing and encoding, in parallel
	Total    float64 `json:"total"`    // everything, the output's checks and renames included
	Realtime float64 `json:"realtime"` // audio seconds rendered per second of Total
}

// Entry is one input's line in the report.
type Entry struct {
	Input    string   `json:"input"`            // the source file (or folder, for an unreadable one)
	Name     string   `json:"name"`             // the input relative to its folder argument
	Output   string   `json:"output,omitempty"` // the mp4
	Status   Status   `json:"status"`
	Reason   string   `json:"reason,omitempty"`   // why it failed or was skipped
	Duration float64  `json:"duration,omitempty"` // seconds of audio
	Frames   int      `json:"frames,omitempty"`   // video frames written
	Engine   string   `json:"engine,omitempty"`
	Timings  *Timings `json:"timings,omitempty"`
}

// Report is the record of a run, written to report.json (report.shard-I-of-N.json
// for a shard) in the output folder after every song, atomically.
type Report struct {
	Started     time.Time `json:"started"`
	Finished    time.Time `json:"finished,omitzero"`
	Host        string    `json:"host"`
	PID         int       `json:"pid"`
	Shard       string    `json:"shard,omitempty"`
	Interrupted bool      `json:"interrupted,omitempty"`
	Counts      Counts    `json:"counts"`
	Entries     []Entry   `json:"entries"`
	Ignored     []Ignored `json:"ignored,omitempty"` // files in the input folders that are not audio
}

// Counts tallies the entries by status.
type Counts struct {
	Done     int `json:"done"`
	Skipped  int `json:"skipped"`
	Failed   int `json:"failed"`
	Canceled int `json:"canceled,omitempty"`
}

// OK reports whether every input is done or skipped.
func (r Report) OK() bool { return r.Counts.Failed == 0 && r.Counts.Canceled == 0 }

func (r *Report) count() {
	r.Counts = Counts{}
	for _, e := range r.Entries {
		switch e.Status {
		case Done:
			r.Counts.Done++
		case Skipped:
			r.Counts.Skipped++
		case Failed:
			r.Counts.Failed++
		case Canceled:
			r.Counts.Canceled++
		}
	}
}

// writeFile writes the report to path through a temporary file in the same
// folder and a rename, so a reader never sees half a report.
func (r Report) writeFile(path string) error {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return atomicfile.Write(path, func(w io.Writer) error {
		_, err := w.Write(append(data, '\n'))
		return err
	})
}

func writeSynced(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// WriteSummary prints the table of the run: song, duration, engine, seconds,
// × realtime, status, then the counts.
func (r Report) WriteSummary(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "song\tduration\tengine\tseconds\t× realtime\tstatus\t")
	for _, e := range r.Entries {
		dur, secs, rt := "-", "-", "-"
		if e.Duration > 0 {
			dur = clock(e.Duration)
		}
		if e.Timings != nil {
			secs = fmt.Sprintf("%.1f", e.Timings.Total)
			if e.Timings.Realtime > 0 {
				rt = fmt.Sprintf("%.1f", e.Timings.Realtime)
			}
		}
		engine := e.Engine
		if engine == "" {
			engine = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t\n", e.Name, dur, engine, secs, rt, e.Status)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	c := r.Counts
	line := fmt.Sprintf("%d done, %d skipped, %d failed", c.Done, c.Skipped, c.Failed)
	if c.Canceled > 0 {
		line += fmt.Sprintf(", %d canceled", c.Canceled)
	}
	_, err := fmt.Fprintln(w, line)
	return err
}

// clock formats seconds as m:ss.s (h:mm:ss past an hour).
func clock(s float64) string {
	if s >= 3600 {
		t := int(s + 0.5)
		return fmt.Sprintf("%d:%02d:%02d", t/3600, t/60%60, t%60)
	}
	m := int(s) / 60
	return fmt.Sprintf("%d:%04.1f", m, s-float64(m*60))
}
