package runbook_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/runbook"
)

func TestService_GivenABrokenEdit_WhenPolledAgainFixedAndBrokenAgain_ThenEachBreakIsReportedOnce(t *testing.T) {
	h := newHarness(t, time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC), runbook.Settings{})
	ctx := context.Background()
	broken := runbook.Problems{{File: "runbook.md", Line: 7, Msg: runbook.M(runbook.ProbWeekdayUnknown, "day", "Dayly")}}
	reports := func() int {
		n := 0
		for _, s := range h.notices() {
			if s.kind == runbook.NoticeRunbookBroken {
				n++
			}
		}
		return n
	}

	// Given a broken edit, polled three times
	for range 3 {
		h.svc.Reload(ctx, nil, broken)
	}
	// Then it is reported once, and the last good runbook stays in force
	require.Equal(t, 1, reports())
	require.Same(t, h.rb, h.svc.Runbook())

	// When it is fixed, then broken the same way again
	h.svc.Reload(ctx, h.rb, nil)
	h.svc.Reload(ctx, nil, broken)
	h.svc.Reload(ctx, nil, broken)
	// Then the new break is reported too, once
	require.Equal(t, 2, reports())

	// And different problems on the same version are a new report
	h.svc.Reload(ctx, nil, runbook.Problems{{File: "runbook.md", Line: 9, Msg: runbook.M(runbook.ProbNoContact, "name", "Zé", "table", "Contatos")}})
	require.Equal(t, 3, reports())
}

func TestService_GivenRunbooksFromCommits_WhenABrokenCommitArrives_ThenTheNoticeNamesItAndTheCommitInForce(t *testing.T) {
	h := newHarness(t, time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC), runbook.Settings{})
	ctx := context.Background()
	good := *h.rb
	good.Jobs = append([]runbook.Job(nil), h.rb.Jobs...)
	good.SetRevision(runbook.Revision{Commit: "1111111aaaaaaa", Author: "Ana <ana@example.com>"})
	h.svc.Reload(ctx, &good, nil)
	require.Equal(t, "1111111aaaaaaa", h.svc.Runbook().Commit())
	for _, j := range h.svc.Runbook().Jobs {
		require.Equal(t, "1111111aaaaaaa", j.Commit, "every job comes from the commit")
	}
	notices := func() []runbook.Notice {
		var out []runbook.Notice
		require.NoError(t, h.db.View(ctx, func(tx runbook.Tx) error {
			ds, err := tx.PendingDeliveries(runbook.SinkChat, h.clock.Now().Add(time.Hour), 1000)
			for _, d := range ds {
				var n runbook.Notice
				require.NoError(t, json.Unmarshal(d.Payload, &n))
				if n.Kind == runbook.NoticeRunbookBroken {
					out = append(out, n)
				}
			}
			return err
		}))
		return out
	}

	// When two broken commits with the same problems arrive, each polled twice
	problems := runbook.Problems{{File: "docs/runbook.md", Line: 7, Msg: runbook.M(runbook.ProbWeekdayUnknown, "day", "Dayly")}}
	for _, sha := range []string{"2222222bbbbbbb", "3333333ccccccc"} {
		broken := &runbook.Runbook{File: "docs/runbook.md"}
		broken.SetRevision(runbook.Revision{Commit: sha, Author: "Bia <bia@example.com>"})
		h.svc.Reload(ctx, broken, problems)
		h.svc.Reload(ctx, broken, problems)
	}

	// Then each commit is reported once, with its author, and the good commit stays in force
	ns := notices()
	require.Len(t, ns, 2)
	require.NotNil(t, ns[0].Revision)
	require.Equal(t, "2222222bbbbbbb", ns[0].Revision.Commit)
	require.Equal(t, "Bia <bia@example.com>", ns[0].Revision.Author)
	require.Equal(t, "1111111", ns[0].InForce)
	require.Equal(t, "docs/runbook.md", ns[0].Text)
	require.Equal(t, "3333333ccccccc", ns[1].Revision.Commit)
	require.Equal(t, "1111111aaaaaaa", h.svc.Runbook().Commit())
}
