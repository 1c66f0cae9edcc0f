package runbook

import "time"

// Buttons are bound to their occurrence. A button on a chat message acts on
// the occurrence the message was posted for (Request.Occ, with its window at
// the time), and only while that is still the occurrence the verb acts on:
// last week's Confirm or Run never acts on this week's window. A press on a
// message whose occurrence was superseded, finished, rescheduled or deleted
// changes nothing, is audited as refused against that occurrence, and answers
// with a stale_button conflict naming the message's window and state and the
// window the verb acts on now (with the key of its current message).
//
// One exception, in the safe direction: Confirm and Decline on the message of
// a window still ahead act on that window even while the verb's own rule (for
// typed commands, which name no window) would pick a missed window that is
// nearer in time. Approving the window a request was posted for is what its
// buttons are for; approving a missed one from an old message never happens.

// pressed checks a request made from a button against the occurrence the verb
// targets now (target; found is false when there is none). It returns the
// occurrence to act on, or a refusal (already audited in tx) to return
// without any other change. err is an internal failure.
func (s *Service) pressed(tx Tx, r Request, job string, ev Event, target Occurrence, found bool) (o Occurrence, ok bool, refused, err error) {
	now := s.Now()
	b, err := tx.Occurrence(r.Occ)
	gone := KindOf(err) == KindNotFound
	if err != nil && !gone {
		return Occurrence{}, false, nil, err
	}
	if !gone && b.Job != job {
		return Occurrence{}, false, NewError(KindInvalid, "bad_button", map[string]any{"job": job}), nil
	}
	moved := !gone && !r.Window.IsZero() && b.Window.Unix() != r.Window.Unix()
	switch {
	case gone || moved:
	case found && b.ID == target.ID:
		return target, true, nil, nil
	case (ev.Kind == EvConfirm || ev.Kind == EvDecline) && b.Window.After(now) && openForApproval(b, now):
		return b, true, nil, nil
	}

	window := r.Window
	if window.IsZero() {
		window = b.Window
	}
	args := map[string]any{"job": job, "window": window, "state": string(b.State)}
	fields := map[string]string{"action": verbOf(ev.Kind), "reason": "stale_button", "window": window.Format(time.RFC3339), "state": string(b.State)}
	if moved {
		args["moved"] = b.Window
		fields["moved"] = b.Window.Format(time.RFC3339)
	}
	if found {
		args["current"] = target.Window
		fields["current"] = target.Window.Format(time.RFC3339)
		if key := currentMessage(ev.Kind, target); key != "" {
			args["current_key"] = key
		}
	}
	rec := Record{At: now, Kind: RecRefused, Job: job, Window: window, Actor: r.User, Envelope: r.Envelope, Fields: fields}
	if err := s.addRecord(tx, b.ID, &rec); err != nil {
		return Occurrence{}, false, nil, err
	}
	return Occurrence{}, false, NewError(KindConflict, "stale_button", args), nil
}

// currentMessage is the key of the chat message about o where the verb's
// buttons are (the incident post, the run, or the confirmation request), or
// "" when it has not been posted.
func currentMessage(ev EventKind, o Occurrence) string {
	switch {
	case ev == EvIncident && o.FailedAt != nil:
		return o.IncidentKey()
	case (ev == EvCancel || ev == EvLearnings) && o.Attempts > 0:
		return o.RunKey(o.Attempts)
	case o.RequestedAt != nil:
		return o.RequestKey()
	}
	return ""
}
