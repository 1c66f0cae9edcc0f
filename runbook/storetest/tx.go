package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/runbook"
)

func testUpdateRollsBackOnErrorAndPanic(t *testing.T, open Opener) {
	db := open(t)
	boom := errors.New("boom")
	err := db.Update(ctx, func(tx runbook.Tx) error {
		o := newOcc("backup", t0)
		require.NoError(t, tx.CreateOccurrence(&o))
		require.NoError(t, tx.AddRecord(&runbook.Record{Occurrence: o.ID, At: t0, Kind: runbook.RecApproved, Job: "backup", Window: t0}))
		require.NoError(t, tx.Enqueue(&runbook.Delivery{Sink: runbook.SinkChat, Payload: []byte(`{}`), NextAt: t0, CreatedAt: t0}))
		tm := runbook.Timer{Occ: o.ID, Kind: runbook.TimerOpen, Due: t0}
		require.NoError(t, tx.ArmTimer(&tm))
		require.NoError(t, tx.SetMeta("k", "v"))
		require.NoError(t, tx.SetMessageRef("occ/1/request/0", "C1", "1.2"))
		_, err := tx.Claim("req-1", t0)
		require.NoError(t, err)
		return boom
	})
	require.ErrorIs(t, err, boom)

	assert.PanicsWithValue(t, "kaput", func() {
		_ = db.Update(ctx, func(tx runbook.Tx) error {
			o := newOcc("backup", t0)
			require.NoError(t, tx.CreateOccurrence(&o))
			panic("kaput")
		})
	})

	// A failed write ends the transaction even when fn goes on and returns nil.
	for name, failing := range map[string]func(tx runbook.Tx, o runbook.Occurrence) error{
		"timer of a missing occurrence": func(tx runbook.Tx, o runbook.Occurrence) error {
			return tx.ArmTimer(&runbook.Timer{Occ: o.ID + 1000, Kind: runbook.TimerOpen, Due: t0})
		},
		"duplicate occurrence": func(tx runbook.Tx, o runbook.Occurrence) error {
			dup := newOcc(o.Job, o.Slot)
			return tx.CreateOccurrence(&dup)
		},
		"fired timer": func(tx runbook.Tx, o runbook.Occurrence) error {
			tm := runbook.Timer{Occ: o.ID, Kind: runbook.TimerOpen, Due: t0}
			if err := tx.ArmTimer(&tm); err != nil {
				return err
			}
			if err := tx.FireTimer(tm.ID, t0); err != nil {
				return err
			}
			return tx.FireTimer(tm.ID, t0)
		},
	} {
		t.Run(name, func(t *testing.T) {
			var failed error
			err := db.Update(ctx, func(tx runbook.Tx) error {
				o := newOcc("ghost", t0)
				require.NoError(t, tx.CreateOccurrence(&o))
				failed = failing(tx, o)
				require.Error(t, failed)
				require.NoError(t, tx.SetMeta("after", "the failure"))
				return nil
			})
			require.Error(t, err)
			assert.Equal(t, runbook.KindOf(failed), runbook.KindOf(err), "the write's error: %v", err)
		})
	}

	view(t, db, func(tx runbook.Tx) {
		os, err := tx.Occurrences(runbook.Query{})
		require.NoError(t, err)
		assert.Empty(t, os)
		recs, err := tx.Records(1)
		require.NoError(t, err)
		assert.Empty(t, recs)
		ts, err := tx.PendingTimers()
		require.NoError(t, err)
		assert.Empty(t, ts)
		bl, err := tx.Backlog()
		require.NoError(t, err)
		assert.Empty(t, bl)
		_, ok, err := tx.Meta("k")
		require.NoError(t, err)
		assert.False(t, ok)
		_, ok, err = tx.Meta("after")
		require.NoError(t, err)
		assert.False(t, ok)
		_, _, ok, err = tx.MessageRef("occ/1/request/0")
		require.NoError(t, err)
		assert.False(t, ok)
	})
	// The store is usable after a panic, and the claim was not kept.
	update(t, db, func(tx runbook.Tx) error {
		fresh, err := tx.Claim("req-1", t0)
		require.NoError(t, err)
		assert.True(t, fresh)
		return tx.SetMeta("k", "v")
	})
}

