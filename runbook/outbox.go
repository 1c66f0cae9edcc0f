package runbook

import (
	"cmp"
	"context"
	"errors"
	"math/rand/v2"
	"slices"
	"sync"
	"time"
)

// OutboxTx queues deliveries and records how they went.
type OutboxTx interface {
	Enqueue(d *Delivery) error                                                   // sets d.ID
	PendingDeliveries(sink string, now time.Time, limit int) ([]Delivery, error) // undelivered, NextAt ≤ now, most urgent (lowest Priority) first, then by ID
	MarkDelivered(id int64, at time.Time) error
	RetryDelivery(id int64, next time.Time, lastErr string) error // attempts+1
	Backlog() (map[string]int, error)                             // undelivered count by sink
	// PruneDelivered deletes up to limit (≤ 0: all) outbox rows delivered (or
	// given up) before before, oldest first, and returns how many it deleted.
	PruneDelivered(before time.Time, limit int) (int, error)
}

// SinkFunc delivers one outbox row. An error implementing RetryAfter() sets the
// next attempt; one implementing Permanent() true gives the row up (it is kept,
// marked delivered with the error, so the record is never silently lost);
// a DeferError waits for something else (a parent message) without counting as a failure.
// A sink with several lanes (chat: one per channel) is called concurrently, one call at a time per lane.
type SinkFunc func(ctx context.Context, d Delivery) error

// DeferError asks the outbox to try a delivery again shortly: it depends on another one.
type DeferError struct{ Reason string }

// Error describes what the delivery waits for.
func (e *DeferError) Error() string { return "deferred: " + e.Reason }

// Outbox delivers the queued rows of one sink. Rows go in lanes that never
// wait for each other (for chat, one lane per channel: a row for the incident
// channel never waits behind the runbook channel's), delivered concurrently,
// one row at a time per lane. In a lane, the most urgent due row goes first
// (see Priority), and rows with the same key go in order: a row waiting for its
// retry holds back the later rows of its key. Edits superseded by a newer edit
// of the same message are dropped, and a run's output that falls behind is
// merged (see PriorityBulk).
type Outbox struct {
	s    *Service
	sink string
	fn   SinkFunc

	pass   *pass           // shared by every Outbox of this sink
	routes map[int64]route // decoded routes of the rows last read (held with pass)
}

// pass is held by the one Run or Drain of a sink that is delivering (a Run
// lets go while idle), so that no row is sent twice at once.
type pass struct {
	sync.Mutex
	turns int // times taken: rows a loop read before it let go are stale if another took it meanwhile
}

// Outbox returns the delivery loop of a sink; run it with Run.
func (s *Service) Outbox(sink string, fn SinkFunc) *Outbox {
	return &Outbox{s: s, sink: sink, fn: fn, pass: s.outboxes.pass(sink), routes: map[int64]route{}}
}

// Outbox timing: how many rows one read takes, how long a store failure pauses
// delivery, how often a loop looks for new rows by itself, how long after a
// wake-up it looks once more (a wake-up may come before its transaction
// committed), and the least time between two reads for new rows (a burst of
// wake-ups costs one read per readGap, not one per row).
const (
	readLimit   = 1000
	storePause  = time.Second
	idleRecheck = time.Second
	wakeRecheck = 50 * time.Millisecond
	readGap     = 50 * time.Millisecond
)

// Run delivers until ctx ends. It returns once no delivery is in flight.
func (o *Outbox) Run(ctx context.Context) {
	wake := o.s.outboxes.subscribe()
	defer o.s.outboxes.unsubscribe(wake)
	_, _ = o.loop(ctx, wake)
}

// Drain delivers what is due now, lanes concurrently, and returns how many
// rows it handled once nothing more is due (rows waiting for a retry stay).
// It waits while a Run of the same sink is delivering.
func (o *Outbox) Drain(ctx context.Context) (int, error) { return o.loop(ctx, nil) }

