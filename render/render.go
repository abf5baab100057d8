package render

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/podium-dev/podium/audio"
	"github.com/podium-dev/podium/beat"
	"github.com/podium-dev/podium/compose"
	"github.com/podium-dev/podium/dataset"
	"github.com/podium-dev/podium/internal/child"
	"github.com/podium-dev/podium/internal/tailbuf"
	"github.com/podium-dev/podium/motion"
	"github.com/podium-dev/podium/skeleton"
)

// Run renders the batch the options describe and returns its report, which
// is also written to report.json (report.shard-I-of-N.json for a shard) in
// the output folder.
//
// Songs that fail do not make an error: they are failed entries of the report
// (see Report.OK), and the batch goes on. The error is for the run as a whole:
// bad options (wrapping ErrUsage), the folder and shard locked by another run
// (*LockedError), an output folder that cannot be created or written, an
// engine that cannot be opened, or ctx ending, in which case the running
// ffmpeg processes are killed, their temporary files removed and the report
// written before Run returns context.Cause(ctx).
func Run(ctx context.Context, opt Options) (Report, error) {
	if err := opt.check(); err != nil {
		return Report{}, err
	}
	host, _ := os.Hostname()
	rep := Report{Started: time.Now().UTC(), Host: host, PID: os.Getpid(), Shard: opt.Shard.String()}
	if err := os.MkdirAll(opt.OutDir, 0o755); err != nil {
		return rep, fmt.Errorf("output folder %s: %w", opt.OutDir, unwrapPath(err))
	}
	lock, err := acquireLock(opt.OutDir, opt.Shard)
	if err != nil {
		return rep, err
	}
	defer lock.release()

	// A run killed outright leaves its temporary files: its report's (the
	// lock is ours, so that is an orphan) and its songs', which go once
	// their run is known to be gone, whichever songs and shard they were.
	lock.removeStaleTemps([]string{filepath.Join(opt.OutDir, "report"+opt.Shard.suffix()+".json")})
	lock.removeDeadRuns(opt.OutDir)
	ins, ignored := discover(opt.Inputs, opt.Recursive, opt.OutDir)
	assignOutputs(ins, opt.OutDir)
	b := &batch{opt: opt, rep: &rep, reportPath: filepath.Join(opt.OutDir, "report"+opt.Shard.suffix()+".json"), panels: opt.panels()}
	if opt.Progress != nil {
		b.board = newBoard(opt.Progress)
	}
	b.lock = lock
	// Discovery errors (an unreadable folder, a missing argument) belong to
	// no shard in particular: every shard reports them.
	for _, in := range ins {
		if in.Err == nil && !opt.Shard.Owns(in.Rel) {
			continue
		}
		b.ins = append(b.ins, in)
		rep.Entries = append(rep.Entries, Entry{Input: in.Path, Name: in.Rel, Status: Pending})
	}
	for _, ig := range ignored {
		if opt.Shard.Owns(relTo(opt.Inputs, ig.Path)) {
			rep.Ignored = append(rep.Ignored, ig)
		}
	}
	if len(b.ins) == 0 {
		b.logf("no audio files in %s", strings.Join(opt.Inputs, ", "))
	}

	err = b.run(ctx)
	rep.Finished = time.Now().UTC()
	for i := range rep.Entries {
		if rep.Entries[i].Status == Pending {
			rep.Entries[i].Status = Canceled
			rep.Entries[i].Reason = "not started: the run was interrupted"
			if err != nil && ctx.Err() == nil {
				rep.Entries[i].Status = Failed
				rep.Entries[i].Reason = "not rendered: " + err.Error()
			}
		}
	}
	rep.Interrupted = ctx.Err() != nil
	rep.count()
	if werr := rep.writeFile(b.reportPath); werr != nil {
		b.logf("%v", werr)
	}
	if b.board != nil {
		b.board.finish()
	}
	if opt.Summary != nil {
		rep.WriteSummary(opt.Summary)
	}
	if ctx.Err() != nil {
		return rep, context.Cause(ctx)
	}
	return rep, err
}

// relTo is p relative to the argument folder it lies in (for shard hashing).
func relTo(args []string, p string) string {
	for _, a := range args {
		if r, err := filepath.Rel(a, p); err == nil && !strings.HasPrefix(r, "..") {
			return filepath.ToSlash(r)
		}
	}
	return filepath.Base(p)
}

// batch is the state of one Run.
type batch struct {
	opt        Options
	ins        []input // this shard's inputs, parallel to rep.Entries
	reportPath string
	board      *board // nil without progress bars
	batchBar   *progressbar.ProgressBar

	lock *folderLock // this run's lock and journal: name and clean up temporary files

	mu  sync.Mutex // guards rep and the report file
	rep *Report

	panels  []panelSpec // one per panel of every video
	engines *engineSet
}