func testViewIsReadOnly(t *testing.T, open Opener) {
	db := open(t)
	for name, fn := range map[string]func(runbook.Tx) error{
		"meta":  func(tx runbook.Tx) error { return tx.SetMeta("k", "v") },
		"claim": func(tx runbook.Tx) error { _, err := tx.Claim("id", t0); return err },
		"occurrence": func(tx runbook.Tx) error {
			o := newOcc("x", t0)
			return tx.CreateOccurrence(&o)
		},
	} {
		t.Run(name, func(t *testing.T) {
			require.Error(t, db.View(ctx, fn))
		})
	}
	view(t, db, func(tx runbook.Tx) {
		_, ok, err := tx.Meta("k")
		require.NoError(t, err)
		assert.False(t, ok)
	})
}

func testStats(t *testing.T, open Opener) {
	db := open(t)
	st, ok := db.(Statser)
	require.True(t, ok, "the store has StatsAt for the metrics")
	now := t0.Add(time.Hour)
	update(t, db, func(tx runbook.Tx) error {
		for i, s := range []runbook.State{runbook.Succeeded, runbook.Succeeded, runbook.Failed, runbook.Scheduled} {
			o := newOcc("job", t0.Add(time30s(i)))
			o.State = s
			o.Escalated = s == runbook.Failed
			require.NoError(t, tx.CreateOccurrence(&o))
			if s.Finished() {
				require.NoError(t, tx.AddRecord(&runbook.Record{Occurrence: o.ID, At: t0, Kind: runbook.RecRunFinished,
					Job: "job", Window: o.Window, Fields: map[string]string{"result": string(s)}}))
			}
			tm := runbook.Timer{Occ: o.ID, Kind: runbook.TimerDelay, Due: now.Add(time30s(2*i - 4))}
			require.NoError(t, tx.ArmTimer(&tm))
		}
		// A run_finished record without a result, and another kind: counted under "" and not at all.
		require.NoError(t, tx.AddRecord(&runbook.Record{At: t0, Kind: runbook.RecRunFinished, Job: "job"}))
		// A dry run's result: counted under "" too (runbook_runs_total counts runs).
		require.NoError(t, tx.AddRecord(&runbook.Record{At: t0, Kind: runbook.RecRunFinished, Job: "job", Fields: map[string]string{"result": "succeeded", "dry_run": "true"}}))
		// Runs whose log is incomplete: a log_error, not an empty one, nor one on another kind.
		require.NoError(t, tx.AddRecord(&runbook.Record{At: t0, Kind: runbook.RecRunFinished, Job: "job",
			Fields: map[string]string{"result": "succeeded", "log_error": "write: no space left on device after 65536 bytes"}}))
		require.NoError(t, tx.AddRecord(&runbook.Record{At: t0, Kind: runbook.RecRunFinished, Job: "job", Fields: map[string]string{"result": "failed", "log_error": ""}}))
		require.NoError(t, tx.AddRecord(&runbook.Record{At: t0, Kind: runbook.RecRefused, Job: "job", Fields: map[string]string{"log_error": "x"}}))
		require.NoError(t, tx.AddRecord(&runbook.Record{At: t0, Kind: runbook.RecApproved, Job: "job", Fields: map[string]string{"result": "x"}}))
		return tx.Enqueue(&runbook.Delivery{Sink: runbook.SinkITSM, Payload: []byte(`{}`), NextAt: t0, CreatedAt: t0})
	})
	s, err := st.StatsAt(ctx, now)
	require.NoError(t, err)
	assert.Equal(t, 2, s.Occurrences[runbook.Succeeded])
	assert.Equal(t, 1, s.Occurrences[runbook.Failed])
	assert.Equal(t, 1, s.Occurrences[runbook.Scheduled])
	assert.Contains(t, s.Occurrences, runbook.Running)
	assert.Len(t, s.Occurrences, len(runbook.States()))
	assert.Equal(t, 4, s.PendingTimers)
	assert.Equal(t, 2, s.LateTimers, "due strictly before now")
	assert.Equal(t, map[string]int{runbook.SinkChat: 0, runbook.SinkITSM: 1}, s.Backlog)
	assert.Equal(t, map[string]int{"succeeded": 3, "failed": 2, "": 2}, s.Runs)
	assert.Equal(t, 1, s.LogErrors)
	assert.Equal(t, 1, s.Escalated)

	empty := open(t).(Statser)
	s, err = empty.StatsAt(ctx, now)
	require.NoError(t, err)
	assert.Equal(t, runbook.NewStoreStats(), s)
}

// time30s is i half-minutes.
func time30s(i int) time.Duration { return time.Duration(i) * 30 * time.Second }
