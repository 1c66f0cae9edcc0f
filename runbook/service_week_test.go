package runbook_test

import (
	"cmp"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/runbook"
	"github.com/runbook-bot/runbook-bot/runbook/sqlite"
)

// harness is a service over a real SQLite file and a fake clock.
type harness struct {
	t     *testing.T
	svc   *runbook.Service
	db    *sqlite.DB
	clock *clockwork.FakeClock
	rb    *runbook.Runbook
}

func newHarness(t *testing.T, start time.Time, set runbook.Settings) *harness {
	t.Helper()
	src, err := os.ReadFile("testdata/runbook.pt.md")
	require.NoError(t, err)
	rb, problems := runbook.Parse("testdata/runbook.pt.md", src, runbook.ParseOptions{DefaultZone: time.UTC})
	require.Empty(t, problems)
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "runbook.db"))
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	clock := clockwork.NewFakeClockAt(start)
	svc := runbook.NewService(rb, set, runbook.Deps{Store: db, Clock: clock})
	return &harness{t: t, svc: svc, db: db, clock: clock, rb: rb}
}

// advanceTo moves the clock timer by timer up to end, materialising every hour as the service does.
func (h *harness) advanceTo(end time.Time) {
	ctx := context.Background()
	require.NoError(h.t, h.svc.Materialize(ctx))
	nextMat := h.clock.Now().Add(time.Hour)
	for {
		_, err := h.svc.FireDue(ctx)
		require.NoError(h.t, err)
		next := nextMat
		_ = h.db.View(ctx, func(tx runbook.Tx) error {
			tm, ok, err := tx.NextTimer()
			if ok && tm.Due.Before(next) {
				next = tm.Due
			}
			return err
		})
		if next.After(end) {
			h.clock.Advance(end.Sub(h.clock.Now()))
			return
		}
		h.clock.Advance(next.Sub(h.clock.Now()))
		if !h.clock.Now().Before(nextMat) {
			require.NoError(h.t, h.svc.Materialize(ctx))
			nextMat = h.clock.Now().Add(time.Hour)
		}
	}
}

type sent struct {
	at     time.Time
	kind   runbook.NoticeKind
	job    string
	window time.Time
	update bool
	late   bool
}

// notices lists the chat outbox in order.
func (h *harness) notices() []sent {
	var out []sent
	require.NoError(h.t, h.db.View(context.Background(), func(tx runbook.Tx) error {
		ds, err := tx.PendingDeliveries(runbook.SinkChat, h.clock.Now().Add(24*365*time.Hour), 100000)
		slices.SortFunc(ds, func(a, b runbook.Delivery) int { return cmp.Compare(a.ID, b.ID) }) // queued order, not delivery order
		for _, d := range ds {
			var n runbook.Notice
			require.NoError(h.t, json.Unmarshal(d.Payload, &n))
			out = append(out, sent{at: n.At, kind: n.Kind, job: n.Occ.Job, window: n.Occ.Window, update: n.Update, late: n.Late})
		}
		return err
	}))
	return out
}

