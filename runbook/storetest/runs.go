package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// testRunOwners covers OwnRun, BeatRun and StaleRuns: a run beats for its
// owner's attempt only, a new attempt takes the run over, and only running
// occurrences whose latest attempt is silent (or unowned) are stale.
func testRunOwners(t *testing.T, open Opener) {
	s := open(t)
	var running, unowned, done runbook.Occurrence
	update(t, s, func(tx runbook.Tx) error {
		for i, o := range []*runbook.Occurrence{&running, &unowned, &done} {
			*o = newOcc("job", t0.Add(time.Duration(i)*time.Hour))
			o.State, o.Attempts = runbook.Running, 1
			require.NoError(t, tx.CreateOccurrence(o))
		}
		done.State = runbook.Succeeded
		require.NoError(t, tx.SaveOccurrence(done))
		require.NoError(t, tx.OwnRun(running.ID, 1, "a"))
		return tx.OwnRun(done.ID, 1, "a")
	})
	kind, code := kindOf(t, s.Update(ctx, func(tx runbook.Tx) error { return tx.OwnRun(99999, 1, "a") }))
	assert.Equal(t, runbook.KindNotFound, kind)
	assert.Equal(t, "occurrence_not_found", code)

	update(t, s, func(tx runbook.Tx) error {
		for _, tc := range []struct {
			attempt int
			owner   string
			want    bool
		}{{1, "a", true}, {1, "b", false}, {2, "a", false}} {
			ok, err := tx.BeatRun(running.ID, tc.attempt, tc.owner)
			require.NoError(t, err)
			assert.Equal(t, tc.want, ok, "attempt %d by %s", tc.attempt, tc.owner)
		}
		ok, err := tx.BeatRun(unowned.ID, 1, "a")
		require.NoError(t, err)
		assert.False(t, ok, "nobody owns it")

		stale, err := tx.StaleRuns(time.Hour)
		require.NoError(t, err)
		assert.Equal(t, []runbook.RunOwner{{Occ: unowned.ID, Attempt: 1}}, stale, "a fresh beat is not stale; an unowned run is")
		return nil
	})

	time.Sleep(20 * time.Millisecond) // the stores' clocks are real
	view(t, s, func(tx runbook.Tx) {
		stale, err := tx.StaleRuns(10 * time.Millisecond)
		require.NoError(t, err)
		require.Len(t, stale, 2, "the finished occurrence is never stale")
		assert.Equal(t, running.ID, stale[0].Occ)
		assert.Equal(t, "a", stale[0].Owner)
		assert.Equal(t, 1, stale[0].Attempt)
		assert.WithinDuration(t, time.Now(), stale[0].Beat, time.Minute)
		assert.Equal(t, unowned.ID, stale[1].Occ)
	})

	// Another replica starts attempt 2: the run is its now.
	update(t, s, func(tx runbook.Tx) error {
		running.Attempts = 2
		require.NoError(t, tx.SaveOccurrence(running))
		require.NoError(t, tx.OwnRun(running.ID, 2, "b"))
		ok, err := tx.BeatRun(running.ID, 1, "a")
		require.NoError(t, err)
		assert.False(t, ok, "the old attempt's owner lost it")
		ok, err = tx.BeatRun(running.ID, 2, "b")
		require.NoError(t, err)
		assert.True(t, ok)

		// Taken over (or finished): no longer running, so nobody's run.
		running.State = runbook.Failed
		require.NoError(t, tx.SaveOccurrence(running))
		ok, err = tx.BeatRun(running.ID, 2, "b")
		require.NoError(t, err)
		assert.False(t, ok, "the occurrence is no longer running")
		ok, err = tx.BeatRun(done.ID, 1, "a")
		require.NoError(t, err)
		assert.False(t, ok, "finished")
		return nil
	})
}
