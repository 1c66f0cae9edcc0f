package runbook_test

import (
	"context"
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/runbook"
)

func TestService_GivenADeclinedWindow_WhenAnOwnerRunsIt_ThenTheRefusalNamesTheVerbACodeAndTheDeclinesText(t *testing.T) {
	// Given: Friday's seed-dev-data declined by Marcos with a reason of his own.
	window := time.Date(2026, 12, 4, 19, 0, 0, 0, time.UTC)
	h := newHarness(t, window.Add(-2*time.Hour), runbook.Settings{})
	ctx := context.Background()
	marcos := contactID(t, h.rb, "Marcos Paulo")
	h.advanceTo(window.Add(-time.Hour))
	_, err := h.svc.Decline(ctx, runbook.Request{User: marcos, RequestID: "d1"}, "seed-dev-data", "banco em manutenção")
	require.NoError(t, err)

	// When: he asks to run it.
	_, err = h.svc.Run(ctx, runbook.Request{User: marcos, RequestID: "r1"}, "seed-dev-data")

	// Then: refused, and audited with the verb, the code and the decline's text apart.
	require.Equal(t, runbook.KindConflict, runbook.KindOf(err))
	refused := recordsOf(h.records(window), runbook.RecRefused)
	require.Len(t, refused, 1)
	require.Equal(t, map[string]string{"action": "run", "reason": "declined", "by": marcos, "decline_reason": "banco em manutenção"}, refused[0].Fields)
}

func TestService_GivenADryRun_WhenItEnds_ThenItsResultIsRecordedAsARunsWithTheWindowItPrepares(t *testing.T) {
	tests := []struct {
		name     string
		exit     int
		reason   string
		result   string
		duration string
	}{
		{"a plan that passes", 0, "", "succeeded", "1500"},
		{"a plan that fails", 3, runbook.ReasonExit, "failed", "1500"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// Given: an hour before Friday's seed-dev-data window.
			window := time.Date(2026, 12, 4, 19, 0, 0, 0, time.UTC)
			h, exec, _ := itsmHarness(t, window.Add(-2*time.Hour))
			h.advanceTo(window.Add(-time.Hour))
			marcos := contactID(t, h.rb, "Marcos Paulo")

			// When: Marcos dry-runs it and the plan ends.
			require.NoError(t, h.svc.DryRun(context.Background(), runbook.Request{User: marcos, RequestID: "p1"}, "seed-dev-data"))
			h.finishRun(exec, 1, runbook.RunResult{ExitCode: &tc.exit, Reason: tc.reason, Duration: 1500 * time.Millisecond})

			// Then: both records carry the window it prepares; the result is a run's.
			var dry, done runbook.Record
			for _, d := range h.deliveries(runbook.SinkITSM) {
				var r runbook.Record
				require.NoError(t, json.Unmarshal(d.Payload, &r))
				switch r.Kind {
				case runbook.RecDryRun:
					dry = r
				case runbook.RecRunFinished:
					done = r
				}
			}
			require.True(t, window.Equal(dry.Window), "dry_run window %s", dry.Window)
			require.True(t, window.Equal(done.Window), "run_finished window %s", done.Window)
			require.Equal(t, tc.result, done.Fields["result"])
			require.Equal(t, "true", done.Fields["dry_run"])
			require.Equal(t, "1", done.Fields["attempt"])
			require.Equal(t, tc.duration, done.Fields["duration_ms"])
			require.Equal(t, strconv.Itoa(tc.exit), done.Fields["exit_code"])
		})
	}
}
