package runbook_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// occAt is the job's occurrence whose window is w.
func (h *harness) occAt(job string, w time.Time) runbook.Occurrence {
	h.t.Helper()
	var o runbook.Occurrence
	require.NoError(h.t, h.db.View(context.Background(), func(tx runbook.Tx) error {
		os, err := tx.Occurrences(runbook.Query{Job: job, WindowFrom: w, WindowUntil: w.Add(time.Second)})
		require.Len(h.t, os, 1, "%s at %s", job, w)
		o = os[0]
		return err
	}))
	return o
}

// refusals are the refused records kept with an occurrence.
func (h *harness) refusals(occ int64) []runbook.Record {
	h.t.Helper()
	var out []runbook.Record
	require.NoError(h.t, h.db.View(context.Background(), func(tx runbook.Tx) error {
		rs, err := tx.Records(occ)
		for _, r := range rs {
			if r.Kind == runbook.RecRefused {
				out = append(out, r)
			}
		}
		return err
	}))
	return out
}

// button is a request made from a button posted for o.
func button(user, id string, o runbook.Occurrence) runbook.Request {
	return runbook.Request{User: user, RequestID: id, Envelope: "env-" + id, Occ: o.ID, Window: o.Window}
}

// requireStale checks that err is the refusal of a button whose message is about
// old, naming its window and state, and the window the verb acts on now with its message key.
func requireStale(t *testing.T, err error, old runbook.Occurrence, state runbook.State, current time.Time, currentKey string) {
	t.Helper()
	var e *runbook.Error
	require.True(t, errors.As(err, &e), "a domain error, got %v", err)
	require.Equal(t, runbook.KindConflict, e.Kind)
	require.Equal(t, "stale_button", e.Code, "%v", err)
	require.Equal(t, old.Job, e.Args["job"])
	require.True(t, old.Window.Equal(e.Args["window"].(time.Time)), "the window the message is about: %v", e.Args["window"])
	require.Equal(t, string(state), e.Args["state"])
	if current.IsZero() {
		require.Nil(t, e.Args["current"])
	} else {
		require.True(t, current.Equal(e.Args["current"].(time.Time)), "the window acted on now: %v", e.Args["current"])
	}
	if currentKey == "" {
		require.Nil(t, e.Args["current_key"])
	} else {
		require.Equal(t, currentKey, e.Args["current_key"])
	}
}

