package runbook

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/go-co-op/gocron/v2"
)

// CountdownEvery is how often the incident countdown is refreshed: deadline/15,
// but never more often than every 5 s nor less often than every minute.
func CountdownEvery(deadline time.Duration) time.Duration {
	return min(max(deadline/15, 5*time.Second), time.Minute)
}

// Start recovers interrupted runs, withdraws the approvals the runbook in force
// no longer matches (CheckApprovals), materialises occurrences, prunes the
// delivered outbox rows past the retention, and runs the timer loop and the
// periodic jobs (materialisation every minute, countdown refreshes, pruning
// every hour, and watch — typically the runbook file watcher — every 2 s)
// until ctx ends.
// gocron does the periodic ticking; the durable timers live in the store, which
// is the truth across restarts.
//
// With replicas (a Leadership), every replica watches the runbook and serves
// commands, and the leader's work waits for this replica to hold the lease:
// Start campaigns once before it returns, so the start log can name the
// leader, then every RenewEvery.
func (s *Service) Start(ctx context.Context, watch func(context.Context)) error {
	if s.replicated() {
		s.lead.mu.Lock()
		s.lead.auto = true
		s.lead.mu.Unlock()
		s.campaignOnce(ctx)
	} else {
		if err := s.Recover(ctx); err != nil {
			return err
		}
		if err := s.CheckApprovals(ctx); err != nil {
			return err
		}
		if err := s.Materialize(ctx); err != nil {
			return err
		}
	}
	s.prune(ctx)
	sched, err := gocron.NewScheduler(gocron.WithClock(s.clock))
	if err != nil {
		return err
	}
	every := func(d time.Duration, fn func()) error {
		_, err := sched.NewJob(gocron.DurationJob(d), gocron.NewTask(fn), gocron.WithSingletonMode(gocron.LimitModeReschedule))
		return err
	}
	if err := every(time.Minute, func() {
		if err := s.Materialize(ctx); err != nil && !IsNotLeader(err) {
			s.log.Error("materialising occurrences", "err", err)
		}
	}); err != nil {
		return err
	}
	if err := every(CountdownEvery(s.Policy().IncidentDeadline), func() { s.RefreshCountdowns(ctx) }); err != nil {
		return err
	}
	if err := every(PruneEvery, func() { s.prune(ctx) }); err != nil {
		return err
	}
	if watch != nil {
		if err := every(2*time.Second, func() { watch(ctx) }); err != nil {
			return err
		}
	}
	sched.Start()
	if s.replicated() {
		for _, loop := range []func(context.Context){s.campaign, s.beat, s.sweep} {
			s.loops.Add(1)
			go func() {
				defer s.loops.Done()
				loop(ctx)
			}()
		}
	}
	s.loops.Add(2)
	go func() {
		defer s.loops.Done()
		<-ctx.Done()
		_ = sched.Shutdown()
	}()
	go func() {
		defer s.loops.Done()
		s.RunTimers(ctx)
	}()
	return nil
}

// WaitLoops blocks until the loops started by Start have ended (after its context ended),
// so the store can be closed under nobody.
func (s *Service) WaitLoops() { s.loops.Wait() }

// RefreshCountdowns queues an in-place update of every running incident
// countdown; it is the leader's work (a follower does nothing).
func (s *Service) RefreshCountdowns(ctx context.Context) {
	if !s.leading() {
		return
	}
	now := s.Now()
	err := s.clockUpdate(ctx, func(tx Tx) error {
		os, err := tx.Occurrences(Query{States: []State{Failed, Running, Cancelled, Succeeded}, WindowFrom: now.Add(-8 * 24 * time.Hour)})
		if err != nil {
			return err
		}
		for _, o := range os {
			if !o.CountdownActive(now) {
				continue
			}
			n := Notice{Kind: NoticeIncident, Key: o.IncidentKey(), Update: true, Channel: ChannelIncident, Occ: o, Tail: o.Tail, At: now}
			if err := s.enqueue(tx, SinkChat, n.Key, n); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil && ctx.Err() == nil && !IsNotLeader(err) {
		s.log.Error("refreshing countdowns", "err", err)
	}
}

// Reload puts a newly parsed runbook in force, or — when it has problems —
// keeps the last good one and reports the problems to the runbook channel,
// once for each set of problems while one good version is in force: the
// same broken file polled again says nothing more, but breaking the runbook
// again after a fix is reported again. With replicas, only the leader reports
// (every replica reads the same file).
func (s *Service) Reload(ctx context.Context, rb *Runbook, problems Problems) {
	if len(problems) > 0 && !s.leading() {
		s.log.Warn("runbook has problems; the last good version stays in force (the leader reports them)", "problems", len(problems))
		return
	}
	if len(problems) > 0 {
		s.mu.RLock()
		version := s.version
		s.mu.RUnlock()
		file := s.Runbook().File
		var rev *Revision
		if rb != nil {
			file, rev = rb.File, rb.Revision
		}
		commit := ""
		if rev != nil {
			commit = rev.Commit // each broken commit is reported, even with the same problems as another
		}
		sum := sha256.Sum256([]byte(version + "\n" + commit + "\n" + problems.Error()))
		key := "runbook/invalid/" + hex.EncodeToString(sum[:8])
		err := s.update(ctx, func(tx Tx) error {
			if fresh, err := tx.Claim(key, s.Now()); err != nil || !fresh {
				return err
			}
			n := Notice{Kind: NoticeRunbookBroken, Key: key, Channel: ChannelRunbook, Problems: problems, Text: file, At: s.Now(), Revision: rev}
			if in := s.Runbook().Revision; rev != nil && in != nil {
				n.InForce = in.Short()
			}
			return s.enqueue(tx, SinkChat, key, n)
		})
		if err != nil {
			s.log.Error("reporting runbook problems", "err", err)
		}
		s.log.Warn("runbook has problems; the last good version stays in force", "problems", len(problems), "commit", commit)
		return
	}
	s.setRunbook(rb)
	s.log.Info("runbook reloaded", "jobs", len(rb.Jobs), "commit", rb.Commit())
	if err := s.CheckApprovals(ctx); err != nil {
		s.log.Error("checking the approvals against the reloaded runbook", "err", err)
	}
	if err := s.Materialize(ctx); err != nil && !IsNotLeader(err) {
		s.log.Error("materialising occurrences", "err", err)
	}
}