// result is how a job ended.
type result struct {
	job  job
	row  Delivery // the sent row after settling: its next attempt, when it stays
	gone bool     // the sent row was marked delivered (with its merged rows)
	sent bool     // the sink was called
	held bool     // not sent: the lease had too little time left (or was lost)
	err  error    // a store failure, or ctx's
}

// loop is Run (wake set: wait for work until ctx ends) and Drain (wake nil:
// return when nothing is due). Rows are read from the store when they are
// stale (at the start, after a store failure, after a Drain delivered while a
// Run was idle) and, at most once per readGap, when new ones may have been
// queued; in between, the lanes are planned from the rows in memory, kept as
// each delivery settles them. Delivering is the leader's work: while this
// replica does not hold the clock's lease nothing is read nor sent (a Drain
// returns), and rows read before are stale once it holds it again.
func (o *Outbox) loop(ctx context.Context, wake chan struct{}) (handled int, err error) {
	o.pass.Lock()
	o.pass.turns++
	locked := true
	defer func() {
		if locked {
			o.pass.Unlock()
		}
	}()
	results := make(chan result)
	busy := map[string]bool{}
	var (
		rows     []Delivery
		stale    = true // the rows in memory cannot be planned from: read first
		fresh    bool   // rows may have been queued since the last read
		lastRead time.Time
		paused   time.Time // after a store failure: nothing is read or sent before
		recheck  time.Time // look for new rows then: a wake-up may have come before its commit
	)
	for {
		now := o.s.Now()
		var next time.Time
		if now.Sub(lastRead) >= idleRecheck {
			fresh = true // now and then, rows queued without a wake-up
		}
		leading := o.s.leading()
		if !leading {
			stale = true // another leader may deliver them meanwhile
		}
		if ctx.Err() == nil && !now.Before(paused) && leading {
			if stale || (fresh && !now.Before(lastRead.Add(readGap))) {
				if rs, rerr := o.read(ctx); rerr != nil {
					err, stale, paused = rerr, true, now.Add(storePause)
					o.failed(ctx, wake, "reading the outbox", rerr)
				} else {
					rows, stale, fresh, lastRead = rs, false, false, now
				}
			}
			if !stale {
				var jobs []job
				jobs, next = o.plan(rows, now, busy)
				for _, j := range jobs {
					busy[j.lane] = true
					go func() { results <- o.do(ctx, j) }()
				}
			}
		}
		if len(busy) == 0 && (wake == nil || ctx.Err() != nil) {
			if ctx.Err() != nil {
				return handled, ctx.Err()
			}
			return handled, err
		}
		if ctx.Err() != nil { // ending: only wait for the deliveries in flight
			r := <-results
			delete(busy, r.job.lane)
			if r.sent {
				handled++
			}
			continue
		}

		// Wait for a delivery to end, a wake-up, or the next time something is due.
		wait := idleRecheck
		times := []time.Time{lastRead.Add(idleRecheck), next, paused, recheck}
		if fresh || stale {
			times = append(times, lastRead.Add(readGap))
		}
		for _, t := range times {
			if t.After(now) && t.Sub(now) < wait {
				wait = t.Sub(now)
			}
		}
		timer := o.s.clock.NewTimer(wait)
		var deliver <-chan struct{}
		if wake != nil { // a Drain leaves the service's wake-ups to the Runs
			deliver = o.s.deliver
		}
		idle, turns := len(busy) == 0, o.pass.turns // only a Run waits while idle
		if idle {
			o.pass.Unlock() // a Drain may deliver meanwhile
			locked = false
		}
		select {
		case r := <-results:
			delete(busy, r.job.lane)
			rows = o.settled(rows, r)
			if r.sent {
				handled++
			}
			switch {
			case r.held:
				paused = o.s.Now().Add(readGap) // until the lease is renewed, or lost
			case IsNotLeader(r.err):
				stale = true // not settled: the next leader sends it
			case r.err != nil && !errors.Is(r.err, context.Canceled):
				err = r.err
				o.failed(ctx, wake, "settling a delivery", r.err)
				paused, stale = o.s.Now().Add(storePause), true
			}
		case <-o.s.roleChanged():
		case <-deliver:
			o.s.outboxes.broadcast() // every running outbox, this one included, looks again
		case <-wake:
			fresh, recheck = true, o.s.Now().Add(wakeRecheck)
		case <-timer.Chan():
			if !recheck.IsZero() && !o.s.Now().Before(recheck) {
				fresh, recheck = true, time.Time{}
			}
		case <-ctx.Done():
		}
		timer.Stop()
		if idle {
			o.pass.Lock()
			locked = true
			if o.pass.turns != turns {
				stale = true // a Drain delivered meanwhile
			}
			o.pass.turns++
		}
	}
}

