package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// testPruneDelivered: delivered outbox rows older than the cut-off go, a
// bounded number at a time; undelivered rows stay however old, and so do the
// audit records.
func testPruneDelivered(t *testing.T, open Opener) {
	db := open(t)
	var old1, old2, recent, pending, givenUp runbook.Delivery
	update(t, db, func(tx runbook.Tx) error {
		for _, d := range []*runbook.Delivery{&old1, &old2, &recent, &pending, &givenUp} {
			*d = runbook.Delivery{Sink: runbook.SinkChat, Key: "k", Payload: []byte(`{}`), NextAt: t0, CreatedAt: t0.Add(-48 * time.Hour)}
			require.NoError(t, tx.Enqueue(d))
		}
		require.NoError(t, tx.MarkDelivered(old1.ID, t0.Add(-3*time.Hour)))
		require.NoError(t, tx.MarkDelivered(old2.ID, t0.Add(-2*time.Hour)))
		require.NoError(t, tx.MarkDelivered(recent.ID, t0))
		require.NoError(t, tx.RetryDelivery(givenUp.ID, t0, "gone"))
		require.NoError(t, tx.MarkDelivered(givenUp.ID, t0.Add(-time.Hour-time.Microsecond)))
		return tx.AddRecord(&runbook.Record{At: t0.Add(-72 * time.Hour), Kind: runbook.RecApproved, Job: "job"})
	})
	prune := func(before time.Time, limit int) int {
		t.Helper()
		var n int
		update(t, db, func(tx runbook.Tx) (err error) { n, err = tx.PruneDelivered(before, limit); return })
		return n
	}

	assert.Equal(t, 2, prune(t0.Add(-time.Hour), 2), "at most limit rows")
	assert.Equal(t, 1, prune(t0.Add(-time.Hour), 2), "then the rest delivered before the cut-off")
	assert.Equal(t, 0, prune(t0.Add(-time.Hour), 2), "nothing more")

	var left []runbook.Delivery
	view(t, db, func(tx runbook.Tx) {
		var err error
		left, err = tx.PendingDeliveries(runbook.SinkChat, t0.Add(time.Hour), 0)
		require.NoError(t, err)
		recs, err := tx.Records(0)
		require.NoError(t, err)
		assert.Len(t, recs, 1, "audit records are evidence: never pruned")
	})
	require.Len(t, left, 1)
	assert.Equal(t, pending.ID, left[0].ID, "an undelivered row stays")
	assert.Equal(t, 1, prune(t0.Add(time.Second), 0), "limit 0: every delivered row before the cut-off (the recent one)")

	err := db.Update(ctx, func(tx runbook.Tx) error {
		_, err := tx.PruneDelivered(time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), 1)
		return err
	})
	kind, _ := kindOf(t, err)
	assert.Equal(t, runbook.KindInvalid, kind)
}