func TestService_GivenLastWeeksButtons_WhenPressedOnceTheNewWeeksRequestIsOut_ThenNothingChangesAndTheAnswerNamesBothWindows(t *testing.T) {
	// Given: last week's seed-dev-data confirmed, run and succeeded
	h, exec, marcos, w1 := confirmedAtWindow(t)
	ctx := context.Background()
	last := h.occAt("seed-dev-data", w1)
	require.Equal(t, runbook.Confirmed, last.State)
	_, err := h.svc.Run(ctx, runbook.Request{User: marcos, RequestID: "r1"}, "seed-dev-data")
	require.NoError(t, err)
	zero := 0
	exec.last(t).done <- runbook.RunResult{ExitCode: &zero}
	h.svc.Wait()
	last = h.occAt("seed-dev-data", w1)
	require.Equal(t, runbook.Succeeded, last.State)

	// And this week's request is out
	w2 := w1.Add(7 * 24 * time.Hour)
	h.advanceTo(w2.Add(-23 * time.Hour))
	this := h.occAt("seed-dev-data", w2)
	require.Equal(t, runbook.AwaitingConfirmation, this.State)
	require.NotNil(t, this.RequestedAt)

	// When last week's Confirm, Decline and Run are pressed
	_, err = h.svc.Confirm(ctx, button(marcos, "old-confirm", last), "seed-dev-data", false)
	requireStale(t, err, last, runbook.Succeeded, w2, this.RequestKey())
	_, err = h.svc.Decline(ctx, button(marcos, "old-decline", last), "seed-dev-data", "not this week")
	requireStale(t, err, last, runbook.Succeeded, w2, this.RequestKey())
	_, err = h.svc.Run(ctx, button(marcos, "old-run", last), "seed-dev-data")
	requireStale(t, err, last, runbook.Succeeded, w2, this.RequestKey())

	// Then this week's window did not change, and each refusal is audited with last week's occurrence
	require.Equal(t, runbook.AwaitingConfirmation, h.occAt("seed-dev-data", w2).State)
	require.Empty(t, h.refusals(this.ID))
	refused := h.refusals(last.ID)
	require.Len(t, refused, 3)
	require.Equal(t, marcos, refused[0].Actor)
	require.Equal(t, "env-old-confirm", refused[0].Envelope)
	require.True(t, w1.Equal(refused[0].Window))
	require.Equal(t, "stale_button", refused[0].Fields["reason"])
	require.Equal(t, string(runbook.EvConfirm), refused[0].Fields["action"])
	require.Equal(t, w2.Format(time.RFC3339), refused[0].Fields["current"])

	// And a redelivered press is a duplicate, audited once
	_, err = h.svc.Confirm(ctx, button(marcos, "old-confirm", last), "seed-dev-data", false)
	require.ErrorIs(t, err, runbook.ErrDuplicate)
	require.Len(t, h.refusals(last.ID), 3)

	// When this week's own Confirm is pressed, it confirms this week
	o, err := h.svc.Confirm(ctx, button(marcos, "new-confirm", this), "seed-dev-data", false)
	require.NoError(t, err)
	require.Equal(t, this.ID, o.ID)
	require.Equal(t, runbook.Confirmed, o.State)

	// When last week's Run is pressed once this week's window is open
	h.advanceTo(w2.Add(time.Minute))
	this = h.occAt("seed-dev-data", w2)
	_, err = h.svc.Run(ctx, button(marcos, "old-run-2", last), "seed-dev-data")
	requireStale(t, err, last, runbook.Succeeded, w2, this.RequestKey())
	// Then this week's script did not start
	require.Equal(t, runbook.Confirmed, h.occAt("seed-dev-data", w2).State)
	exec.mu.Lock()
	runs := len(exec.runs)
	exec.mu.Unlock()
	require.Equal(t, 1, runs, "only last week's run")

	// And this week's Run button starts this week's run
	o, err = h.svc.Run(ctx, button(marcos, "new-run", this), "seed-dev-data")
	require.NoError(t, err)
	require.Equal(t, this.ID, o.ID)
	require.Equal(t, runbook.Running, o.State)
	runNumber(t, exec, 2).done <- runbook.RunResult{ExitCode: &zero}
	h.svc.Wait()
}

