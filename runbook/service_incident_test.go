package runbook_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// fakeDirectory answers membership questions from maps; err fails every channel look-up.
type fakeDirectory struct {
	mu       sync.Mutex
	groups   map[string][]string // user group → members
	channels map[string][]string // channel as configured → members
	err      error
	asked    []string // channels looked up
}

func (d *fakeDirectory) UserByEmail(context.Context, string) (string, error) {
	return "", errors.New("no e-mail contacts here")
}

func (d *fakeDirectory) InGroup(_ context.Context, user, group string) (bool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Contains(d.groups[group], user), nil
}

func (d *fakeDirectory) InChannel(_ context.Context, user, channel string) (bool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.asked = append(d.asked, channel)
	if d.err != nil {
		return false, d.err
	}
	return slices.Contains(d.channels[channel], user), nil
}

// People of the incident tests besides the runbook's owners.
const (
	responder = "U0RESPONDER" // a member of #infra-incident
	stranger  = "U0STRANGER"  // neither owner, operator nor member of the incident channel
)

// failedAtWindow is Friday's seed-dev-data failed one minute into its window (run by its
// primary, Marcos), on a service with set and dir; the clock is at the failure.
func failedAtWindow(t *testing.T, set runbook.Settings, dir runbook.Directory) (h *harness, window time.Time) {
	t.Helper()
	window = time.Date(2026, 12, 4, 19, 0, 0, 0, time.UTC)
	h = newHarness(t, window.Add(-2*time.Hour), set)
	exec := &fakeExec{}
	h.svc = runbook.NewService(h.rb, set, runbook.Deps{Store: h.db, Clock: h.clock, Executor: exec, Checker: okChecker{}, Directory: dir})
	ctx := context.Background()
	marcos := contactID(t, h.rb, "Marcos Paulo")
	h.advanceTo(window.Add(-time.Hour))
	_, err := h.svc.Confirm(ctx, runbook.Request{User: marcos, RequestID: "c1"}, "seed-dev-data", false)
	require.NoError(t, err)
	h.advanceTo(window.Add(time.Minute))
	_, err = h.svc.Run(ctx, runbook.Request{User: marcos, RequestID: "r1"}, "seed-dev-data")
	require.NoError(t, err)
	one := 1
	exec.last(t).done <- runbook.RunResult{ExitCode: &one, Reason: runbook.ReasonExit, Tail: []string{"boom"}}
	h.svc.Wait()
	st, err := h.svc.Status(ctx, "seed-dev-data")
	require.NoError(t, err)
	require.Equal(t, runbook.Failed, st[0].Current.State)
	require.NotNil(t, st[0].Current.IncidentDeadline)
	return h, window
}

// records are the audit records of Friday's occurrence of seed-dev-data.
func (h *harness) records(window time.Time) []runbook.Record {
	h.t.Helper()
	ev, err := h.svc.Evidence(context.Background(), "seed-dev-data", window)
	require.NoError(h.t, err)
	return ev.Records
}

func recordsOf(recs []runbook.Record, kind runbook.RecordKind) []runbook.Record {
	var out []runbook.Record
	for _, r := range recs {
		if r.Kind == kind {
			out = append(out, r)
		}
	}
	return out
}

