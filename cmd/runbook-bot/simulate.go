package main

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// The simulation runs the real service on a fake clock over a throw-away
// store, with no chat and no scripts: a recording store captures, in commit
// order, every state change, audit record and delivery the service makes; a
// fake executor ends each run as the flags say; simulated owners answer the
// confirmation requests and run their windows unless told not to.

// simEvent is one line of the simulation's output.
type simEvent struct {
	At   time.Time
	Kind string // "message", "state", "record", "checkin", "delay_log", "action"

	Notice *runbook.Notice     // message
	Occ    *runbook.Occurrence // state: the occurrence after the change
	From   runbook.State       // state: before
	Record *runbook.Record     // record
	Line   *runbook.DelayLine  // delay_log
	Actor  string              // action: who
	Text   string              // action: the command typed
}

// recordingStore wraps a store and keeps, for each committed write
// transaction, what it changed, in the order it was written.
type recordingStore struct {
	runbook.Store
	now func() time.Time

	mu     sync.Mutex
	events []simEvent
}

// Update runs fn, keeping its events only when it commits.
func (s *recordingStore) Update(ctx context.Context, fn func(runbook.Tx) error) error {
	var rt *recordingTx
	err := s.Store.Update(ctx, func(tx runbook.Tx) error {
		rt = &recordingTx{Tx: tx, now: s.now}
		return fn(rt)
	})
	if err == nil && rt != nil {
		s.mu.Lock()
		s.events = append(s.events, rt.events...)
		s.mu.Unlock()
	}
	return err
}

// take returns the events recorded since the last take.
func (s *recordingStore) take() []simEvent {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.events
	s.events = nil
	return out
}

// recordingTx notes state changes, records and deliveries.
type recordingTx struct {
	runbook.Tx
	now    func() time.Time
	events []simEvent
}

func (t *recordingTx) SaveOccurrence(o runbook.Occurrence) error {
	old, err := t.Tx.Occurrence(o.ID)
	if err != nil {
		return err
	}
	if err := t.Tx.SaveOccurrence(o); err != nil {
		return err
	}
	if old.State != o.State {
		t.events = append(t.events, simEvent{At: t.now(), Kind: "state", Occ: &o, From: old.State})
	}
	return nil
}

func (t *recordingTx) AddRecord(r *runbook.Record) error {
	if err := t.Tx.AddRecord(r); err != nil {
		return err
	}
	rec := *r
	t.events = append(t.events, simEvent{At: r.At, Kind: "record", Record: &rec})
	return nil
}

func (t *recordingTx) Enqueue(d *runbook.Delivery) error {
	if err := t.Tx.Enqueue(d); err != nil {
		return err
	}
	ev := simEvent{At: t.now()}
	switch d.Sink {
	case runbook.SinkChat:
		var n runbook.Notice
		if err := json.Unmarshal(d.Payload, &n); err != nil {
			return err
		}
		ev.Kind, ev.Notice = "message", &n
	case runbook.SinkCheckin:
		var o runbook.Occurrence
		if err := json.Unmarshal(d.Payload, &o); err != nil {
			return err
		}
		ev.Kind, ev.Occ = "checkin", &o
	case runbook.SinkDelayLog:
		var l runbook.DelayLine
		if err := json.Unmarshal(d.Payload, &l); err != nil {
			return err
		}
		ev.Kind, ev.Line = "delay_log", &l
	default:
		return nil
	}
	t.events = append(t.events, ev)
	return nil
}

// simRunTime is how long a simulated script runs.
const simRunTime = 2 * time.Minute

// simExecutor runs no script: each run ends simRunTime after it starts (the
// driver ends it), failing for the jobs told to fail.
type simExecutor struct {
	fail map[string]bool

	mu   sync.Mutex
	runs map[string]*simRun // by job: the run in progress
}

// simRun is one simulated execution.
type simRun struct {
	job    string
	failed bool
	done   chan runbook.RunResult
}

func (e *simExecutor) Execute(_ context.Context, j runbook.Job, _ time.Time, _ []string, _ func(string)) (runbook.Execution, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	r := &simRun{job: j.ID, failed: e.fail[j.ID], done: make(chan runbook.RunResult, 1)}
	e.runs[j.ID] = r
	return r, nil
}

// finish ends the job's run in progress; false when it has not started yet.
func (e *simExecutor) finish(job string) bool {
	e.mu.Lock()
	r, ok := e.runs[job]
	delete(e.runs, job)
	e.mu.Unlock()
	if !ok {
		return false
	}
	res := runbook.RunResult{ExitCode: new(int), Duration: simRunTime}
	if r.failed {
		*res.ExitCode, res.Reason, res.Tail = 1, runbook.ReasonExit, []string{runbook.NoteLine(runbook.M(runbook.RunSimulated, "job", job))}
	}
	r.done <- res
	return true
}

func (r *simRun) Cancel()                 { r.done <- runbook.RunResult{Reason: runbook.ReasonCancelled} }
func (r *simRun) Wait() runbook.RunResult { return <-r.done }
func (r *simRun) Handle() string          { return "" }

// simAction is something a simulated person does at a time.
type simAction struct {
	at   time.Time
	job  string
	verb string // confirm, decline, run, finish (the script's end)
}

// simBehaviour is what the flags say the simulated people and scripts do.
type simBehaviour struct {
	noAnswer, decline map[string]bool
}

// answerAfter is how long a simulated owner takes to answer a request; runAfter, to run an open window.
const (
	answerAfter = 10 * time.Minute
	runAfter    = 5 * time.Minute
)

