package storetest

import (
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/runbook"
)

func testOutbox(t *testing.T, open Opener) {
	db := open(t)
	now := t0
	var c1, c2, c3, i1, empty runbook.Delivery
	update(t, db, func(tx runbook.Tx) error {
		c1 = runbook.Delivery{Sink: runbook.SinkChat, Key: "occ/1/request/0", Payload: []byte(`{"a":1}`), NextAt: now, CreatedAt: now}
		i1 = runbook.Delivery{Sink: runbook.SinkITSM, Key: "7", Payload: []byte(`{"kind":"approved"}`), NextAt: now, CreatedAt: now}
		c2 = runbook.Delivery{Sink: runbook.SinkChat, Key: "occ/1/run/1", Payload: []byte(`{"b":2}`), NextAt: now.Add(-time.Minute), CreatedAt: now}
		c3 = runbook.Delivery{Sink: runbook.SinkChat, Key: "later", Payload: []byte(`{}`), NextAt: now.Add(time.Hour), CreatedAt: now}
		empty = runbook.Delivery{Sink: runbook.SinkDelayLog, NextAt: now, CreatedAt: now}
		for _, d := range []*runbook.Delivery{&c1, &i1, &c2, &c3, &empty} {
			require.NoError(t, tx.Enqueue(d))
			require.NotZero(t, d.ID)
		}
		return nil
	})
	pending := func(sink string, at time.Time, limit int) []runbook.Delivery {
		t.Helper()
		var out []runbook.Delivery
		require.NoError(t, db.View(ctx, func(tx runbook.Tx) error {
			var err error
			out, err = tx.PendingDeliveries(sink, at, limit)
			return err
		}))
		return out
	}
	keys := func(ds []runbook.Delivery) []string {
		var out []string
		for _, d := range ds {
			out = append(out, d.Key)
		}
		return out
	}

	got := pending(runbook.SinkChat, now, 0)
	assert.Equal(t, []string{c1.Key, c2.Key}, keys(got), "by id, only due")
	assert.Equal(t, []byte(`{"a":1}`), got[0].Payload)
	assert.Equal(t, now.UTC(), got[0].CreatedAt)
	assert.Equal(t, now.UTC(), got[0].NextAt)
	assert.Equal(t, runbook.SinkChat, got[0].Sink)
	assert.Equal(t, c1.ID, got[0].ID)
	assert.Equal(t, []string{c1.Key}, keys(pending(runbook.SinkChat, now, 1)))
	assert.Equal(t, []string{i1.Key}, keys(pending(runbook.SinkITSM, now, 10)))
	assert.Equal(t, []string{c1.Key, c2.Key, c3.Key}, keys(pending(runbook.SinkChat, now.Add(365*24*time.Hour), 500)), "every undelivered row, by id")
	gotEmpty := pending(runbook.SinkDelayLog, now, 0)
	require.Len(t, gotEmpty, 1)
	assert.Empty(t, gotEmpty[0].Payload)
	assert.Empty(t, gotEmpty[0].Key)

	update(t, db, func(tx runbook.Tx) error {
		require.NoError(t, tx.RetryDelivery(c1.ID, now.Add(30*time.Second), "429 rate limited"))
		require.NoError(t, tx.RetryDelivery(c1.ID, now.Add(90*time.Second), "timeout"))
		require.NoError(t, tx.MarkDelivered(c2.ID, now))
		return nil
	})
	assert.Empty(t, pending(runbook.SinkChat, now, 0))
	got = pending(runbook.SinkChat, now.Add(2*time.Hour), 0)
	assert.Equal(t, []string{c1.Key, c3.Key}, keys(got))
	assert.Equal(t, 2, got[0].Attempts)
	assert.Equal(t, "timeout", got[0].LastError)
	assert.Equal(t, now.Add(90*time.Second).UTC(), got[0].NextAt)

	view(t, db, func(tx runbook.Tx) {
		bl, err := tx.Backlog()
		require.NoError(t, err)
		assert.Equal(t, map[string]int{runbook.SinkChat: 2, runbook.SinkITSM: 1, runbook.SinkDelayLog: 1}, bl)
	})
	// The most urgent rows come first, then by id, so a limited read never hides an incident behind bulk output.
	var prio []runbook.Delivery
	update(t, db, func(tx runbook.Tx) error {
		for i, p := range []runbook.Priority{runbook.PriorityBulk, runbook.PriorityNormal, runbook.PriorityBulk, runbook.PriorityCritical, runbook.PriorityUrgent} {
			d := runbook.Delivery{Sink: runbook.SinkCheckin, Key: strconv.Itoa(i), Priority: p, Payload: []byte(`{}`), NextAt: now, CreatedAt: now}
			require.NoError(t, tx.Enqueue(&d))
			prio = append(prio, d)
		}
		return nil
	})
	got = pending(runbook.SinkCheckin, now, 0)
	assert.Equal(t, []string{"3", "4", "1", "0", "2"}, keys(got), "critical, urgent, normal, then bulk by id")
	assert.Equal(t, runbook.PriorityCritical, got[0].Priority)
	assert.Equal(t, runbook.PriorityBulk, got[4].Priority)
	assert.Equal(t, []string{"3", "4"}, keys(pending(runbook.SinkCheckin, now, 2)), "the limit takes the most urgent")
	update(t, db, func(tx runbook.Tx) error {
		for _, d := range prio {
			require.NoError(t, tx.MarkDelivered(d.ID, now))
		}
		return nil
	})

	// A delivered row stays delivered.
	update(t, db, func(tx runbook.Tx) error { return tx.MarkDelivered(c2.ID, now.Add(time.Hour)) })
	assert.Equal(t, []string{c1.Key, c3.Key}, keys(pending(runbook.SinkChat, now.Add(2*time.Hour), 0)))
}
