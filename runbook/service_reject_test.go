package runbook_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/runbook"
)

func TestService_GivenARefusedCommand_WhenRejected_ThenTheOccurrenceEvidenceShowsItOnceAndNothingElseChanges(t *testing.T) {
	window := time.Date(2026, 12, 4, 19, 0, 0, 0, time.UTC)
	h := newHarness(t, window.Add(-2*time.Hour), runbook.Settings{})
	ctx := context.Background()
	h.advanceTo(window.Add(-time.Hour))
	before, err := h.svc.Status(ctx, "seed-dev-data")
	require.NoError(t, err)

	// When `run seed-dev-data; rm -rf /` is refused by the parser, and Slack redelivers it
	r := runbook.Request{User: "U0MALLORY", RequestID: "t-1", Envelope: "e-1"}
	for range 2 {
		require.NoError(t, h.svc.Reject(ctx, r, "seed-dev-data", "run", "shell_syntax", "run seed-dev-data; rm -rf /"))
	}

	// Then the evidence of the occurrence it aimed at has one refused record with the text
	ev, err := h.svc.Evidence(ctx, "seed-dev-data", time.Time{})
	require.NoError(t, err)
	var refused []runbook.Record
	for _, rec := range ev.Records {
		if rec.Kind == runbook.RecRefused {
			refused = append(refused, rec)
		}
	}
	require.Len(t, refused, 1)
	require.Equal(t, "U0MALLORY", refused[0].Actor)
	require.True(t, window.Equal(refused[0].Window), "it names the window it aimed at: %s", refused[0].Window)
	require.Equal(t, map[string]string{"action": "run", "reason": "shell_syntax", "text": "run seed-dev-data; rm -rf /"}, refused[0].Fields)
	// And the occurrence did not change
	after, err := h.svc.Status(ctx, "seed-dev-data")
	require.NoError(t, err)
	require.Equal(t, before[0].Next.State, after[0].Next.State)

	// And an unknown job is an error, not a record
	require.Equal(t, runbook.KindNotFound, runbook.KindOf(h.svc.Reject(ctx, runbook.Request{User: "U1"}, "nope", "run", "unknown_flag", "run nope --x")))
}
