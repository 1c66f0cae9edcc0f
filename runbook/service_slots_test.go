package runbook_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/runbook"
)

func TestService_GivenADryRunInProgress_WhenTheJobIsRun_ThenItIsRefusedAndNothingFails(t *testing.T) {
	h, exec, marcos, _ := confirmedAtWindow(t)
	ctx := context.Background()

	// Given a dry run of the job still running
	require.NoError(t, h.svc.DryRun(ctx, runbook.Request{User: marcos, RequestID: "d1"}, "seed-dev-data"))
	dry := runNumber(t, exec, 1)

	// When an owner runs the job, and asks for another dry run
	_, err := h.svc.Run(ctx, runbook.Request{User: marcos, RequestID: "r1"}, "seed-dev-data")
	var e *runbook.Error
	require.ErrorAs(t, err, &e)
	require.Equal(t, "dry_run_in_progress", e.Code)
	err = h.svc.DryRun(ctx, runbook.Request{User: marcos, RequestID: "d2"}, "seed-dev-data")
	require.ErrorAs(t, err, &e)
	require.Equal(t, "dry_run_in_progress", e.Code)

	// Then the occurrence is still confirmed: no failed run, no incident
	st, err := h.svc.Status(ctx, "seed-dev-data")
	require.NoError(t, err)
	require.Equal(t, runbook.Confirmed, st[0].Current.State)
	require.Nil(t, st[0].Current.IncidentDeadline)

	// And once the dry run has ended, the run starts
	dry.done <- runbook.RunResult{}
	h.svc.Wait()
	o, err := h.svc.Run(ctx, runbook.Request{User: marcos, RequestID: "r2"}, "seed-dev-data")
	require.NoError(t, err)
	require.Equal(t, runbook.Running, o.State)

	// And a dry run asked for while it runs is refused, the run going on
	err = h.svc.DryRun(ctx, runbook.Request{User: marcos, RequestID: "d3"}, "seed-dev-data")
	require.ErrorAs(t, err, &e)
	require.Equal(t, "run_in_progress", e.Code)
	runNumber(t, exec, 2).done <- runbook.RunResult{}
	h.svc.Wait()
	st, err = h.svc.Status(ctx, "seed-dev-data")
	require.NoError(t, err)
	require.Equal(t, runbook.Succeeded, st[0].Current.State)
	for _, n := range h.notices() {
		require.NotEqual(t, runbook.NoticeIncident, n.kind, "no incident at all")
	}

	// And after it, a dry run may start again
	require.NoError(t, h.svc.DryRun(ctx, runbook.Request{User: marcos, RequestID: "d4"}, "seed-dev-data"))
	runNumber(t, exec, 3).done <- runbook.RunResult{}
	h.svc.Wait()
}

// runNumber waits until f has started n executions and returns the nth.
func runNumber(t *testing.T, f *fakeExec, n int) *fakeRun {
	t.Helper()
	require.Eventually(t, func() bool { f.mu.Lock(); defer f.mu.Unlock(); return len(f.runs) >= n }, 5*time.Second, time.Millisecond)
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.runs[n-1]
}

func TestService_GivenNoExecutor_WhenADryRunIsAsked_ThenItFailsAndNothingIsRecorded(t *testing.T) {
	h := newHarness(t, time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC), runbook.Settings{})
	marcos := contactID(t, h.rb, "Marcos Paulo")
	err := h.svc.DryRun(context.Background(), runbook.Request{User: marcos, RequestID: "d1"}, "seed-dev-data")
	require.Equal(t, runbook.KindInternal, runbook.KindOf(err))
	require.Empty(t, h.notices(), "no run message announced")
	require.NoError(t, h.db.View(context.Background(), func(tx runbook.Tx) error {
		recs, err := tx.Records(0)
		require.Empty(t, recs, "no dry_run record for a dry run that cannot start")
		return err
	}))
}
