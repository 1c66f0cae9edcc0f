package runbook

import "time"

// NoticeKind names a chat message the lifecycle produces.
type NoticeKind string

// Notice kinds.
const (
	NoticeRequest       NoticeKind = "confirm_request"
	NoticeReminder      NoticeKind = "reminder"
	NoticeWindowOpen    NoticeKind = "window_open"
	NoticeRunStarted    NoticeKind = "run_started"
	NoticeRunOutput     NoticeKind = "run_output"
	NoticeRunResult     NoticeKind = "run_result"
	NoticeDelay         NoticeKind = "delay_alert"
	NoticeIncident      NoticeKind = "incident"
	NoticeEscalation    NoticeKind = "escalation"
	NoticeRescheduled   NoticeKind = "rescheduled"
	NoticeRunbookBroken NoticeKind = "runbook_invalid"
	NoticeRecordsPR     NoticeKind = "records_pull_request" // records go to a pull request: the branch takes no direct push
	NoticeFreeze        NoticeKind = "freeze"               // a change freeze set or lifted (Occ is empty; Freeze says which)
	NoticeWithdrawn     NoticeKind = "approval_withdrawn"   // in the request's thread: what changed, confirm again
)

// Channel roles a notice is addressed to; the chat layer maps them to real channels.
const (
	ChannelRunbook  = "runbook"
	ChannelIncident = "incident"
)

// Notice is a chat-neutral message to deliver: the chat layer renders it. Notices
// are stored in the outbox in the same transaction as the state change that made them.
type Notice struct {
	Kind    NoticeKind `json:"kind"`
	Key     string     `json:"key"`              // identity of the chat message; updates edit it in place
	Update  bool       `json:"update,omitempty"` // edit the message with Key instead of posting
	Thread  string     `json:"thread,omitempty"` // key of the message to reply under
	After   string     `json:"after,omitempty"`  // key of a message that must be posted first
	Channel string     `json:"channel"`          // ChannelRunbook or ChannelIncident
	Occ     Occurrence `json:"occ"`              // snapshot at the time of the change
	Late    bool       `json:"late,omitempty"`   // fired after its time (the bot was down)
	Last    bool       `json:"last,omitempty"`   // the last reminder (goes to the backup too)
	Lines   []string   `json:"lines,omitempty"`  // run output, redacted (older runbook_invalid rows: their problems as text)
	// Problems are the problems of a broken runbook (runbook_invalid).
	Problems []Problem     `json:"problems,omitempty"`
	Check    *Preflight    `json:"preflight,omitempty"`
	Text     string        `json:"text,omitempty"` // redacted free text (reason, justification)
	Actor    string        `json:"actor,omitempty"`
	At       time.Time     `json:"at"` // when the notice was made
	Tail     []string      `json:"tail,omitempty"`
	Tickets  *TicketReport `json:"tickets,omitempty"` // related open tickets, on confirmation requests
	// Change is the approval withdrawn because the runbook's row changed, on
	// the withdrawal notice and on the request it edits to ask again.
	Change *TermsChange `json:"change,omitempty"`

	// Omitted counts run output lines left out before Lines: the outbox merges
	// a run's output batches when the thread falls behind (the full log has every line).
	Omitted int `json:"omitted,omitempty"`
	// Revision is the commit a broken runbook came from (runbook_invalid), nil for a local file.
	Revision *Revision `json:"revision,omitempty"`
	// InForce is the short SHA of the commit that stays in force (runbook_invalid from git).
	InForce string `json:"in_force,omitempty"`

	// Freeze is the change freeze the occurrence's window falls in (requests,
	// reminders, window openings), or the freeze set or lifted (NoticeFreeze).
	Freeze *Freeze `json:"freeze,omitempty"`
}

// TimerKind names a durable timer.
type TimerKind string

// Timer kinds.
const (
	TimerConfirm  TimerKind = "confirm"
	TimerReminder TimerKind = "reminder"
	TimerOpen     TimerKind = "open"
	TimerDelay    TimerKind = "delay"
	TimerDeadline TimerKind = "deadline"
)

// Timer is a durable, one-shot timer of an occurrence.
type Timer struct {
	ID    int64
	Occ   int64
	Kind  TimerKind
	Seq   int // reminder index or delay repetition
	Due   time.Time
	Fired *time.Time
}