// failed logs a store failure of a Run (a Drain returns it).
func (o *Outbox) failed(ctx context.Context, wake chan struct{}, what string, err error) {
	if wake != nil && ctx.Err() == nil && !IsNotLeader(err) {
		o.s.log.Error("outbox: "+what, "sink", o.sink, "err", err)
	}
}

// read returns the sink's undelivered rows by id, due or not, and forgets the
// routes of rows no longer pending. The store gives the most urgent rows first,
// so readLimit rows of bulk output never hide an incident queued after them;
// planning wants them back in id order.
func (o *Outbox) read(ctx context.Context) ([]Delivery, error) {
	var rows []Delivery
	now := o.s.Now()
	if err := o.s.store.View(ctx, func(tx Tx) (err error) {
		rows, err = tx.PendingDeliveries(o.sink, now.Add(365*24*time.Hour), readLimit)
		return
	}); err != nil {
		return nil, err
	}
	slices.SortFunc(rows, func(a, b Delivery) int { return cmp.Compare(a.ID, b.ID) })
	pending := make(map[int64]bool, len(rows))
	for _, d := range rows {
		pending[d.ID] = true
	}
	for id := range o.routes {
		if !pending[id] {
			delete(o.routes, id)
		}
	}
	return rows, nil
}

// settled applies a job's result to the rows in memory, as it was committed.
func (o *Outbox) settled(rows []Delivery, r result) []Delivery {
	gone := make(map[int64]bool, len(r.job.drop)+len(r.job.merged)+1)
	if (r.err == nil || r.sent) && !r.held {
		for _, id := range r.job.drop {
			gone[id] = true
		}
	}
	if r.gone {
		gone[r.row.ID] = true
		for _, id := range r.job.merged {
			gone[id] = true
		}
	}
	out := rows[:0]
	for _, d := range rows {
		switch {
		case gone[d.ID]:
			delete(o.routes, d.ID)
			continue
		case r.job.send && r.err == nil && d.ID == r.row.ID:
			d.NextAt, d.Attempts, d.LastError = r.row.NextAt, r.row.Attempts, r.row.LastError
		}
		out = append(out, d)
	}
	return out
}

