package runbook

import "context"

// termsNow are the terms of j's row in the runbook in force (j itself when
// the runbook no longer has it).
func (s *Service) termsNow(j Job) *Terms {
	if cur, ok := s.Runbook().Job(j.ID); ok {
		j = cur
	}
	t := TermsOf(j)
	return &t
}

// CheckApprovals withdraws the approval of every confirmed occurrence, not yet
// superseded by its job's next window, whose row in the runbook in force no
// longer has the approved command,
// owners or dependencies (or whose approval carries no terms): it awaits a
// confirmation again, and its request says what changed (EvTermsChanged). It
// runs after a reload and at start. A confirmation committed with the old
// runbook before it is caught by it; one committed after it reads the new one.
func (s *Service) CheckApprovals(ctx context.Context) error {
	return s.update(ctx, func(tx Tx) error {
		rb := s.Runbook()
		os, err := tx.Occurrences(Query{States: []State{Confirmed}})
		if err != nil {
			return err
		}
		for _, o := range os {
			j, ok := rb.Job(o.Job)
			if !ok {
				continue // a job that left the runbook cannot run
			}
			env := s.stepEnv(o, j)
			if !env.NextSlot.IsZero() && !env.Now.Before(env.NextSlot) {
				continue // its next window came: nothing acts on this one any more
			}
			t := TermsOf(j)
			out, err := Step(o, Event{Kind: EvTermsChanged, Terms: &t}, env)
			if err != nil {
				return err
			}
			if out.Skipped {
				continue
			}
			s.log.Warn("the runbook changed after an approval: asking again", "job", o.Job, "window", o.Window, "approved_by", o.ApprovedBy)
			if err := s.persist(tx, out); err != nil {
				return err
			}
		}
		return nil
	})
}
