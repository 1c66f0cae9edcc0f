package runbook_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/runbook"
)

func TestService_GivenOnChange_WhenAnOccurrenceOrAFreezeChanges_ThenItIsCalledAfterTheCommitAndNotForReads(t *testing.T) {
	h := newHarness(t, seedWindow.Add(-2*time.Hour), runbook.Settings{})
	var calls atomic.Int32
	h.svc = runbook.NewService(h.rb, runbook.Settings{Operators: []string{opsUser}}, runbook.Deps{Store: h.db, Clock: h.clock,
		OnChange: func() { calls.Add(1) }})
	ctx := context.Background()
	require.NoError(t, h.svc.Materialize(ctx))
	require.Positive(t, calls.Load(), "occurrences created")

	calls.Store(0)
	_, err := h.svc.Status(ctx, "")
	require.NoError(t, err)
	_, err = h.svc.Plan(ctx, h.clock.Now(), h.clock.Now().Add(7*24*time.Hour), "")
	require.NoError(t, err)
	require.Zero(t, calls.Load(), "reads change nothing")

	_, err = h.svc.Confirm(ctx, runbook.Request{User: contactID(t, h.rb, "Marcos Paulo"), RequestID: "c1"}, "seed-dev-data", false)
	require.NoError(t, err)
	require.Equal(t, int32(1), calls.Load(), "a confirmation")
	_, err = h.svc.Freeze(ctx, runbook.Request{User: opsUser, RequestID: "f1"}, h.clock.Now().Add(time.Hour), "x")
	require.NoError(t, err)
	require.Equal(t, int32(2), calls.Load(), "a freeze")
}