// do runs a job: drops the superseded edits, sends the row, settles it.
// With replicas it sends only with at least sendMargin of the lease left,
// gives the send until sendGuard before the lease ends, and settles under the
// lease it sent under (clockUpdateAt): a replica that lost the lease, paused
// or cut off, neither sends nor marks anything.
func (o *Outbox) do(ctx context.Context, j job) result {
	res := result{job: j, row: j.d}
	epoch, left, ok := o.s.lease()
	if !ok || (o.s.replicated() && left < sendMargin) {
		res.held = true
		return res
	}
	if len(j.drop) > 0 {
		if err := o.s.clockUpdateAt(ctx, epoch, func(tx Tx) error {
			for _, id := range j.drop {
				if err := tx.MarkDelivered(id, o.s.Now()); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			res.err = err
			return res
		}
	}
	if !j.send {
		return res
	}
	sctx := ctx
	if o.s.replicated() {
		var cancel context.CancelFunc
		sctx, cancel = context.WithTimeout(ctx, left-sendGuard)
		defer cancel()
	}
	d := j.d
	d.Unsure = o.s.inherited(d.CreatedAt) // the previous leader may have sent it: the sink looks first
	sendErr := o.fn(sctx, d)
	res.sent = true
	if ctx.Err() != nil {
		res.err = ctx.Err()
		return res
	}
	res.err = o.s.clockUpdateAt(ctx, epoch, func(tx Tx) (err error) {
		res.row, res.gone, err = o.settle(tx, j, sendErr)
		return err
	})
	if res.err != nil { // nothing of the settling was committed
		res.row, res.gone = j.d, false
	}
	return res
}

// settle records how a delivery went: delivered (with the rows merged into
// it), given up, or to be tried again at the row's new NextAt.
func (o *Outbox) settle(tx OutboxTx, j job, err error) (row Delivery, gone bool, _ error) {
	d, now := j.d, o.s.Now()
	delivered := func() (Delivery, bool, error) {
		for _, id := range append([]int64{d.ID}, j.merged...) {
			if err := tx.MarkDelivered(id, now); err != nil {
				return d, false, err
			}
		}
		return d, true, nil
	}
	if err == nil {
		return delivered()
	}
	var def *DeferError
	if errors.As(err, &def) {
		return o.retry(tx, d, now.Add(500*time.Millisecond), def.Error())
	}
	if permanent(err) {
		o.s.log.Error("delivery given up", "sink", o.sink, "key", d.Key, "err", o.s.redact(err.Error()))
		if rerr := tx.RetryDelivery(d.ID, now, o.s.redact(err.Error())); rerr != nil {
			return d, false, rerr
		}
		return delivered()
	}
	next := now.Add(Backoff(d.Attempts + 1))
	var ra interface{ RetryAfter() time.Duration }
	if errors.As(err, &ra) && ra.RetryAfter() > 0 {
		next = now.Add(ra.RetryAfter())
	}
	o.s.log.Warn("delivery failed, will retry", "sink", o.sink, "key", d.Key, "attempt", d.Attempts+1, "next", next, "err", o.s.redact(err.Error()))
	return o.retry(tx, d, next, o.s.redact(err.Error()))
}

// retry postpones a row to next.
func (o *Outbox) retry(tx OutboxTx, d Delivery, next time.Time, lastErr string) (Delivery, bool, error) {
	if err := tx.RetryDelivery(d.ID, next, lastErr); err != nil {
		return d, false, err
	}
	d.NextAt, d.Attempts, d.LastError = next, d.Attempts+1, lastErr
	return d, false, nil
}

func permanent(err error) bool {
	var perm interface{ Permanent() bool }
	return errors.As(err, &perm) && perm.Permanent()
}

// Backoff is the wait before retry attempt n (1-based): exponential from 1 s, capped at 5 min, with jitter.
func Backoff(n int) time.Duration {
	d := time.Second << min(n-1, 9)
	d = min(d, 5*time.Minute)
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}

// outboxes is the service's state shared by its outboxes: the pass of each
// sink, and the running loops to pass the service's "something was queued"
// signal on to (whichever takes it from the service wakes them all).
type outboxes struct {
	mu     sync.Mutex
	subs   map[chan struct{}]bool
	passes map[string]*pass
}

// pass is the pass of sink.
func (w *outboxes) pass(sink string) *pass {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.passes == nil {
		w.passes = map[string]*pass{}
	}
	if w.passes[sink] == nil {
		w.passes[sink] = &pass{}
	}
	return w.passes[sink]
}

func (w *outboxes) subscribe() chan struct{} {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.subs == nil {
		w.subs = map[chan struct{}]bool{}
	}
	ch := make(chan struct{}, 1)
	w.subs[ch] = true
	return ch
}

func (w *outboxes) unsubscribe(ch chan struct{}) {
	w.mu.Lock()
	defer w.mu.Unlock()
	delete(w.subs, ch)
}

func (w *outboxes) broadcast() {
	w.mu.Lock()
	defer w.mu.Unlock()
	for ch := range w.subs {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}
