package audio

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/podium-dev/podium/internal/npyfile"
	"github.com/podium-dev/podium/internal/testdata"
)

func TestLoadNPYMel(t *testing.T) {
	dir := t.TempDir()
	rows := make([][MelBands]float32, 450)
	for f := range rows {
		for b := range rows[f] {
			rows[f][b] = float32((f*MelBands+b)%1000) / 1000
		}
	}
	path := filepath.Join(dir, "song mel.npy")
	if err := npyfile.WriteFile(path, rows); err != nil {
		t.Fatal(err)
	}
	m, info, err := Load(context.Background(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if m.Frames != 450 || info.Seconds != 5 || info.HasAudio || info.SampleRate != 0 || info.Path != path {
		t.Fatalf("%d frames, info %+v; want 450 frames, 5 s, no audio", m.Frames, info)
	}
	for f := range rows {
		for b, v := range m.Row(f) {
			if v != rows[f][b] {
				t.Fatalf("frame %d band %d: %v, wrote %v", f, b, v, rows[f][b])
			}
		}
	}
	if _, _, err := Load(context.Background(), path, Options{MaxSeconds: 4}); err == nil || !strings.Contains(err.Error(), "longer than the limit") {
		t.Fatalf("5 s mel with a 4 s limit: %v", err)
	}

	// The model's own layout, [1,T,128], is accepted too.
	batched := [][][MelBands]float32{rows[:90]}
	path3 := filepath.Join(dir, "batched.NPY")
	if err := npyfile.WriteFile(path3, batched); err != nil {
		t.Fatal(err)
	}
	if m, _, err := Load(context.Background(), path3, Options{}); err != nil || m.Frames != 90 || m.Row(89)[5] != rows[89][5] {
		t.Fatalf("[1,90,128] mel: %d frames, %v", m.Frames, err)
	}

	// Wrong band count.
	bad := make([][64]float32, 10)
	pathBad := filepath.Join(dir, "narrow.npy")
	if err := npyfile.WriteFile(pathBad, bad); err != nil {
		t.Fatal(err)
	}
	if _, _, err := Load(context.Background(), pathBad, Options{}); err == nil || !strings.Contains(err.Error(), pathBad) || !strings.Contains(err.Error(), "[10 64]") {
		t.Fatalf("[10,64] mel: %v", err)
	}
}

// A mel.npy saved by NumPy in any layout — Fortran order as the data set's
// recipe writes it, big-endian, float64, float16, format 2.0, [1,T,128] —
// loads as the C-ordered reference (../shared/fixtures/npy), so render makes
// the same video of it.
func TestLoadNPYMelEveryNumPyLayout(t *testing.T) {
	dir := testdata.Path(t, "fixtures", "npy")
	ref, _, err := Load(context.Background(), filepath.Join(dir, "mel_ref.npy"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for file, tol := range map[string]float32{"mel_fortran_f4.npy": 0, "mel_c_be_f4.npy": 0, "mel_fortran_f8.npy": 0,
		"mel_batch_fortran_f4.npy": 0, "mel_v2_fortran_f4.npy": 0, "mel_c_f2.npy": 1e-3} {
		m, info, err := Load(context.Background(), filepath.Join(dir, file), Options{})
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if m.Frames != ref.Frames || m.Frames != 270 || info.Seconds != 3 {
			t.Fatalf("%s: %d frames (%v s), want 270", file, m.Frames, info.Seconds)
		}
		for i, v := range m.Data {
			if d := v - ref.Data[i]; d > tol || d < -tol {
				t.Fatalf("%s: frame %d band %d is %v, the reference %v", file, i/MelBands, i%MelBands, v, ref.Data[i])
			}
		}
	}
}

// A .npy render cannot use fails with one line "decode PATH: cause", the
// path named once, like any other input.
func TestLoadNPYErrorsNameTheFileOnce(t *testing.T) {
	dir := t.TempDir()
	ints := filepath.Join(dir, "labels.npy")
	hdr := "{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }"
	hdr += strings.Repeat(" ", 63-(10+len(hdr))%64) + "\n"
	raw := append([]byte("\x93NUMPY\x01\x00"), byte(len(hdr)), 0)
	raw = append(append(raw, hdr...), make([]byte, 16)...)
	if err := os.WriteFile(ints, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		ints:                           `dtype "<i8" (8-byte integers) is not read`,
		filepath.Join(dir, "gone.npy"): "no such file",
	} {
		_, _, err := Load(context.Background(), path, Options{})
		if err == nil || !strings.HasPrefix(err.Error(), "decode "+path+": ") || strings.Count(err.Error(), path) != 1 ||
			!strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("error %q, want one line \"decode %s: …%s…\"", err, path, want)
		}
	}
}
