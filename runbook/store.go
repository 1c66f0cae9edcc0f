package runbook

import (
	"context"
	"time"
)

// Store keeps occurrences, the audit log, durable timers, processed request ids,
// the outbox and chat message references. Update runs fn in one write
// transaction committed durably: a state change, its audit rows, its outbox
// rows and its timers commit together or not at all, and concurrent Updates
// (of this process or another on the same database) behave as if run one
// after the other. View runs fn in a read transaction that sees one snapshot.
//
// fn may run more than once: a store whose transactions can fail for a
// conflict with a concurrent one (PostgreSQL) runs fn again in a new
// transaction. So fn must have no effect outside tx beyond setting the values
// it returns to its caller. A write that fails dooms the transaction: Update
// returns that write's error and commits nothing, whatever fn returns.
//
// Times come back in UTC, exact to the microsecond (SQLite keeps the
// nanoseconds, PostgreSQL does not); years 0 to 9999 are accepted, others
// are a KindInvalid error.
type Store interface {
	Update(ctx context.Context, fn func(Tx) error) error
	View(ctx context.Context, fn func(Tx) error) error
	Close() error
}

// Tx is what the service can read and write inside a transaction: the sum of
// the roles below, each a small interface declared beside the code that uses
// it, so a function that needs one role takes only that role. A store
// implements all of them. Lookups of missing rows return an *Error of
// KindNotFound.
type Tx interface {
	OccurrenceTx // occurrences: the lifecycle's state (this file)
	AuditTx      // the append-only audit log (this file)
	ClaimTx      // processed request ids (this file)
	MessageRefTx // where a notice's chat message is (this file; the chat adapters)
	TimerTx      // durable timers (service_timers.go)
	OutboxTx     // the outbox (outbox.go)
	MetaTx       // the store's own settings: freezes, creation time (service_freeze.go)
	RunTx        // who runs an attempt, and its beats (service_beats.go)
	FenceTx      // the leader's fence (leadership.go)
}

// OccurrenceTx reads and writes occurrences.
type OccurrenceTx interface {
	Occurrence(id int64) (Occurrence, error)
	// OccurrenceAt returns the occurrence of job created for slot; ok is false when there is none.
	OccurrenceAt(job string, slot time.Time) (o Occurrence, ok bool, err error)
	Occurrences(q Query) ([]Occurrence, error)
	CreateOccurrence(o *Occurrence) error // sets o.ID; (Job, Slot) is unique
	SaveOccurrence(o Occurrence) error
	DeleteOccurrence(id int64) error // with its unfired timers; only for occurrences nothing was posted for
}

// AuditTx appends to and reads the audit log.
type AuditTx interface {
	AddRecord(r *Record) error // sets r.ID; append-only
	Records(occurrence int64) ([]Record, error)
}

// ClaimTx records processed request ids, so a redelivered request changes nothing.
type ClaimTx interface {
	// Claim records a request id (envelope, trigger or event id); fresh is false when it was seen before.
	Claim(id string, at time.Time) (fresh bool, err error)
}

// MessageRefTx maps notice keys to the chat messages posted for them.
type MessageRefTx interface {
	SetMessageRef(key, channel, ts string) error
	MessageRef(key string) (channel, ts string, ok bool, err error)
}

// RunOwner is the replica running an occurrence's attempt, as its beats say.
type RunOwner struct {
	Occ     int64
	Attempt int
	Owner   string    // "" none recorded
	Beat    time.Time // its last beat, by the store's clock (zero: none)
}

// Query selects occurrences. Zero fields do not filter.
type Query struct {
	Job         string
	States      []State
	WindowFrom  time.Time // Window ≥
	WindowUntil time.Time // Window <
	Desc        bool      // newest window first
	Limit       int
}

// Delivery is one outbox row: a notice for the chat sink or an event for the ITSM sink.
type Delivery struct {
	ID        int64
	Sink      string   // SinkChat or SinkITSM
	Key       string   // notice key (chat) or record id (itsm)
	Payload   []byte   // JSON
	Priority  Priority // ordering when read: PendingDeliveries returns the most urgent first, so a read's limit never hides an incident behind bulk output
	Attempts  int
	NextAt    time.Time
	CreatedAt time.Time
	LastError string
	// Unsure (never stored) tells the sink that an earlier leader may have
	// sent the row without recording it: it was queued before this replica's
	// lease began (see Outbox).
	Unsure bool
}

// Outbox sinks.
const (
	SinkChat     = "chat"     // payload: Notice
	SinkITSM     = "itsm"     // payload: Record
	SinkCheckin  = "checkin"  // payload: Occurrence (the entry of its latest attempt)
	SinkDelayLog = "delaylog" // payload: DelayLine
)

// DelayLine is one justification for the runbook's delay log.
type DelayLine struct {
	At     time.Time `json:"at"`
	Job    string    `json:"job"`
	Window time.Time `json:"window"`
	Text   string    `json:"text"`
	By     string    `json:"by"`
	Occ    int64     `json:"occ,omitempty"` // the occurrence justified (0 in rows queued before it was kept)
}

// StoreStats is a snapshot of a store for metrics.
type StoreStats struct {
	Occurrences   map[State]int  // by state; every state is present
	PendingTimers int            // unfired timers
	LateTimers    int            // unfired timers already due
	Backlog       map[string]int // undelivered outbox rows by sink; chat and itsm always present
	Runs          map[string]int // run_finished records by fields.result ("" when missing)
	LogErrors     int            // run_finished records with a log_error: runs whose log file is incomplete
	Escalated     int            // occurrences escalated for want of an incident reference
}

// States lists every occurrence state, in lifecycle order.
func States() []State {
	return []State{Scheduled, AwaitingConfirmation, Confirmed, Declined, Running, Succeeded, Failed, Cancelled}
}

// NewStoreStats returns stats with every state and the chat and itsm sinks at zero, for a store to fill.
func NewStoreStats() StoreStats {
	s := StoreStats{Occurrences: map[State]int{}, Backlog: map[string]int{SinkChat: 0, SinkITSM: 0}, Runs: map[string]int{}}
	for _, st := range States() {
		s.Occurrences[st] = 0
	}
	return s
}
