package runbook_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/runbook"
)

func TestService_GivenTheBotWasDown_WhenItRestarts_ThenOverdueTimersFireOnceMarkedLate(t *testing.T) {
	// Given: the request for Friday's seed-dev-data went out, then the bot stopped.
	start := time.Date(2026, 12, 3, 18, 0, 0, 0, time.UTC)
	window := time.Date(2026, 12, 4, 19, 0, 0, 0, time.UTC)
	h := newHarness(t, start, runbook.Settings{Reminders: []time.Duration{4 * time.Hour, time.Hour}})
	h.advanceTo(window.Add(-24 * time.Hour))
	before := len(h.notices())

	// When: it comes back after both reminders and the window were due.
	h.clock.Advance(window.Add(10 * time.Minute).Sub(h.clock.Now()))
	restarted := runbook.NewService(h.rb, runbook.Settings{Reminders: []time.Duration{4 * time.Hour, time.Hour}}, runbook.Deps{Store: h.db, Clock: h.clock})
	ctx := context.Background()
	require.NoError(t, restarted.Recover(ctx))
	require.NoError(t, restarted.Materialize(ctx))
	_, err := restarted.FireDue(ctx)
	require.NoError(t, err)
	_, err = restarted.FireDue(ctx)
	require.NoError(t, err)

	// Then: only the last overdue reminder and the window opening, each once, marked late.
	var got []sent
	for _, n := range h.notices()[before:] {
		if n.job == "seed-dev-data" {
			got = append(got, n)
		}
	}
	require.Len(t, got, 2, "%+v", got)
	require.Equal(t, runbook.NoticeReminder, got[0].kind)
	require.Equal(t, runbook.NoticeWindowOpen, got[1].kind)
	for _, n := range got {
		require.True(t, n.late, "%s is marked late", n.kind)
	}
}

// fakeExec is an executor whose runs end when the test says so.
type fakeExec struct {
	mu    sync.Mutex
	runs  []*fakeRun
	lines []string
}

type fakeRun struct {
	argv []string
	done chan runbook.RunResult
}

func (f *fakeExec) Execute(_ context.Context, _ runbook.Job, _ time.Time, argv []string, onLine func(string)) (runbook.Execution, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, l := range f.lines {
		onLine(l)
	}
	r := &fakeRun{argv: argv, done: make(chan runbook.RunResult, 1)}
	f.runs = append(f.runs, r)
	return r, nil
}

func (r *fakeRun) Cancel()                 { r.done <- runbook.RunResult{Reason: runbook.ReasonCancelled} }
func (r *fakeRun) Wait() runbook.RunResult { return <-r.done }
func (r *fakeRun) Handle() string          { return "" }

func (f *fakeExec) last(t *testing.T) *fakeRun {
	require.Eventually(t, func() bool { f.mu.Lock(); defer f.mu.Unlock(); return len(f.runs) > 0 }, 5*time.Second, time.Millisecond)
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.runs[len(f.runs)-1]
}

type okChecker struct{}

func (okChecker) Check(context.Context, runbook.Job) runbook.Preflight { return runbook.Preflight{} }

func TestService_GivenAFailedRun_WhenNobodyRecordsAnIncident_ThenOneEscalationAtTheDeadline(t *testing.T) {
	start := time.Date(2026, 12, 4, 18, 0, 0, 0, time.UTC)
	window := time.Date(2026, 12, 4, 19, 0, 0, 0, time.UTC)
	h := newHarness(t, start, runbook.Settings{})
	exec := &fakeExec{lines: []string{"loading seed"}}
	h.svc = runbook.NewService(h.rb, runbook.Settings{}, runbook.Deps{Store: h.db, Clock: h.clock, Executor: exec, Checker: okChecker{}})
	ctx := context.Background()
	marcos := contactID(t, h.rb, "Marcos Paulo")
	h.advanceTo(window.Add(-time.Hour))
	_, err := h.svc.Confirm(ctx, runbook.Request{User: marcos, RequestID: "c1"}, "seed-dev-data", false)
	require.NoError(t, err)

	_, err = h.svc.Run(ctx, runbook.Request{User: marcos, RequestID: "r0"}, "seed-dev-data")
	require.Equal(t, runbook.KindConflict, runbook.KindOf(err), "not before the window")

	h.advanceTo(window.Add(time.Minute))
	o, err := h.svc.Run(ctx, runbook.Request{User: marcos, RequestID: "r1"}, "seed-dev-data")
	require.NoError(t, err)
	require.Equal(t, runbook.Running, o.State)
	_, err = h.svc.Run(ctx, runbook.Request{User: marcos, RequestID: "r1"}, "seed-dev-data")
	require.ErrorIs(t, err, runbook.ErrDuplicate, "a redelivered run starts nothing")
	_, err = h.svc.Run(ctx, runbook.Request{User: marcos, RequestID: "r2"}, "seed-dev-data")
	require.Equal(t, runbook.KindConflict, runbook.KindOf(err), "one run at a time")

	one := 1
	exec.last(t).done <- runbook.RunResult{ExitCode: &one, Reason: runbook.ReasonExit, Tail: []string{"boom"}}
	h.svc.Wait()
	st, err := h.svc.Status(ctx, "seed-dev-data")
	require.NoError(t, err)
	require.Equal(t, runbook.Failed, st[0].Current.State)
	require.NotNil(t, st[0].Current.IncidentDeadline)

	h.advanceTo(window.Add(30 * time.Minute))
	escalations := 0
	for _, n := range h.notices() {
		if n.kind == runbook.NoticeEscalation {
			escalations++
		}
	}
	require.Equal(t, 1, escalations)
	st, _ = h.svc.Status(ctx, "seed-dev-data")
	require.True(t, st[0].Current.Escalated)

	// An incident recorded after the escalation (by the backup) is still recorded.
	o, err = h.svc.Incident(ctx, runbook.Request{User: contactID(t, h.rb, "Bianca Ramos"), RequestID: "i1"}, "seed-dev-data", "INC-42", false)
	require.NoError(t, err)
	require.Equal(t, "INC-42", o.IncidentRef)
}

