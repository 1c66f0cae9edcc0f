package runbook

import (
	"context"
	"encoding/json"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/jonboulle/clockwork"
)

// Executor starts a job's script. It is implemented by runbook/runner.
type Executor interface {
	// Execute starts argv for job's occurrence at window (zero for a dry run);
	// onLine receives each redacted output line in order.
	Execute(ctx context.Context, job Job, window time.Time, argv []string, onLine func(string)) (Execution, error)
}

// Execution is a started script.
type Execution interface {
	Cancel()
	Wait() RunResult
	// Handle identifies the run's processes for OrphanKiller; it is kept with the occurrence.
	Handle() string
}

// OrphanKiller is implemented by executors that can kill what a crashed bot left running.
type OrphanKiller interface {
	// KillOrphan kills the processes of the run with handle, if they still run; it reports whether it did.
	KillOrphan(handle string) (bool, error)
}

// Checker runs a job's pre-flight checks.
type Checker interface {
	Check(ctx context.Context, job Job) Preflight
}

// Directory answers identity questions the runbook cannot: e-mail contacts,
// group membership, and who is in the incident channel.
type Directory interface {
	UserByEmail(ctx context.Context, email string) (string, error)
	InGroup(ctx context.Context, user, group string) (bool, error)
	// InChannel reports whether user is a member of channel (a "#name" or a conversation ID).
	InChannel(ctx context.Context, user, channel string) (bool, error)
}

// Settings are the environment's overrides and switches (zero values: take the
// runbook's). Responders may record incidents besides owners and operators;
// none means the incident channel's members may.
type Settings struct {
	IncidentChannel  string
	IncidentDeadline time.Duration
	DelayThreshold   time.Duration
	ConfirmLead      time.Duration
	Reminders        []time.Duration
	Autorun          bool
	Operators        []string
	Responders       []string
	ITSM             bool // an ITSM webhook is configured: audit records also go to its outbox
	// Retention is how long delivered outbox rows are kept (RUNBOOK_RETENTION);
	// 0 keeps them. The audit records are evidence and are always kept.
	Retention time.Duration
}

// Service drives occurrences through their lifecycle. It is safe for concurrent use.
type Service struct {
	store   Store
	clock   clockwork.Clock
	exec    Executor
	checker Checker
	dir     Directory
	tickets TicketSource
	redact  func(string) string
	log     *slog.Logger
	obs     Observer
	set     Settings
	changed func() // Deps.OnChange

	mu      sync.RWMutex
	rb      *Runbook
	policy  Policy
	created time.Time
	version string    // identifies the runbook in force in this process: a broken edit is reported once per version
	nonce   int64     // this process's start (real time), part of version
	up      time.Time // when this service was built (service clock): timers due before it fell due while the bot was down
	loads   int       // good runbooks put in force so far

	wake    chan struct{} // a timer was armed
	writes  writeGate     // orders the write transactions, timer fires first
	deliver chan struct{} // a delivery was enqueued
	runs    sync.Map      // occurrence id → Execution
	slots   execSlots     // one execution (run or dry run) per job
	runWG   sync.WaitGroup
	loops   sync.WaitGroup // the timer loop and the periodic scheduler started by Start

	outboxes outboxes // what the outboxes share: one delivering loop per sink, woken together (outbox.go)
	lead     *lead    // the clock's lease: who does the leader's work (leadership.go)
}

// Deps are the service's ports.
type Deps struct {
	Store     Store
	Clock     clockwork.Clock
	Executor  Executor
	Checker   Checker
	Directory Directory
	Tickets   TicketSource        // nil: no ticket source configured
	Redact    func(string) string // masks secrets and cleans text (Redactor.Redact); nil: CleanText only
	Log       *slog.Logger
	Observer  Observer // nil: nothing is observed
	// OnChange is called (it must not block) after a transaction that changed
	// an occurrence or the change freezes has committed: what shows the state
	// (the App Home) may refresh. nil: nobody is told.
	OnChange func()
	// Leadership is the clock's lease when replicas share the store; nil: this
	// is the only replica, and always the leader.
	Leadership Leadership
	Replica    string // this replica's name for the lease and its runs; "" DefaultReplicaName
}

