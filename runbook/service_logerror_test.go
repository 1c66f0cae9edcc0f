package runbook_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/runbook"
)

func TestService_GivenARunWhoseLogIsIncomplete_WhenItFinishes_ThenTheLogErrorIsRecordedShownAndClearedByTheNextAttempt(t *testing.T) {
	h, exec, marcos, window := confirmedAtWindow(t)
	ctx := context.Background()
	_, err := h.svc.Run(ctx, runbook.Request{User: marcos, RequestID: "r1"}, "seed-dev-data")
	require.NoError(t, err)
	const full = "write: no space left on device after 65536 bytes"
	one := 1
	exec.last(t).done <- runbook.RunResult{ExitCode: &one, Reason: runbook.ReasonExit, LogSHA256: "abc", LogError: full}
	h.svc.Wait()

	o := h.seedWindow(window)
	require.Equal(t, full, o.LogError)
	finished := recordsOf(h.records(window), runbook.RecRunFinished)
	require.Len(t, finished, 1)
	require.Equal(t, full, finished[0].Fields["log_error"])
	var results []runbook.Notice
	for _, n := range h.chatNotices() {
		if n.Kind == runbook.NoticeRunResult {
			results = append(results, n)
		}
	}
	require.Len(t, results, 1)
	require.Equal(t, full, results[0].Occ.LogError, "the result message can say so")

	// A rerun whose log is whole clears it.
	_, err = h.svc.Run(ctx, runbook.Request{User: marcos, RequestID: "r2"}, "seed-dev-data")
	require.NoError(t, err)
	zero := 0
	require.Eventually(t, func() bool { exec.mu.Lock(); defer exec.mu.Unlock(); return len(exec.runs) == 2 }, 5*time.Second, time.Millisecond)
	exec.last(t).done <- runbook.RunResult{ExitCode: &zero}
	h.svc.Wait()
	require.Empty(t, h.seedWindow(window).LogError)
	finished = recordsOf(h.records(window), runbook.RecRunFinished)
	require.Len(t, finished, 2)
	_, has := finished[1].Fields["log_error"]
	require.False(t, has, "a whole log records no log_error")
}
