package runbook

// The transitions of the lifecycle, one method per event, applied by Step.

import (
	"cmp"
	"strconv"
	"strings"
	"time"
)

func (s *stepper) confirmDue() error {
	switch {
	case s.o.RequestedAt != nil:
		return s.skip()
	case s.o.State == Scheduled:
		s.o.State = AwaitingConfirmation
	case s.o.State == Confirmed || s.o.State == Declined:
		// Decided before the request was due: the channel still gets the request,
		// with its pre-flight, checklist and tickets, showing the decision.
	default:
		return s.skip()
	}
	s.o.RequestedAt = ptr(s.now())
	s.lookedUp()
	s.notify(Notice{Kind: NoticeRequest, Key: s.o.RequestKey(), Channel: ChannelRunbook, Check: s.ev.Preflight, Tickets: s.ev.Tickets})
	s.audit(RecConfirmRequested, s.freezeNote(preflightFields(s.ev.Preflight)))
	return nil
}

func (s *stepper) reminderDue() error {
	if s.o.State != AwaitingConfirmation || s.o.RequestedAt == nil || s.ev.Due.Before(*s.o.RequestedAt) {
		return s.skip()
	}
	s.lookedUp()
	s.notify(Notice{Kind: NoticeReminder, Key: s.o.RequestKey() + "/reminder/" + strconv.Itoa(s.ev.Seq%SeqPerGeneration), Thread: s.o.RequestKey(), Channel: ChannelRunbook, Last: s.ev.Last, Tickets: s.ev.Tickets})
	return nil
}

func (s *stepper) confirm() error {
	switch s.o.State {
	case Confirmed:
		return NewError(KindConflict, "already_confirmed", map[string]any{"by": s.o.ApprovedBy, "at": *s.o.ApprovedAt})
	case Declined:
		if !s.now().Before(s.o.Window) {
			return NewError(KindConflict, "declined_window_passed", map[string]any{"window": s.o.Window})
		}
	case Scheduled, AwaitingConfirmation:
	default:
		return NewError(KindConflict, "already_started", nil)
	}
	if err := s.frozen(true); err != nil {
		return err
	}
	fields := map[string]string{"previous_state": string(s.o.State)}
	if t := s.ev.Tickets; t != nil {
		if len(t.Blockers) > 0 && !s.ev.Despite {
			return NewError(KindConflict, "blocker_tickets", map[string]any{"tickets": blockerKeys(t.Blockers)})
		}
		fields["open_tickets"] = blockerKeys(t.Tickets)
		if !t.Unavailable.IsZero() {
			fields["tickets_unavailable"] = cmp.Or(t.Why, t.Unavailable.String())
		}
		if len(t.Blockers) > 0 {
			fields["despite_tickets"] = blockerKeys(t.Blockers)
		}
	}
	s.o.State = Confirmed
	s.o.ApprovedBy, s.o.ApprovedAt = s.ev.Actor.User, ptr(s.now())
	s.o.DeclinedBy, s.o.DeclineReason = "", ""
	s.o.Approved = nil
	if t := s.ev.Terms; t != nil { // the approval is of these terms, and holds only while the runbook keeps them
		s.o.Approved = cloneTerms(t)
		termsFields(fields, "", t)
	}
	s.lookedUp()
	s.updateRequest()
	s.audit(RecApproved, fields)
	return nil
}

func (s *stepper) decline() error {
	if strings.TrimSpace(s.ev.Text) == "" {
		return NewError(KindInvalid, "reason_required", nil)
	}
	switch s.o.State {
	case Scheduled, AwaitingConfirmation, Confirmed:
	case Declined:
		return NewError(KindConflict, "already_declined", map[string]any{"by": s.o.DeclinedBy})
	default:
		return NewError(KindConflict, "already_started", nil)
	}
	s.o.State = Declined
	s.o.DeclinedBy, s.o.DeclineReason = s.ev.Actor.User, s.ev.Text
	s.o.ApprovedBy, s.o.ApprovedAt, s.o.Approved = "", nil, nil
	s.updateRequest()
	s.audit(RecDeclined, map[string]string{"reason": s.ev.Text})
	return nil
}

func (s *stepper) windowOpen() error {
	switch s.o.State {
	case Confirmed, Scheduled, AwaitingConfirmation:
	default:
		return s.skip()
	}
	if s.o.State == Confirmed && s.stale() {
		s.withdraw() // the window opens unconfirmed: its approval was of other terms
	}
	s.notify(Notice{Kind: NoticeWindowOpen, Key: s.o.RequestKey() + "/open", Channel: ChannelRunbook})
	if s.frozenOpen() {
		return nil
	}
	if s.o.State == Confirmed && s.env.Autorun {
		return s.startRun()
	}
	return nil
}