// simulator drives the service through the days simulated.
type simulator struct {
	svc    *runbook.Service
	store  *recordingStore
	clock  *clockwork.FakeClock
	exec   *simExecutor
	beh    simBehaviour
	rb     *runbook.Runbook
	emit   func(simEvent)
	reason string // the text of a simulated decline

	actions []simAction
}

// run simulates until end.
func (s *simulator) run(ctx context.Context, end time.Time) error {
	if err := s.svc.Materialize(ctx); err != nil {
		return err
	}
	nextMat := s.clock.Now().Add(time.Hour)
	for {
		if _, err := s.svc.FireDue(ctx); err != nil {
			return err
		}
		s.flush()
		if err := s.act(ctx); err != nil {
			return err
		}
		now := s.clock.Now()
		if !now.Before(end) {
			return nil
		}
		next := nextMat
		if end.Before(next) {
			next = end
		}
		if t, ok, err := s.nextTimer(ctx); err != nil {
			return err
		} else if ok && t.Before(next) {
			next = t
		}
		for _, a := range s.actions {
			if a.at.Before(next) {
				next = a.at
			}
		}
		if !next.After(now) { // everything due now was done: never stand still
			next = now.Add(time.Second)
		}
		s.clock.Advance(next.Sub(now))
		if !s.clock.Now().Before(nextMat) {
			if err := s.svc.Materialize(ctx); err != nil {
				return err
			}
			nextMat = s.clock.Now().Add(time.Hour)
		}
	}
}

// nextTimer is the due time of the earliest unfired timer.
func (s *simulator) nextTimer(ctx context.Context) (time.Time, bool, error) {
	var t runbook.Timer
	var ok bool
	err := s.store.View(ctx, func(tx runbook.Tx) (err error) { t, ok, err = tx.NextTimer(); return })
	return t.Due, ok, err
}

// flush prints what was committed since the last flush, planning the people's answers to the messages.
func (s *simulator) flush() {
	for _, ev := range s.store.take() {
		s.emit(ev)
		if ev.Kind == "message" {
			s.plan(*ev.Notice)
		}
	}
}

// plan schedules what the simulated owners do about a message.
func (s *simulator) plan(n runbook.Notice) {
	job := n.Occ.Job
	if n.Update || s.beh.noAnswer[job] {
		return
	}
	now := s.clock.Now()
	switch {
	case n.Kind == runbook.NoticeRequest && n.Occ.State == runbook.AwaitingConfirmation && n.Freeze == nil:
		verb := "confirm"
		if s.beh.decline[job] {
			verb = "decline"
		}
		s.actions = append(s.actions, simAction{at: now.Add(answerAfter), job: job, verb: verb})
	case n.Kind == runbook.NoticeWindowOpen && n.Occ.State == runbook.Confirmed && n.Freeze == nil:
		s.actions = append(s.actions, simAction{at: now.Add(runAfter), job: job, verb: "run"})
	}
}

// act does the actions due now, in the order they were planned.
func (s *simulator) act(ctx context.Context) error {
	now := s.clock.Now()
	var later []simAction
	due := s.actions
	s.actions = nil
	for _, a := range due {
		if a.at.After(now) {
			later = append(later, a)
			continue
		}
		if err := s.do(ctx, a); err != nil {
			return err
		}
		s.flush()
	}
	s.actions = append(later, s.actions...)
	return nil
}

// do performs one action as the job's primary owner (or its backup when the primary has no user ID).
func (s *simulator) do(ctx context.Context, a simAction) error {
	j, _ := s.rb.Job(a.job)
	user := ""
	if ids := s.svc.OwnerIDs(ctx, j); len(ids) > 0 {
		user = ids[0]
	}
	r := runbook.Request{User: user, Envelope: "simulate"}
	var err error
	switch a.verb {
	case "confirm":
		s.emit(simEvent{At: s.clock.Now(), Kind: "action", Actor: user, Text: "/runbook confirm " + a.job})
		_, err = s.svc.Confirm(ctx, r, a.job, false)
	case "decline":
		s.emit(simEvent{At: s.clock.Now(), Kind: "action", Actor: user, Text: "/runbook decline " + a.job + " " + s.reason})
		_, err = s.svc.Decline(ctx, r, a.job, s.reason)
	case "run":
		s.emit(simEvent{At: s.clock.Now(), Kind: "action", Actor: user, Text: "/runbook run " + a.job})
		var o runbook.Occurrence
		o, err = s.svc.Run(ctx, r, a.job)
		if err == nil && o.State == runbook.Running {
			s.actions = append(s.actions, simAction{at: s.clock.Now().Add(simRunTime), job: a.job, verb: "finish"})
		}
	case "finish":
		return s.finish(ctx, a.job)
	}
	var e *runbook.Error
	if errors.As(err, &e) && e.Kind != runbook.KindInternal {
		return nil // refused (and audited): the output shows the refusal record
	}
	return err
}

// finish ends a job's simulated run and waits until the service has recorded it.
func (s *simulator) finish(ctx context.Context, job string) error {
	deadline := time.Now().Add(10 * time.Second)
	for !s.exec.finish(job) {
		if time.Now().After(deadline) {
			return errors.New("simulate: the run of " + job + " never started")
		}
		time.Sleep(time.Millisecond)
	}
	for {
		var os []runbook.Occurrence
		err := s.store.View(ctx, func(tx runbook.Tx) (err error) {
			os, err = tx.Occurrences(runbook.Query{Job: job, States: []runbook.State{runbook.Running}})
			return
		})
		if err != nil {
			return err
		}
		if len(os) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return errors.New("simulate: the end of the run of " + job + " was never recorded")
		}
		time.Sleep(time.Millisecond)
	}
}
