package runbook

import (
	"strconv"
	"strings"
	"time"
)

// EventKind names what happened to an occurrence.
type EventKind string

// Events applied by Step.
const (
	EvConfirmDue  EventKind = "confirmation_due"
	EvReminderDue EventKind = "reminder_due"
	EvConfirm     EventKind = "confirm"
	EvDecline     EventKind = "decline"
	EvWindowOpen  EventKind = "window_open"
	EvRunStart    EventKind = "run_started"
	EvRunFinish   EventKind = "run_finished"
	EvCancel      EventKind = "cancel"
	EvDelayDue    EventKind = "delay_threshold_reached"
	EvJustify     EventKind = "delay_justified"
	EvReschedule  EventKind = "rescheduled"
	EvIncident    EventKind = "incident_recorded"
	EvDeadline    EventKind = "incident_deadline_reached"
	EvLearnings   EventKind = "learnings"
	// EvTermsChanged: the runbook's row of a confirmed occurrence's job no
	// longer has the terms its approval approved (a reload, or a start with an
	// edited runbook). The approval is withdrawn and asked for again.
	EvTermsChanged EventKind = "terms_changed"
)

// Event is one thing that happened, with what Step needs to know about it.
type Event struct {
	Kind      EventKind
	Actor     Actor
	Text      string        // reason, justification, incident reference or learnings (already redacted)
	To        time.Time     // reschedule target
	Due       time.Time     // the timer's due time, for timer events
	Seq       int           // the timer's sequence (reminder index, delay repetition)
	Last      bool          // last reminder
	Late      bool          // the timer fired after its time
	Preflight *Preflight    // pre-flight results for confirmation requests and run starts
	Run       *RunResult    // for EvRunFinish
	Argv      []string      // the command a run starts, for the audit log
	Commit    string        // the git commit the run's script comes from, for the audit log ("" for local files)
	Terms     *Terms        // the job row's terms in the runbook in force: what a confirmation approves, what a run or an approval is checked against
	Tickets   *TicketReport // related open tickets, for confirmation requests and approvals
	Despite   bool          // approve even with blocker tickets open (confirm --despite-tickets)
	Replace   bool          // replace the recorded incident reference (incident --replace)
}

// RunResult is how an execution ended.
type RunResult struct {
	ExitCode  *int
	Reason    string // "" on success, else a Reason* constant
	LogSHA256 string
	LogError  string // why the log file is incomplete (redacted); "" when it holds the whole output
	Tail      []string
	Duration  time.Duration
}

// Policy and schedule facts Step needs besides the occurrence.
type StepEnv struct {
	Now       time.Time
	Policy    Policy
	Reminders []time.Duration // before T
	NextSlot  time.Time       // the job's next window after this occurrence's slot: reruns and delay reminders stop there
	Autorun   bool

	Freeze       *Freeze // the change freeze in force now, if any: confirm and run are refused
	WindowFreeze *Freeze // the change freeze the occurrence's window falls in, if any
}

// Outcome is the new state and every effect to perform. The service commits
// Occ, Records, Notices and timer changes in one transaction, then does the rest.
type Outcome struct {
	Occ      Occurrence
	Records  []Record
	Notices  []Notice
	Arm      []Timer
	Disarm   []TimerKind // unfired timers of these kinds are dropped
	StartRun bool        // start the script after commit
	Cancel   bool        // cancel the running script
	Checkin  bool        // put the check-in entry of the latest attempt
	DelayLog string      // justification line for the runbook's delay log
	Skipped  bool        // the event had no effect (e.g. a reminder after confirmation)
}

// Step applies ev to o. It is pure: it reads nothing but its arguments.
// A refused event returns an *Error (with the refusal record in the Outcome, to audit).
func Step(o Occurrence, ev Event, env StepEnv) (Outcome, error) {
	out := Outcome{Occ: o}
	s := &stepper{o: &out.Occ, orig: o, ev: ev, env: env, out: &out}
	if act, ok := actionOf[ev.Kind]; ok && !Allowed(ev.Actor, act) {
		return s.refuse(KindNotAllowed, "not_allowed", ev.Actor.refusal(act))
	}
	if err := s.apply(); err != nil {
		if e, ok := err.(*Error); ok {
			return s.refuse(e.Kind, e.Code, e.Args)
		}
		return out, err
	}
	return out, nil
}

type stepper struct {
	o    *Occurrence
	orig Occurrence
	ev   Event
	env  StepEnv
	out  *Outcome
}