func (s *stepper) runStart() error {
	switch {
	case s.o.State == Running:
		return NewError(KindConflict, "already_running", map[string]any{"by": s.o.RunBy, "at": *s.o.StartedAt})
	case s.o.State == Confirmed:
	case s.o.State == Failed || s.o.State == Cancelled:
		if !s.env.NextSlot.IsZero() && !s.now().Before(s.env.NextSlot) {
			return NewError(KindConflict, "next_window_passed", map[string]any{"next": s.env.NextSlot})
		}
	case s.o.State == Succeeded:
		return NewError(KindConflict, "already_succeeded", map[string]any{"by": s.o.RunBy})
	case s.o.State == Declined:
		return NewError(KindConflict, "declined", map[string]any{"by": s.o.DeclinedBy, "decline_reason": s.o.DeclineReason})
	default:
		return NewError(KindConflict, "not_confirmed", map[string]any{"window": s.o.Window})
	}
	if s.stale() {
		return s.approvalChanged()
	}
	if s.now().Before(s.o.Window) {
		return NewError(KindConflict, "before_window", map[string]any{"window": s.o.Window})
	}
	if err := s.frozen(false); err != nil {
		return err
	}
	return s.startRun()
}

// startRun moves to running, or straight to failed when the fresh pre-flight fails.
func (s *stepper) startRun() error {
	s.o.Attempts++
	s.o.RunBy = s.ev.Actor.User
	s.o.StartedAt, s.o.FinishedAt, s.o.ExitCode, s.o.Reason, s.o.LogError = ptr(s.now()), nil, nil, "", ""
	pf := s.ev.Preflight
	if pf != nil {
		s.audit(RecPreflight, preflightFields(pf))
	}
	started := map[string]string{"attempt": strconv.Itoa(s.o.Attempts), "argv": strings.Join(s.runArgv(), " "), "dry_run": "false"}
	if s.ev.Commit != "" {
		started["commit"] = s.ev.Commit // the scripts of that commit run
	}
	s.audit(RecRunStarted, started)
	s.notify(Notice{Kind: NoticeRunStarted, Key: s.o.RunKey(s.o.Attempts), Channel: ChannelRunbook, Check: pf})
	s.updateRequest()
	if pf != nil && !pf.OK() {
		return s.finish(RunResult{Reason: ReasonPreflight, Tail: failedNames(pf)})
	}
	s.o.State = Running
	s.out.StartRun = true
	return nil
}

func (s *stepper) runFinish() error {
	if s.o.State != Running || s.ev.Run == nil {
		return s.skip()
	}
	return s.finish(*s.ev.Run)
}

func (s *stepper) finish(r RunResult) error {
	r.Tail = ClipTail(r.Tail) // kept with the occurrence and in every notice of the result: bounded
	s.o.FinishedAt, s.o.ExitCode, s.o.Reason, s.o.LogSHA256, s.o.Tail = ptr(s.now()), r.ExitCode, r.Reason, r.LogSHA256, r.Tail
	s.o.LogError = r.LogError
	s.o.State = resultOf(r.Reason)
	fields := map[string]string{"result": string(s.o.State), "dry_run": "false", "reason": r.Reason, "attempt": strconv.Itoa(s.o.Attempts),
		"duration_ms": strconv.FormatInt(r.Duration.Milliseconds(), 10), "log_sha256": r.LogSHA256}
	if r.ExitCode != nil {
		fields["exit_code"] = strconv.Itoa(*r.ExitCode)
	}
	if r.LogError != "" { // log_sha256 is then of the part that reached the file
		fields["log_error"] = r.LogError
	}
	if r.Reason == ReasonInterrupted {
		s.audit(RecInterrupted, nil)
	}
	s.audit(RecRunFinished, fields)
	s.out.Checkin = true
	s.notify(Notice{Kind: NoticeRunResult, Key: s.o.RunKey(s.o.Attempts), Update: true, Channel: ChannelRunbook, Tail: r.Tail})
	s.updateRequest()
	if s.o.State == Failed {
		s.failure(r)
	}
	return nil
}

