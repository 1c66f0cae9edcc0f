package runbook

import (
	"context"
	"strconv"
	"sync"
	"time"
)

// RunTx records which replica runs an occurrence's attempt, and its beats.
type RunTx interface {
	// OwnRun records that owner runs attempt of occurrence occ, beating now by
	// the store's clock; it is written in the transaction that starts the run.
	OwnRun(occ int64, attempt int, owner string) error
	// BeatRun records that owner still runs attempt of occ, now by the store's
	// clock; false (and nothing written) when that run is no longer owner's:
	// another owner or attempt, or the occurrence is no longer running.
	BeatRun(occ int64, attempt int, owner string) (bool, error)
	// StaleRuns returns the running occurrences whose latest attempt has had
	// no beat for longer than age by the store's clock, or has no owner.
	StaleRuns(age time.Duration) ([]RunOwner, error)
}

// Runs on replicas. A run executes on the replica that accepted the command
// (the leader, for autorun), which owns it (Tx.OwnRun) and beats it every
// HeartbeatEvery; the leader takes over, as failed (replica_lost), a run
// whose beat is older than RunStaleAfter by the store's clock. An owner that
// finds its run taken over cancels its script and records nothing more.
const (
	HeartbeatEvery = 5 * time.Second
	RunStaleAfter  = 30 * time.Second
	// cancelPoll is how often an owner looks for a cancel of its runs
	// recorded by another replica (its own cancels reach the script at once).
	cancelPoll = time.Second
)

// liveRun is a run executing on this replica, with the attempt it runs.
type liveRun struct {
	Execution
	attempt int
	once    sync.Once
}

// Cancel cancels the execution once, however many replicas asked.
func (r *liveRun) Cancel() { r.once.Do(r.Execution.Cancel) }

// finishOwnRun records how this replica's execution of an attempt ended,
// unless the run is no longer this replica's (taken over as lost, or another
// attempt started): then the result is only logged.
func (s *Service) finishOwnRun(id int64, attempt int, res RunResult) {
	mine := true
	err := s.update(context.Background(), func(tx Tx) error {
		var err error
		if mine, err = tx.BeatRun(id, attempt, s.lead.replica); err != nil || !mine {
			return err
		}
		return s.recordRunEnd(tx, id, res)
	})
	switch {
	case err != nil:
		s.log.Error("recording run result", "occurrence", id, "err", err)
	case !mine:
		s.log.Warn("a run ended after the leader took it over as lost; its result is not recorded",
			"occurrence", id, "attempt", attempt, "reason", res.Reason)
	}
}

// beat keeps this replica's runs alive until ctx ends: every cancelPoll it
// cancels those another replica recorded a cancel for, and every
// HeartbeatEvery it beats them, cancelling those no longer its own.
func (s *Service) beat(ctx context.Context) {
	last := s.clock.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.clock.After(cancelPoll):
		}
		beating := s.clock.Since(last) >= HeartbeatEvery-cancelPoll/2
		if s.checkRuns(ctx, beating) && beating {
			last = s.clock.Now()
		}
	}
}

// checkRuns checks (and, when beating, beats) every run executing on this
// replica, cancelling those it must stop; false when none executes.
func (s *Service) checkRuns(ctx context.Context, beating bool) bool {
	runs := map[int64]*liveRun{}
	s.runs.Range(func(k, v any) bool {
		runs[k.(int64)] = v.(*liveRun)
		return true
	})
	for id, r := range runs {
		if stop, why := s.checkRun(ctx, id, r.attempt, beating); stop {
			s.log.Warn("cancelling a run of this replica", "occurrence", id, "attempt", r.attempt, "why", why)
			r.Cancel()
		}
	}
	return len(runs) > 0
}

