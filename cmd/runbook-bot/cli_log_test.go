package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/runbook"
	"github.com/runbook-bot/runbook-bot/runbook/sqlite"
)

func TestCLI_GivenASQLiteRunWithItsLogFile_WhenEvidenceLog_ThenTheFileIsPrintedAndAMissingOneIsNamed(t *testing.T) {
	t.Parallel()
	w := newWorkspace(t, jobRow{window: "Daily 05:00 UTC", freq: "Daily", script: "scripts/ok.sh", body: "true", deps: "`bash`"})
	window := time.Date(2031, 3, 4, 5, 0, 0, 0, time.UTC)
	db, err := sqlite.Open(context.Background(), w.path("data", "runbook.db"))
	require.NoError(t, err)
	require.NoError(t, db.Update(context.Background(), func(tx runbook.Tx) error {
		for i, handle := range []string{"4242:ok-20310304T050000.000000000Z", "4243:ok-gone"} {
			o := runbook.Occurrence{Job: "ok", Slot: window.AddDate(0, 0, i), Window: window.AddDate(0, 0, i), State: runbook.Succeeded, Attempts: 1, RunHandle: handle}
			if err := tx.CreateOccurrence(&o); err != nil {
				return err
			}
		}
		return nil
	}))
	require.NoError(t, db.Close())
	log := "first line\nsecond line\n"
	require.NoError(t, os.MkdirAll(w.path("data", "logs"), 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(w.path("data", "logs"), "ok-20310304T050000.000000000Z.log"), []byte(log), 0o600))

	out, errOut, code := runCLI(t, w, cliEnv(w), "evidence", "ok", "--window", "2031-03-04 05:00", "--log")
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, log, out)

	out, errOut, code = runCLI(t, w, cliEnv(w), "evidence", "ok", "--window", "2031-03-05 05:00", "--log")
	assert.Equal(t, 1, code, out)
	assert.Contains(t, errOut, "the log of run ok-gone is not kept")
}