// failure posts the incident message; the first failure without an incident starts the countdown.
func (s *stepper) failure(r RunResult) {
	s.o.FailedAt = ptr(s.now())
	if s.o.IncidentDeadline == nil && s.o.IncidentRef == "" {
		d := s.now().Add(s.env.Policy.IncidentDeadline)
		s.o.IncidentDeadline = &d
		s.out.Arm = append(s.out.Arm, Timer{Kind: TimerDeadline, Due: d})
		s.notify(Notice{Kind: NoticeIncident, Key: s.o.IncidentKey(), Channel: ChannelIncident, Tail: r.Tail, Thread: ""})
		return
	}
	s.notify(Notice{Kind: NoticeIncident, Key: s.o.IncidentKey() + "/" + strconv.Itoa(s.o.Attempts), Thread: s.o.IncidentKey(), Channel: ChannelIncident, Tail: r.Tail})
}

func (s *stepper) cancel() error {
	if s.o.State != Running {
		return NewError(KindConflict, "not_running", nil)
	}
	s.out.Cancel = true
	s.audit(RecCancelled, nil)
	return nil
}

func (s *stepper) delayDue() error {
	switch s.o.State {
	case Scheduled, AwaitingConfirmation, Confirmed:
	default:
		return s.skip()
	}
	if s.o.Justification != "" {
		return s.skip()
	}
	if s.frozenDelay() {
		return nil
	}
	s.o.Delayed = true
	repeat := s.ev.Seq % SeqPerGeneration
	s.notify(Notice{Kind: NoticeDelay, Key: s.o.RequestKey() + "/delay/" + strconv.Itoa(repeat), Channel: ChannelRunbook})
	s.audit(RecDelayed, map[string]string{"repeat": strconv.Itoa(repeat)})
	next := nextDelayAlert(s.o.Window, s.env.Policy.DelayThreshold, repeat, s.now())
	if s.env.NextSlot.IsZero() || next.Before(s.env.NextSlot) {
		s.out.Arm = append(s.out.Arm, Timer{Kind: TimerDelay, Seq: s.ev.Seq + 1, Due: next})
	}
	return nil
}

// nextDelayAlert is when the delay alert after the repeat-th comes: the gaps
// double (T+threshold, T+2·threshold, T+4·threshold, …), so a window nobody
// runs is chased at once and then ever more quietly (a daily job's missed
// window: 6 alerts, not 47), until it is justified, started or the next window
// comes. After downtime it is never sooner than one threshold from now.
func nextDelayAlert(window time.Time, threshold time.Duration, repeat int, now time.Time) time.Time {
	offset := threshold
	for i := 0; i < repeat && offset < maxDelayOffset; i++ {
		offset *= 2
	}
	next := window.Add(offset)
	if !next.After(now) { // overdue after downtime
		next = now.Add(threshold)
	}
	return next
}

// maxDelayOffset bounds the doubling (no job waits a year for its next window).
const maxDelayOffset = 366 * 24 * time.Hour

func (s *stepper) justify() error {
	if strings.TrimSpace(s.ev.Text) == "" {
		return NewError(KindInvalid, "justification_required", nil)
	}
	if s.o.State.Started() || s.o.State == Declined {
		return NewError(KindConflict, "not_delayed", nil)
	}
	if !s.o.Delayed && s.now().Before(s.o.Window.Add(s.env.Policy.DelayThreshold)) {
		return NewError(KindConflict, "not_delayed", nil)
	}
	s.o.Justification = s.ev.Text
	s.out.Disarm = append(s.out.Disarm, TimerDelay)
	s.out.DelayLog = s.ev.Text
	s.audit(RecJustified, map[string]string{"justification": s.ev.Text})
	return nil
}

func (s *stepper) reschedule() error {
	if strings.TrimSpace(s.ev.Text) == "" {
		return NewError(KindInvalid, "justification_required", nil)
	}
	if s.o.State.Started() {
		return NewError(KindConflict, "already_started", nil)
	}
	if !s.ev.To.After(s.now()) {
		return NewError(KindInvalid, "reschedule_in_past", map[string]any{"to": s.ev.To})
	}
	from := s.o.Window
	s.updateRequest()
	s.o.Window = s.ev.To.UTC()
	s.o.Reschedules++
	s.o.State, s.o.RequestedAt = Scheduled, nil
	s.o.ApprovedBy, s.o.ApprovedAt, s.o.DeclinedBy, s.o.DeclineReason = "", nil, "", ""
	s.o.Approved = nil
	s.o.Delayed, s.o.Justification = false, s.ev.Text
	s.out.Disarm = append(s.out.Disarm, TimerConfirm, TimerReminder, TimerOpen, TimerDelay)
	s.out.Arm = append(s.out.Arm, TimersFor(s.o.Window, s.now(), s.env.Policy, s.env.Reminders, s.o.Reschedules)...)
	s.out.DelayLog = s.ev.Text
	s.notify(Notice{Kind: NoticeRescheduled, Key: s.o.RequestKey() + "/rescheduled", Channel: ChannelRunbook, Text: s.ev.Text})
	s.audit(RecRescheduled, map[string]string{"from": from.Format(time.RFC3339), "to": s.o.Window.Format(time.RFC3339), "justification": s.ev.Text})
	return nil
}

