package runbook

import (
	"context"
	"strings"
	"time"
)

// Request is who asks for a command and the ids that make it idempotent.
type Request struct {
	User      string // Slack user ID
	RequestID string // the payload's own identity (trigger_id, event_id); empty: not deduplicated
	Envelope  string // the transport envelope id, for the audit log

	// A request made from a button names the occurrence the button was posted
	// for: a message about a window the verb no longer acts on changes nothing
	// (see pressed). Typed commands leave both zero.
	Occ    int64     // the occurrence a button was posted for; 0: whatever the verb targets
	Window time.Time // with Occ: that occurrence's window when the button was posted (to the second); zero: not compared
}

// ErrDuplicate is returned for a request whose id was already processed: it changed nothing.
var ErrDuplicate = NewError(KindConflict, "duplicate", nil)

// Confirm approves the job's next unstarted occurrence. Open blocker tickets
// refuse it unless despiteTickets (audited with the blockers' keys).
func (s *Service) Confirm(ctx context.Context, r Request, job string, despiteTickets bool) (Occurrence, error) {
	ev := Event{Kind: EvConfirm, Despite: despiteTickets}
	if s.tickets != nil {
		rep := s.Tickets(ctx, job)
		ev.Tickets = &rep
	}
	return s.command(ctx, r, job, targetConfirm, ev)
}

// maxRejectedText caps the text of a refused command kept in its audit record.
const maxRejectedText = 500

// Reject audits an acting command refused before it reached the lifecycle (an
// undocumented flag, shell syntax, an extra argument): a refused record with
// the action, why, and the text as typed (redacted, capped). Nothing else
// changes; a redelivery of the same request is recorded once.
func (s *Service) Reject(ctx context.Context, r Request, job, action, reason, text string) error {
	j, err := s.job(job)
	if err != nil {
		return err
	}
	if len(text) > maxRejectedText {
		text = strings.ToValidUTF8(text[:maxRejectedText], "") + "…"
	}
	rec := Record{At: s.Now(), Kind: RecRefused, Job: job, Actor: r.User, Envelope: r.Envelope,
		Fields: map[string]string{"action": action, "reason": reason, "text": text}}
	return s.update(ctx, func(tx Tx) error {
		if r.RequestID != "" {
			if fresh, err := tx.Claim(r.RequestID, s.Now()); err != nil || !fresh {
				return err
			}
		}
		// Kept with the occurrence the command would have acted on, so its evidence shows the attempt.
		var occ int64
		if target, ok := actionTargets[action]; ok {
			os, err := s.actionable(tx, j)
			if err != nil {
				return err
			}
			if o, ok := target(os, s.Now()); ok {
				occ, rec.Window = o.ID, o.Window
			}
		}
		return s.addRecord(tx, occ, &rec)
	})
}

// actionable reads the job's occurrences a command may act on: from a week
// before its previous window on (the targets in targets.go pick among them).
func (s *Service) actionable(tx Tx, j Job) ([]Occurrence, error) {
	return tx.Occurrences(Query{Job: j.ID, WindowFrom: j.Previous(s.Now()).Add(-7 * 24 * time.Hour)})
}

// actionTargets picks, for each acting verb, the occurrence it applies to.
var actionTargets = map[string]targeting{
	"confirm": targetConfirm, "decline": targetConfirm, "run": targetRun, "cancel": targetRunning,
	"delay": targetDelayed, "reschedule": targetUnstarted, "incident": targetFailed, "learnings": targetFinished,
}

// Tickets reports the job's related open tickets; it never fails (see TicketReport.Unavailable).
func (s *Service) Tickets(ctx context.Context, job string) TicketReport {
	rep := Tickets(ctx, s.tickets, job, DefaultTicketTimeout)
	for k, v := range rep.Unavailable.Args {
		rep.Unavailable.Args[k] = s.redact(v)
	}
	rep.Why = s.redact(rep.Why)
	return rep
}

// TicketsConfigured reports whether a ticket source is configured.
func (s *Service) TicketsConfigured() bool { return s.tickets != nil }

// Decline declines the job's next unstarted occurrence, with a reason.
func (s *Service) Decline(ctx context.Context, r Request, job, reason string) (Occurrence, error) {
	return s.command(ctx, r, job, targetConfirm, Event{Kind: EvDecline, Text: s.redact(reason)})
}

// Cancel stops the job's running script.
func (s *Service) Cancel(ctx context.Context, r Request, job string) (Occurrence, error) {
	return s.command(ctx, r, job, targetRunning, Event{Kind: EvCancel})
}

// Justify records why the job's current occurrence is late.
func (s *Service) Justify(ctx context.Context, r Request, job, text string) (Occurrence, error) {
	return s.command(ctx, r, job, targetDelayed, Event{Kind: EvJustify, Text: s.redact(text)})
}

