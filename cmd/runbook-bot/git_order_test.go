package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/runbook"
)

func TestGitRecords_GivenTheRemoteDown_WhenRecordsQueue_ThenLaterOnesWaitBehindTheFirstAndAllLandInOrder(t *testing.T) {
	rem := newGitRemote(t, map[string]string{"docs/runbook.md": gitRunbook("Monday 09:00 UTC"), "scripts/seed.sh": "#!/bin/sh\n", "scripts/helper.sh": "#!/bin/sh\n"})
	data := t.TempDir()
	cfg, err := LoadConfig(env{"RUNBOOK_GIT_URL": rem.url(), "RUNBOOK_DATA_DIR": data, "RUNBOOK_DB": filepath.Join(data, "runbook.db"), "RUNBOOK_GIT_POLL": "2s"}.lookup)
	require.NoError(t, err)
	e := &appEnv{cfg: cfg, metrics: newLoopMetrics(), redact: newLiveRedactor(&runbook.Runbook{}), log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	e.git, e.rb, err = openGit(context.Background(), cfg, e.log, io.Discard, true)
	require.NoError(t, err)
	ctx := context.Background()
	svc, db, err := e.openService(ctx, nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	sinks := map[string]runbook.SinkFunc{}
	e.gitSinks(sinks, svc, runbook.LangEN)
	window := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	rows := []runbook.Delivery{
		{ID: 10, Sink: runbook.SinkCheckin, Payload: mustJSON(t, runbook.Occurrence{ID: 1, Job: "seed", Window: window, State: runbook.Failed, Attempts: 1, Reason: "exit"})},
		{ID: 11, Sink: runbook.SinkDelayLog, Payload: mustJSON(t, runbook.DelayLine{At: window, Job: "seed", Window: window, Text: "first", Occ: 1})},
		{ID: 12, Sink: runbook.SinkDelayLog, Payload: mustJSON(t, runbook.DelayLine{At: window, Job: "seed", Window: window, Text: "second", Occ: 1})},
	}

	// Given the remote is down: the first record fails with a retry no later than the poll interval, the others wait behind it
	away := rem.bare + ".away"
	require.NoError(t, os.Rename(rem.bare, away))
	err = sinks[rows[0].Sink](ctx, rows[0])
	var ra interface{ RetryAfter() time.Duration }
	require.ErrorAs(t, err, &ra)
	assert.LessOrEqual(t, ra.RetryAfter(), 2*time.Second)
	for _, d := range rows[1:] {
		var def *runbook.DeferError
		require.ErrorAs(t, sinks[d.Sink](ctx, d), &def, "row %d waits", d.ID)
	}

	// When it is back, a later row still waits until the first has landed
	require.NoError(t, os.Rename(away, rem.bare))
	var def *runbook.DeferError
	require.True(t, errors.As(sinks[rows[2].Sink](ctx, rows[2]), &def))
	for _, d := range rows {
		require.NoError(t, sinks[d.Sink](ctx, d), "row %d", d.ID)
	}

	// Then the records are on main in the order they were made
	commits := rem.botCommits("main")
	require.Len(t, commits, 3)
	assert.Contains(t, commits[0], "check-in: seed")
	assert.Contains(t, commits[1], "delay: seed")
	assert.Contains(t, runGit(t, rem.bare, "show", commits[2][:40]+":docs/runbook.md"), "first")
	assert.Contains(t, runGit(t, rem.bare, "show", "main:docs/runbook.md"), "second")
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}
