package main

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/runbook"
	"github.com/runbook-bot/runbook-bot/runbook/sqlite"
)

func TestWatcher_GivenAHotReloadAddingADependencyVariable_ThenItsValueIsMaskedFromThenOn(t *testing.T) {
	t.Setenv("SEED_WORDS_X", "correct-horse-battery") // nothing secret in the name: masked only as a job's dependency
	ok := jobRow{window: "Daily 05:00 UTC", freq: "Daily", script: "scripts/ok.sh", body: "true", deps: "`bash`"}
	w := newWorkspace(t, ok)
	path := w.path("docs", "runbook.md")
	src, err := os.ReadFile(path)
	require.NoError(t, err)
	rb, problems := runbook.Parse(path, src, runbook.ParseOptions{DefaultZone: time.UTC})
	require.Empty(t, problems)
	db, err := sqlite.Open(context.Background(), w.path("runbook.db"))
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	svc := runbook.NewService(rb, runbook.Settings{}, runbook.Deps{Store: db})
	red := newLiveRedactor(rb)
	watcher := newRunbookWatcher(path, time.UTC, svc, red.update)
	require.Equal(t, "key correct-horse-battery", red.Redact("key correct-horse-battery"), "not a dependency yet")

	// When the runbook gains a job that depends on the variable, and is polled
	w2 := newWorkspace(t, ok, jobRow{window: "Daily 06:00 UTC", freq: "Daily", script: "scripts/seed.sh", body: "true", deps: "`SEED_WORDS_X`"})
	src2, err := os.ReadFile(w2.path("docs", "runbook.md"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, src2, 0o644))
	require.NoError(t, os.WriteFile(w.path("scripts", "seed.sh"), []byte("#!/usr/bin/env bash\ntrue\n"), 0o755))
	watcher.poll(context.Background())

	// Then the new job is in force and the variable's value is masked
	_, has := svc.Runbook().Job("seed")
	require.True(t, has)
	assert.Equal(t, "key [SEED_WORDS_X]", red.Redact("key correct-horse-battery"))
}

func TestLiveRedactor_GivenTheITSMWebhookURL_ThenItsWholeValueIsMasked(t *testing.T) {
	// A webhook URL often carries its credential in the path or the query, not in a userinfo.
	t.Setenv(envITSMWebhookURL, "https://itsm.example.com/hooks/T0K3N-abcdef?sig=42")
	t.Setenv("CURL_CA_BUNDLE", "/etc/ssl/certs/ca-bundle.crt")
	red := newLiveRedactor(&runbook.Runbook{})
	assert.Equal(t, "posting to ["+envITSMWebhookURL+"]", red.Redact("posting to https://itsm.example.com/hooks/T0K3N-abcdef?sig=42"))
	assert.Equal(t, "bundle /etc/ssl/certs/ca-bundle.crt", red.Redact("bundle /etc/ssl/certs/ca-bundle.crt"), "a URL-like name alone is no secret")
}
