package runbook

import (
	"fmt"
	"time"
)

// State is an occurrence's lifecycle state (docs/spec.md §3.2; also the JSON API's names).
type State string

// Occurrence states.
const (
	Scheduled            State = "scheduled"
	AwaitingConfirmation State = "awaiting_confirmation"
	Confirmed            State = "confirmed"
	Declined             State = "declined"
	Running              State = "running"
	Succeeded            State = "succeeded"
	Failed               State = "failed"
	Cancelled            State = "cancelled"
)

// Finished reports whether an execution ended (it may still be run again when failed or cancelled).
func (s State) Finished() bool { return s == Succeeded || s == Failed || s == Cancelled }

// Started reports whether the occurrence has been run at least once or is running.
func (s State) Started() bool { return s == Running || s.Finished() }

// Failure reasons.
const (
	ReasonExit        = "exit"
	ReasonTimeout     = "timeout"
	ReasonCancelled   = "cancelled"
	ReasonPreflight   = "preflight"
	ReasonInterrupted = "interrupted"
	ReasonStart       = "start"
	// ReasonReplicaLost: the replica running it stopped beating (it died, or
	// lost the database) and the leader took the run over as failed.
	ReasonReplicaLost = "replica_lost"
)

// Occurrence is one job at one window time.
type Occurrence struct {
	ID     int64
	Job    string
	Slot   time.Time // the schedule slot it was created for; (Job, Slot) is its identity
	Window time.Time // T, UTC; differs from Slot after a reschedule
	State  State

	RequestedAt *time.Time // confirmation request posted
	Reschedules int        // how many times the window moved

	ApprovedBy string
	ApprovedAt *time.Time
	// Approved is what the approval approved: the job row's command, owners and
	// dependencies then. nil when unconfirmed, or for an approval recorded
	// before approvals carried their terms.
	Approved *Terms

	DeclinedBy    string
	DeclineReason string

	RunBy      string
	StartedAt  *time.Time
	FinishedAt *time.Time
	ExitCode   *int
	Reason     string // failure reason (exit, timeout, cancelled, preflight, interrupted, start, replica_lost)
	Attempts   int
	LogSHA256  string
	LogError   string // why the latest run's log file is incomplete (a full disk…); "" when it is whole

	Delayed       bool
	Justification string

	FailedAt         *time.Time
	IncidentDeadline *time.Time
	IncidentRef      string
	IncidentBy       string
	IncidentAt       *time.Time
	Escalated        bool

	Learnings string
	// Tail is the redacted last lines of the latest run's output (ClipTail).
	// Notices carry it in Notice.Tail, not in their snapshot of the occurrence,
	// nor does the check-in's payload: an outbox row holds it once at most.
	Tail      []string `json:"-"`
	RunHandle string   // identifies the running script's processes (see OrphanKiller)
	// Tickets is the latest look-up of the job's open tickets (at the request, a
	// reminder or the confirmation), shown again when the request is edited.
	// Notices carry it in Notice.Tickets, not in their snapshot of the occurrence.
	Tickets *TicketReport `json:"-"`
}

// RequestKey identifies the chat message holding the confirmation request.
func (o Occurrence) RequestKey() string {
	return fmt.Sprintf("occ/%d/request/%d", o.ID, o.Reschedules)
}

// RunKey identifies the chat message that opens the run thread of an attempt.
func (o Occurrence) RunKey(attempt int) string { return fmt.Sprintf("occ/%d/run/%d", o.ID, attempt) }

// IncidentKey identifies the incident post that carries the countdown.
func (o Occurrence) IncidentKey() string { return fmt.Sprintf("occ/%d/incident", o.ID) }

// CountdownActive reports whether the incident countdown is running at now.
func (o Occurrence) CountdownActive(now time.Time) bool {
	return o.IncidentDeadline != nil && o.IncidentRef == "" && !o.Escalated && now.Before(*o.IncidentDeadline)
}

// ptr returns a pointer to a copy of t.
func ptr[T any](v T) *T { return &v }
