package runbook

import (
	"slices"
	"time"
)

// Which occurrence a command applies to (docs/spec.md §3.5). A job has at
// most one *current* occurrence (the latest whose window has passed, until the
// next window) and upcoming ones; older ones are superseded. When the current
// one is still unconfirmed (its window was missed) and the next is open for
// approval too, confirm, decline and run take the one whose window is nearer
// to now: just after a missed window, the late one; close to the next window,
// the next. An owner typing `confirm` an hour before a window never approves the
// one missed a day ago, and `run` never runs it by mistake.

// targeting picks the occurrence a command applies to.
type targeting func(os []Occurrence, now time.Time) (Occurrence, bool)

func notStarted(o Occurrence) bool { return !o.State.Started() }

// targetUnstarted: the earliest occurrence not started whose window has not been superseded.
func targetUnstarted(os []Occurrence, now time.Time) (Occurrence, bool) {
	cur, hasCur := current(os, now)
	for _, o := range os {
		if notStarted(o) && (!hasCur || !o.Window.Before(cur.Window)) {
			return o, true
		}
	}
	return Occurrence{}, false
}

// targetRunning: the running occurrence.
func targetRunning(os []Occurrence, now time.Time) (Occurrence, bool) {
	for _, o := range os {
		if o.State == Running {
			return o, true
		}
	}
	return current(os, now)
}

// targetDelayed: the latest past occurrence that has not started.
func targetDelayed(os []Occurrence, now time.Time) (Occurrence, bool) {
	for i := len(os) - 1; i >= 0; i-- {
		if !os[i].Window.After(now) && notStarted(os[i]) {
			return os[i], true
		}
	}
	return current(os, now)
}

// targetFailed: the latest occurrence with a failure awaiting its incident reference, else the latest failure.
func targetFailed(os []Occurrence, _ time.Time) (Occurrence, bool) {
	for i := len(os) - 1; i >= 0; i-- {
		if os[i].FailedAt != nil && os[i].IncidentRef == "" {
			return os[i], true
		}
	}
	return targetLatestFailed(os, time.Time{})
}

// targetLatestFailed: the latest occurrence with a failure, its incident reference recorded or not.
func targetLatestFailed(os []Occurrence, _ time.Time) (Occurrence, bool) {
	for i := len(os) - 1; i >= 0; i-- {
		if os[i].FailedAt != nil {
			return os[i], true
		}
	}
	return Occurrence{}, false
}

// targetFinished: the latest occurrence that ran.
func targetFinished(os []Occurrence, _ time.Time) (Occurrence, bool) {
	for i := len(os) - 1; i >= 0; i-- {
		if os[i].State.Finished() {
			return os[i], true
		}
	}
	return Occurrence{}, false
}

// current is the latest occurrence whose window has passed.
func current(os []Occurrence, now time.Time) (Occurrence, bool) {
	os = byWindow(os)
	for i := len(os) - 1; i >= 0; i-- {
		if !os[i].Window.After(now) {
			return os[i], true
		}
	}
	return Occurrence{}, false
}

// openForApproval reports whether o may still be confirmed or declined.
func openForApproval(o Occurrence, now time.Time) bool {
	return o.State == Scheduled || o.State == AwaitingConfirmation || (o.State == Declined && now.Before(o.Window))
}

// nearer reports whether the past window past is at least as close to now as the future window next.
func nearer(past, next, now time.Time) bool { return now.Sub(past) <= next.Sub(now) }

// targetConfirm: the current occurrence when it is open for approval and
// nearer than the next window; else the earliest upcoming occurrence open for
// approval; else the next one (whose state then explains the refusal).
func targetConfirm(os []Occurrence, now time.Time) (Occurrence, bool) {
	cur, hasCur := current(os, now)
	next, hasNext := upcoming(os, now)
	if hasCur && openForApproval(cur, now) && (!hasNext || nearer(cur.Window, next.Window, now)) {
		return cur, true
	}
	for _, o := range byWindow(os) {
		if o.Window.After(now) && openForApproval(o, now) {
			return o, true
		}
	}
	if hasNext {
		return next, true
	}
	return cur, hasCur
}

// targetRun: the current occurrence when it was confirmed, failed, cancelled
// or is running; when it is unconfirmed or declined, it only if it is nearer
// than the next window; else the next one (refused before its window).
func targetRun(os []Occurrence, now time.Time) (Occurrence, bool) {
	cur, hasCur := current(os, now)
	next, hasNext := upcoming(os, now)
	if hasCur {
		switch cur.State {
		case Confirmed, Failed, Cancelled, Running:
			return cur, true
		case Scheduled, AwaitingConfirmation, Declined:
			if !hasNext || nearer(cur.Window, next.Window, now) {
				return cur, true
			}
		}
	}
	if hasNext {
		return next, true
	}
	return cur, hasCur
}

// upcoming is the earliest occurrence whose window is after now.
func upcoming(os []Occurrence, now time.Time) (Occurrence, bool) {
	for _, o := range byWindow(os) {
		if o.Window.After(now) {
			return o, true
		}
	}
	return Occurrence{}, false
}

// byWindow is os sorted by window, earliest first (os is not changed).
func byWindow(os []Occurrence) []Occurrence {
	os = slices.Clone(os)
	slices.SortFunc(os, func(a, b Occurrence) int { return a.Window.Compare(b.Window) })
	return os
}
