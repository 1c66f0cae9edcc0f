package runbook

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"sync"
	"time"
)

// FenceTx keeps the leader's work under the lease it was done for.
type FenceTx interface {
	// Fence returns ErrNotLeader unless the clock's lease (Leadership) is
	// held at epoch, and keeps it held until the transaction ends: the
	// leader's work commits only under the lease it was done for. A store one
	// process uses alone has no lease and always passes.
	Fence(epoch int64) error
}

// Leadership is the clock's lease, taken in turns by the replicas that share
// one store: every replica serves commands, and only the one holding the
// lease (the leader) fires timers, materialises occurrences, refreshes
// countdowns, takes over lost runs and delivers the outboxes. runbook/postgres
// implements it with a row whose expiry is on the database's clock. A store
// one process uses alone (SQLite) needs none: its only replica always leads.
type Leadership interface {
	// Campaign takes the lease for holder, for ttl by the store's clock, when
	// it is free or has expired, or renews it when holder holds it; it returns
	// the lease as it then stands, held by holder or by another replica.
	Campaign(ctx context.Context, holder string, ttl time.Duration) (Lease, error)
	// Resign ends the lease if holder still holds it at epoch, so that another
	// replica takes over at its next campaign rather than at the expiry.
	Resign(ctx context.Context, holder string, epoch int64) error
}

// Lease is the clock's lease as the store has it.
type Lease struct {
	Holder string        // the replica holding it ("" never taken)
	Epoch  int64         // grows every time the lease is taken (not when it is renewed)
	Left   time.Duration // how long it lasts from when it was read, by the store's clock; ≤ 0: expired
	Since  time.Time     // when the holder took it, by the store's clock
}

// Lease timing. The lease lasts LeaseTTL from each renewal and is renewed
// every RenewEvery, so a leader that dies is replaced at most LeaseTTL +
// RenewEvery later. A leader sends a delivery only with at least sendMargin of
// its lease left, and gives the send until sendGuard before the lease ends: a
// replica that lost the lease has stopped sending before another can take it.
const (
	LeaseTTL   = 10 * time.Second
	RenewEvery = 2 * time.Second
	sendMargin = 3 * time.Second
	sendGuard  = time.Second
	// timerPoll bounds how long the leader's timer loop sleeps with replicas:
	// a timer armed by another replica wakes it at once (the store's
	// notification, see Wake), and this catches one whose notification was
	// lost while the listening connection was down.
	timerPoll = time.Second
)

// ErrNotLeader refuses the leader's work to a replica that does not hold the
// clock's lease (Tx.Fence returns it too): nothing of it was done.
var ErrNotLeader = NewError(KindConflict, "not_leader", nil)

// IsNotLeader reports whether err says the lease was not held.
func IsNotLeader(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == ErrNotLeader.Code
}

// LeaderStatus is this replica's view of the leadership, for operations.
type LeaderStatus struct {
	Replica string // this replica's name (its lease holder name)
	Sole    bool   // no Leadership: the only replica, always the leader
	Leading bool   // this replica holds the lease now
	Leader  string // the holder as last read ("" none, or not read yet)
	Epoch   int64  // the lease's epoch as last read
	Changes int    // times the lease changed hands since this replica started
}

// lead is the service's side of the lease.
type lead struct {
	port    Leadership // nil: sole replica
	replica string

	mu      sync.Mutex
	epoch   int64     // of the lease this replica holds (or held last)
	until   time.Time // service clock: this replica holds the lease until then (a conservative end)
	free    time.Time // service clock: another's lease, as last read, has run out by then
	term    time.Time // service clock: when this replica last became the leader
	leader  string    // holder as last read
	read    int64     // the lease's epoch as last read
	seen    string    // holder and epoch last read, to count changes
	auto    bool      // Start ran: becoming the leader materialises at once
	changes int
	leading bool          // the role last announced
	changed chan struct{} // closed (and replaced) when the role changes
}

func newLead(port Leadership, replica string) *lead {
	if replica == "" {
		replica = DefaultReplicaName()
	}
	return &lead{port: port, replica: replica, changed: make(chan struct{})}
}