// Reschedule moves the job's next unstarted occurrence to a new time.
func (s *Service) Reschedule(ctx context.Context, r Request, job string, to time.Time, text string) (Occurrence, error) {
	return s.command(ctx, r, job, targetUnstarted, Event{Kind: EvReschedule, To: to, Text: s.redact(text)})
}

// Incident records the incident reference of the job's latest failure; with
// replace, it replaces the reference recorded for the latest failure.
func (s *Service) Incident(ctx context.Context, r Request, job, ref string, replace bool) (Occurrence, error) {
	if replace {
		return s.command(ctx, r, job, targetLatestFailed, Event{Kind: EvIncident, Text: s.redact(ref), Replace: true})
	}
	return s.command(ctx, r, job, targetFailed, Event{Kind: EvIncident, Text: s.redact(ref)})
}

// Learnings adds the runner's learnings to the job's latest execution.
func (s *Service) Learnings(ctx context.Context, r Request, job, text string) (Occurrence, error) {
	return s.command(ctx, r, job, targetFinished, Event{Kind: EvLearnings, Text: s.redact(text)})
}

// Run starts the job's current occurrence after a fresh pre-flight.
func (s *Service) Run(ctx context.Context, r Request, job string) (Occurrence, error) {
	j, err := s.job(job)
	if err != nil {
		return Occurrence{}, err
	}
	holder, mine := s.slots.acquire(job, slotRun)
	if holder == slotDry {
		return Occurrence{}, NewError(KindConflict, "dry_run_in_progress", map[string]any{"job": job})
	}
	// Held by another run: the command goes on, and the step refuses it (already running).
	pf := Preflight{}
	if s.checker != nil {
		pf = s.checker.Check(ctx, j)
	}
	o, err := s.command(ctx, r, job, targetRun, Event{Kind: EvRunStart, Preflight: &pf, Argv: j.Command, Commit: j.Commit})
	if mine && (err != nil || o.State != Running) {
		s.slots.release(job, slotRun) // not started: startExecution did not take it over
	}
	return o, err
}

func (s *Service) command(ctx context.Context, r Request, job string, target targeting, ev Event) (Occurrence, error) {
	j, err := s.job(job)
	if err != nil {
		return Occurrence{}, err
	}
	ev.Actor = s.actor(ctx, r, j, actionOf[ev.Kind])
	var out Outcome
	var stepErr error
	err = s.update(ctx, func(tx Tx) error {
		if r.RequestID != "" {
			fresh, err := tx.Claim(r.RequestID, s.Now())
			if err != nil {
				return err
			}
			if !fresh {
				return ErrDuplicate
			}
		}
		// The next window exists as soon as someone acts on it, even before its confirmation time.
		if err := s.ensure(tx, j, j.Window.Next(s.Now()).UTC(), s.Now(), s.Policy()); err != nil {
			return err
		}
		os, err := s.actionable(tx, j)
		if err != nil {
			return err
		}
		ev.Terms = s.termsNow(j) // read in the transaction: a reload's check of the approvals comes after it (CheckApprovals)
		o, ok := target(os, s.Now())
		if r.Occ != 0 { // pressed on a message: only while its occurrence is the one to act on (service_press.go)
			if o, ok, stepErr, err = s.pressed(tx, r, job, ev, o, ok); err != nil || stepErr != nil {
				return err
			}
		}
		if !ok {
			next := j.Window.Next(s.Now())
			if up, ok := upcoming(os, s.Now()); ok { // where the next window is now, rescheduled or not
				next = up.Window
			}
			return NewError(KindNotFound, "no_occurrence", map[string]any{"job": job, "next": next})
		}
		env := s.stepEnv(o, j)
		if err := s.withFreezes(tx, &env, o); err != nil {
			return err
		}
		out, stepErr = Step(o, ev, env)
		if stepErr != nil && KindOf(stepErr) == KindInternal {
			return stepErr
		}
		if stepErr != nil { // refused: audit the refusal, change nothing else
			for i := range out.Records {
				if err := s.addRecord(tx, o.ID, &out.Records[i]); err != nil {
					return err
				}
			}
			return nil
		}
		return s.persist(tx, out)
	})
	if err != nil {
		return Occurrence{}, err
	}
	if stepErr != nil {
		s.log.Info("refused", "job", job, "user", r.User, "event", ev.Kind, "reason", stepErr)
		return out.Occ, stepErr
	}
	if out.StartRun {
		s.startExecution(out.Occ)
	}
	if out.Cancel {
		if e, ok := s.runs.Load(out.Occ.ID); ok {
			e.(Execution).Cancel()
		}
	}
	return out.Occ, nil
}
