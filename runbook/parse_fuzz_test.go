package runbook

import (
	"os"
	"path/filepath"
	"testing"
)

func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.md")
	for _, name := range files {
		src, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	f.Add([]byte(doc(goodRow)))
	f.Add([]byte("| Janela | Scripts |\n|-|-|\n| Diária 05:00 UTC+3 | `a.sh` (modo x) |\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		rb, probs := Parse("f.md", src, ParseOptions{})
		if rb == nil {
			t.Fatal("nil runbook")
		}
		for _, p := range probs {
			if p.Line < 1 {
				t.Fatalf("problem without a line: %v", p)
			}
		}
		if len(probs) == 0 && len(rb.Jobs) == 0 {
			t.Fatal("a successful parse has no jobs")
		}
		for _, j := range rb.Jobs {
			if j.ID == "" || len(j.Command) == 0 || j.Window.Location == nil {
				t.Fatalf("incomplete job %+v", j)
			}
		}
	})
}
