package main

import (
	"errors"
	"strings"
	"testing"

	"github.com/runbook-bot/runbook-bot/runbook"
	"github.com/runbook-bot/runbook-bot/runbook/runner"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStartNote_GivenWhyAScriptDidNotStart_ThenTheTailLineIsACodeForTheChat(t *testing.T) {
	redact := func(s string) string { return strings.ReplaceAll(s, "s3cret", "***") }
	for _, tc := range []struct {
		name string
		err  error
		want runbook.Msg
	}{
		{"no command", runner.ErrEmptyCommand, runbook.M(runbook.RunEmptyCommand)},
		{"the log file", runner.LogFileError{Err: errors.New("open /var/log/x: permission denied")},
			runbook.M(runbook.RunLogFile, "error", "open /var/log/x: permission denied")},
		{"anything else, redacted", errors.New("fork/exec /opt/s3cret/a.sh: no such file"),
			runbook.M(runbook.RunStartFailed, "error", "fork/exec /opt/***/a.sh: no such file")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := runbook.ParseNoteLine(startNote(tc.err, redact))
			require.True(t, ok)
			assert.Equal(t, tc.want, got)
		})
	}
}
