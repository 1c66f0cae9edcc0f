package runbook

// The transitions that bind an approval to its terms (approval.go): a run
// never starts under the approval of other terms, and an edit of the job's
// row withdraws the approval of a confirmed window and asks for it again.

import (
	"slices"
	"strconv"
)

// stale reports whether the occurrence's approval is of other terms than the
// runbook's row has now (the event's Terms). An approval recorded before
// approvals carried their terms has nothing to compare: it is not stale here
// (the service withdraws those of confirmed windows at start, see termsEdited).
func (s *stepper) stale() bool {
	return s.ev.Terms != nil && s.o.Approved != nil && !s.o.Approved.Same(s.ev.Terms)
}

// runArgv is the command a run starts: the approved one (the same as the
// runbook's, or the run is refused), else the event's.
func (s *stepper) runArgv() []string {
	if s.o.Approved != nil {
		return s.o.Approved.Argv
	}
	return s.ev.Argv
}

// approvalChanged refuses a run whose approval is of other terms than the runbook's.
func (s *stepper) approvalChanged() error {
	return NewError(KindConflict, "approval_changed", map[string]any{
		"approved": s.o.Approved.Command(), "current": s.ev.Terms.Command(),
		"approved_digest": s.o.Approved.Digest, "digest": s.ev.Terms.Digest,
	})
}

// termsEdited withdraws the approval of a confirmed occurrence whose job row
// no longer has the approved terms, or whose approval carries none.
func (s *stepper) termsEdited() error {
	if s.o.State != Confirmed || s.ev.Terms == nil || s.o.Approved.Same(s.ev.Terms) {
		return s.skip()
	}
	s.withdraw()
	return nil
}

// withdraw takes back the approval: the occurrence awaits a confirmation again
// (or is scheduled, when its request has not gone out yet), the request's
// thread says what changed, the request is edited to ask again with its
// buttons, and the audit keeps the approved and the new terms.
func (s *stepper) withdraw() {
	change := &TermsChange{Approved: s.o.Approved, Current: *cloneTerms(s.ev.Terms), ApprovedBy: s.o.ApprovedBy}
	fields := map[string]string{"approved_by": s.o.ApprovedBy}
	termsFields(fields, "previous_", s.o.Approved)
	termsFields(fields, "", s.ev.Terms)
	at := s.now()
	if s.o.ApprovedAt != nil {
		at = *s.o.ApprovedAt
	}
	key := s.o.RequestKey() + "/withdrawn/" + strconv.FormatInt(at.UnixNano(), 36) // one per approval withdrawn

	s.o.ApprovedBy, s.o.ApprovedAt, s.o.Approved = "", nil, nil
	s.o.State = AwaitingConfirmation
	thread := s.o.RequestKey()
	if s.o.RequestedAt == nil { // the request goes out at its time, asking
		s.o.State, thread = Scheduled, ""
	}
	s.notify(Notice{Kind: NoticeWithdrawn, Key: key, Thread: thread, Channel: ChannelRunbook, Change: change})
	if s.o.RequestedAt != nil {
		s.notify(Notice{Kind: NoticeRequest, Key: s.o.RequestKey(), Update: true, Channel: ChannelRunbook, Tickets: s.o.Tickets, Change: change})
	}
	s.audit(RecWithdrawn, fields)
}

// cloneTerms is a deep copy of t.
func cloneTerms(t *Terms) *Terms {
	if t == nil {
		return nil
	}
	c := *t
	c.Argv, c.Owners, c.Deps = slices.Clone(t.Argv), slices.Clone(t.Owners), slices.Clone(t.Deps)
	return &c
}
