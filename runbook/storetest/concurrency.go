package storetest

import (
	"fmt"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// race runs fn(i) for i in [0, n) in n goroutines released at once, and waits for them.
func race(n int, fn func(i int)) {
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			fn(i)
		}()
	}
	close(start)
	wg.Wait()
}

func testConcurrentReadersDoNotBlockTheWriter(t *testing.T, open Opener) {
	db := open(t)
	writes := 300
	if testing.Short() {
		writes = 60
	}
	var (
		stop    atomic.Bool
		reads   atomic.Int64
		wg      sync.WaitGroup
		readErr = make(chan error, 4)
	)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				err := db.View(ctx, func(tx runbook.Tx) error {
					os, err := tx.Occurrences(runbook.Query{Job: "job", Desc: true, Limit: 10})
					if err != nil {
						return err
					}
					if len(os) > 0 {
						if _, err := tx.Occurrence(os[0].ID); err != nil {
							return err
						}
					}
					_, _, err = tx.NextTimer()
					return err
				})
				if err != nil {
					readErr <- err
					return
				}
				reads.Add(1)
				runtime.Gosched() // share the CPUs with the writer on small machines
			}
		}()
	}
	for i := range writes {
		err := db.Update(ctx, func(tx runbook.Tx) error {
			o := newOcc("job", t0.Add(time.Duration(i)*time.Hour))
			if err := tx.CreateOccurrence(&o); err != nil {
				return err
			}
			if err := tx.AddRecord(&runbook.Record{Occurrence: o.ID, At: t0, Kind: runbook.RecApproved, Job: o.Job, Window: o.Window}); err != nil {
				return err
			}
			tm := runbook.Timer{Occ: o.ID, Kind: runbook.TimerOpen, Due: o.Window}
			return tx.ArmTimer(&tm)
		})
		require.NoError(t, err, "write %d", i)
	}
	stop.Store(true)
	wg.Wait()
	close(readErr)
	for err := range readErr {
		require.NoError(t, err)
	}
	assert.Positive(t, reads.Load())
	view(t, db, func(tx runbook.Tx) {
		os, err := tx.Occurrences(runbook.Query{})
		require.NoError(t, err)
		assert.Len(t, os, writes)
	})
}

func testConcurrentWritersSerialize(t *testing.T, open Opener) {
	db := open(t)
	// Read-modify-write of one value by 4 writers: no increment is lost.
	race(4, func(g int) {
		for i := range 25 {
			err := db.Update(ctx, func(tx runbook.Tx) error {
				n, _, err := tx.Meta("n")
				if err != nil {
					return err
				}
				v, _ := strconv.Atoi(n)
				if _, err = tx.Claim(fmt.Sprintf("%d-%d", g, i), t0); err != nil {
					return err
				}
				return tx.SetMeta("n", strconv.Itoa(v+1))
			})
			assert.NoError(t, err)
		}
	})
	view(t, db, func(tx runbook.Tx) {
		n, _, err := tx.Meta("n")
		require.NoError(t, err)
		assert.Equal(t, "100", n)
	})
}

func testConcurrentFireTimerFiresOnce(t *testing.T, open Opener) {
	db := open(t)
	const timers, racers = 10, 4
	var ids []int64
	update(t, db, func(tx runbook.Tx) error {
		o := newOcc("job", t0)
		require.NoError(t, tx.CreateOccurrence(&o))
		for i := range timers {
			tm := runbook.Timer{Occ: o.ID, Kind: runbook.TimerReminder, Seq: i, Due: t0}
			require.NoError(t, tx.ArmTimer(&tm))
			ids = append(ids, tm.ID)
		}
		return nil
	})
	for _, id := range ids {
		var fired, conflicts atomic.Int64
		race(racers, func(i int) {
			// Each racer fires the timer and, in the same transaction, records that it did.
			err := db.Update(ctx, func(tx runbook.Tx) error {
				if err := tx.FireTimer(id, t0.Add(time.Duration(i)*time.Second)); err != nil {
					return err
				}
				return tx.AddRecord(&runbook.Record{Occurrence: 1000 + id, At: t0, Kind: runbook.RecRunFinished, Actor: strconv.Itoa(i)})
			})
			switch {
			case err == nil:
				fired.Add(1)
			case runbook.KindOf(err) == runbook.KindConflict:
				conflicts.Add(1)
			default:
				t.Errorf("timer %d: %v", id, err)
			}
		})
		assert.Equal(t, int64(1), fired.Load(), "timer %d fired once", id)
		assert.Equal(t, int64(racers-1), conflicts.Load(), "the others were told it had fired")
		view(t, db, func(tx runbook.Tx) {
			recs, err := tx.Records(1000 + id)
			require.NoError(t, err)
			assert.Len(t, recs, 1, "only the winner's effects are kept")
		})
	}
}

func testConcurrentClaimsOneFresh(t *testing.T, open Opener) {
	db := open(t)
	const racers = 4
	for k := range 10 {
		id := fmt.Sprintf("trigger-%d", k)
		var fresh atomic.Int64
		race(racers, func(i int) {
			err := db.Update(ctx, func(tx runbook.Tx) error {
				ok, err := tx.Claim(id, t0)
				if err != nil || !ok {
					return err
				}
				fresh.Add(1)
				return tx.Enqueue(&runbook.Delivery{Sink: runbook.SinkChat, Key: id, NextAt: t0, CreatedAt: t0})
			})
			assert.NoError(t, err)
		})
		// fresh counts attempts (a store may run fn again), the outbox what committed.
		assert.GreaterOrEqual(t, fresh.Load(), int64(1))
		view(t, db, func(tx runbook.Tx) {
			ds, err := tx.PendingDeliveries(runbook.SinkChat, t0, 0)
			require.NoError(t, err)
			n := 0
			for _, d := range ds {
				if d.Key == id {
					n++
				}
			}
			assert.Equal(t, 1, n, "%s claimed fresh exactly once", id)
		})
	}
}

func testConcurrentEnsureCreatesOnce(t *testing.T, open Opener) {
	db := open(t)
	// Several writers make sure the same occurrence exists (as materialising does
	// on every replica): one creates it, the others find it, none fails.
	const racers = 4
	for k := range 5 {
		slot := t0.Add(time.Duration(k) * time.Hour)
		var created atomic.Int64
		race(racers, func(i int) {
			err := db.Update(ctx, func(tx runbook.Tx) error {
				if _, ok, err := tx.OccurrenceAt("job", slot); err != nil || ok {
					return err
				}
				o := newOcc("job", slot)
				if err := tx.CreateOccurrence(&o); err != nil {
					return err
				}
				created.Add(1)
				tm := runbook.Timer{Occ: o.ID, Kind: runbook.TimerOpen, Due: slot}
				return tx.ArmTimer(&tm)
			})
			assert.NoError(t, err)
		})
		assert.GreaterOrEqual(t, created.Load(), int64(1))
	}
	view(t, db, func(tx runbook.Tx) {
		os, err := tx.Occurrences(runbook.Query{Job: "job"})
		require.NoError(t, err)
		assert.Len(t, os, 5)
		ts, err := tx.PendingTimers()
		require.NoError(t, err)
		assert.Len(t, ts, 5)
	})
}