// TimersFor are the lifecycle timers of a window at T: the confirmation request
// (at once when T − lead already passed), the reminders still ahead, the window
// opening and the first delay alert. generation is the occurrence's reschedule
// count: each window of an occurrence has its own timers (a fired timer stays fired).
func TimersFor(t, now time.Time, p Policy, reminders []time.Duration, generation int) []Timer {
	base := generation * SeqPerGeneration
	confirmAt := t.Add(-p.ConfirmLead)
	if confirmAt.Before(now) {
		confirmAt = now
	}
	ts := []Timer{{Kind: TimerConfirm, Seq: base, Due: confirmAt}}
	for i, r := range reminders {
		at := t.Add(-r)
		if at.After(confirmAt) {
			ts = append(ts, Timer{Kind: TimerReminder, Seq: base + i, Due: at})
		}
	}
	return append(ts, Timer{Kind: TimerOpen, Seq: base, Due: t}, Timer{Kind: TimerDelay, Seq: base + 1, Due: t.Add(p.DelayThreshold)})
}

// SeqPerGeneration separates the timer sequence numbers of an occurrence's successive windows.
const SeqPerGeneration = 1000

func (s *stepper) incident() error {
	ref := strings.TrimSpace(s.ev.Text)
	if ref == "" {
		return NewError(KindInvalid, "incident_ref_required", nil)
	}
	if err := ValidateIncidentRef(ref); err != nil {
		return err
	}
	if s.o.FailedAt == nil {
		return NewError(KindConflict, "no_failure", nil)
	}
	if s.o.IncidentRef != "" {
		if !s.ev.Replace {
			return NewError(KindConflict, "incident_already_recorded", map[string]any{"ref": s.o.IncidentRef, "by": s.o.IncidentBy})
		}
		return s.replaceIncident(ref)
	}
	s.o.IncidentRef, s.o.IncidentBy, s.o.IncidentAt = ref, s.ev.Actor.User, ptr(s.now())
	s.out.Disarm = append(s.out.Disarm, TimerDeadline)
	s.out.Checkin = true
	s.notify(Notice{Kind: NoticeIncident, Key: s.o.IncidentKey(), Update: true, Channel: ChannelIncident})
	s.audit(RecIncident, map[string]string{"ref": ref, "after_failure_ms": strconv.FormatInt(s.now().Sub(*s.o.FailedAt).Milliseconds(), 10)})
	return nil
}

// replaceIncident corrects a recorded reference: who recorded it first, and
// when, stay (they stopped the countdown); the incident message shows the
// change (the old reference in the notice's Text, who changed it as its
// Actor), and the audit keeps both values.
func (s *stepper) replaceIncident(ref string) error {
	old := s.o.IncidentRef
	if ref == old {
		return NewError(KindConflict, "incident_ref_unchanged", map[string]any{"ref": ref})
	}
	s.o.IncidentRef = ref
	s.out.Checkin = true
	s.notify(Notice{Kind: NoticeIncident, Key: s.o.IncidentKey(), Update: true, Channel: ChannelIncident, Text: old})
	s.audit(RecIncidentReplaced, map[string]string{"ref": ref, "previous_ref": old, "previous_by": s.o.IncidentBy})
	return nil
}

func (s *stepper) deadline() error {
	if s.o.IncidentRef != "" || s.o.Escalated || s.o.IncidentDeadline == nil {
		return s.skip()
	}
	s.o.Escalated = true
	s.notify(Notice{Kind: NoticeIncident, Key: s.o.IncidentKey(), Update: true, Channel: ChannelIncident})
	s.notify(Notice{Kind: NoticeEscalation, Key: s.o.IncidentKey() + "/escalation", After: s.o.IncidentKey(), Channel: ChannelIncident})
	s.audit(RecEscalated, map[string]string{"deadline": s.o.IncidentDeadline.Format(time.RFC3339)})
	return nil
}

func (s *stepper) learnings() error {
	text := strings.TrimSpace(s.ev.Text)
	if text == "" {
		return NewError(KindInvalid, "learnings_required", nil)
	}
	if !s.o.State.Finished() {
		return NewError(KindConflict, "not_finished", nil)
	}
	s.o.Learnings = text
	s.out.Checkin = true
	s.audit(RecLearnings, map[string]string{"learnings": text})
	return nil
}