// run renders the entries with opt.Jobs songs at once.
func (b *batch) run(ctx context.Context) error {
	var todo []int
	for i, in := range b.ins {
		e := &b.rep.Entries[i]
		e.Output = in.Out + ".mp4"
		switch {
		case in.Err != nil:
			b.record(i, Entry{Status: Failed, Reason: in.Err.Error()})
		case !b.opt.Force && b.upToDate(in):
			b.record(i, Entry{Status: Skipped, Reason: "up to date: the mp4 is newer than the source (--force renders it again)"})
		default:
			todo = append(todo, i)
		}
	}
	b.saveReport()
	if len(todo) == 0 {
		return nil
	}
	engines, err := openEngines(&b.opt, b.panels, func(s string) { b.logf("%s", s) })
	if err != nil {
		return fmt.Errorf("open engine: %w", err)
	}
	b.engines = engines
	defer engines.Close()

	if b.board != nil {
		var slot int
		b.batchBar, slot = b.board.bar(len(todo), "batch", "songs")
		defer b.board.release(slot)
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for range max(1, b.opt.Jobs) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				b.finish(i, b.renderSong(ctx, b.ins[i]))
				if b.batchBar != nil {
					b.batchBar.Add(1)
				}
			}
		}()
	}
feed:
	for _, i := range todo {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	return nil
}

// finish records entry i's outcome and saves the report.
func (b *batch) finish(i int, res Entry) {
	b.record(i, res)
	b.saveReport()
}

// record stores entry i's outcome and says so if it failed.
func (b *batch) record(i int, res Entry) {
	b.mu.Lock()
	e := &b.rep.Entries[i]
	res.Input, res.Name, res.Output = e.Input, e.Name, e.Output
	if res.Status != Done {
		res.Output = ""
		if res.Status == Skipped {
			res.Output = e.Output
		}
	}
	*e = res
	b.mu.Unlock()
	if res.Status == Failed {
		b.logf("failed: %s", describeFailure(res.Input, res.Reason))
	}
}

// describeFailure is the one line that names the file and says what went
// wrong, without naming the file twice when the reason already does.
func describeFailure(path, reason string) string {
	reason = strings.Join(strings.Fields(reason), " ")
	if strings.Contains(reason, path) {
		return reason
	}
	return path + ": " + reason
}

// saveReport writes the report as it stands, so a run killed outright still
// leaves a record of what it finished.
func (b *batch) saveReport() {
	b.mu.Lock()
	defer b.mu.Unlock()
	snap := *b.rep
	snap.count()
	if err := snap.writeFile(b.reportPath); err != nil {
		b.logf("%v", err)
	}
}

func (b *batch) logf(format string, a ...any) {
	msg := fmt.Sprintf(format, a...)
	if b.board != nil && b.opt.Log == b.opt.Progress {
		b.board.println(msg)
		return
	}
	if b.opt.Log != nil {
		fmt.Fprintln(b.opt.Log, msg)
	}
}

// outputs are the files a song produces, final names: the mp4, then each
// panel's keypoints (.npy, .json) in panel order.
func (b *batch) outputs(in input) []string {
	outs := []string{in.Out + ".mp4"}
	if b.opt.Keypoints {
		for _, p := range b.panels {
			outs = append(outs, in.Out+p.suffix+".npy", in.Out+p.suffix+".json")
		}
	}
	return outs
}

// upToDate reports whether every output of the song exists and is newer than
// its source (links followed; for a data-set sample, both its files).
func (b *batch) upToDate(in input) bool {
	srcs := []string{in.Path}
	if in.Sample {
		srcs = []string{filepath.Join(in.Path, dataset.MelFile), filepath.Join(in.Path, dataset.MotionFile)}
	}
	var newest time.Time
	for _, s := range srcs {
		st, err := os.Stat(s)
		if err != nil {
			return false
		}
		if st.ModTime().After(newest) {
			newest = st.ModTime()
		}
	}
	for _, o := range b.outputs(in) {
		st, err := os.Stat(o)
		if err != nil || !st.ModTime().After(newest) {
			return false
		}
	}
	return true
}