func (s *stepper) refuse(kind Kind, code string, args map[string]any) (Outcome, error) {
	o := *s.out
	o.Occ = s.origOcc()
	fields := map[string]string{"action": verbOf(s.ev.Kind), "reason": code}
	for k, v := range args {
		if k != "action" && k != "reason" { // the verb and the code, already there
			fields[k] = toString(v)
		}
	}
	if s.ev.Replace {
		fields["replace"] = "true"
	}
	o.Records = []Record{s.record(RecRefused, fields)}
	o.Notices, o.Arm, o.Disarm = nil, nil, nil
	o.StartRun, o.Cancel, o.Checkin, o.DelayLog = false, false, false, ""
	if args == nil {
		args = map[string]any{}
	}
	args["state"] = string(o.Occ.State)
	return o, &Error{Kind: kind, Code: code, Args: args}
}

// origOcc is the occurrence before any change; refusals change nothing.
func (s *stepper) origOcc() Occurrence { return s.orig }

func (s *stepper) apply() error {
	switch s.ev.Kind {
	case EvConfirmDue:
		return s.confirmDue()
	case EvReminderDue:
		return s.reminderDue()
	case EvConfirm:
		return s.confirm()
	case EvDecline:
		return s.decline()
	case EvWindowOpen:
		return s.windowOpen()
	case EvRunStart:
		return s.runStart()
	case EvRunFinish:
		return s.runFinish()
	case EvCancel:
		return s.cancel()
	case EvDelayDue:
		return s.delayDue()
	case EvJustify:
		return s.justify()
	case EvReschedule:
		return s.reschedule()
	case EvIncident:
		return s.incident()
	case EvDeadline:
		return s.deadline()
	case EvLearnings:
		return s.learnings()
	case EvTermsChanged:
		return s.termsEdited()
	}
	return NewError(KindInvalid, "unknown_event", map[string]any{"event": string(s.ev.Kind)})
}

func (s *stepper) now() time.Time { return s.env.Now }

func (s *stepper) record(kind RecordKind, fields map[string]string) Record {
	if s.ev.Late {
		if fields == nil {
			fields = map[string]string{}
		}
		fields["late"] = "true"
	}
	return Record{At: s.now(), Kind: kind, Job: s.o.Job, Window: s.o.Window, Actor: s.ev.Actor.User, Envelope: s.ev.Actor.Envelope, Fields: fields}
}

func (s *stepper) audit(kind RecordKind, fields map[string]string) {
	s.out.Records = append(s.out.Records, s.record(kind, fields))
}

func (s *stepper) notify(n Notice) {
	n.Occ = *s.o
	n.At = s.now()
	if len(n.Tail) == 0 && (n.Kind == NoticeIncident || n.Kind == NoticeEscalation || n.Kind == NoticeRunResult) {
		n.Tail = s.o.Tail
	}
	n.Late = n.Late || s.ev.Late
	if n.Freeze == nil && (n.Kind == NoticeRequest || n.Kind == NoticeReminder || n.Kind == NoticeWindowOpen) {
		n.Freeze = s.env.WindowFreeze
	}
	if n.Actor == "" {
		n.Actor = s.ev.Actor.User
	}
	s.out.Notices = append(s.out.Notices, n)
}

func (s *stepper) skip() error { s.out.Skipped = true; return nil }

// updateRequest edits the confirmation request in place, when one was posted,
// keeping the open tickets of the latest look-up on it.
func (s *stepper) updateRequest() {
	if s.o.RequestedAt != nil {
		s.notify(Notice{Kind: NoticeRequest, Key: s.o.RequestKey(), Update: true, Channel: ChannelRunbook, Tickets: s.o.Tickets})
	}
}

// lookedUp keeps the event's ticket look-up, if it made one, on the occurrence.
func (s *stepper) lookedUp() {
	if s.ev.Tickets != nil {
		s.o.Tickets = s.ev.Tickets
	}
}

func blockerKeys(ts []Ticket) string {
	keys := make([]string, len(ts))
	for i, t := range ts {
		keys[i] = t.Key
	}
	return strings.Join(keys, ", ")
}

func preflightFields(p *Preflight) map[string]string {
	if p == nil {
		return nil
	}
	return map[string]string{"preflight_ok": strconv.FormatBool(p.OK()), "failed": strings.Join(failedNames(p), ", ")}
}

func failedNames(p *Preflight) []string {
	var names []string
	for _, r := range p.Failed() {
		names = append(names, r.Check.Text)
	}
	return names
}

func toString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case time.Time:
		return x.UTC().Format(time.RFC3339)
	case int:
		return strconv.Itoa(x)
	}
	return ""
}
