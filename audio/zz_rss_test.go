package audio

import (
	"context"
	"os"
	"runtime"
	"testing"
	"time"
)

func TestZZLongRSS(t *testing.T) {
	p := os.Getenv("LONGFILE")
	if p == "" {
		t.Skip()
	}
	st := time.Now()
	m, info, err := Load(context.Background(), p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	t.Logf("%d frames, %+v, %v, heap sys %d MB, total alloc %d MB, numgc %d", m.Frames, info, time.Since(st), ms.HeapSys>>20, ms.TotalAlloc>>20, ms.NumGC)
}
