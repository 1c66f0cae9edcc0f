package shell

import (
	"cmp"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/bot"
	"github.com/runbook-bot/runbook-bot/runbook"
	"github.com/runbook-bot/runbook-bot/runbook/sqlite"
)

// doneExec is an executor whose scripts succeed at once.
type doneExec struct {
	mu   sync.Mutex
	runs int
}

type doneRun struct{}

func (e *doneExec) Execute(context.Context, runbook.Job, time.Time, []string, func(string)) (runbook.Execution, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.runs++
	return doneRun{}, nil
}

func (e *doneExec) count() int { e.mu.Lock(); defer e.mu.Unlock(); return e.runs }

func (doneRun) Cancel()                 {}
func (doneRun) Wait() runbook.RunResult { zero := 0; return runbook.RunResult{ExitCode: &zero} }
func (doneRun) Handle() string          { return "" }

// live is a shell over the real bot and service (SQLite, fake clock).
type live struct {
	sh    *Shell
	out   *syncBuffer
	svc   *runbook.Service
	db    *sqlite.DB
	clock *clockwork.FakeClock
	exec  *doneExec
}

func newLive(t *testing.T, start time.Time, user string) *live {
	t.Helper()
	path := filepath.Join("..", "..", "runbook", "testdata", "runbook.pt.md")
	src, err := os.ReadFile(path)
	require.NoError(t, err)
	rb, problems := runbook.Parse(path, src, runbook.ParseOptions{DefaultZone: time.UTC})
	require.Empty(t, problems)
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "runbook.db"))
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	clock := clockwork.NewFakeClockAt(start)
	exec := &doneExec{}
	quiet := slog.New(slog.DiscardHandler)
	svc := runbook.NewService(rb, runbook.Settings{}, runbook.Deps{Store: db, Clock: clock, Executor: exec, Log: quiet})
	out := &syncBuffer{}
	sh := New(bot.New(svc, bot.Options{Channel: "#plataforma", Lang: runbook.LangEN, Log: quiet}), out, user)
	return &live{sh: sh, out: out, svc: svc, db: db, clock: clock, exec: exec}
}