func TestService_GivenAFailure_WhenAStrangerRecordsAnIncident_ThenItIsRefusedAuditedAndTheEscalationStillFires(t *testing.T) {
	tests := []struct {
		name string
		dir  *fakeDirectory
	}{
		{"a stranger to the incident channel", &fakeDirectory{channels: map[string][]string{"#infra-incident": {responder}}}},
		{"the channel's members cannot be looked up", &fakeDirectory{err: errors.New("slack conversations.members: ratelimited")}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, window := failedAtWindow(t, runbook.Settings{}, tc.dir)
			ctx := context.Background()

			// When a stranger types `/runbook incident seed-dev-data INC-9999`
			o, err := h.svc.Incident(ctx, runbook.Request{User: stranger, RequestID: "i1", Envelope: "e1"}, "seed-dev-data", "INC-9999", false)

			// Then it is refused, nothing is recorded, and the refusal is audited
			require.Equal(t, runbook.KindNotAllowed, runbook.KindOf(err), "%v", err)
			require.Empty(t, o.IncidentRef)
			refused := recordsOf(h.records(window), runbook.RecRefused)
			require.Len(t, refused, 1)
			require.Equal(t, stranger, refused[0].Actor)
			require.Equal(t, "not_allowed", refused[0].Fields["reason"])
			require.Empty(t, recordsOf(h.records(window), runbook.RecIncident))

			// And the countdown goes on: the deadline escalates, once
			h.advanceTo(window.Add(30 * time.Minute))
			require.Equal(t, 1, h.count("seed-dev-data", runbook.NoticeEscalation))
			st, err := h.svc.Status(ctx, "seed-dev-data")
			require.NoError(t, err)
			require.True(t, st[0].Current.Escalated)
			require.Empty(t, st[0].Current.IncidentRef)
		})
	}
}

func TestService_GivenAFailure_WhenAMemberOfTheIncidentChannelRecordsAnIncident_ThenTheEscalationIsStopped(t *testing.T) {
	dir := &fakeDirectory{channels: map[string][]string{"#infra-incident": {responder}}}
	h, window := failedAtWindow(t, runbook.Settings{}, dir)
	ctx := context.Background()

	o, err := h.svc.Incident(ctx, runbook.Request{User: responder, RequestID: "i1"}, "seed-dev-data", "INC-4242", false)
	require.NoError(t, err)
	require.Equal(t, "INC-4242", o.IncidentRef)
	require.Equal(t, responder, o.IncidentBy)
	require.Equal(t, []string{"#infra-incident"}, dir.asked, "the incident channel is looked up once")

	h.advanceTo(window.Add(30 * time.Minute))
	require.Zero(t, h.count("seed-dev-data", runbook.NoticeEscalation), "no escalation once a responder recorded the incident")
	recorded := recordsOf(h.records(window), runbook.RecIncident)
	require.Len(t, recorded, 1)
	require.Equal(t, responder, recorded[0].Actor)
}

func TestService_GivenResponders_WhenOneRecordsAnIncident_ThenItIsAcceptedWithoutAskingTheChannel(t *testing.T) {
	dir := &fakeDirectory{groups: map[string][]string{"S0ONCALL": {"U0ONCALL"}}, err: errors.New("must not be asked")}
	h, window := failedAtWindow(t, runbook.Settings{Responders: []string{"U0RESPONDER", "S0ONCALL"}}, dir)
	ctx := context.Background()

	_, err := h.svc.Incident(ctx, runbook.Request{User: "U0CHANNELMEMBER", RequestID: "i0"}, "seed-dev-data", "INC-1", false)
	require.Equal(t, runbook.KindNotAllowed, runbook.KindOf(err), "with responders set, the incident channel's members are not responders")
	o, err := h.svc.Incident(ctx, runbook.Request{User: "U0ONCALL", RequestID: "i1"}, "seed-dev-data", "INC-1", false)
	require.NoError(t, err, "a member of the on-call group")
	require.Equal(t, "INC-1", o.IncidentRef)
	require.Empty(t, dir.asked, "the channel is never looked up")
	h.advanceTo(window.Add(30 * time.Minute))
	require.Zero(t, h.count("seed-dev-data", runbook.NoticeEscalation))
}

