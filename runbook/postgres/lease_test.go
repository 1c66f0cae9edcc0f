package postgres

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/runbook"
)

func campaign(t *testing.T, db *DB, holder string, ttl time.Duration) runbook.Lease {
	t.Helper()
	l, err := db.Campaign(ctx, holder, ttl)
	require.NoError(t, err)
	return l
}

// waitExpired waits until the lease has run out by the database's clock.
func waitExpired(t *testing.T, db *DB) {
	t.Helper()
	require.Eventually(t, func() bool {
		l, ok, err := db.Leader(ctx)
		return err == nil && ok && l.Left <= 0
	}, 10*time.Second, 20*time.Millisecond)
}

func TestLease_GivenReplicasCampaigning_ThenOneHoldsItRenewsItAndAnotherTakesItOnlyOnceExpiredWithANewEpoch(t *testing.T) {
	db := openTest(t)
	_, ok, err := db.Leader(ctx)
	require.NoError(t, err)
	require.False(t, ok, "never taken")

	a := campaign(t, db, "a", 10*time.Second)
	assert.Equal(t, "a", a.Holder)
	assert.Equal(t, int64(1), a.Epoch)
	assert.InDelta(t, 10, a.Left.Seconds(), 1)

	b := campaign(t, db, "b", 10*time.Second)
	assert.Equal(t, "a", b.Holder, "b is told who leads")
	assert.Equal(t, int64(1), b.Epoch)

	again := campaign(t, db, "a", 10*time.Second)
	assert.Equal(t, int64(1), again.Epoch, "a renewal keeps the epoch")
	assert.Equal(t, a.Since, again.Since)

	campaign(t, db, "a", 300*time.Millisecond)
	waitExpired(t, db)
	b = campaign(t, db, "b", 10*time.Second)
	assert.Equal(t, "b", b.Holder, "expired: b takes it")
	assert.Equal(t, int64(2), b.Epoch)

	campaign(t, db, "b", 300*time.Millisecond)
	waitExpired(t, db)
	b = campaign(t, db, "b", 10*time.Second)
	assert.Equal(t, int64(3), b.Epoch, "taking one's own expired lease again is a new term")

	require.NoError(t, db.Resign(ctx, "a", 3), "resigning a lease one does not hold changes nothing")
	assert.Equal(t, "b", campaign(t, db, "a", 10*time.Second).Holder)
	require.NoError(t, db.Resign(ctx, "b", 3))
	a = campaign(t, db, "a", 10*time.Second)
	assert.Equal(t, "a", a.Holder, "resigned: a takes it at once")
	assert.Equal(t, int64(4), a.Epoch)
}

func TestLease_GivenReplicasRacingForAFreeLease_ThenExactlyOneWinsAndAllAgreeOnIt(t *testing.T) {
	db := openTest(t)
	names := []string{"a", "b", "c", "d", "e", "f"}
	got := make([]runbook.Lease, len(names))
	var wg sync.WaitGroup
	for i, n := range names {
		wg.Go(func() { got[i] = campaign(t, db, n, 10*time.Second) })
	}
	wg.Wait()
	winner := got[0].Holder
	wins := 0
	for i, l := range got {
		assert.Equal(t, winner, l.Holder)
		assert.Equal(t, int64(1), l.Epoch)
		if l.Holder == names[i] {
			wins++
		}
	}
	assert.Equal(t, 1, wins)
}

func TestFence_GivenTheLease_ThenOnlyItsHolderAtItsEpochCommitsAndAFailedFenceCommitsNothing(t *testing.T) {
	db := openTest(t)
	a := campaign(t, db, "a", 10*time.Second)
	write := func(epoch int64, key string) error {
		return db.Update(ctx, func(tx runbook.Tx) error {
			if err := tx.Fence(epoch); err != nil {
				return err
			}
			return tx.SetMeta(key, "x")
		})
	}
	require.NoError(t, write(a.Epoch, "held"))
	err := write(a.Epoch+1, "other-epoch")
	require.ErrorIs(t, err, runbook.ErrNotLeader)
	assert.True(t, runbook.IsNotLeader(err))

	require.NoError(t, db.Resign(ctx, "a", a.Epoch))
	require.ErrorIs(t, write(a.Epoch, "resigned"), runbook.ErrNotLeader)
	b := campaign(t, db, "b", 10*time.Second)
	require.ErrorIs(t, write(a.Epoch, "taken"), runbook.ErrNotLeader)
	require.NoError(t, write(b.Epoch, "b"))

	require.NoError(t, db.View(ctx, func(tx runbook.Tx) error {
		for key, want := range map[string]bool{"held": true, "other-epoch": false, "resigned": false, "taken": false, "b": true} {
			_, ok, err := tx.Meta(key)
			require.NoError(t, err)
			assert.Equal(t, want, ok, key)
		}
		return nil
	}))
}