// walk moves the clock timer by timer up to end, materialising every hour,
// then prints every notice made on the way, as the outbox would.
func (l *live) walk(t *testing.T, end time.Time) {
	t.Helper()
	ctx := context.Background()
	for {
		require.NoError(t, l.svc.Materialize(ctx))
		_, err := l.svc.FireDue(ctx)
		require.NoError(t, err)
		next := l.clock.Now().Add(time.Hour)
		require.NoError(t, l.db.View(ctx, func(tx runbook.Tx) error {
			tm, ok, err := tx.NextTimer()
			if ok && tm.Due.Before(next) {
				next = tm.Due
			}
			return err
		}))
		if !l.clock.Now().Before(end) {
			break
		}
		l.clock.Advance(earlier(next, end).Sub(l.clock.Now()))
	}
	l.deliver(t)
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// deliver prints the pending chat notices in the shell.
func (l *live) deliver(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	var ds []runbook.Delivery
	require.NoError(t, l.db.View(ctx, func(tx runbook.Tx) (err error) {
		ds, err = tx.PendingDeliveries(runbook.SinkChat, l.clock.Now().Add(time.Hour), 1000)
		slices.SortFunc(ds, func(a, b runbook.Delivery) int { return cmp.Compare(a.ID, b.ID) }) // queued order
		return
	}))
	for _, d := range ds {
		require.NoError(t, l.sh.Deliver(ctx, d))
		require.NoError(t, l.db.Update(ctx, func(tx runbook.Tx) error { return tx.MarkDelivered(d.ID, l.clock.Now()) }))
	}
}

// typed runs lines in the shell and returns what it printed for them.
func (l *live) typed(t *testing.T, lines ...string) string {
	t.Helper()
	before := len(l.out.String())
	require.NoError(t, l.sh.Run(context.Background(), strings.NewReader(strings.Join(lines, "\n")+"\n")))
	l.svc.Wait()
	return l.out.String()[before:]
}

func (l *live) state(t *testing.T, job string, w time.Time) runbook.State {
	t.Helper()
	var os []runbook.Occurrence
	require.NoError(t, l.db.View(context.Background(), func(tx runbook.Tx) (err error) {
		os, err = tx.Occurrences(runbook.Query{Job: job, WindowFrom: w, WindowUntil: w.Add(time.Second)})
		return
	}))
	require.Len(t, os, 1)
	return os[0].State
}

func TestShell_GivenLastWeeksRunMessage_WhenItsButtonIsPressedAfterThisWeeksRequest_ThenItIsRefusedAndNothingRuns(t *testing.T) {
	// Given: last week's seed-dev-data confirmed, its window open, run from the message's Run button and succeeded
	w1 := time.Date(2026, 12, 4, 19, 0, 0, 0, time.UTC)
	l := newLive(t, w1.Add(-25*time.Hour), "U03MARCOSPAULO")
	l.walk(t, w1.Add(-23*time.Hour))
	require.Contains(t, l.typed(t, "confirm seed-dev-data"), "seed-dev-data confirmed for Fri 2026-12-04 19:00 UTC")
	l.walk(t, w1.Add(time.Minute))
	require.Contains(t, l.out.String(), "[Run]")
	require.Contains(t, l.typed(t, ":press run"), "seed-dev-data started (attempt 1)")
	require.Equal(t, runbook.Succeeded, l.state(t, "seed-dev-data", w1))

	// And this week's request is out
	w2 := w1.Add(7 * 24 * time.Hour)
	l.walk(t, w2.Add(-23*time.Hour))
	require.Equal(t, runbook.AwaitingConfirmation, l.state(t, "seed-dev-data", w2))

	// When last week's Run is pressed (no newer message offers Run)
	out := l.typed(t, ":press run")

	// Then nothing runs, and the answer names last week's window and state, and this week's window
	assert.Contains(t, out, "This message is about the seed-dev-data window of Fri 2026-12-04 19:00 UTC (state: succeeded); its buttons no longer act on it, so nothing was done.")
	assert.Contains(t, out, "The window to act on now is Fri 2026-12-11 19:00 UTC")
	assert.Contains(t, out, "→ the current message")
	assert.Equal(t, 1, l.exec.count())
	assert.Equal(t, runbook.AwaitingConfirmation, l.state(t, "seed-dev-data", w2))

	// When this week's request is confirmed from its own button and its window opens, its Run button runs it
	assert.Contains(t, l.typed(t, ":press confirm"), "seed-dev-data confirmed for Fri 2026-12-11 19:00 UTC")
	l.walk(t, w2.Add(time.Minute))
	assert.Contains(t, l.typed(t, ":press run"), "seed-dev-data started (attempt 1)")
	assert.Equal(t, 2, l.exec.count())
	assert.Equal(t, runbook.Succeeded, l.state(t, "seed-dev-data", w2))
}

func TestShell_GivenMessagesWithButtons_WhenPressed_ThenTheNewestOfferingItIsUsedWithItsOccurrence(t *testing.T) {
	f := newFake()
	var out syncBuffer
	sh := New(bot.New(f, bot.Options{Channel: "#plataforma"}), &out, "U03")
	ctx := context.Background()
	w := now.Add(time.Hour)
	confirmed := runbook.Occurrence{ID: 1, Job: "seed-dev-data", Window: w, State: runbook.Confirmed, ApprovedBy: "U03"}
	next := runbook.Occurrence{ID: 2, Job: "seed-dev-data", Window: w.Add(7 * 24 * time.Hour), State: runbook.AwaitingConfirmation}
	require.NoError(t, sh.Deliver(ctx, delivery(t, runbook.Notice{Kind: runbook.NoticeWindowOpen, Key: "occ/1/request/0/open", Channel: runbook.ChannelRunbook, Occ: confirmed, At: now})))
	require.NoError(t, sh.Deliver(ctx, delivery(t, runbook.Notice{Kind: runbook.NoticeRequest, Key: "occ/2/request/0", Channel: runbook.ChannelRunbook, Occ: next, At: now})))

	require.NoError(t, sh.Run(ctx, strings.NewReader(":press confirm\n:press run\n")))
	require.Equal(t, []string{"U03 confirm seed-dev-data", "U03 run seed-dev-data"}, f.Calls())
	f.mu.Lock()
	reqs := append([]runbook.Request(nil), f.reqs...)
	f.mu.Unlock()
	assert.Equal(t, int64(2), reqs[0].Occ, "confirm: the newest message offering it")
	assert.True(t, next.Window.Equal(reqs[0].Window))
	assert.Equal(t, int64(1), reqs[1].Occ, "run: only the older message offers it")
	assert.True(t, w.Equal(reqs[1].Window))

	// An edit without buttons takes them away, as in Slack
	decided := next
	decided.State = runbook.Confirmed
	require.NoError(t, sh.Deliver(ctx, delivery(t, runbook.Notice{Kind: runbook.NoticeRequest, Key: "occ/2/request/0", Update: true, Channel: runbook.ChannelRunbook, Occ: decided, At: now})))
	require.NoError(t, sh.Run(ctx, strings.NewReader(":press confirm\n")))
	assert.Contains(t, out.String(), "no such button; the last message offers: run")
	assert.Len(t, f.Calls(), 2)
}
