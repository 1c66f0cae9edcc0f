package runbook_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/runbook-bot/runbook-bot/runbook"
	"github.com/runbook-bot/runbook-bot/runbook/sqlite"
)

// Timer precision: how many timers, over how long, and how soon the first is due.
const (
	benchTimers      = 1000
	benchTimerSpread = 10 * time.Second
	benchTimerLead   = 2 * time.Second
)

// BenchmarkTimerPrecision measures how late durable timers fire with the real
// clock: 1,000 failed occurrences (one per job of a 1,000-job runbook), each
// with an incident-deadline timer in SQLite, due one every 10 ms over 10 s.
// The service's RunTimers loop fires them and its chat outbox hands the
// escalations to a sink that only notes the time. Reported, in milliseconds
// after each due time, p50/p99/max of:
//
//   - fire: the service's clock when it fired the timer (the time FireTimer records),
//   - commit: the escalation committed durably (the occurrence, its audit record and its notices),
//   - chat: the escalation notice handed to the chat sink (what would post to Slack).
//
// Bound (docs/spec.md §12.8): escalations within 1 s of their deadline at p99.
func BenchmarkTimerPrecision(b *testing.B) {
	rb := parseBenchRunbook(b, benchTimers)
	var fire, commit, chat []time.Duration
	escalations := 0
	for b.Loop() {
		f, c, ch := runTimerPrecision(b, rb)
		fire, commit, chat = append(fire, f...), append(commit, c...), append(chat, ch...)
		escalations += len(ch)
	}
	for _, m := range []struct {
		name string
		d    []time.Duration
	}{{"fire", fire}, {"commit", commit}, {"chat", chat}} {
		slices.Sort(m.d)
		b.ReportMetric(ms(rank(m.d, 0.50)), m.name+"-p50-ms")
		b.ReportMetric(ms(rank(m.d, 0.99)), m.name+"-p99-ms")
		b.ReportMetric(ms(rank(m.d, 1)), m.name+"-max-ms")
	}
	b.ReportMetric(float64(escalations)/float64(b.N), "escalations")
	b.ReportMetric(0, "ns/op")
}

// runTimerPrecision runs one measurement on a fresh database and returns the
// lateness of every timer at fire, commit and chat hand-over.
func runTimerPrecision(b *testing.B, rb *runbook.Runbook) (fire, commit, chat []time.Duration) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "runbook.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()

	// 1,000 failed occurrences whose incident deadline is pending.
	start := time.Now().UTC()
	dueOfTimer := map[int64]time.Time{}
	dueOfOcc := map[int64]time.Time{}
	err = db.Update(ctx, func(tx runbook.Tx) error {
		clear(dueOfTimer)
		clear(dueOfOcc)
		for i, j := range rb.Jobs {
			window := j.Previous(start).UTC()
			due := start.Add(benchTimerLead + time.Duration(i)*benchTimerSpread/benchTimers)
			failed := due.Add(-15 * time.Minute)
			code := 1
			o := runbook.Occurrence{Job: j.ID, Slot: window, Window: window, State: runbook.Failed, RunBy: "U00000000",
				StartedAt: &failed, FinishedAt: &failed, ExitCode: &code, Reason: runbook.ReasonExit, Attempts: 1,
				FailedAt: &failed, IncidentDeadline: &due}
			if err := tx.CreateOccurrence(&o); err != nil {
				return err
			}
			t := runbook.Timer{Occ: o.ID, Kind: runbook.TimerDeadline, Due: due}
			if err := tx.ArmTimer(&t); err != nil {
				return err
			}
			dueOfTimer[t.ID], dueOfOcc[o.ID] = due, due
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	if lead := time.Until(start.Add(benchTimerLead)); lead < 500*time.Millisecond {
		b.Fatalf("filling the store took too long: the first timer is due in %v", lead)
	}

	store := &timingStore{Store: db}
	svc := runbook.NewService(rb, runbook.Settings{}, runbook.Deps{Store: store, Clock: clockwork.NewRealClock(), Log: slog.New(slog.DiscardHandler)})
	var (
		mu        sync.Mutex
		delivered = map[int64]time.Time{}
		all       = make(chan struct{})
	)
	sink := func(_ context.Context, d runbook.Delivery) error {
		at := time.Now()
		var n runbook.Notice
		if err := json.Unmarshal(d.Payload, &n); err != nil {
			return err
		}
		if n.Kind != runbook.NoticeEscalation {
			return nil
		}
		mu.Lock()
		defer mu.Unlock()
		if _, dup := delivered[n.Occ.ID]; !dup {
			delivered[n.Occ.ID] = at
			if len(delivered) == benchTimers {
				close(all)
			}
		}
		return nil
	}
	go svc.Outbox(runbook.SinkChat, sink).Run(ctx)
	go svc.RunTimers(ctx)
	select {
	case <-all:
	case <-time.After(benchTimerLead + benchTimerSpread + time.Minute):
		mu.Lock()
		n := len(delivered)
		mu.Unlock()
		b.Fatalf("only %d of %d escalations reached the chat sink", n, benchTimers)
	}
	cancel()

	store.mu.Lock()
	defer store.mu.Unlock()
	mu.Lock()
	defer mu.Unlock()
	for id, due := range dueOfTimer {
		f, ok := store.fired[id]
		if !ok {
			b.Fatalf("timer %d was not fired", id)
		}
		fire = append(fire, f.at.Sub(due))
		commit = append(commit, f.committed.Sub(due))
	}
	for occ, at := range delivered {
		chat = append(chat, at.Sub(dueOfOcc[occ]))
	}
	return fire, commit, chat
}

// firing is when one timer fired: the time given to FireTimer and when its transaction committed.
type firing struct {
	at, committed time.Time
}

// timingStore wraps a store to note, per timer id, when it was fired and committed.
type timingStore struct {
	runbook.Store
	mu    sync.Mutex
	fired map[int64]firing
}

// Update runs fn with a Tx that notes FireTimer calls, recorded once the transaction commits.
func (s *timingStore) Update(ctx context.Context, fn func(runbook.Tx) error) error {
	var fired map[int64]time.Time
	err := s.Store.Update(ctx, func(tx runbook.Tx) error {
		fired = map[int64]time.Time{} // a retried transaction starts over
		return fn(timingTx{Tx: tx, fired: fired})
	})
	if err != nil || len(fired) == 0 {
		return err
	}
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fired == nil {
		s.fired = map[int64]firing{}
	}
	for id, at := range fired {
		s.fired[id] = firing{at: at, committed: now}
	}
	return nil
}

// timingTx notes the timers fired in one transaction.
type timingTx struct {
	runbook.Tx
	fired map[int64]time.Time
}

// FireTimer marks the timer fired and notes it.
func (t timingTx) FireTimer(id int64, at time.Time) error {
	if err := t.Tx.FireTimer(id, at); err != nil {
		return err
	}
	t.fired[id] = at
	return nil
}

// rank is the nearest-rank p-quantile of sorted d (0 when empty).
func rank(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	i := int(p*float64(len(d))+0.999999) - 1
	return d[min(max(i, 0), len(d)-1)]
}

// ms is d in milliseconds.
func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
