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

// fakeWithCommits is the fake service keeping the commits of the records too.
type fakeWithCommits struct {
	*fakeService
	commits map[int64][]string
}

func (f fakeWithCommits) Commits(_ context.Context, occs []int64) (map[int64][]string, error) {
	out := map[int64][]string{}
	for _, id := range occs {
		if cs, ok := f.commits[id]; ok {
			out[id] = append([]string(nil), cs...)
		}
	}
	return out, nil
}

func TestHistory_GivenRecordsCommittedToGit_ThenEachOccurrenceShowsItsCommits(t *testing.T) {
	for _, tt := range []struct {
		lang runbook.Lang
		want string
	}{{runbook.LangEN, "recorded in git: 9f3c2e1, 4d5e6f7"}, {runbook.LangPT, "registrado no git: 9f3c2e1, 4d5e6f7"}} {
		t.Run(string(tt.lang), func(t *testing.T) {
			_, f, _ := newTestBot(t, tt.lang)
			job := f.rb.Jobs[0].ID
			f.hist = []runbook.Occurrence{
				{ID: 7, Job: job, Window: time.Date(2026, 12, 4, 22, 0, 0, 0, time.UTC), State: runbook.Failed},
				{ID: 6, Job: job, Window: time.Date(2026, 11, 27, 22, 0, 0, 0, time.UTC), State: runbook.Succeeded},
			}
			b := New(fakeWithCommits{f, map[int64][]string{7: {"9f3c2e1d0b8a7f6e5d4c3b2a", "4d5e6f7a8b9c"}}}, Options{Channel: "#plataforma"})

			text := allText(b.Command(context.Background(), in("history "+job)).Message)

			lines := strings.Split(text, "\n")
			var with []string
			for _, l := range lines {
				if strings.Contains(l, tt.want) {
					with = append(with, l)
				}
			}
			assert.Len(t, with, 1, "only the occurrence with records in git: %s", text)
		})
	}
}
