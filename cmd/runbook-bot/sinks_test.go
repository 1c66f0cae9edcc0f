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
	sink := delayLogSink(path, runbook.LangEN, slog.New(slog.NewTextHandler(&logs, nil)))

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
