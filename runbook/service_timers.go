package runbook

import (
	"context"
	"time"
)

// TimerTx arms, finds and fires durable timers.
type TimerTx interface {
	ArmTimer(t *Timer) error                             // sets t.ID; re-arming an existing (Occ, Kind, Seq) replaces its due time if unfired
	DisarmTimers(occ int64, kinds ...TimerKind) error    // drops unfired timers of those kinds
	DueTimers(now time.Time, limit int) ([]Timer, error) // unfired, Due ≤ now, by Due
	NextTimer() (Timer, bool, error)                     // the earliest unfired timer
	FireTimer(id int64, at time.Time) error              // marks it fired (exactly once: an already fired timer is a KindConflict error)
	PendingTimers() ([]Timer, error)                     // every unfired timer, by Due
}

// Materialize creates the occurrences (and their timers) of every job whose
// confirmation time is near: windows up to lead + 1 h ahead, plus the latest
// past window of each job when it came after the database was created.
// It also drops unposted future occurrences whose slot left the schedule.
// It is the leader's work: on a follower it does nothing.
func (s *Service) Materialize(ctx context.Context) error {
	if !s.leading() {
		return nil
	}
	rb, pol, now := s.Runbook(), s.Policy(), s.Now()
	horizon := now.Add(pol.ConfirmLead + time.Hour)
	created, err := s.createdAt(ctx)
	if err != nil {
		return err
	}
	return s.clockUpdate(ctx, func(tx Tx) error {
		for _, j := range rb.Jobs {
			slots := []time.Time{}
			if prev := j.Previous(now); !prev.IsZero() && prev.After(created) {
				slots = append(slots, prev.UTC())
			}
			for t := j.Window.Next(now); !t.After(horizon); t = j.Window.Next(t) {
				slots = append(slots, t.UTC())
			}
			for _, slot := range slots {
				if err := s.ensure(tx, j, slot, now, pol); err != nil {
					return err
				}
			}
		}
		return s.dropStale(tx, rb, now)
	})
}

func (s *Service) ensure(tx Tx, j Job, slot, now time.Time, pol Policy) error {
	if _, ok, err := tx.OccurrenceAt(j.ID, slot); err != nil || ok {
		return err
	}
	o := Occurrence{Job: j.ID, Slot: slot, Window: slot, State: Scheduled}
	if err := tx.CreateOccurrence(&o); err != nil {
		return err
	}
	for _, t := range TimersFor(slot, now, pol, s.set.Reminders, 0) {
		t.Occ = o.ID
		if err := tx.ArmTimer(&t); err != nil {
			return err
		}
	}
	return nil
}

