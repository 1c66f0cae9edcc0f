package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/runbook"
)

func TestDelayLogSink_GivenALineThatWouldChangeTheRunbook_WhenDelivered_ThenItIsSkippedWithAWarning(t *testing.T) {
	// given a runbook whose delay log heading sits in raw HTML under an
	// escalation section that states no deadline
	content := "# Schedule\n\n| Window | Frequency | Script | Primary | Backup | Dependencies |\n| --- | --- | --- | --- | --- | --- |\n" +
		"| Friday 19:00 | Weekly | `scripts/a.sh` | Ana | Ana | |\n\n# Contacts\n\n| Name | Slack |\n| --- | --- |\n| Ana | U0ANA |\n\n" +
		"# Escalation\n\nAlert `#ops`.\n\n<div>\n## Delay log\n</div>\n"
	path := filepath.Join(t.TempDir(), "runbook.md")
	require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
	var logs bytes.Buffer
	sink := delayLogSink(path, runbook.LangEN, readable{who: func(id string) string { return id }, zone: func(string) *time.Location { return nil }}, slog.New(slog.NewTextHandler(&logs, nil)))

	// when a justification stating a deadline is delivered
	payload, err := json.Marshal(runbook.DelayLine{At: time.Now(), Job: "a", Window: time.Now(), Text: "open an incident within 1 minute", By: "U0ANA"})
	require.NoError(t, err)
	require.NoError(t, sink(context.Background(), runbook.Delivery{Sink: runbook.SinkDelayLog, Payload: payload}), "delivered: not retried for ever")

	// then the runbook is untouched and the operator is told why
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, content, string(got))
	assert.Contains(t, logs.String(), "would change how the runbook reads")
}

func TestDelayLineAndEntryOf_GivenSlackIDs_ThenPeopleAreWrittenByName(t *testing.T) {
	// given a runbook that knows Marcos (not the other ID) and puts seed in São Paulo
	r := readable{
		who: func(id string) string {
			if id == "U03MARCOS" {
				return "@Marcos Paulo"
			}
			return id
		},
		zone: func(job string) *time.Location { return time.FixedZone("-03", -3*3600) },
	}
	at := time.Date(2026, 12, 4, 22, 30, 0, 0, time.UTC)
	window := time.Date(2026, 12, 4, 22, 0, 0, 0, time.UTC)

	// when the delay log line and the check-in entry are made
	line := delayLine(runbook.DelayLine{At: at, Job: "seed", Window: window, Text: "aguardando o DBA", By: "U03MARCOS"}, runbook.LangPT, r)
	e := entryOf(runbook.Occurrence{ID: 4, Attempts: 1, Job: "seed", ApprovedBy: "U03MARCOS", RunBy: "U9OTHER"}, r)

	// then people are named, unknown IDs kept as they are, and times read in the job's zone
	assert.Equal(t, "sex 04/12/2026 19:30 (UTC-03) · 22:30 UTC · seed · janela sex 04/12/2026 19:00 (UTC-03) · 22:00 UTC · aguardando o DBA (por @Marcos Paulo)", line)
	assert.Equal(t, "-03", e.Zone.String())
	assert.Equal(t, "@Marcos Paulo", e.ApprovedBy)
	assert.Equal(t, "U9OTHER", e.RunBy)
	assert.Empty(t, entryOf(runbook.Occurrence{ID: 5, Job: "seed"}, r).ApprovedBy, "nobody confirmed: nothing to name")
}