// NewService builds a service over a parsed runbook.
func NewService(rb *Runbook, set Settings, d Deps) *Service {
	if d.Clock == nil {
		d.Clock = clockwork.NewRealClock()
	}
	if d.Redact == nil {
		d.Redact = CleanText // a Redactor cleans too
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.Observer == nil {
		d.Observer = noObserver{}
	}
	s := &Service{store: d.Store, clock: d.Clock, exec: d.Executor, checker: d.Checker, dir: d.Directory, tickets: d.Tickets,
		redact: d.Redact, log: d.Log, obs: d.Observer, set: set, changed: d.OnChange, wake: make(chan struct{}, 1), deliver: make(chan struct{}, 1),
		nonce: time.Now().UnixNano(), lead: newLead(d.Leadership, d.Replica), up: d.Clock.Now()}
	s.setRunbook(rb)
	return s
}

// EffectivePolicy merges the runbook's policy with the environment's overrides.
func EffectivePolicy(p Policy, set Settings) Policy {
	if set.IncidentChannel != "" {
		p.IncidentChannel, p.IncidentChannelSource = set.IncidentChannel, FromEnv
	}
	if set.IncidentDeadline > 0 {
		p.IncidentDeadline, p.IncidentDeadlineSrc = set.IncidentDeadline, FromEnv
	}
	if set.DelayThreshold > 0 {
		p.DelayThreshold, p.DelayThresholdSrc = set.DelayThreshold, FromEnv
	}
	if set.ConfirmLead > 0 {
		p.ConfirmLead, p.ConfirmLeadSrc = set.ConfirmLead, FromEnv
	}
	return p
}

func (s *Service) setRunbook(rb *Runbook) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rb = rb
	s.policy = EffectivePolicy(rb.Policy, s.set)
	s.loads++
	s.version = strconv.FormatInt(s.nonce, 36) + "." + strconv.Itoa(s.loads)
}

// Runbook returns the runbook in force.
func (s *Service) Runbook() *Runbook {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.rb
}

// Policy returns the effective policy.
func (s *Service) Policy() Policy {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.policy
}

// Now is the service clock's time.
func (s *Service) Now() time.Time { return s.clock.Now().UTC() }

func (s *Service) job(id string) (Job, error) {
	j, ok := s.Runbook().Job(id)
	if !ok {
		return Job{}, NewError(KindNotFound, "unknown_job", map[string]any{"job": id, "jobs": s.Runbook().JobIDs()})
	}
	return j, nil
}

// jobsOf is the job named, or every job of rb when job is empty.
func (s *Service) jobsOf(rb *Runbook, job string) ([]Job, error) {
	if job == "" {
		return rb.Jobs, nil
	}
	j, err := s.job(job)
	if err != nil {
		return nil, err
	}
	return []Job{j}, nil
}

func (s *Service) stepEnv(o Occurrence, j Job) StepEnv {
	next := j.Window.Next(o.Slot)
	if o.Window.After(next) {
		next = j.Window.Next(o.Window)
	}
	return StepEnv{Now: s.Now(), Policy: s.Policy(), Reminders: s.set.Reminders, NextSlot: next, Autorun: s.set.Autorun}
}

// persist writes an outcome inside tx: the occurrence, audit rows (and ITSM events),
// notices for the chat outbox, check-in and delay-log deliveries, and timer changes.
func (s *Service) persist(tx Tx, out Outcome) error {
	if err := tx.SaveOccurrence(out.Occ); err != nil {
		return err
	}
	for i := range out.Records {
		if err := s.addRecord(tx, out.Occ.ID, &out.Records[i]); err != nil {
			return err
		}
	}
	for _, n := range out.Notices {
		if err := s.enqueue(tx, SinkChat, n.Key, n); err != nil {
			return err
		}
	}
	if len(out.Disarm) > 0 {
		if err := tx.DisarmTimers(out.Occ.ID, out.Disarm...); err != nil {
			return err
		}
	}
	for _, t := range out.Arm {
		t.Occ = out.Occ.ID
		if err := tx.ArmTimer(&t); err != nil {
			return err
		}
	}
	if out.StartRun { // this replica runs it: its beats say it is alive (service_beats.go)
		if err := tx.OwnRun(out.Occ.ID, out.Occ.Attempts, s.lead.replica); err != nil {
			return err
		}
	}
	if out.Checkin && out.Occ.Attempts > 0 {
		if err := s.enqueue(tx, SinkCheckin, out.Occ.RunKey(out.Occ.Attempts), out.Occ); err != nil {
			return err
		}
	}
	if out.DelayLog != "" {
		line := DelayLine{At: s.Now(), Job: out.Occ.Job, Window: out.Occ.Window, Text: out.DelayLog, By: out.Records[len(out.Records)-1].Actor, Occ: out.Occ.ID}
		if err := s.enqueue(tx, SinkDelayLog, out.Occ.Job, line); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) addRecord(tx Tx, occ int64, r *Record) error {
	r.Occurrence = occ
	for k, v := range r.Fields {
		r.Fields[k] = s.redact(v)
	}
	if err := tx.AddRecord(r); err != nil {
		return err
	}
	if s.set.ITSM {
		// One key for every event: a failed delivery holds back the later ones, so the ITSM sees them in order.
		return s.enqueue(tx, SinkITSM, SinkITSM, r)
	}
	return nil
}

func (s *Service) enqueue(tx OutboxTx, sink, key string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	now := s.Now()
	prio := PriorityNormal
	if n, ok := v.(Notice); ok {
		prio = PriorityOf(n.Kind, n.Update)
	}
	return tx.Enqueue(&Delivery{Sink: sink, Key: key, Payload: b, Priority: prio, NextAt: now, CreatedAt: now})
}
