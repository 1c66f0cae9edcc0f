package runbook

// How a change freeze changes the lifecycle (StepEnv.Freeze, WindowFreeze):
// confirm is refused while a freeze is in force or when the window falls in
// one, run while a freeze is in force; a frozen window is not late (no delay
// alert), and a delay alert that falls in a freeze is held, the next one
// coming as usual; the window opening of a frozen window is audited as frozen
// and never starts the script by itself.

import (
	"strconv"
	"time"
)

// frozen refuses an approval or a run during a freeze: the one in force now,
// or (window) the one the occurrence's window falls in.
func (s *stepper) frozen(window bool) error {
	f, code := s.env.Freeze, "frozen"
	if f == nil && window {
		f, code = s.env.WindowFreeze, "window_frozen"
	}
	if f == nil {
		return nil
	}
	return NewError(KindConflict, code, map[string]any{"freeze": f.Reason, "until": f.End, "window": s.o.Window})
}

// frozenDelay handles a delay alert under a freeze; it reports whether it did.
func (s *stepper) frozenDelay() bool {
	switch {
	case s.env.WindowFreeze != nil: // the window falls in a freeze: it is not late
		s.out.Skipped = true
		return true
	case s.env.Freeze != nil: // frozen since: no alert now, the next comes as usual
		repeat := s.ev.Seq % SeqPerGeneration
		next := nextDelayAlert(s.o.Window, s.env.Policy.DelayThreshold, repeat, s.now())
		if s.env.NextSlot.IsZero() || next.Before(s.env.NextSlot) {
			s.out.Arm = append(s.out.Arm, Timer{Kind: TimerDelay, Seq: s.ev.Seq + 1, Due: next})
		}
		return true
	}
	return false
}

// frozenOpen audits the opening of a window that falls in a freeze; it
// reports whether the window is frozen (then nothing starts by itself).
func (s *stepper) frozenOpen() bool {
	f := s.env.WindowFreeze
	if f == nil {
		return false
	}
	s.audit(RecFrozen, freezeFields(f))
	return true
}

// freezeFields describe a freeze in a record.
func freezeFields(f *Freeze) map[string]string {
	fields := map[string]string{"reason": f.Reason, "from": f.Start.UTC().Format(time.RFC3339), "until": f.End.UTC().Format(time.RFC3339), "source": f.Source}
	if f.Line > 0 {
		fields["line"] = strconv.Itoa(f.Line)
	}
	return fields
}

// freezeNote adds to a record's fields the freeze the window falls in, if any.
func (s *stepper) freezeNote(fields map[string]string) map[string]string {
	if f := s.env.WindowFreeze; f != nil {
		if fields == nil {
			fields = map[string]string{}
		}
		fields["freeze_reason"], fields["freeze_until"] = f.Reason, f.End.UTC().Format(time.RFC3339)
	}
	return fields
}
