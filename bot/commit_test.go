package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/runbook-bot/runbook-bot/runbook"
)

func TestStatus_GivenARunbookFromGit_ThenTheReplyNamesTheCommitInForce(t *testing.T) {
	tests := []struct {
		name string
		lang runbook.Lang
		rev  *runbook.Revision
		want string // "" when no commit line is expected
	}{
		{name: "given a local file then no commit is shown", lang: runbook.LangEN},
		{name: "given a commit in English then its short SHA and author are shown", lang: runbook.LangEN,
			rev:  &runbook.Revision{Commit: "4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e", Author: "Ana Souza <ana@example.com>", When: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)},
			want: "Runbook in force: commit 4d5e6f7 by Ana Souza <ana@example.com>"},
		{name: "given a commit in Portuguese then it is said in Portuguese", lang: runbook.LangPT,
			rev:  &runbook.Revision{Commit: "4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e", Author: "Ana Souza <ana@example.com>", When: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)},
			want: "Runbook em vigor: commit 4d5e6f7 de Ana Souza <ana@example.com>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, f, _ := newTestBot(t, tt.lang)
			rb := *f.rb
			rb.Revision = tt.rev
			f.rb = &rb

			rep := b.Command(context.Background(), in("status"))

			ctxt := strings.Join(rep.Message.Context, "\n")
			if tt.want == "" {
				assert.NotContains(t, ctxt, "commit")
				return
			}
			assert.Contains(t, ctxt, tt.want)
		})
	}
}
