package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/runbook"
)

func timerIDs(ts []runbook.Timer) []int64 {
	var out []int64
	for _, tm := range ts {
		out = append(out, tm.ID)
	}
	return out
}

func testTimers(t *testing.T, open Opener) {
	db := open(t)
	var occ runbook.Occurrence
	update(t, db, func(tx runbook.Tx) error {
		occ = newOcc("backup", t0)
		return tx.CreateOccurrence(&occ)
	})
	var confirm, rem0, rem1, windowOpen runbook.Timer
	update(t, db, func(tx runbook.Tx) error {
		confirm = runbook.Timer{Occ: occ.ID, Kind: runbook.TimerConfirm, Due: t0.Add(-24 * time.Hour)}
		rem0 = runbook.Timer{Occ: occ.ID, Kind: runbook.TimerReminder, Seq: 0, Due: t0.Add(-4 * time.Hour)}
		rem1 = runbook.Timer{Occ: occ.ID, Kind: runbook.TimerReminder, Seq: 1, Due: t0.Add(-time.Hour)}
		windowOpen = runbook.Timer{Occ: occ.ID, Kind: runbook.TimerOpen, Due: t0}
		for _, tm := range []*runbook.Timer{&windowOpen, &rem1, &rem0, &confirm} {
			require.NoError(t, tx.ArmTimer(tm))
			require.NotZero(t, tm.ID)
			assert.Nil(t, tm.Fired)
		}
		return nil
	})

	view(t, db, func(tx runbook.Tx) {
		next, ok, err := tx.NextTimer()
		require.NoError(t, err)
		require.True(t, ok)
		assert.Equal(t, confirm.ID, next.ID)
		assert.Equal(t, confirm.Due.UTC(), next.Due)
		assert.Equal(t, runbook.TimerConfirm, next.Kind)
		assert.Equal(t, occ.ID, next.Occ)
		assert.Nil(t, next.Fired)

		due, err := tx.DueTimers(t0.Add(-4*time.Hour), 0)
		require.NoError(t, err)
		assert.Equal(t, []int64{confirm.ID, rem0.ID}, timerIDs(due), "due ≤ now, by due")
		due, err = tx.DueTimers(t0, 1)
		require.NoError(t, err)
		assert.Equal(t, []int64{confirm.ID}, timerIDs(due), "limit")
		all, err := tx.PendingTimers()
		require.NoError(t, err)
		assert.Equal(t, []int64{confirm.ID, rem0.ID, rem1.ID, windowOpen.ID}, timerIDs(all))
		assert.Equal(t, 1, all[2].Seq)
	})

	// Re-arm an unfired timer: same row, new due.
	update(t, db, func(tx runbook.Tx) error {
		re := runbook.Timer{Occ: occ.ID, Kind: runbook.TimerOpen, Due: t0.Add(time.Hour)}
		require.NoError(t, tx.ArmTimer(&re))
		assert.Equal(t, windowOpen.ID, re.ID)
		return nil
	})
	view(t, db, func(tx runbook.Tx) {
		all, err := tx.PendingTimers()
		require.NoError(t, err)
		require.Len(t, all, 4)
		assert.Equal(t, windowOpen.ID, all[3].ID)
		assert.Equal(t, t0.Add(time.Hour).UTC(), all[3].Due)
	})

	// Fire once; firing again is a conflict; re-arming a fired timer leaves it fired.
	firedAt := t0.Add(-23 * time.Hour)
	update(t, db, func(tx runbook.Tx) error { return tx.FireTimer(confirm.ID, firedAt) })
	kind, code := kindOf(t, db.Update(ctx, func(tx runbook.Tx) error { return tx.FireTimer(confirm.ID, firedAt.Add(time.Minute)) }))
	assert.Equal(t, runbook.KindConflict, kind)
	assert.Equal(t, "timer_already_fired", code)
	assert.Equal(t, runbook.KindNotFound, runbook.KindOf(db.Update(ctx, func(tx runbook.Tx) error { return tx.FireTimer(99999, firedAt) })))

	update(t, db, func(tx runbook.Tx) error {
		re := runbook.Timer{Occ: occ.ID, Kind: runbook.TimerConfirm, Due: t0.Add(time.Hour)}
		require.NoError(t, tx.ArmTimer(&re))
		assert.Equal(t, confirm.ID, re.ID)
		require.NotNil(t, re.Fired)
		assert.Equal(t, firedAt.UTC(), *re.Fired)
		assert.Equal(t, confirm.Due.UTC(), re.Due, "a fired timer keeps its due time")
		return nil
	})
	view(t, db, func(tx runbook.Tx) {
		due, err := tx.DueTimers(t0.Add(10*time.Hour), 0)
		require.NoError(t, err)
		assert.Equal(t, []int64{rem0.ID, rem1.ID, windowOpen.ID}, timerIDs(due), "a fired timer is never due again")
	})

	// Disarm: no kinds is a no-op; kinds drop only unfired timers of those kinds.
	update(t, db, func(tx runbook.Tx) error {
		require.NoError(t, tx.DisarmTimers(occ.ID))
		return tx.DisarmTimers(occ.ID, runbook.TimerReminder, runbook.TimerConfirm)
	})
	view(t, db, func(tx runbook.Tx) {
		all, err := tx.PendingTimers()
		require.NoError(t, err)
		assert.Equal(t, []int64{windowOpen.ID}, timerIDs(all))
	})
	kind, _ = kindOf(t, db.Update(ctx, func(tx runbook.Tx) error { return tx.FireTimer(confirm.ID, t0) }))
	assert.Equal(t, runbook.KindConflict, kind, "the fired confirm timer stays")

	update(t, db, func(tx runbook.Tx) error { return tx.FireTimer(windowOpen.ID, t0) })
	view(t, db, func(tx runbook.Tx) {
		_, ok, err := tx.NextTimer()
		require.NoError(t, err)
		assert.False(t, ok)
		all, err := tx.PendingTimers()
		require.NoError(t, err)
		assert.Empty(t, all)
	})
}
