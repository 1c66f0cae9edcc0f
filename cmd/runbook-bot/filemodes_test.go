//go:build unix

package main

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/runbook"
	"github.com/runbook-bot/runbook-bot/runbook/records"
	"github.com/runbook-bot/runbook-bot/runbook/runner"
	"github.com/runbook-bot/runbook-bot/runbook/sqlite"
)

// Not parallel: the umask belongs to the whole process, and parallel tests
// only start once the sequential ones are done.
func TestFileModes_GivenUmask000AndAnOpenDirectory_WhenTheBotCreatesItsFiles_ThenStateIsPrivateAndCheckinsAreShared(t *testing.T) {
	// given a permissive umask and a world-writable directory
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	dir := t.TempDir()
	require.NoError(t, os.Chmod(dir, 0o777))
	cfg := Config{Workdir: dir, DataDir: filepath.Join(dir, "data"), DB: filepath.Join(dir, "data", "runbook.db"),
		CheckinsFile: filepath.Join(dir, "docs", "observabilidade", "check-ins.md"), RunTimeout: time.Minute}

	// when the bot opens its database, runs a script and records the check-in
	db, err := sqlite.Open(context.Background(), cfg.DB)
	require.NoError(t, err)
	defer db.Close()
	require.NoError(t, db.Update(context.Background(), func(tx runbook.Tx) error {
		o := runbook.Occurrence{Job: "a", Slot: time.Now(), Window: time.Now(), State: runbook.Scheduled}
		return tx.CreateOccurrence(&o)
	}))
	x := &executor{r: runner.New(), cfg: cfg, redact: func(s string) string { return s }}
	run, err := x.Execute(context.Background(), runbook.Job{ID: "a"}, time.Time{}, []string{"/bin/sh", "-c", "echo hi"}, func(string) {})
	require.NoError(t, err)
	run.Wait()
	c := &records.Checkins{Path: cfg.CheckinsFile, Lang: runbook.LangPT}
	require.NoError(t, c.Put(records.Entry{Key: "1-1", Job: "a"}))

	// then the database, its -wal and -shm and the run logs are the owner's
	// only, and the check-ins file (a team document, committed) is readable by all
	logs, err := filepath.Glob(filepath.Join(cfg.DataDir, "logs", "a-*.log"))
	require.NoError(t, err)
	require.Len(t, logs, 1)
	want := map[string]os.FileMode{
		cfg.DB: 0o600, cfg.DB + "-wal": 0o600, cfg.DB + "-shm": 0o600,
		filepath.Join(cfg.DataDir, "logs"): 0o700 | os.ModeDir, logs[0]: 0o600,
		cfg.CheckinsFile: 0o644,
	}
	for path, mode := range want {
		fi, err := os.Stat(path)
		require.NoError(t, err, path)
		assert.Equal(t, mode, fi.Mode()&(os.ModeDir|os.ModePerm), path)
	}
}
