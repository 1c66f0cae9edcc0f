package runbook_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/runbook"
)

func TestService_GivenAJustificationWithTerminalEscapesAndBidiOverrides_WhenRecorded_ThenOnlyItsTextIsKept(t *testing.T) {
	start := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	window := time.Date(2026, 12, 4, 19, 0, 0, 0, time.UTC)
	h := newHarness(t, start, runbook.Settings{})
	ctx := context.Background()
	marcos := contactID(t, h.rb, "Marcos Paulo")
	h.advanceTo(window.Add(31 * time.Minute))

	// When an owner's justification hides a terminal title, a colour and a right-to-left override
	o, err := h.svc.Justify(ctx, runbook.Request{User: marcos, RequestID: "d1"}, "seed-dev-data",
		"\x1b]0;owned\x07waiting \x1b[31mfor\x1b[0m the DBA \u202Egnp.exe\u202C")
	require.NoError(t, err)

	// Then the occurrence, the delay log line and the audit hold the text alone
	want := "waiting for the DBA gnp.exe"
	require.Equal(t, want, o.Justification)
	lines := h.deliveries(runbook.SinkDelayLog)
	require.Len(t, lines, 1)
	require.Contains(t, string(lines[0].Payload), want)
	for _, d := range append(lines, h.deliveries(runbook.SinkChat)...) {
		for _, bad := range []string{"\x1b", `\u001b`, "\u202E", `\u202e`} {
			require.False(t, strings.Contains(string(d.Payload), bad), "%q in %s", bad, d.Payload)
		}
	}
}
