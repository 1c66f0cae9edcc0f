package runbook

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"time"
)

// Output batching for run threads: a post every batchEvery, or sooner once it
// has batchLines lines or about BatchBytes; at most maxBatches posts per run,
// each line at most ChatLineBytes (the full log is kept on disk).
const (
	batchEvery = 2 * time.Second
	batchLines = 40
	maxBatches = 30
)

// startFailure says why a script could not be started: the error's own
// explanation, else its text (redacted).
func (s *Service) startFailure(err error) Msg {
	var ex Explained
	if errors.As(err, &ex) {
		return ex.Explain()
	}
	return M(RunStartFailed, "error", s.redact(err.Error()))
}

// startExecution starts the script of an occurrence that just became running.
// It owns the job's execution slot from here (Run took it; a run started by
// autorun takes it now) and frees it once the script has ended.
func (s *Service) startExecution(o Occurrence) {
	if holder, ok := s.slots.acquire(o.Job, slotRun); !ok && holder == slotDry {
		s.finishOwnRun(o.ID, o.Attempts, RunResult{Reason: ReasonStart, Tail: []string{NoteLine(M(RunDryInProgress, "job", o.Job))}})
		return
	}
	j, ok := s.Runbook().Job(o.Job)
	if !ok || s.exec == nil {
		s.slots.release(o.Job, slotRun)
		s.finishOwnRun(o.ID, o.Attempts, RunResult{Reason: ReasonStart, Tail: []string{NoteLine(M(RunNoExecutor))}})
		return
	}
	s.runWG.Add(1)
	go func() {
		defer s.runWG.Done()
		out := newBatcher(s, o, o.RunKey(o.Attempts))
		argv := j.Command
		if o.Approved != nil { // what was approved, which the lifecycle checked is still the runbook's
			argv = o.Approved.Argv
		}
		e, err := s.exec.Execute(context.Background(), j, o.Window, argv, out.add)
		if err != nil {
			s.slots.release(o.Job, slotRun)
			s.finishOwnRun(o.ID, o.Attempts, RunResult{Reason: ReasonStart, Tail: []string{NoteLine(s.startFailure(err))}})
			return
		}
		s.runs.Store(o.ID, &liveRun{Execution: e, attempt: o.Attempts})
		s.setRunHandle(o.ID, e.Handle())
		res := e.Wait()
		s.runs.Delete(o.ID)
		s.slots.release(o.Job, slotRun)
		out.close()
		s.finishOwnRun(o.ID, o.Attempts, res)
	}()
}