func TestService_GivenAButton_WhenItsOccurrenceMovedOrItNamesAnother_ThenItIsRefusedOrActsOnItsOwnWindow(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		run  func(t *testing.T, h *harness)
	}{
		{name: "a typed command (no occurrence) acts on the verb's target as before", run: func(t *testing.T, h *harness) {
			w := time.Date(2026, 12, 4, 19, 0, 0, 0, time.UTC)
			h.advanceTo(w.Add(-23 * time.Hour))
			o, err := h.svc.Confirm(ctx, runbook.Request{User: contactID(t, h.rb, "Marcos Paulo"), RequestID: "typed"}, "seed-dev-data", false)
			require.NoError(t, err)
			require.Equal(t, runbook.Confirmed, o.State)
		}},
		{name: "the delay alert's Justify after the window was rescheduled: refused, the window moved", run: func(t *testing.T, h *harness) {
			w := time.Date(2026, 12, 4, 19, 0, 0, 0, time.UTC)
			marcos := contactID(t, h.rb, "Marcos Paulo")
			h.advanceTo(w.Add(31 * time.Minute))
			before := h.occAt("seed-dev-data", w)
			require.True(t, before.Delayed)
			to := w.Add(24 * time.Hour)
			moved, err := h.svc.Reschedule(ctx, button(marcos, "move", before), "seed-dev-data", to, "cluster em manutenção")
			require.NoError(t, err)
			require.Equal(t, before.ID, moved.ID)

			_, err = h.svc.Justify(ctx, button(marcos, "justify", before), "seed-dev-data", "late again")
			requireStale(t, err, before, runbook.Scheduled, time.Time{}, "") // no window is late now
			var e *runbook.Error
			require.True(t, errors.As(err, &e))
			require.True(t, to.Equal(e.Args["moved"].(time.Time)), "where the window went")
			after := h.occAt("seed-dev-data", to)
			require.Equal(t, "cluster em manutenção", after.Justification)
			require.Len(t, h.refusals(before.ID), 1)
		}},
		{name: "a button naming another job's occurrence: invalid, nothing audited", run: func(t *testing.T, h *harness) {
			w := time.Date(2026, 12, 4, 19, 0, 0, 0, time.UTC)
			h.advanceTo(w.Add(-23 * time.Hour))
			seed := h.occAt("seed-dev-data", w)
			_, err := h.svc.Confirm(ctx, button(contactID(t, h.rb, "Lucas Lima"), "forged", seed), "reset-staging", false)
			require.Equal(t, runbook.KindInvalid, runbook.KindOf(err))
			var e *runbook.Error
			require.True(t, errors.As(err, &e))
			require.Equal(t, "bad_button", e.Code)
			require.Equal(t, runbook.AwaitingConfirmation, h.occAt("seed-dev-data", w).State)
			require.Empty(t, h.refusals(seed.ID))
		}},
		{name: "a button naming an occurrence that does not exist: refused as stale, nothing changes", run: func(t *testing.T, h *harness) {
			w := time.Date(2026, 12, 4, 19, 0, 0, 0, time.UTC)
			h.advanceTo(w.Add(-23 * time.Hour))
			gone := runbook.Occurrence{ID: 9999, Job: "seed-dev-data", Window: w.Add(-7 * 24 * time.Hour)}
			_, err := h.svc.Confirm(ctx, button(contactID(t, h.rb, "Marcos Paulo"), "gone", gone), "seed-dev-data", false)
			requireStale(t, err, gone, "", w, h.occAt("seed-dev-data", w).RequestKey())
			require.Equal(t, runbook.AwaitingConfirmation, h.occAt("seed-dev-data", w).State)
		}},
		{name: "tomorrow's request's Confirm while a missed window is nearer: confirms tomorrow, not the missed one", run: func(t *testing.T, h *harness) {
			// reset-staging runs daily at 05:00 UTC; its request goes out 24 h ahead.
			missed := time.Date(2026, 12, 2, 5, 0, 0, 0, time.UTC)
			h.advanceTo(missed.Add(time.Hour))
			tomorrow := h.occAt("reset-staging", missed.Add(24*time.Hour))
			require.NotNil(t, tomorrow.RequestedAt, "tomorrow's request is out")
			lucas := contactID(t, h.rb, "Lucas Lima")
			o, err := h.svc.Confirm(ctx, button(lucas, "tomorrow", tomorrow), "reset-staging", false)
			require.NoError(t, err)
			require.Equal(t, tomorrow.ID, o.ID)
			require.Equal(t, runbook.AwaitingConfirmation, h.occAt("reset-staging", missed).State, "the missed window is untouched")
		}},
		{name: "the missed window's Confirm once the next window is nearer: refused, it names the next", run: func(t *testing.T, h *harness) {
			missed := time.Date(2026, 12, 2, 5, 0, 0, 0, time.UTC)
			h.advanceTo(missed.Add(20 * time.Hour))
			old := h.occAt("reset-staging", missed)
			next := h.occAt("reset-staging", missed.Add(24*time.Hour))
			_, err := h.svc.Confirm(ctx, button(contactID(t, h.rb, "Lucas Lima"), "missed", old), "reset-staging", false)
			requireStale(t, err, old, runbook.AwaitingConfirmation, next.Window, next.RequestKey())
			require.Equal(t, runbook.AwaitingConfirmation, h.occAt("reset-staging", missed).State)
			require.Equal(t, runbook.AwaitingConfirmation, h.occAt("reset-staging", next.Window).State)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), runbook.Settings{})
			tt.run(t, h)
		})
	}
}
