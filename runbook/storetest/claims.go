package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/runbook"
)

func testClaim(t *testing.T, open Opener) {
	db := open(t)
	for i, want := range []bool{true, false, false} {
		update(t, db, func(tx runbook.Tx) error {
			fresh, err := tx.Claim("trigger-123", t0.Add(time.Duration(i)*time.Second))
			require.NoError(t, err)
			assert.Equal(t, want, fresh, "claim %d", i)
			return nil
		})
	}
	update(t, db, func(tx runbook.Tx) error {
		fresh, err := tx.Claim("env-9", t0)
		require.NoError(t, err)
		assert.True(t, fresh)
		fresh, err = tx.Claim("env-9", t0)
		require.NoError(t, err)
		assert.False(t, fresh, "seen earlier in the same transaction")
		return nil
	})
	// A rolled-back claim is not remembered.
	_ = db.Update(ctx, func(tx runbook.Tx) error {
		_, err := tx.Claim("rolled-back", t0)
		require.NoError(t, err)
		return assert.AnError
	})
	update(t, db, func(tx runbook.Tx) error {
		fresh, err := tx.Claim("rolled-back", t0)
		require.NoError(t, err)
		assert.True(t, fresh)
		return nil
	})
}

func testMessageRefsAndMeta(t *testing.T, open Opener) {
	db := open(t)
	update(t, db, func(tx runbook.Tx) error {
		_, _, ok, err := tx.MessageRef("occ/1/request/0")
		require.NoError(t, err)
		assert.False(t, ok)
		require.NoError(t, tx.SetMessageRef("occ/1/request/0", "C1", "1700000000.000100"))
		require.NoError(t, tx.SetMessageRef("occ/1/incident", "C2", "1700000000.000200"))
		require.NoError(t, tx.SetMessageRef("occ/1/incident", "C2", "1700000000.000300"))

		_, ok, err = tx.Meta("runbook_sha")
		require.NoError(t, err)
		assert.False(t, ok)
		require.NoError(t, tx.SetMeta("runbook_sha", "a"))
		require.NoError(t, tx.SetMeta("empty", ""))
		return tx.SetMeta("runbook_sha", "b")
	})
	view(t, db, func(tx runbook.Tx) {
		ch, ts, ok, err := tx.MessageRef("occ/1/request/0")
		require.NoError(t, err)
		assert.True(t, ok)
		assert.Equal(t, []string{"C1", "1700000000.000100"}, []string{ch, ts})
		ch, ts, ok, err = tx.MessageRef("occ/1/incident")
		require.NoError(t, err)
		assert.True(t, ok)
		assert.Equal(t, []string{"C2", "1700000000.000300"}, []string{ch, ts})
		v, ok, err := tx.Meta("runbook_sha")
		require.NoError(t, err)
		assert.True(t, ok)
		assert.Equal(t, "b", v)
		v, ok, err = tx.Meta("empty")
		require.NoError(t, err)
		assert.True(t, ok, "an empty value is set")
		assert.Equal(t, "", v)
	})
}
