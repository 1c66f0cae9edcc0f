package postgres

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// waitingForLock waits until a session of db's database waits for an advisory lock.
func waitingForLock(t *testing.T, db *DB) {
	t.Helper()
	admin, err := pgx.Connect(ctx, db.url)
	require.NoError(t, err)
	defer admin.Close(ctx)
	require.Eventually(t, func() bool {
		var waiting int
		err := admin.QueryRow(ctx, `SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database
			WHERE l.locktype = 'advisory' AND NOT l.granted AND d.datname = current_database()`).Scan(&waiting)
		return err == nil && waiting > 0
	}, 30*time.Second, 10*time.Millisecond, "a writer waits for the write lock")
}

func TestUpdate_GivenAWriterOfAnotherProcessHoldsTheLock_WhenUpdating_ThenItWaitsItsTurnAndIdsFollowCommitOrder(t *testing.T) {
	db := openTest(t)
	other, err := Open(ctx, db.url) // another process on the same database
	require.NoError(t, err)
	defer other.Close()

	holding := make(chan struct{})
	release := make(chan struct{})
	var releaseOnce sync.Once
	let := func() { releaseOnce.Do(func() { close(release) }) }
	defer let() // a failure below must not leave the other writer holding its connection
	var first runbook.Delivery
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		assert.NoError(t, other.Update(ctx, func(tx runbook.Tx) error {
			if err := tx.SetMeta("order", "other"); err != nil {
				return err
			}
			first = runbook.Delivery{Sink: runbook.SinkITSM, Key: runbook.SinkITSM, NextAt: t0, CreatedAt: t0}
			if err := tx.Enqueue(&first); err != nil {
				return err
			}
			close(holding)
			<-release
			return nil
		}))
	}()
	<-holding
	var second runbook.Delivery
	done := make(chan error, 1)
	go func() {
		done <- db.Update(ctx, func(tx runbook.Tx) error {
			v, _, err := tx.Meta("order")
			if err != nil {
				return err
			}
			second = runbook.Delivery{Sink: runbook.SinkITSM, Key: runbook.SinkITSM, NextAt: t0, CreatedAt: t0}
			if err := tx.Enqueue(&second); err != nil {
				return err
			}
			return tx.SetMeta("order", v+",mine")
		})
	}()
	waitingForLock(t, db)
	// Readers do not wait for writers.
	require.NoError(t, db.View(ctx, func(tx runbook.Tx) error { _, _, err := tx.Meta("order"); return err }))
	let()
	wg.Wait()
	require.NoError(t, <-done)
	assert.Greater(t, second.ID, first.ID, "the later commit has the greater id")
	require.NoError(t, db.View(ctx, func(tx runbook.Tx) error {
		v, _, err := tx.Meta("order")
		assert.Equal(t, "other,mine", v, "it saw the other writer's commit")
		return err
	}))
}

func TestUpdate_GivenWritersInTwoProcesses_WhenTheyRace_ThenNoUpdateIsLostAndEachTimerFiresOnce(t *testing.T) {
	db := openTest(t)
	other, err := Open(ctx, db.url)
	require.NoError(t, err)
	defer other.Close()
	var tm runbook.Timer
	require.NoError(t, db.Update(ctx, func(tx runbook.Tx) error {
		o := runbook.Occurrence{Job: "job", Slot: t0, Window: t0, State: runbook.Scheduled}
		if err := tx.CreateOccurrence(&o); err != nil {
			return err
		}
		tm = runbook.Timer{Occ: o.ID, Kind: runbook.TimerOpen, Due: t0}
		return tx.ArmTimer(&tm)
	}))
	var wg sync.WaitGroup
	var fired sync.Map
	start := make(chan struct{})
	for g, store := range []*DB{db, other, db, other} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			for i := range 25 {
				err := store.Update(ctx, func(tx runbook.Tx) error {
					n, _, err := tx.Meta("n")
					if err != nil {
						return err
					}
					var v int
					fmt.Sscan(n, &v)
					return tx.SetMeta("n", fmt.Sprint(v+1))
				})
				assert.NoError(t, err)
				if i == 0 {
					err := store.Update(ctx, func(tx runbook.Tx) error { return tx.FireTimer(tm.ID, t0) })
					if err == nil {
						fired.Store(g, true)
					} else {
						assert.Equal(t, runbook.KindConflict, runbook.KindOf(err), "%v", err)
					}
				}
			}
		}()
	}
	close(start)
	wg.Wait()
	require.NoError(t, db.View(ctx, func(tx runbook.Tx) error {
		n, _, err := tx.Meta("n")
		assert.Equal(t, "100", n)
		return err
	}))
	count := 0
	fired.Range(func(_, _ any) bool { count++; return true })
	assert.Equal(t, 1, count, "the timer fired once")
}
