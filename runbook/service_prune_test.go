package runbook_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/runbook"
)

func TestService_GivenDeliveredMessages_WhenTheRetentionPasses_ThenTheyArePrunedAndTheAuditAndTheUndeliveredStay(t *testing.T) {
	const retention = 720 * time.Hour
	h, _, marcos, window := planHarness(t)
	ctx := context.Background()
	set := runbook.Settings{Retention: retention}
	h.svc = runbook.NewService(h.rb, set, runbook.Deps{Store: h.db, Clock: h.clock, Checker: okChecker{}})
	delivered, err := h.svc.Outbox(runbook.SinkChat, func(context.Context, runbook.Delivery) error { return nil }).Drain(ctx)
	require.NoError(t, err)
	require.Positive(t, delivered)
	_, err = h.svc.Decline(ctx, runbook.Request{User: marcos, RequestID: "d1"}, "seed-dev-data", "freeze") // queued, not delivered
	require.NoError(t, err)
	pending := len(h.chatNotices())
	require.Positive(t, pending)
	records := len(h.records(window))

	n, err := h.svc.Prune(ctx)
	require.NoError(t, err)
	require.Zero(t, n, "nothing is older than the retention yet")

	h.clock.Advance(retention + time.Minute)
	n, err = h.svc.Prune(ctx)
	require.NoError(t, err)
	require.Equal(t, delivered, n, "every delivered row")
	n, err = h.svc.Prune(ctx)
	require.NoError(t, err)
	require.Zero(t, n)
	require.Len(t, h.chatNotices(), pending, "undelivered rows stay, however old")
	require.Len(t, h.records(window), records, "the audit records are evidence: kept")
}

func TestService_GivenDeliveredMessagesPastTheRetention_WhenTheBotStarts_ThenTheyArePruned(t *testing.T) {
	h, _, _, _ := planHarness(t)
	ctx := context.Background()
	_, err := h.svc.Outbox(runbook.SinkChat, func(context.Context, runbook.Delivery) error { return nil }).Drain(ctx)
	require.NoError(t, err)
	h.clock.Advance(2 * time.Hour)
	svc := runbook.NewService(h.rb, runbook.Settings{Retention: time.Hour}, runbook.Deps{Store: h.db, Clock: h.clock, Checker: okChecker{}})
	startCtx, cancel := context.WithCancel(ctx)
	require.NoError(t, svc.Start(startCtx, nil))
	cancel()
	svc.WaitLoops()
	n, err := svc.Prune(ctx)
	require.NoError(t, err)
	require.Zero(t, n, "pruned at start already")
}