// DryRun runs the job's script in its own plan/validate mode. It changes no
// occurrence; it is audited and its output goes to a thread of its own.
func (s *Service) DryRun(ctx context.Context, r Request, job string) error {
	j, err := s.job(job)
	if err != nil {
		return err
	}
	if s.exec == nil { // before anything is recorded: no dry run can start
		return NewError(KindInternal, "no_executor", nil)
	}
	argv := DryRunArgv(j.Command)
	a := s.actor(ctx, r, j, ActDryRun)
	rec := Record{At: s.Now(), Kind: RecDryRun, Job: job, Actor: r.User, Envelope: r.Envelope, Fields: map[string]string{"argv": joinArgv(argv)}}
	if !Allowed(a, ActDryRun) {
		rec.Kind, rec.Fields = RecRefused, map[string]string{"action": "dry_run", "reason": "not_allowed"}
	} else if holder, ok := s.slots.acquire(job, slotDry); !ok {
		code := "run_in_progress"
		if holder == slotDry {
			code = "dry_run_in_progress"
		}
		return NewError(KindConflict, code, map[string]any{"job": job})
	}
	started := false
	defer func() {
		if !started && rec.Kind != RecRefused {
			s.slots.release(job, slotDry)
		}
	}()
	var key string
	err = s.update(ctx, func(tx Tx) error {
		if r.RequestID != "" {
			if fresh, err := tx.Claim(r.RequestID, s.Now()); err != nil || !fresh {
				if err == nil {
					err = ErrDuplicate
				}
				return err
			}
		}
		if rec.Window, err = s.dryRunWindow(tx, j); err != nil {
			return err
		}
		if err := s.addRecord(tx, 0, &rec); err != nil {
			return err
		}
		if rec.Kind == RecRefused {
			return nil
		}
		key = "dry/" + strconv.FormatInt(rec.ID, 10)
		return s.enqueue(tx, SinkChat, key, Notice{Kind: NoticeRunStarted, Key: key, Channel: ChannelRunbook, Occ: Occurrence{Job: job}, Actor: r.User, Text: "dry-run", At: s.Now()})
	})
	if err != nil {
		return err
	}
	if rec.Kind == RecRefused {
		args := a.refusal(ActDryRun)
		args["state"] = ""
		return NewError(KindNotAllowed, "not_allowed", args)
	}
	started = true // the goroutine frees the slot
	s.runWG.Add(1)
	go func() {
		defer s.runWG.Done()
		o := Occurrence{Job: job}
		out := newBatcher(s, o, key)
		e, err := s.exec.Execute(context.Background(), j, time.Time{}, argv, out.add)
		res := RunResult{Reason: ReasonStart}
		if err == nil {
			res = e.Wait()
		} else {
			s.log.Error("starting a dry run", "job", job, "err", err)
		}
		s.slots.release(job, slotDry)
		out.close()
		fields := map[string]string{"argv": joinArgv(argv), "dry_run": "true", "result": string(resultOf(res.Reason)), "reason": res.Reason,
			"attempt": "1", "duration_ms": strconv.FormatInt(res.Duration.Milliseconds(), 10), "log_sha256": res.LogSHA256}
		if res.ExitCode != nil {
			fields["exit_code"] = strconv.Itoa(*res.ExitCode)
		}
		if res.LogError != "" {
			fields["log_error"] = res.LogError
		}
		err = s.update(context.Background(), func(tx Tx) error {
			done := Record{At: s.Now(), Kind: RecRunFinished, Job: job, Window: rec.Window, Actor: r.User, Fields: fields}
			if err := s.addRecord(tx, 0, &done); err != nil {
				return err
			}
			o.State, o.ExitCode, o.Reason, o.LogError = Succeeded, res.ExitCode, res.Reason, res.LogError
			if res.Reason != "" { // the chat's result of a dry run is passed or failed
				o.State = Failed
			}
			return s.enqueue(tx, SinkChat, key, Notice{Kind: NoticeRunResult, Key: key, Update: true, Channel: ChannelRunbook, Occ: o, Actor: r.User, Text: "dry-run", Tail: ClipTail(res.Tail), At: s.Now()})
		})
		if err != nil {
			s.log.Error("recording a dry run's result", "job", job, "err", err)
		}
	}()
	return nil
}

// dryRunWindow is the window a dry run of j prepares, for its audit records
// (which belong to no occurrence): the one `run` would act on now, else the
// job's next window.
func (s *Service) dryRunWindow(tx Tx, j Job) (time.Time, error) {
	now := s.Now()
	os, err := s.actionable(tx, j)
	if err != nil {
		return time.Time{}, err
	}
	if o, ok := targetRun(os, now); ok {
		return o.Window, nil
	}
	return j.Window.Next(now).UTC(), nil
}

// resultOf is the state an execution that ended with reason leaves: the
// result of a run_finished record.
func resultOf(reason string) State {
	switch reason {
	case "":
		return Succeeded
	case ReasonCancelled:
		return Cancelled
	}
	return Failed
}

// finishRun records how an execution ended.
func (s *Service) finishRun(id int64, res RunResult) {
	err := s.update(context.Background(), func(tx Tx) error { return s.recordRunEnd(tx, id, res) })
	if err != nil {
		s.log.Error("recording run result", "occurrence", id, "err", err)
	}
}

// recordRunEnd steps occurrence id with how its run ended and persists the outcome, in tx.
func (s *Service) recordRunEnd(tx Tx, id int64, res RunResult) error {
	o, err := tx.Occurrence(id)
	if err != nil {
		return err
	}
	j, _ := s.Runbook().Job(o.Job)
	out, err := Step(o, Event{Kind: EvRunFinish, Run: &res}, s.stepEnv(o, j))
	if err != nil || out.Skipped {
		return err
	}
	return s.persist(tx, out)
}