func TestFence_GivenAFencedTransactionInProgress_WhenTheLeaseExpiresAndAnotherCampaigns_ThenItTakesTheLeaseOnlyAfterTheCommit(t *testing.T) {
	db := openTest(t)
	a := campaign(t, db, "a", 500*time.Millisecond)
	var (
		mu     sync.Mutex
		events []string
	)
	note := func(e string) { mu.Lock(); events = append(events, e); mu.Unlock() }
	fenced := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- db.Update(ctx, func(tx runbook.Tx) error {
			if err := tx.Fence(a.Epoch); err != nil {
				return err
			}
			close(fenced)
			waitExpired(t, db) // the lease runs out while the leader's transaction is in progress
			time.Sleep(200 * time.Millisecond)
			note("committing")
			return tx.SetMeta("fenced-write", "x")
		})
	}()
	<-fenced
	waitExpired(t, db)
	b := campaign(t, db, "b", 10*time.Second)
	note("taken")
	require.NoError(t, <-done)
	assert.Equal(t, "b", b.Holder)
	assert.Equal(t, []string{"committing", "taken"}, events, "the takeover waited for the fenced transaction")
}

func TestListen_GivenAnotherProcessCommits_ThenTimersAndDeliveriesAreToldAtCommitAndARollbackTellsNothing(t *testing.T) {
	db := openTest(t)
	other, err := Open(ctx, db.url)
	require.NoError(t, err)
	defer other.Close()

	type wake struct{ timers, deliveries bool }
	got := make(chan wake, 16)
	lctx, cancel := context.WithCancel(ctx)
	listening := make(chan error, 4)
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		db.Listen(lctx, func(t, d bool) { got <- wake{t, d} }, func(err error) { listening <- err })
	}()
	defer func() { cancel(); <-stopped }()
	require.NoError(t, <-listening, "listening")
	require.Equal(t, wake{true, true}, <-got, "after connecting: look, something may have been missed")

	next := func() wake {
		select {
		case w := <-got:
			return w
		case <-time.After(10 * time.Second):
			t.Fatal("no notification")
			return wake{}
		}
	}
	o := runbook.Occurrence{Job: "j", Slot: t0, Window: t0, State: runbook.Scheduled}
	require.NoError(t, other.Update(ctx, func(tx runbook.Tx) error { return tx.CreateOccurrence(&o) }))
	require.NoError(t, other.Update(ctx, func(tx runbook.Tx) error {
		return tx.ArmTimer(&runbook.Timer{Occ: o.ID, Kind: runbook.TimerConfirm, Due: t0})
	}))
	assert.Equal(t, wake{timers: true}, next(), "creating an occurrence tells nothing; arming a timer tells the timers")

	boom := errors.New("boom")
	require.ErrorIs(t, other.Update(ctx, func(tx runbook.Tx) error {
		if err := tx.ArmTimer(&runbook.Timer{Occ: o.ID, Kind: runbook.TimerOpen, Due: t0}); err != nil {
			return err
		}
		return boom
	}), boom)
	require.NoError(t, other.Update(ctx, func(tx runbook.Tx) error {
		return tx.Enqueue(&runbook.Delivery{Sink: runbook.SinkChat, Key: "k", Payload: []byte("{}"), NextAt: t0, CreatedAt: t0})
	}))
	assert.Equal(t, wake{deliveries: true}, next(), "the rolled-back timer told nothing")
}