func TestService_GivenARecordedIncident_WhenAResponderReplacesIt_ThenTheAuditAndTheITSMKeepBothValues(t *testing.T) {
	dir := &fakeDirectory{channels: map[string][]string{"#infra-incident": {responder}}}
	h, window := failedAtWindow(t, runbook.Settings{ITSM: true}, dir)
	ctx := context.Background()
	_, err := h.svc.Incident(ctx, runbook.Request{User: responder, RequestID: "i1"}, "seed-dev-data", "INC-1", false)
	require.NoError(t, err)

	// Without --replace the reference cannot be changed
	_, err = h.svc.Incident(ctx, runbook.Request{User: responder, RequestID: "i2"}, "seed-dev-data", "INC-2", false)
	require.Equal(t, runbook.KindConflict, runbook.KindOf(err))
	// A stranger cannot replace it, nor can anyone with an invalid reference
	_, err = h.svc.Incident(ctx, runbook.Request{User: stranger, RequestID: "i3"}, "seed-dev-data", "INC-666", true)
	require.Equal(t, runbook.KindNotAllowed, runbook.KindOf(err))
	_, err = h.svc.Incident(ctx, runbook.Request{User: responder, RequestID: "i4"}, "seed-dev-data", "see slack", true)
	require.Equal(t, runbook.KindInvalid, runbook.KindOf(err))

	// When the responder replaces it
	o, err := h.svc.Incident(ctx, runbook.Request{User: responder, RequestID: "i5", Envelope: "e5"}, "seed-dev-data", "https://itsm.example.com/INC-2", true)
	require.NoError(t, err)
	require.Equal(t, "https://itsm.example.com/INC-2", o.IncidentRef)

	// Then the evidence keeps both values, and so does the ITSM outbox
	recs := h.records(window)
	replaced := recordsOf(recs, runbook.RecIncidentReplaced)
	require.Len(t, replaced, 1)
	require.Equal(t, responder, replaced[0].Actor)
	require.Equal(t, "e5", replaced[0].Envelope)
	require.Equal(t, map[string]string{"ref": "https://itsm.example.com/INC-2", "previous_ref": "INC-1", "previous_by": responder}, replaced[0].Fields)
	require.Len(t, recordsOf(recs, runbook.RecIncident), 1)
	require.Len(t, recordsOf(recs, runbook.RecRefused), 3, "the refused attempts are audited")
	var itsm []runbook.Record
	for _, d := range h.deliveries(runbook.SinkITSM) {
		var r runbook.Record
		require.NoError(t, json.Unmarshal(d.Payload, &r))
		if r.Kind == runbook.RecIncident || r.Kind == runbook.RecIncidentReplaced {
			itsm = append(itsm, r)
		}
	}
	require.Len(t, itsm, 2)
	require.Equal(t, "INC-1", itsm[0].Fields["ref"])
	require.Equal(t, "INC-1", itsm[1].Fields["previous_ref"])
	require.Equal(t, "https://itsm.example.com/INC-2", itsm[1].Fields["ref"])

	// And the incident message is updated, showing what it replaced
	var last runbook.Notice
	for _, d := range h.deliveries(runbook.SinkChat) {
		var n runbook.Notice
		require.NoError(t, json.Unmarshal(d.Payload, &n))
		if n.Kind == runbook.NoticeIncident {
			last = n
		}
	}
	require.True(t, last.Update)
	require.Equal(t, "https://itsm.example.com/INC-2", last.Occ.IncidentRef)
	require.Equal(t, "INC-1", last.Text)
}

func TestService_GivenAFailure_WhenTheReferenceIsInvalid_ThenNothingChangesAndTheEscalationStillFires(t *testing.T) {
	h, window := failedAtWindow(t, runbook.Settings{}, &fakeDirectory{})
	ctx := context.Background()
	marcos := contactID(t, h.rb, "Marcos Paulo")
	o, err := h.svc.Incident(ctx, runbook.Request{User: marcos, RequestID: "i1"}, "seed-dev-data", "none-really", false)
	require.Equal(t, runbook.KindInvalid, runbook.KindOf(err))
	require.Empty(t, o.IncidentRef)
	h.advanceTo(window.Add(30 * time.Minute))
	require.Equal(t, 1, h.count("seed-dev-data", runbook.NoticeEscalation))
}