// setRunHandle records how to find the run's processes, should the bot die under them.
func (s *Service) setRunHandle(id int64, handle string) {
	err := s.update(context.Background(), func(tx Tx) error {
		o, err := tx.Occurrence(id)
		if err != nil || o.State != Running {
			return err
		}
		o.RunHandle = handle
		return tx.SaveOccurrence(o)
	})
	if err != nil {
		s.log.Error("recording the run's process handle", "occurrence", id, "err", err)
	}
}

// Recover marks every occurrence left running by a previous process as failed
// (interrupted), after killing the processes that process left behind. It is
// never re-run by itself. With replicas, other processes' runs may be alive:
// Recover then only takes over, as the leader, the runs whose beats stopped
// (TakeOverLostRuns), as the leader does every HeartbeatEvery anyway.
func (s *Service) Recover(ctx context.Context) error {
	if s.replicated() {
		_, err := s.TakeOverLostRuns(ctx)
		if IsNotLeader(err) {
			return nil
		}
		return err
	}
	var running []Occurrence
	if err := s.store.View(ctx, func(tx Tx) (err error) {
		running, err = tx.Occurrences(Query{States: []State{Running}})
		return
	}); err != nil {
		return err
	}
	for _, o := range running {
		if _, live := s.runs.Load(o.ID); live {
			continue
		}
		res := RunResult{Reason: ReasonInterrupted}
		if k, ok := s.exec.(OrphanKiller); ok && o.RunHandle != "" {
			killed, err := k.KillOrphan(o.RunHandle)
			if err != nil {
				s.log.Error("killing the processes of an interrupted run", "occurrence", o.ID, "err", err)
			}
			if killed {
				s.log.Warn("killed the processes an interrupted run left behind", "job", o.Job, "occurrence", o.ID)
				res.Tail = []string{NoteLine(M(RunOrphansKilled))}
			}
		}
		s.finishRun(o.ID, res)
	}
	return nil
}

// Wait blocks until every started execution has been recorded.
func (s *Service) Wait() { s.runWG.Wait() }

// batcher turns output lines into a few thread posts.
type batcher struct {
	s      *Service
	occ    Occurrence
	parent string
	mu     sync.Mutex
	lines  []string
	bytes  int // of lines
	posts  int
	over   bool
	stop   chan struct{}
	done   chan struct{}
}

func newBatcher(s *Service, o Occurrence, parent string) *batcher {
	b := &batcher{s: s, occ: o, parent: parent, stop: make(chan struct{}), done: make(chan struct{})}
	go b.loop()
	return b
}

func (b *batcher) add(line string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.over {
		return
	}
	line = ClipLine(line, ChatLineBytes) // an executor may hand over a longer one
	if b.bytes+len(line) > BatchBytes {
		b.flushLocked()
	}
	b.lines = append(b.lines, line)
	b.bytes += len(line)
	if len(b.lines) >= batchLines {
		b.flushLocked()
	}
}

func (b *batcher) loop() {
	defer close(b.done)
	t := b.s.clock.NewTicker(batchEvery)
	defer t.Stop()
	for {
		select {
		case <-t.Chan():
			b.mu.Lock()
			b.flushLocked()
			b.mu.Unlock()
		case <-b.stop:
			b.mu.Lock()
			b.flushLocked()
			b.mu.Unlock()
			return
		}
	}
}

func (b *batcher) close() { close(b.stop); <-b.done }

func (b *batcher) flushLocked() {
	if len(b.lines) == 0 || b.over {
		return
	}
	b.posts++
	lines := b.lines
	b.lines, b.bytes = nil, 0
	if b.posts >= maxBatches {
		b.over = true
		lines = append(lines, "…")
	}
	key := b.parent + "/out/" + strconv.Itoa(b.posts)
	n := Notice{Kind: NoticeRunOutput, Key: key, Thread: b.parent, Channel: ChannelRunbook, Occ: b.occ, Lines: lines, At: b.s.Now()}
	if err := b.s.update(context.Background(), func(tx Tx) error { return b.s.enqueue(tx, SinkChat, key, n) }); err != nil {
		b.s.log.Error("queueing run output", "err", err)
	}
}

func joinArgv(argv []string) string {
	out := ""
	for i, a := range argv {
		if i > 0 {
			out += " "
		}
		out += a
	}
	return out
}
