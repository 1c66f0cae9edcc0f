package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/internal/pgtest"
	"github.com/runbook-bot/runbook-bot/runbook"
	"github.com/runbook-bot/runbook-bot/runbook/postgres"
	"github.com/runbook-bot/runbook-bot/runbook/sqlite"
)

// sqliteState fills a SQLite database with a bit of everything it keeps.
func sqliteState(t *testing.T, path string) (occs []runbook.Occurrence, recs []runbook.Record) {
	t.Helper()
	ctx := context.Background()
	t0 := time.Date(2031, 3, 4, 2, 0, 0, 123456000, time.UTC) // microseconds: PostgreSQL keeps no more
	tp := func(d time.Duration) *time.Time { x := t0.Add(d); return &x }
	exit := 3
	db, err := sqlite.Open(ctx, path)
	require.NoError(t, err)
	defer db.Close()
	require.NoError(t, db.Update(ctx, func(tx runbook.Tx) error {
		full := runbook.Occurrence{Job: "seed", Slot: t0, Window: t0.Add(time.Hour), State: runbook.Failed, RequestedAt: tp(-24 * time.Hour),
			Reschedules: 1, ApprovedBy: "U1", ApprovedAt: tp(-time.Hour), RunBy: "U1", StartedAt: tp(time.Hour), FinishedAt: tp(61 * time.Minute),
			ExitCode: &exit, Reason: runbook.ReasonExit, Attempts: 1, LogSHA256: "abc", Delayed: true, Justification: "late ✓",
			FailedAt: tp(61 * time.Minute), IncidentDeadline: tp(76 * time.Minute), Escalated: true, Tail: []string{"boom"}, RunHandle: "42:seed-1"}
		running := runbook.Occurrence{Job: "seed", Slot: t0.Add(24 * time.Hour), Window: t0.Add(24 * time.Hour), State: runbook.Running, Attempts: 2}
		later := runbook.Occurrence{Job: "reset", Slot: t0.Add(48 * time.Hour), Window: t0.Add(48 * time.Hour), State: runbook.Scheduled}
		for _, o := range []*runbook.Occurrence{&full, &running, &later} {
			if err := tx.CreateOccurrence(o); err != nil {
				return err
			}
			occs = append(occs, *o)
		}
		for _, r := range []runbook.Record{
			{Occurrence: full.ID, At: t0, Kind: runbook.RecApproved, Job: "seed", Window: full.Window, Actor: "U1", Envelope: "e1", Fields: map[string]string{"argv": "scripts/seed.sh"}},
			{Occurrence: full.ID, At: t0.Add(time.Hour), Kind: runbook.RecRunFinished, Job: "seed", Window: full.Window, Fields: map[string]string{"result": "failed"}},
			{At: t0, Kind: runbook.RecDryRun, Job: "seed", Actor: "U2"},
		} {
			if err := tx.AddRecord(&r); err != nil {
				return err
			}
			recs = append(recs, r)
		}
		fired := runbook.Timer{Occ: full.ID, Kind: runbook.TimerDeadline, Due: t0.Add(76 * time.Minute)}
		pending := runbook.Timer{Occ: later.ID, Kind: runbook.TimerConfirm, Due: t0.Add(24 * time.Hour)}
		for _, tm := range []*runbook.Timer{&fired, &pending} {
			if err := tx.ArmTimer(tm); err != nil {
				return err
			}
		}
		if err := tx.FireTimer(fired.ID, t0.Add(77*time.Minute)); err != nil {
			return err
		}
		if _, err := tx.Claim("trigger-1", t0); err != nil {
			return err
		}
		delivered := runbook.Delivery{Sink: runbook.SinkChat, Key: "occ/1/request/0", Payload: []byte(`{"kind":"request"}`), NextAt: t0, CreatedAt: t0}
		waiting := runbook.Delivery{Sink: runbook.SinkITSM, Key: "itsm", Payload: []byte(`{"kind":"approved"}`), Attempts: 2, NextAt: t0.Add(time.Minute), CreatedAt: t0, LastError: "503"}
		for _, d := range []*runbook.Delivery{&delivered, &waiting} {
			if err := tx.Enqueue(d); err != nil {
				return err
			}
		}
		if err := tx.MarkDelivered(delivered.ID, t0); err != nil {
			return err
		}
		if err := tx.SetMessageRef("occ/1/request/0", "C0PLATAFORMA", "1700000000.000100"); err != nil {
			return err
		}
		if err := tx.SetMeta("created_at", "2031-01-01T00:00:00Z"); err != nil {
			return err
		}
		return tx.OwnRun(running.ID, 2, "old-replica")
	}))
	return occs, recs
}