// confirmedAtWindow is a harness whose service runs scripts with a fakeExec,
// with Friday's seed-dev-data confirmed by its primary (Marcos) and the clock at its window.
func confirmedAtWindow(t *testing.T) (h *harness, exec *fakeExec, marcos string, window time.Time) {
	t.Helper()
	window = time.Date(2026, 12, 4, 19, 0, 0, 0, time.UTC)
	h = newHarness(t, window.Add(-time.Hour), runbook.Settings{})
	exec = &fakeExec{}
	h.svc = runbook.NewService(h.rb, runbook.Settings{}, runbook.Deps{Store: h.db, Clock: h.clock, Executor: exec, Checker: okChecker{}})
	marcos = contactID(t, h.rb, "Marcos Paulo")
	h.advanceTo(window.Add(-time.Hour))
	_, err := h.svc.Confirm(context.Background(), runbook.Request{User: marcos, RequestID: "c1"}, "seed-dev-data", false)
	require.NoError(t, err)
	h.advanceTo(window)
	return h, exec, marcos, window
}

func TestService_GivenARunningOccurrence_WhenTheProcessRestarts_ThenItIsFailedInterruptedAndNotRerun(t *testing.T) {
	h, _, marcos, _ := confirmedAtWindow(t)
	ctx := context.Background()
	_, err := h.svc.Run(ctx, runbook.Request{User: marcos, RequestID: "r1"}, "seed-dev-data")
	require.NoError(t, err)

	// The process dies here: a new service over the same database recovers.
	other := &fakeExec{}
	restarted := runbook.NewService(h.rb, runbook.Settings{}, runbook.Deps{Store: h.db, Clock: h.clock, Executor: other, Checker: okChecker{}})
	require.NoError(t, restarted.Recover(ctx))
	st, err := restarted.Status(ctx, "seed-dev-data")
	require.NoError(t, err)
	require.Equal(t, runbook.Failed, st[0].Current.State)
	require.Equal(t, runbook.ReasonInterrupted, st[0].Current.Reason)
	require.NotNil(t, st[0].Current.IncidentDeadline, "an interruption is a failure: the countdown starts")
	require.Empty(t, other.runs, "never re-run by itself")
}

func TestService_GivenTheBotNeverStopped_WhenATimerFiresAfterItsDueTime_ThenItIsNotLate(t *testing.T) {
	for _, tc := range []struct {
		name string
		wait time.Duration // between the timer's arming (or due time) and its firing
	}{
		{"a first start's request, fired seconds after it was armed", 3 * time.Second},
		{"a timer fired minutes late while the bot was busy", 10 * time.Minute},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Given: a first start less than 24 h before Friday's seed-dev-data: its request is due at once.
			window := time.Date(2026, 12, 4, 19, 0, 0, 0, time.UTC)
			h := newHarness(t, window.Add(-20*time.Hour), runbook.Settings{})
			ctx := context.Background()
			require.NoError(t, h.svc.Materialize(ctx))

			// When: the timer fires some time after it was due, the bot up all along.
			h.clock.Advance(tc.wait)
			_, err := h.svc.FireDue(ctx)
			require.NoError(t, err)

			// Then: the request went out, not marked late.
			var got []sent
			for _, n := range h.notices() {
				if n.job == "seed-dev-data" {
					got = append(got, n)
				}
			}
			require.NotEmpty(t, got)
			require.Equal(t, runbook.NoticeRequest, got[0].kind)
			for _, n := range got {
				require.False(t, n.late, "%s: its due time did not pass while the bot was down", n.kind)
			}
		})
	}
}
