package tailbuf

import (
	"fmt"
	"strings"
	"testing"
)

func TestKeepsTheEnd(t *testing.T) {
	b := &Buffer{Max: 16}
	for i := range 100 {
		fmt.Fprintf(b, "line %d\n", i)
	}
	got := b.String()
	if len(got) > 16 || !strings.HasSuffix(got, "line 99\n") {
		t.Fatalf("kept %q, want at most 16 bytes ending with the last line", got)
	}
	small := &Buffer{Max: 100}
	small.Write([]byte("short"))
	if small.String() != "short" {
		t.Fatalf("kept %q, want everything written under the limit", small.String())
	}
}
