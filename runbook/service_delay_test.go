package runbook_test

import (
	"cmp"
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/runbook"
)

func TestService_GivenALateWindow_WhenItIsJustifiedThenRescheduled_ThenTheConfirmationFlowFollowsTheNewTime(t *testing.T) {
	start := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	window := time.Date(2026, 12, 4, 19, 0, 0, 0, time.UTC)
	set := runbook.Settings{Reminders: []time.Duration{4 * time.Hour, time.Hour}}
	h := newHarness(t, start, set)
	ctx := context.Background()
	marcos := contactID(t, h.rb, "Marcos Paulo")

	// Given: nobody ran Friday's window; the delay alert went out at T+30m.
	h.advanceTo(window.Add(31 * time.Minute))
	st, err := h.svc.Status(ctx, "seed-dev-data")
	require.NoError(t, err)
	require.True(t, st[0].Current.Delayed)

	// When: an owner justifies the delay; the justification goes to the delay log outbox.
	o, err := h.svc.Justify(ctx, runbook.Request{User: marcos, RequestID: "d1"}, "seed-dev-data", "waiting for the DBA")
	require.NoError(t, err)
	require.Equal(t, "waiting for the DBA", o.Justification)
	require.Len(t, h.deliveries(runbook.SinkDelayLog), 1)
	delays := h.count("seed-dev-data", runbook.NoticeDelay)
	h.advanceTo(window.Add(3 * time.Hour))
	require.Equal(t, delays, h.count("seed-dev-data", runbook.NoticeDelay), "a justified delay is not reminded again")

	// When: it is rescheduled to Saturday 10:00 (the job's zone is UTC), inside the lead.
	to := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
	_, err = h.svc.Reschedule(ctx, runbook.Request{User: "U0STRANGER", RequestID: "r0"}, "seed-dev-data", to, "x")
	require.Equal(t, runbook.KindNotAllowed, runbook.KindOf(err), "owners only")
	o, err = h.svc.Reschedule(ctx, runbook.Request{User: marcos, RequestID: "r1"}, "seed-dev-data", to, "platform asked for Saturday")
	require.NoError(t, err)
	require.Equal(t, to, o.Window)
	require.Equal(t, runbook.Scheduled, o.State)

	// Then: a new request goes out at once (T' − lead has passed), the window opens at T'.
	h.advanceTo(to.Add(time.Minute))
	var requests, opens []time.Time
	for _, n := range h.notices() {
		if n.job != "seed-dev-data" || !n.window.Equal(to) || n.update {
			continue
		}
		switch n.kind {
		case runbook.NoticeRequest:
			requests = append(requests, n.at)
		case runbook.NoticeWindowOpen:
			opens = append(opens, n.at)
		}
	}
	require.Len(t, requests, 1, "one new confirmation request for the new time")
	require.True(t, requests[0].Before(window.Add(3*time.Hour+time.Second)), "sent at once")
	require.Equal(t, []time.Time{to}, opens, "the window opens at the new time")
	require.Len(t, h.deliveries(runbook.SinkDelayLog), 2, "the reschedule's justification is logged too")
}

// deliveries lists the outbox rows of a sink.
func (h *harness) deliveries(sink string) []runbook.Delivery {
	var out []runbook.Delivery
	require.NoError(h.t, h.db.View(context.Background(), func(tx runbook.Tx) (err error) {
		out, err = tx.PendingDeliveries(sink, h.clock.Now().Add(24*365*time.Hour), 10000)
		slices.SortFunc(out, func(a, b runbook.Delivery) int { return cmp.Compare(a.ID, b.ID) }) // queued order
		return
	}))
	return out
}

// count is how many chat notices of a kind were queued for a job.
func (h *harness) count(job string, kind runbook.NoticeKind) int {
	n := 0
	for _, d := range h.deliveries(runbook.SinkChat) {
		var x runbook.Notice
		require.NoError(h.t, json.Unmarshal(d.Payload, &x))
		if x.Kind == kind && x.Occ.Job == job {
			n++
		}
	}
	return n
}

func TestService_GivenAutorun_WhenAConfirmedWindowOpens_ThenItStartsByItselfAndAnUnconfirmedOneDoesNot(t *testing.T) {
	start := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	window := time.Date(2026, 12, 4, 19, 0, 0, 0, time.UTC)
	set := runbook.Settings{Autorun: true}
	h := newHarness(t, start, set)
	exec := &fakeExec{}
	h.svc = runbook.NewService(h.rb, set, runbook.Deps{Store: h.db, Clock: h.clock, Executor: exec, Checker: okChecker{}})
	ctx := context.Background()
	_, err := h.svc.Confirm(ctx, runbook.Request{User: contactID(t, h.rb, "Bianca Ramos"), RequestID: "c1"}, "seed-dev-data", false)
	require.NoError(t, err)

	h.advanceTo(window.Add(time.Second))
	run := exec.last(t)
	require.Equal(t, []string{"scripts/infra/seed-dev-data.sh", "--mode", "apply"}, run.argv)
	st, err := h.svc.Status(ctx, "seed-dev-data")
	require.NoError(t, err)
	require.Equal(t, runbook.Running, st[0].Current.State)
	zero := 0
	run.done <- runbook.RunResult{ExitCode: &zero}
	h.svc.Wait()

	// reset-staging (daily 05:00) was never confirmed: its window opens without a run.
	h.advanceTo(time.Date(2026, 12, 5, 5, 1, 0, 0, time.UTC))
	st, err = h.svc.Status(ctx, "reset-staging")
	require.NoError(t, err)
	require.Equal(t, time.Date(2026, 12, 5, 5, 0, 0, 0, time.UTC), st[0].Current.Window)
	require.Equal(t, runbook.AwaitingConfirmation, st[0].Current.State)
	exec.mu.Lock()
	defer exec.mu.Unlock()
	require.Len(t, exec.runs, 1)
}

func TestService_GivenTheNextWindowWasRescheduled_WhenACommandHasNothingToActOn_ThenItNamesTheMovedWindow(t *testing.T) {
	friday := time.Date(2026, 12, 4, 19, 0, 0, 0, time.UTC)
	saturday := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		act  func(h *harness, r runbook.Request) error
	}{
		{"cancel", func(h *harness, r runbook.Request) error {
			_, err := h.svc.Cancel(context.Background(), r, "seed-dev-data")
			return err
		}},
		{"incident", func(h *harness, r runbook.Request) error {
			_, err := h.svc.Incident(context.Background(), r, "seed-dev-data", "INC-1", false)
			return err
		}},
		{"learnings", func(h *harness, r runbook.Request) error {
			_, err := h.svc.Learnings(context.Background(), r, "seed-dev-data", "x")
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Given: a first start on Thursday; Friday's window is moved to Saturday.
			h := newHarness(t, friday.Add(-30*time.Hour), runbook.Settings{})
			marcos := contactID(t, h.rb, "Marcos Paulo")
			_, err := h.svc.Reschedule(context.Background(), runbook.Request{User: marcos, RequestID: "r1"}, "seed-dev-data", saturday, "cluster em manutenção")
			require.NoError(t, err)

			// When: a command finds nothing to act on.
			err = tc.act(h, runbook.Request{User: marcos, RequestID: "x1"})

			// Then: the refusal names Saturday's window, where the occurrence now is.
			var e *runbook.Error
			require.ErrorAs(t, err, &e)
			require.Equal(t, "no_occurrence", e.Code)
			require.Equal(t, saturday, e.Args["next"])
		})
	}
}