// renderSong renders one song into temporary files beside its outputs and
// renames them into place only when all are complete (the mp4 last, so its
// presence means the song is done). Whatever happens, no temporary file stays.
func (b *batch) renderSong(ctx context.Context, in input) Entry {
	start := time.Now()
	res := Entry{Status: Failed}
	if ctx.Err() != nil {
		return Entry{Status: Canceled, Reason: "not started: the run was interrupted"}
	}
	fail := func(err error) Entry {
		res.Status, res.Reason = Failed, err.Error()
		if ctx.Err() != nil {
			res.Status, res.Reason = Canceled, "interrupted while rendering; nothing was written"
		}
		res.Timings = nil
		return res
	}

	finals := b.outputs(in)
	if err := refuseOverwrite(in.source(), finals); err != nil {
		return fail(err)
	}
	dir := filepath.Dir(in.Out)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fail(fmt.Errorf("create output folder %s: %w", dir, unwrapPath(err)))
	}
	temps, err := b.lock.tempFiles(finals)
	if err != nil {
		return fail(err)
	}
	defer func() {
		for _, t := range temps {
			os.Remove(t) // renamed ones are gone already
		}
	}()
	// Fail early, before minutes of decoding, where the folder is not writable.
	if err := writeSynced(temps[0], nil); err != nil {
		return fail(fmt.Errorf("output folder %s is not writable: %w", dir, unwrapPath(err)))
	}

	mel, info, err := audio.Load(ctx, in.source(), audio.Options{FFmpeg: b.opt.FFmpeg,
		MaxSeconds: b.opt.MaxDuration.Seconds()})
	if err != nil {
		return fail(err)
	}
	res.Duration = info.Seconds
	tDecode := time.Since(start)
	if mel.MotionFrames() < 1 {
		return fail(fmt.Errorf("%s: too short (%.3f s) for one video frame", in.Path, info.Seconds))
	}

	t := time.Now()
	pms, err := b.engines.generate(ctx, in, mel, b.panels)
	tInfer := time.Since(t)
	if err != nil {
		return fail(err)
	}
	var names []string
	for _, pm := range pms {
		names = append(names, pm.name)
	}
	res.Engine = strings.Join(names, ", ")
	if b.opt.Keypoints && !b.opt.DrawnKeypoints {
		// What the engine made, as evaluate scores it.
		if err := writeKeypoints(temps[1:], finals[1:], pms); err != nil {
			return fail(err)
		}
	}
	b.toDrawn(pms)
	if b.opt.DrawnKeypoints {
		if err := writeKeypoints(temps[1:], finals[1:], pms); err != nil {
			return fail(err)
		}
	}
	comp, err := b.compose(ctx, in, mel, pms)
	mel = audio.Mel{} // a 2-hour song's mel is ~330 MB: let it go before drawing
	if err != nil {
		return fail(fmt.Errorf("%s: %w", in.Path, err))
	}
	frames := comp.Frames()

	t = time.Now()
	w, h := comp.Size()
	enc := encoder{FFmpeg: b.opt.FFmpeg, Width: w, Height: h, FPS: b.opt.FPS,
		Preset: b.opt.Preset, CRF: b.opt.CRF, Out: temps[0]}
	if info.HasAudio {
		enc.Audio = in.Path
	}
	var written func()
	if b.board != nil {
		bar, slot := b.board.bar(frames, in.Rel, "frames")
		defer b.board.release(slot)
		written = func() { bar.Add(1) }
	}
	if err := enc.run(ctx, frames, b.opt.Workers, newComposedDrawers(comp), written); err != nil {
		return fail(fmt.Errorf("%s: %w", in.Path, err))
	}
	if err := b.verify(ctx, temps[0], frames, info.HasAudio); err != nil {
		return fail(fmt.Errorf("%s: %w", in.Path, err))
	}
	tEncode := time.Since(t)

	if err := syncFile(temps[0]); err != nil {
		return fail(fmt.Errorf("write %s: %w", finals[0], err))
	}
	if ctx.Err() != nil {
		return fail(ctx.Err())
	}
	// Keypoints first, the mp4 last: an mp4 in place means a finished song.
	for i := len(finals) - 1; i >= 0; i-- {
		if err := os.Rename(temps[i], finals[i]); err != nil {
			for _, f := range finals[i+1:] {
				os.Remove(f)
			}
			return fail(fmt.Errorf("rename into %s: %w", finals[i], unwrapPath(err)))
		}
	}
	syncFile(dir) // the renames themselves survive a crash

	total := time.Since(start)
	res.Status, res.Frames = Done, frames
	res.Timings = &Timings{Decode: tDecode.Seconds(), Infer: tInfer.Seconds(), Encode: tEncode.Seconds(),
		Total: total.Seconds(), Realtime: info.Seconds / total.Seconds()}
	return res
}

// writeKeypoints writes each panel's motion into its .npy and .json
// temporary files (temps and finals pair up, two per panel).
func writeKeypoints(temps, finals []string, pms []panelMotion) error {
	for i, pm := range pms {
		if err := motion.WriteNPY(temps[2*i], pm.motion); err != nil {
			return fmt.Errorf("write %s: %w", finals[2*i], err)
		}
		if err := motion.WriteJSON(temps[2*i+1], pm.motion); err != nil {
			return fmt.Errorf("write %s: %w", finals[2*i+1], err)
		}
	}
	return nil
}

