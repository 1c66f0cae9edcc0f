package runbook_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/runbook"
)

func TestService_GivenARecordCommitted_WhenAuditedTwice_ThenOneRecordHoldsItsCommit(t *testing.T) {
	h := newHarness(t, time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC), runbook.Settings{})
	ctx := context.Background()
	require.NoError(t, h.svc.Materialize(ctx))
	os, err := h.svc.Occurrences(ctx)
	require.NoError(t, err)
	require.NotEmpty(t, os)
	o := os[0]
	require.NotZero(t, o.ID)
	fields := map[string]string{"commit": "9f3c2e1d0b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e", "file": "docs/observabilidade/check-ins.md", "record": "checkin"}

	for range 2 { // a delivery retried after a crash audits once
		require.NoError(t, h.svc.Committed(ctx, "git/checkin/7", o.ID, o.Job, o.Window, fields))
	}
	require.NoError(t, h.svc.Committed(ctx, "git/delaylog/8", o.ID, o.Job, o.Window, map[string]string{"commit": "abc", "record": "delay_log"}))

	commits, err := h.svc.Commits(ctx, []int64{o.ID, o.ID + 1000})
	require.NoError(t, err)
	require.Equal(t, map[int64][]string{o.ID: {"9f3c2e1d0b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e", "abc"}}, commits)
	ev, err := h.svc.Evidence(ctx, o.Job, o.Window)
	require.NoError(t, err)
	n := 0
	for _, r := range ev.Records {
		if r.Kind == runbook.RecCommitted {
			n++
		}
	}
	require.Equal(t, 2, n, "the evidence lists each commit")
}