// DefaultReplicaName names this process among replicas: host, process id and
// a random suffix, so that a restarted process never passes for its
// predecessor.
func DefaultReplicaName() string {
	host, _ := os.Hostname()
	if host == "" {
		host = "localhost"
	}
	return fmt.Sprintf("%s/%d/%04x", host, os.Getpid(), rand.IntN(1<<16))
}

// replicated reports whether replicas share the store (a Leadership is configured).
func (s *Service) replicated() bool { return s.lead.port != nil }

// lease returns the epoch of the lease this replica holds and how long it
// has left by its own reckoning; ok is false when it holds none. The sole
// replica always holds it, for ever.
func (s *Service) lease() (epoch int64, left time.Duration, ok bool) {
	if s.lead.port == nil {
		return 0, time.Duration(1<<63 - 1), true
	}
	s.lead.mu.Lock()
	defer s.lead.mu.Unlock()
	left = s.lead.until.Sub(s.clock.Now())
	return s.lead.epoch, left, left > 0
}

// leading reports whether this replica does the leader's work now.
func (s *Service) leading() bool {
	_, _, ok := s.lease()
	return ok
}

// roleChanged is closed when this replica becomes or stops being the leader.
func (s *Service) roleChanged() <-chan struct{} {
	s.lead.mu.Lock()
	defer s.lead.mu.Unlock()
	return s.lead.changed
}

// Leader returns this replica's view of the leadership.
func (s *Service) Leader() LeaderStatus {
	st := LeaderStatus{Replica: s.lead.replica, Sole: s.lead.port == nil, Leading: s.leading()}
	if st.Sole {
		st.Leader = st.Replica
		return st
	}
	s.lead.mu.Lock()
	defer s.lead.mu.Unlock()
	st.Leader, st.Epoch, st.Changes = s.lead.leader, s.lead.read, s.lead.changes
	return st
}

// clockUpdate is update for the leader's work, fenced by the epoch of the
// lease held now (see clockUpdateAt).
func (s *Service) clockUpdate(ctx context.Context, fn func(Tx) error) error {
	epoch, _, ok := s.lease()
	if !ok {
		return ErrNotLeader
	}
	return s.clockUpdateAt(ctx, epoch, fn)
}

// clockUpdateAt is update for the leader's work under the lease of epoch:
// with replicas, the transaction first checks that the lease is still held
// at that epoch (Tx.Fence), so a replica that lost it — paused, or cut off
// from the database — commits nothing, whatever it believed.
func (s *Service) clockUpdateAt(ctx context.Context, epoch int64, fn func(Tx) error) error {
	if s.lead.port == nil {
		return s.update(ctx, fn)
	}
	err := s.update(ctx, func(tx Tx) error {
		if err := tx.Fence(epoch); err != nil {
			return err
		}
		return fn(tx)
	})
	if IsNotLeader(err) {
		s.lost(epoch)
	}
	return err
}

// lost ends this replica's lease of epoch at once: the store refused it (a
// fence failed), so the replica stops the leader's work until a campaign
// says otherwise.
func (s *Service) lost(epoch int64) {
	ld := s.lead
	ld.mu.Lock()
	changed := ld.epoch == epoch && ld.leading
	if ld.epoch == epoch {
		ld.until = time.Time{}
	}
	if changed {
		ld.leading = false
		close(ld.changed)
		ld.changed = make(chan struct{})
	}
	ld.mu.Unlock()
	if changed {
		s.log.Warn("leadership: the store says this replica no longer holds the lease", "replica", ld.replica, "epoch", epoch)
	}
}

// freeMargin is how long after another replica's lease should have run out a
// follower asks for it: the lease is taken about LeaseTTL after its holder's
// last renewal, rather than up to RenewEvery later.
const freeMargin = 20 * time.Millisecond

// campaign takes or renews the lease every RenewEvery until ctx ends, and
// also as soon as a lease runs out: this replica's own when renewals fail (to
// announce the loss on time), another's when its holder stopped renewing it.
func (s *Service) campaign(ctx context.Context) {
	for {
		wait := RenewEvery
		if _, left, ok := s.lease(); ok && left < wait {
			wait = left
		}
		s.lead.mu.Lock()
		if free := s.lead.free.Add(freeMargin).Sub(s.clock.Now()); free > 0 && free < wait {
			wait = free
		}
		s.lead.mu.Unlock()
		select {
		case <-ctx.Done():
			return
		case <-s.clock.After(wait):
		}
		s.campaignOnce(ctx)
	}
}