// toDrawn turns each panel's motion into what is drawn: smoothed at the
// engine's 30 fps as the reference does (unless NoSmooth), then at FPS.
func (b *batch) toDrawn(pms []panelMotion) {
	for i := range pms {
		if !b.opt.NoSmooth {
			pms[i].motion = skeleton.Smooth(pms[i].motion)
		}
		if b.opt.FPS != motion.Rate {
			pms[i].motion = pms[i].motion.Resample(float64(b.opt.FPS))
		}
	}
}

// compose lays out the song's video: its panels through one camera, the
// labels side by side, the caption and the music strip as asked.
func (b *batch) compose(ctx context.Context, in input, mel audio.Mel, pms []panelMotion) (*compose.Composer, error) {
	o := &b.opt
	style := skeleton.Style{Width: o.Size.W, Height: o.Size.H, Theme: skeleton.Theme(o.Theme)}
	opt := compose.Options{PanelWidth: o.Size.W, PanelHeight: o.Size.H, Theme: style.Theme, Labels: len(o.Compare) > 0}
	var ms []motion.Motion
	for _, pm := range pms {
		opt.Panels = append(opt.Panels, compose.Panel{Label: pm.spec.label, Motion: pm.motion})
		ms = append(ms, pm.motion)
	}
	if o.Framing == "fit" {
		opt.Camera = skeleton.FitCamera(style, ms...)
	}
	if o.Caption == "on" || (o.Caption == "" && len(o.Compare) > 0) {
		opt.Caption = in.title()
	}
	if o.MusicStrip {
		an, err := beat.Listen(ctx, mel)
		if err != nil {
			return nil, fmt.Errorf("hear the beats for the music strip: %w", err)
		}
		beats := make([]float64, len(an.Beats))
		for i, bt := range an.Beats {
			beats[i] = bt.Time
		}
		opt.Strip = &compose.Strip{Mel: mel, Beats: beats}
	}
	return compose.New(opt)
}

// refuseOverwrite fails when an output would replace the input itself (an
// .mp4 or .npy song rendered into its own folder).
func refuseOverwrite(src string, outs []string) error {
	s, err := os.Stat(src)
	if err != nil {
		return nil // audio.Load will say what is wrong with it
	}
	for _, o := range outs {
		if st, err := os.Stat(o); err == nil && os.SameFile(s, st) {
			return fmt.Errorf("%s: the output %s would overwrite the input; choose another output folder (-o)", src, o)
		}
	}
	return nil
}

// syncFile flushes a file (or a folder's entries) to disk.
func syncFile(p string) error {
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// verify checks the finished file with ffprobe before it is published: the
// video stream holds every frame sent and the soundtrack is there.
func (b *batch) verify(ctx context.Context, path string, frames int, hasAudio bool) error {
	streams, err := probeStreams(ctx, b.opt.FFprobe, path)
	if err != nil {
		return fmt.Errorf("check the encoded video: %w", err)
	}
	var video, audioOK bool
	for _, s := range streams {
		switch s.CodecType {
		case "video":
			if s.NbFrames != fmt.Sprint(frames) {
				return fmt.Errorf("check the encoded video: %s frames written, %d sent", s.NbFrames, frames)
			}
			video = true
		case "audio":
			audioOK = true
		}
	}
	if !video || audioOK != hasAudio {
		return fmt.Errorf("check the encoded video: video stream %v, audio stream %v (want audio: %v)", video, audioOK, hasAudio)
	}
	return nil
}

// probeStream is the part of ffprobe's stream description podium checks.
type probeStream struct {
	CodecType string `json:"codec_type"`
	CodecName string `json:"codec_name"`
	NbFrames  string `json:"nb_frames"`
	Duration  string `json:"duration"`
	// The colour tags, which must say what rgbaToYUV420 produced.
	ColorRange string `json:"color_range"`
	ColorSpace string `json:"color_space"`
	PixFmt     string `json:"pix_fmt"`
}

// probeStreams runs ffprobe on one file. ffmpeg-go builds the arguments; the
// command runs under ctx with the configured ffprobe.
func probeStreams(ctx context.Context, ffprobe, path string) ([]probeStream, error) {
	args := ffmpegArgs(map[string]any{"v": "error", "show_streams": "", "of": "json"})
	cmd := exec.CommandContext(ctx, ffprobe, append(args, fileURL(path))...)
	stderr := &tailbuf.Buffer{Max: 4 << 10}
	cmd.Stderr = stderr
	out, err := child.Output(cmd)
	if err != nil {
		return nil, fmt.Errorf("ffprobe %s (%v): %s", path, err, summary(stderr))
	}
	var doc struct {
		Streams []probeStream `json:"streams"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		return nil, fmt.Errorf("ffprobe %s: %w", path, err)
	}
	return doc.Streams, nil
}