func TestService_GivenTheRunbook_WhenAWeekPassesWithNobodyActing_ThenEveryTimerFiresOnceInOrder(t *testing.T) {
	start := time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC) // a Sunday
	h := newHarness(t, start, runbook.Settings{Reminders: []time.Duration{4 * time.Hour, time.Hour}})
	end := start.Add(7 * 24 * time.Hour)
	h.advanceTo(end)

	ns := h.notices()
	require.NotEmpty(t, ns)
	t.Logf("%d notices over the week", len(ns))
	require.True(t, sort.SliceIsSorted(ns, func(i, j int) bool { return ns[i].at.Before(ns[j].at) }), "notices in time order")

	type key struct {
		kind   runbook.NoticeKind
		job    string
		window time.Time
	}
	count := map[key][]time.Time{}
	for _, n := range ns {
		require.False(t, n.late, "nothing is late when the bot never stopped")
		count[key{n.kind, n.job, n.window}] = append(count[key{n.kind, n.job, n.window}], n.at)
	}
	windows := 0
	for _, j := range h.rb.Jobs {
		for _, w := range j.Occurrences(start, 20) {
			if w.After(end) {
				break
			}
			w = w.UTC()
			windows++
			if w.Add(-24 * time.Hour).After(start) { // a full lead inside the week
				require.Equal(t, []time.Time{w.Add(-24 * time.Hour)}, count[key{runbook.NoticeRequest, j.ID, w}], "%s %s: one request 24 h ahead", j.ID, w)
				require.Equal(t, []time.Time{w.Add(-4 * time.Hour), w.Add(-time.Hour)}, count[key{runbook.NoticeReminder, j.ID, w}], "%s %s: reminders", j.ID, w)
			}
			require.Equal(t, []time.Time{w}, count[key{runbook.NoticeWindowOpen, j.ID, w}], "%s %s: window opens once", j.ID, w)
			if w.Add(30 * time.Minute).Before(end) {
				delays := count[key{runbook.NoticeDelay, j.ID, w}]
				require.NotEmpty(t, delays, "%s %s: delay alert", j.ID, w)
				require.Equal(t, w.Add(30*time.Minute), delays[0], "%s %s: first delay alert at T+30m", j.ID, w)
				for i := 1; i < len(delays); i++ {
					require.Equal(t, w.Add(30*time.Minute<<i), delays[i], "%s %s: alert %d at T+30m·2^%d: the gaps double", j.ID, w, i+1, i)
				}
				next := j.Window.Next(w)
				require.True(t, delays[len(delays)-1].Before(next), "delay reminders stop at the next window")
				if last := w.Add(30 * time.Minute << len(delays)); last.Before(end) {
					require.False(t, last.Before(next), "%s %s: no alert left out before the next window", j.ID, w)
				}
				if next.Sub(w) == 24*time.Hour {
					require.Len(t, delays, 6, "a daily job's missed window: T+30m, 1h, 2h, 4h, 8h, 16h")
				}
			}
		}
	}
	require.GreaterOrEqual(t, windows, 9, "7 daily + 2 weekly windows in a week")
}

func TestService_GivenAConfirmedWindow_WhenItOpens_ThenNoDelayAfterTheRun(t *testing.T) {
	start := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC) // Thursday; seed-dev-data Friday 19:00 UTC
	h := newHarness(t, start, runbook.Settings{Reminders: []time.Duration{4 * time.Hour, time.Hour}})
	window := time.Date(2026, 12, 4, 19, 0, 0, 0, time.UTC)
	h.advanceTo(window.Add(-25 * time.Hour))
	h.advanceTo(window.Add(-23 * time.Hour))
	ctx := context.Background()
	_, err := h.svc.Confirm(ctx, runbook.Request{User: "U0STRANGER", RequestID: "t1"}, "seed-dev-data", false)
	require.Equal(t, runbook.KindNotAllowed, runbook.KindOf(err))
	o, err := h.svc.Confirm(ctx, runbook.Request{User: contactID(t, h.rb, "Marcos Paulo"), RequestID: "t2"}, "seed-dev-data", false)
	require.NoError(t, err)
	require.Equal(t, runbook.Confirmed, o.State)
	_, err = h.svc.Confirm(ctx, runbook.Request{User: contactID(t, h.rb, "Marcos Paulo"), RequestID: "t2"}, "seed-dev-data", false)
	require.ErrorIs(t, err, runbook.ErrDuplicate, "the same request twice has one effect")
	h.advanceTo(window.Add(2 * time.Hour))
	for _, n := range h.notices() {
		if n.job == "seed-dev-data" && n.window.Equal(window) {
			require.NotEqual(t, runbook.NoticeReminder, n.kind, "no reminder after confirmation")
		}
	}
}

func contactID(t *testing.T, rb *runbook.Runbook, name string) string {
	c, ok := rb.Contact(name)
	require.True(t, ok, name)
	return c.Ref
}

func TestService_GivenJobsBeyondTheHorizon_WhenOccurrencesAreListed_ThenEveryJobHasItsNextWindow(t *testing.T) {
	start := time.Date(2026, 11, 28, 16, 0, 0, 0, time.UTC) // a Saturday: Monday and Friday are days away
	h := newHarness(t, start, runbook.Settings{})
	require.NoError(t, h.svc.Materialize(context.Background()))
	os, err := h.svc.Occurrences(context.Background())
	require.NoError(t, err)
	next := map[string]time.Time{}
	for _, o := range os {
		if o.Window.After(start) {
			if _, seen := next[o.Job]; !seen {
				next[o.Job] = o.Window
			}
		}
	}
	require.Equal(t, map[string]time.Time{
		"provision-dev": time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC),
		"reset-staging": time.Date(2026, 11, 29, 5, 0, 0, 0, time.UTC),
		"seed-dev-data": time.Date(2026, 12, 4, 19, 0, 0, 0, time.UTC),
	}, next)
}
