package runbook

import (
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"time"
)

// SinkFunc delivers one outbox row. An error implementing RetryAfter() sets the
// next attempt; one implementing Permanent() true gives the row up (it is kept,
// marked delivered with the error, so the record is never silently lost);
// a DeferError waits for something else (a parent message) without counting as a failure.
type SinkFunc func(ctx context.Context, d Delivery) error

// DeferError asks the outbox to try a delivery again shortly: it depends on another one.
type DeferError struct{ Reason string }

// Error describes what the delivery waits for.
func (e *DeferError) Error() string { return "deferred: " + e.Reason }

// Outbox delivers queued rows of one sink in order, retrying with backoff.
type Outbox struct {
	s    *Service
	sink string
	fn   SinkFunc
}

// Outbox returns the delivery loop of a sink; run it with Run.
func (s *Service) Outbox(sink string, fn SinkFunc) *Outbox { return &Outbox{s: s, sink: sink, fn: fn} }

// Run delivers until ctx ends.
func (o *Outbox) Run(ctx context.Context) {
	for {
		n, err := o.Drain(ctx)
		if err != nil && !errors.Is(err, context.Canceled) {
			o.s.log.Error("outbox", "sink", o.sink, "err", err)
		}
		wait := time.Second
		if n > 0 {
			wait = 0
		}
		select {
		case <-ctx.Done():
			return
		case <-o.s.deliver:
			o.s.poke(o.s.deliver) // let the other sinks see it too
			if n == 0 {
				select {
				case <-ctx.Done():
					return
				case <-o.s.clock.After(50 * time.Millisecond):
				}
			}
		case <-o.s.clock.After(wait):
		}
	}
}

// Drain delivers what is due now and returns how many rows it handled.
func (o *Outbox) Drain(ctx context.Context) (int, error) {
	// Every undelivered row, in order: a row waiting for its retry holds back the
	// later rows with the same key, so each key's rows arrive in order.
	var ds []Delivery
	now := o.s.Now()
	if err := o.s.store.View(ctx, func(tx Tx) (err error) {
		ds, err = tx.PendingDeliveries(o.sink, now.Add(365*24*time.Hour), 500)
		return
	}); err != nil {
		return 0, err
	}
	handled := 0
	blocked := map[string]bool{}
	for i, d := range ds {
		if d.NextAt.After(now) {
			blocked[d.Key] = true
			continue
		}
		if blocked[d.Key] || supersededUpdate(ds[i+1:], d) {
			if !blocked[d.Key] {
				_ = o.s.update(ctx, func(tx Tx) error { return tx.MarkDelivered(d.ID, o.s.Now()) })
			}
			continue
		}
		sendErr := o.fn(ctx, d)
		if ctx.Err() != nil {
			return handled, ctx.Err()
		}
		handled++
		if err := o.s.update(ctx, func(tx Tx) error { return o.settle(tx, d, sendErr) }); err != nil {
			return handled, err
		}
		if sendErr != nil && !permanent(sendErr) {
			blocked[d.Key] = true
		}
	}
	return handled, nil
}

func permanent(err error) bool {
	var perm interface{ Permanent() bool }
	return errors.As(err, &perm) && perm.Permanent()
}

func (o *Outbox) settle(tx Tx, d Delivery, err error) error {
	now := o.s.Now()
	if err == nil {
		return tx.MarkDelivered(d.ID, now)
	}
	var def *DeferError
	if errors.As(err, &def) {
		return tx.RetryDelivery(d.ID, now.Add(500*time.Millisecond), def.Error())
	}
	if permanent(err) {
		o.s.log.Error("delivery given up", "sink", o.sink, "key", d.Key, "err", o.s.redact(err.Error()))
		if rerr := tx.RetryDelivery(d.ID, now, o.s.redact(err.Error())); rerr != nil {
			return rerr
		}
		return tx.MarkDelivered(d.ID, now)
	}
	next := now.Add(Backoff(d.Attempts + 1))
	var ra interface{ RetryAfter() time.Duration }
	if errors.As(err, &ra) && ra.RetryAfter() > 0 {
		next = now.Add(ra.RetryAfter())
	}
	o.s.log.Warn("delivery failed, will retry", "sink", o.sink, "key", d.Key, "attempt", d.Attempts+1, "next", next, "err", o.s.redact(err.Error()))
	return tx.RetryDelivery(d.ID, next, o.s.redact(err.Error()))
}

// supersededUpdate reports whether a later pending row edits the same message again:
// only the newest version of a message needs to reach the chat.
func supersededUpdate(later []Delivery, d Delivery) bool {
	if d.Sink != SinkChat || !isUpdate(d) {
		return false
	}
	for _, x := range later {
		if x.Key == d.Key && isUpdate(x) {
			return true
		}
	}
	return false
}

func isUpdate(d Delivery) bool { return bytes.Contains(d.Payload, []byte(`"update":true`)) }

// Backoff is the wait before retry attempt n (1-based): exponential from 1 s, capped at 5 min, with jitter.
func Backoff(n int) time.Duration {
	d := time.Second << min(n-1, 9)
	d = min(d, 5*time.Minute)
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}