// dropStale deletes future occurrences nothing was posted for whose job or slot left the runbook.
func (s *Service) dropStale(tx Tx, rb *Runbook, now time.Time) error {
	os, err := tx.Occurrences(Query{States: []State{Scheduled}, WindowFrom: now})
	if err != nil {
		return err
	}
	for _, o := range os {
		j, ok := rb.Job(o.Job)
		if ok && o.Reschedules == 0 && j.Window.Next(o.Slot.Add(-time.Second)).Equal(o.Slot) {
			continue
		}
		if o.Reschedules > 0 && ok {
			continue
		}
		if err := tx.DeleteOccurrence(o.ID); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) createdAt(ctx context.Context) (time.Time, error) {
	s.mu.RLock()
	c := s.created
	s.mu.RUnlock()
	if !c.IsZero() {
		return c, nil
	}
	err := s.update(ctx, func(tx Tx) error {
		v, ok, err := tx.Meta("created_at")
		if err != nil {
			return err
		}
		if !ok {
			v = s.Now().Format(time.RFC3339Nano)
			if err := tx.SetMeta("created_at", v); err != nil {
				return err
			}
		}
		c, err = time.Parse(time.RFC3339Nano, v)
		return err
	})
	if err == nil {
		s.mu.Lock()
		s.created = c
		s.mu.Unlock()
	}
	return c, err
}

// FireDue fires every timer due now, each exactly once, and returns how many
// fired. It is the leader's work: a replica without the lease fires none
// (ErrNotLeader), and each fire commits only under the lease (clockUpdate).
func (s *Service) FireDue(ctx context.Context) (int, error) {
	ctx = urgentWrites(ctx) // a due timer's write goes before the queued ones
	n := 0
	for {
		if !s.leading() {
			return n, ErrNotLeader
		}
		var due []Timer
		err := s.store.View(ctx, func(tx Tx) (err error) { due, err = tx.DueTimers(s.Now(), 50); return })
		if err != nil || len(due) == 0 {
			return n, err
		}
		for _, t := range due {
			if err := s.fire(ctx, t, due); err != nil {
				if ctx.Err() == nil && !IsNotLeader(err) {
					s.log.Error("timer failed", "timer", t.Kind, "occurrence", t.Occ, "err", err)
				}
				return n, err
			}
			n++
		}
	}
}

// fire applies one timer's event. Of several overdue reminders of one occurrence only the last is sent.
func (s *Service) fire(ctx context.Context, t Timer, batch []Timer) error {
	now := s.Now()
	ev := Event{Due: t.Due, Seq: t.Seq, Late: s.missed(t.Due)}
	switch t.Kind {
	case TimerConfirm:
		ev.Kind = EvConfirmDue
	case TimerReminder:
		ev.Kind = EvReminderDue
		ev.Last = t.Seq%SeqPerGeneration == len(s.set.Reminders)-1
		for _, o := range batch {
			if o.Occ == t.Occ && o.Kind == TimerReminder && o.Due.After(t.Due) {
				ev.Kind = "" // superseded by a later overdue reminder
			}
		}
	case TimerOpen:
		ev.Kind = EvWindowOpen
	case TimerDelay:
		ev.Kind = EvDelayDue
	case TimerDeadline:
		ev.Kind = EvDeadline
	}
	if ev.Kind == EvConfirmDue || (ev.Kind == EvWindowOpen && s.set.Autorun) {
		ev.Preflight = s.preflightFor(ctx, t.Occ)
	}
	if (ev.Kind == EvConfirmDue || ev.Kind == EvReminderDue) && s.tickets != nil {
		if job := s.jobOf(ctx, t.Occ); job != "" {
			rep := s.Tickets(ctx, job)
			ev.Tickets = &rep
		}
	}
	var out Outcome
	err := s.clockUpdate(ctx, func(tx Tx) error {
		if err := tx.FireTimer(t.ID, now); err != nil {
			return err
		}
		if ev.Kind == "" {
			return nil
		}
		o, err := tx.Occurrence(t.Occ)
		if err != nil {
			return err
		}
		j, ok := s.Runbook().Job(o.Job)
		if !ok {
			return nil // the job left the runbook
		}
		ev.Argv, ev.Commit, ev.Terms = j.Command, j.Commit, s.termsNow(j)
		env := s.stepEnv(o, j)
		if err := s.withFreezes(tx, &env, o); err != nil {
			return err
		}
		out, err = Step(o, ev, env)
		if err != nil || out.Skipped {
			return nil
		}
		return s.persist(tx, out)
	})
	if KindOf(err) == KindConflict && !IsNotLeader(err) {
		return nil // fired by someone else already
	}
	if err == nil {
		s.obs.TimerFired(t.Kind, s.Now().Sub(t.Due))
	}
	if err == nil && out.StartRun {
		s.startExecution(out.Occ)
	}
	return err
}

// missed reports whether a timer due at due fell due while the bot was down:
// before this service started. A timer due while it ran is never late, however
// long after its due time it fires (one armed due at once, a busy loop).
func (s *Service) missed(due time.Time) bool { return due.Before(s.up) }

// jobOf is the job id of an occurrence, empty when it cannot be read.
func (s *Service) jobOf(ctx context.Context, occ int64) string {
	var o Occurrence
	if err := s.store.View(ctx, func(tx Tx) (err error) { o, err = tx.Occurrence(occ); return }); err != nil {
		return ""
	}
	return o.Job
}

func (s *Service) preflightFor(ctx context.Context, occ int64) *Preflight {
	var o Occurrence
	if err := s.store.View(ctx, func(tx Tx) (err error) { o, err = tx.Occurrence(occ); return }); err != nil {
		return nil
	}
	j, ok := s.Runbook().Job(o.Job)
	if !ok || s.checker == nil {
		return nil
	}
	p := s.checker.Check(ctx, j)
	return &p
}

// RunTimers fires due timers until ctx ends, sleeping until the next one is due
// or a new timer is armed. The wake-up for a new timer comes after its
// transaction committed (update), so the next timer read here is never older
// than the last wake-up; a store error is retried after a second. With
// replicas it fires only while this replica leads, and sleeps at most
// timerPoll (another replica's timer comes with a Wake, which may be lost).
func (s *Service) RunTimers(ctx context.Context) {
	for {
		if !s.leading() {
			select {
			case <-ctx.Done():
				return
			case <-s.roleChanged():
			case <-s.clock.After(RenewEvery): // the role is time-bound: look again
			}
			continue
		}
		wait := time.Minute
		if s.replicated() {
			wait = timerPoll
		}
		if _, err := s.FireDue(ctx); err != nil && ctx.Err() == nil && !IsNotLeader(err) {
			s.log.Error("firing timers", "err", err)
			wait = time.Second
		}
		var next Timer
		var ok bool
		err := s.store.View(ctx, func(tx Tx) (err error) { next, ok, err = tx.NextTimer(); return })
		switch {
		case err != nil:
			if ctx.Err() == nil {
				s.log.Error("reading the next timer", "err", err)
			}
			wait = time.Second
		case ok:
			wait = min(wait, max(next.Due.Sub(s.Now()), 0))
		}
		select {
		case <-ctx.Done():
			return
		case <-s.clock.After(wait):
		case <-s.wake:
		case <-s.roleChanged():
		}
	}
}