// checkRun beats run id (when beating) and tells whether its script must be
// stopped: the run is no longer this replica's, or a cancel was recorded
// after its start (by whichever replica).
func (s *Service) checkRun(ctx context.Context, id int64, attempt int, beating bool) (stop bool, why string) {
	look := func(tx Tx) error {
		recs, err := tx.Records(id)
		if err != nil {
			return err
		}
		started := false
		for _, r := range recs {
			switch {
			case r.Kind == RecRunStarted && r.Fields["attempt"] == strconv.Itoa(attempt):
				started = true
			case started && r.Kind == RecCancelled:
				stop, why = true, "cancelled"
			}
		}
		return nil
	}
	var err error
	if beating {
		err = s.update(ctx, func(tx Tx) error {
			stop, why = false, ""
			mine, err := tx.BeatRun(id, attempt, s.lead.replica)
			if err != nil || !mine {
				stop, why = !mine && err == nil, "taken over as lost"
				return err
			}
			return look(tx)
		})
	} else {
		err = s.store.View(ctx, look)
	}
	if err != nil && ctx.Err() == nil {
		s.log.Error("checking a run of this replica", "occurrence", id, "err", err)
	}
	return stop, why
}

// TakeOverLostRuns marks failed (replica_lost) every run whose beat is older
// than RunStaleAfter, as the leader, and returns how many it took over. Their
// incident post and countdown follow as for any failure. Processes of a lost
// run that are on this machine (a replica killed beside this one) are killed.
func (s *Service) TakeOverLostRuns(ctx context.Context) (int, error) {
	if !s.leading() {
		return 0, ErrNotLeader
	}
	// A read first: the write (and the writers' turn it takes) only when some run is silent.
	var stale []RunOwner
	if err := s.store.View(ctx, func(tx Tx) (err error) { stale, err = tx.StaleRuns(RunStaleAfter); return }); err != nil || len(stale) == 0 {
		return 0, err
	}
	var lost []Occurrence
	err := s.clockUpdate(ctx, func(tx Tx) error {
		lost = lost[:0]
		stale, err := tx.StaleRuns(RunStaleAfter)
		if err != nil {
			return err
		}
		for _, r := range stale {
			o, err := tx.Occurrence(r.Occ)
			if err != nil {
				return err
			}
			if o.State != Running || o.Attempts != r.Attempt {
				continue
			}
			res := RunResult{Reason: ReasonReplicaLost, Tail: []string{lostTail(r)}}
			j, _ := s.Runbook().Job(o.Job)
			out, err := Step(o, Event{Kind: EvRunFinish, Run: &res}, s.stepEnv(o, j))
			if err != nil || out.Skipped {
				continue
			}
			if err := s.persist(tx, out); err != nil {
				return err
			}
			lost = append(lost, o)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, o := range lost {
		s.log.Warn("took over a run whose replica stopped beating: failed (replica_lost)", "job", o.Job, "occurrence", o.ID, "attempt", o.Attempts)
		if k, ok := s.exec.(OrphanKiller); ok && o.RunHandle != "" {
			if killed, err := k.KillOrphan(o.RunHandle); err != nil {
				s.log.Error("killing the processes of a lost run", "occurrence", o.ID, "err", err)
			} else if killed {
				s.log.Warn("killed the processes a lost run left on this machine", "job", o.Job, "occurrence", o.ID)
			}
		}
	}
	return len(lost), nil
}

// lostTail is the line the incident post shows for a lost run.
func lostTail(r RunOwner) string {
	if r.Owner == "" {
		return NoteLine(M(RunNoReplica))
	}
	if r.Beat.IsZero() {
		return NoteLine(M(RunReplicaSilent, "replica", r.Owner))
	}
	return NoteLine(M(RunReplicaLast, "replica", r.Owner, "at", r.Beat.UTC().Format(time.RFC3339)))
}

// sweep takes over lost runs every HeartbeatEvery while this replica leads.
func (s *Service) sweep(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.clock.After(HeartbeatEvery):
		}
		if !s.leading() {
			continue
		}
		if _, err := s.TakeOverLostRuns(ctx); err != nil && ctx.Err() == nil && !IsNotLeader(err) {
			s.log.Error("taking over lost runs", "err", err)
		}
	}
}