// campaignOnce asks for the lease once and announces any change of role.
func (s *Service) campaignOnce(ctx context.Context) {
	start := s.clock.Now()
	cctx, cancel := context.WithTimeout(ctx, RenewEvery)
	l, err := s.lead.port.Campaign(cctx, s.lead.replica, LeaseTTL)
	cancel()
	if err != nil && ctx.Err() == nil {
		s.log.Warn("leadership: campaigning for the lease failed", "err", err)
	}
	s.observe(ctx, start, l, err)
}

// observe records a campaign's answer (asked at start) and announces a change
// of role: when this replica becomes the leader its loops are woken and the
// occurrences materialised at once.
func (s *Service) observe(ctx context.Context, start time.Time, l Lease, err error) {
	ld := s.lead
	ld.mu.Lock()
	if err == nil {
		if l.Holder == ld.replica && l.Left > 0 {
			ld.epoch, ld.until, ld.free = l.Epoch, start.Add(l.Left), time.Time{}
		} else {
			ld.until, ld.free = time.Time{}, time.Time{}
			if l.Left > 0 {
				ld.free = s.clock.Now().Add(l.Left)
			}
		}
		ld.leader, ld.read = l.Holder, l.Epoch
		if l.Left <= 0 {
			ld.leader = "" // expired: nobody leads until someone takes it
		}
		if key := fmt.Sprintf("%s#%d", l.Holder, l.Epoch); key != ld.seen && l.Left > 0 {
			if ld.seen != "" {
				ld.changes++
			}
			ld.seen = key
		}
	}
	leading := s.clock.Now().Before(ld.until)
	changed := leading != ld.leading
	if changed && leading {
		ld.term = start
	}
	if changed {
		ld.leading = leading
		close(ld.changed)
		ld.changed = make(chan struct{})
	}
	epoch, leader, auto := ld.epoch, ld.leader, ld.auto
	ld.mu.Unlock()
	if !changed {
		return
	}
	if leading {
		s.log.Info("leadership: this replica is now the leader", "replica", ld.replica, "epoch", epoch)
		s.poke(s.wake)
		s.poke(s.deliver)
		s.outboxes.broadcast()
		if auto {
			s.gained(ctx)
		}
		return
	}
	s.log.Warn("leadership: this replica is no longer the leader", "replica", ld.replica, "epoch", epoch, "leader", leader)
}

// gained does at once what the periodic jobs would do later, on the replica
// that just became the leader.
func (s *Service) gained(ctx context.Context) {
	s.loops.Add(1)
	go func() {
		defer s.loops.Done()
		if err := s.Materialize(ctx); err != nil && ctx.Err() == nil && !IsNotLeader(err) {
			s.log.Error("materialising occurrences", "err", err)
		}
	}()
}

// inherited reports whether a delivery queued at created was pending when
// this replica's lease began: the previous leader may have sent it unrecorded.
func (s *Service) inherited(created time.Time) bool {
	if s.lead.port == nil {
		return false
	}
	s.lead.mu.Lock()
	defer s.lead.mu.Unlock()
	return created.Before(s.lead.term)
}

// Resign gives the lease up when this replica holds it, so that another
// replica takes over at once. Call it once the loops have stopped (WaitLoops).
func (s *Service) Resign(ctx context.Context) {
	if s.lead.port == nil {
		return
	}
	epoch, _, ok := s.lease()
	if !ok {
		return
	}
	if err := s.lead.port.Resign(ctx, s.lead.replica, epoch); err != nil {
		s.log.Warn("leadership: resigning failed; another replica takes over when the lease expires", "err", err)
		return
	}
	s.lead.mu.Lock()
	s.lead.until = time.Time{}
	s.lead.mu.Unlock()
	s.log.Info("leadership: resigned", "replica", s.lead.replica, "epoch", epoch)
}

// Wake tells the loops that another replica committed work for them: a timer
// armed (timers) or a delivery queued (deliveries). A store shared by
// replicas calls it when it hears of such a commit.
func (s *Service) Wake(timers, deliveries bool) {
	if timers {
		s.poke(s.wake)
	}
	if deliveries {
		s.poke(s.deliver)
	}
}