func TestMigrateDB_GivenASQLiteInstallation_WhenCopiedIntoAnEmptyPostgreSQL_ThenEveryTableIsThereAndASecondCopyIsRefused(t *testing.T) {
	t.Parallel()
	w := newWorkspace(t, jobRow{window: "Daily 05:00 UTC", freq: "Daily", script: "scripts/ok.sh", body: "true", deps: "`bash`"})
	src := w.path("data", "runbook.db")
	occs, recs := sqliteState(t, src)
	logs := w.path("data", "logs")
	require.NoError(t, os.MkdirAll(logs, 0o700))
	log := bytes.Repeat([]byte("seed output\n"), 200_000)
	require.NoError(t, os.WriteFile(filepath.Join(logs, "seed-1.log"), log, 0o600))
	dbURL := pgtest.NewDatabase(t)

	out, errOut, code := runCLI(t, w, cliEnv(w), "migrate-db", "--from", src, "--to", dbURL, "--logs", logs)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "occurrences 3")
	assert.Contains(t, out, "copied 1 run log(s)")
	assert.NotContains(t, out+errOut, pgtest.Password)

	ctx := context.Background()
	db, err := postgres.Open(ctx, dbURL)
	require.NoError(t, err)
	defer db.Close()
	require.NoError(t, db.Update(ctx, func(tx runbook.Tx) error {
		got, err := tx.Occurrences(runbook.Query{})
		require.NoError(t, err)
		assert.Equal(t, occs, got, "occurrences, ids and every field")
		all := []runbook.Record{}
		for _, id := range []int64{occs[0].ID, 0} {
			rs, err := tx.Records(id)
			require.NoError(t, err)
			all = append(all, rs...)
		}
		assert.ElementsMatch(t, recs, all, "the audit log")
		pending, err := tx.PendingTimers()
		require.NoError(t, err)
		require.Len(t, pending, 1)
		assert.Equal(t, runbook.TimerConfirm, pending[0].Kind)
		fresh, err := tx.Claim("trigger-1", time.Now())
		require.NoError(t, err)
		assert.False(t, fresh, "a processed request stays processed")
		backlog, err := tx.Backlog()
		require.NoError(t, err)
		assert.Equal(t, map[string]int{runbook.SinkITSM: 1}, backlog)
		ds, err := tx.PendingDeliveries(runbook.SinkITSM, time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC), 0)
		require.NoError(t, err)
		require.Len(t, ds, 1)
		assert.Equal(t, 2, ds[0].Attempts)
		assert.Equal(t, "503", ds[0].LastError)
		assert.JSONEq(t, `{"kind":"approved"}`, string(ds[0].Payload))
		ch, ts, ok, err := tx.MessageRef("occ/1/request/0")
		require.NoError(t, err)
		assert.True(t, ok)
		assert.Equal(t, []string{"C0PLATAFORMA", "1700000000.000100"}, []string{ch, ts})
		created, _, err := tx.Meta("created_at")
		require.NoError(t, err)
		assert.Equal(t, "2031-01-01T00:00:00Z", created, "the installation's age is kept")
		mine, err := tx.BeatRun(occs[1].ID, 2, "old-replica")
		require.NoError(t, err)
		assert.True(t, mine, "the running occurrence keeps its owner")

		// New rows get ids after the copied ones.
		o := runbook.Occurrence{Job: "new", Slot: time.Now().UTC(), Window: time.Now().UTC(), State: runbook.Scheduled}
		require.NoError(t, tx.CreateOccurrence(&o))
		assert.Greater(t, o.ID, occs[2].ID)
		r := runbook.Record{At: time.Now(), Kind: runbook.RecRefused, Job: "new"}
		require.NoError(t, tx.AddRecord(&r))
		assert.Greater(t, r.ID, recs[2].ID)
		return nil
	}))
	err = db.Update(ctx, func(tx runbook.Tx) error { return tx.FireTimer(1, time.Now()) })
	assert.Equal(t, runbook.KindConflict, runbook.KindOf(err), "the fired timer stays fired")
	var buf bytes.Buffer
	found, err := db.RunLog(ctx, "seed-1", &buf)
	require.NoError(t, err)
	assert.True(t, found)
	assert.Equal(t, log, buf.Bytes(), "the run log, whole")

	// A second copy into the same (now non-empty) database is refused and writes nothing.
	out, errOut, code = runCLI(t, w, cliEnv(w), "migrate-db", "--from", src, "--to", dbURL)
	assert.Equal(t, 1, code, out)
	assert.Contains(t, errOut, "not empty")
	assert.Contains(t, errOut, "nothing was written")
	assert.NotContains(t, errOut, pgtest.Password)
}

func TestMigrateDB_GivenBadArguments_ThenAPreciseErrorAndNothingCreated(t *testing.T) {
	t.Parallel()
	w := newWorkspace(t, jobRow{window: "Daily 05:00 UTC", freq: "Daily", script: "scripts/ok.sh", body: "true", deps: "`bash`"})
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no --to", []string{"--from", "data/runbook.db"}, 2, "usage: migrate-db"},
		{"not PostgreSQL", []string{"--from", "data/runbook.db", "--to", "mysql://root:Wr0ng-S3cret@db/x"}, 2, "not a postgres:// or postgresql:// URL"},
		{"no such SQLite file", []string{"--from", "data/nothing.db", "--to", "postgres://u:Wr0ng-S3cret@127.0.0.1:1/x"}, 1, "no SQLite database there"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := runCLI(t, w, cliEnv(w), append([]string{"migrate-db"}, tc.args...)...)
			assert.Equal(t, tc.code, code, out)
			assert.Contains(t, errOut, tc.want)
			assert.NotContains(t, out+errOut, "Wr0ng-S3cret")
		})
	}
	_, err := os.Stat(w.path("data", "nothing.db"))
	assert.True(t, os.IsNotExist(err), "no SQLite file created")
}
