package runbook

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

var (
	t0     = time.Date(2026, 12, 4, 22, 0, 0, 0, time.UTC)
	owner  = Actor{User: "U0PRIMARY", Owner: true}
	oper   = Actor{User: "U0OPERATOR", Operator: true}
	nobody = Actor{User: "U0STRANGER"}
)

func env(now time.Time) StepEnv {
	return StepEnv{Now: now, Policy: Policy{IncidentDeadline: 15 * time.Minute, DelayThreshold: 30 * time.Minute, ConfirmLead: 24 * time.Hour},
		Reminders: []time.Duration{4 * time.Hour, time.Hour}, NextSlot: t0.Add(7 * 24 * time.Hour)}
}

func occ(state State) Occurrence {
	return Occurrence{ID: 7, Job: "seed-dev-data", Slot: t0, Window: t0, State: state}
}

// openTickets is a ticket look-up with two open tickets, none a blocker.
func openTickets() *TicketReport {
	return &TicketReport{Total: 2, Tickets: []Ticket{{Key: "#1", Title: "slow seed"}, {Key: "#2", Title: "flaky import"}}}
}

// withTickets is o with the ticket look-up rep.
func withTickets(o Occurrence, rep *TicketReport) Occurrence {
	o.RequestedAt = ptr(t0.Add(-24 * time.Hour))
	o.Tickets = rep
	return o
}

func TestStep_GivenAnEvent_WhenApplied_ThenStateAndEffectsFollowTheLifecycle(t *testing.T) {
	exit1 := 1
	tests := []struct {
		name      string
		given     Occurrence
		ev        Event
		at        time.Time
		wantState State
		wantErr   Kind
		check     func(t *testing.T, out Outcome)
	}{
		{name: "confirmation due posts the request", given: occ(Scheduled), ev: Event{Kind: EvConfirmDue}, at: t0.Add(-24 * time.Hour),
			wantState: AwaitingConfirmation, check: func(t *testing.T, out Outcome) {
				require.Len(t, out.Notices, 1)
				require.Equal(t, NoticeRequest, out.Notices[0].Kind)
				require.NotNil(t, out.Occ.RequestedAt)
			}},
		{name: "owner confirms", given: occ(AwaitingConfirmation), ev: Event{Kind: EvConfirm, Actor: owner}, at: t0.Add(-time.Hour),
			wantState: Confirmed, check: func(t *testing.T, out Outcome) {
				require.Equal(t, "U0PRIMARY", out.Occ.ApprovedBy)
				require.Equal(t, RecApproved, out.Records[0].Kind)
			}},
		{name: "confirmed before the request was due: the request still goes out, showing it", given: func() Occurrence {
			o := occ(Confirmed)
			o.ApprovedBy, o.ApprovedAt = "U0PRIMARY", ptr(t0.Add(-48*time.Hour))
			return o
		}(), ev: Event{Kind: EvConfirmDue, Preflight: &Preflight{}}, at: t0.Add(-24 * time.Hour),
			wantState: Confirmed, check: func(t *testing.T, out Outcome) {
				require.Len(t, out.Notices, 1)
				require.Equal(t, NoticeRequest, out.Notices[0].Kind)
				require.False(t, out.Notices[0].Update)
				require.NotNil(t, out.Notices[0].Check, "with its pre-flight")
				require.NotNil(t, out.Occ.RequestedAt, "later changes edit it")
			}},
		{name: "declined before the request was due: the request goes out, showing the decline", given: occ(Declined), ev: Event{Kind: EvConfirmDue},
			at: t0.Add(-24 * time.Hour), wantState: Declined, check: func(t *testing.T, out Outcome) {
				require.Len(t, out.Notices, 1)
				require.NotNil(t, out.Occ.RequestedAt)
			}},
		{name: "a request already posted is not posted again", given: withTickets(occ(AwaitingConfirmation), nil), ev: Event{Kind: EvConfirmDue},
			at: t0.Add(-24 * time.Hour), wantState: AwaitingConfirmation, check: func(t *testing.T, out Outcome) {
				require.True(t, out.Skipped)
				require.Empty(t, out.Notices)
			}},
		{name: "the request's ticket look-up is kept on the occurrence", given: occ(Scheduled), ev: Event{Kind: EvConfirmDue, Tickets: openTickets()}, at: t0.Add(-24 * time.Hour),
			wantState: AwaitingConfirmation, check: func(t *testing.T, out Outcome) {
				require.Equal(t, openTickets(), out.Occ.Tickets)
				require.Equal(t, openTickets(), out.Notices[0].Tickets)
			}},
		{name: "the request edited after a confirmation keeps the confirmation's fresh look-up", given: withTickets(occ(AwaitingConfirmation), &TicketReport{Unavailable: M(TkTimedOut, "timeout", "5s")}),
			ev: Event{Kind: EvConfirm, Actor: owner, Tickets: openTickets()}, at: t0.Add(-time.Hour),
			wantState: Confirmed, check: func(t *testing.T, out Outcome) {
				require.Len(t, out.Notices, 1)
				require.True(t, out.Notices[0].Update)
				require.Equal(t, openTickets(), out.Notices[0].Tickets)
				require.Equal(t, openTickets(), out.Occ.Tickets)
			}},
		{name: "the request edited when a run starts still lists the tickets", given: withTickets(occ(Confirmed), openTickets()),
			ev: Event{Kind: EvRunStart, Actor: owner, Preflight: &Preflight{}}, at: t0,
			wantState: Running, check: func(t *testing.T, out Outcome) {
				var edits []Notice
				for _, n := range out.Notices {
					if n.Kind == NoticeRequest && n.Update {
						edits = append(edits, n)
					}
				}
				require.Len(t, edits, 1)
				require.Equal(t, openTickets(), edits[0].Tickets)
			}},
		{name: "a refused confirmation keeps the earlier look-up", given: withTickets(occ(AwaitingConfirmation), openTickets()),
			ev: Event{Kind: EvConfirm, Actor: owner, Tickets: &TicketReport{Total: 1, Blockers: []Ticket{{Key: "#9", Blocker: true}}}}, at: t0.Add(-time.Hour),
			wantState: AwaitingConfirmation, wantErr: KindConflict, check: func(t *testing.T, out Outcome) {
				require.Equal(t, openTickets(), out.Occ.Tickets)
			}},
		{name: "stranger may not confirm", given: occ(AwaitingConfirmation), ev: Event{Kind: EvConfirm, Actor: nobody}, at: t0.Add(-time.Hour),
			wantState: AwaitingConfirmation, wantErr: KindNotAllowed, check: func(t *testing.T, out Outcome) {
				require.Len(t, out.Records, 1)
				require.Equal(t, RecRefused, out.Records[0].Kind)
				require.Empty(t, out.Notices)
			}},
		{name: "operator may not confirm", given: occ(AwaitingConfirmation), ev: Event{Kind: EvConfirm, Actor: oper}, at: t0.Add(-time.Hour),
			wantState: AwaitingConfirmation, wantErr: KindNotAllowed},
		{name: "decline needs a reason", given: occ(AwaitingConfirmation), ev: Event{Kind: EvDecline, Actor: owner, Text: "  "}, at: t0.Add(-time.Hour),
			wantState: AwaitingConfirmation, wantErr: KindInvalid},
		{name: "declined may be reversed before T", given: occ(Declined), ev: Event{Kind: EvConfirm, Actor: owner}, at: t0.Add(-time.Minute),
			wantState: Confirmed},
		{name: "declined may not be reversed after T", given: occ(Declined), ev: Event{Kind: EvConfirm, Actor: owner}, at: t0.Add(time.Minute),
			wantState: Declined, wantErr: KindConflict},
		{name: "unconfirmed cannot run", given: occ(AwaitingConfirmation), ev: Event{Kind: EvRunStart, Actor: owner}, at: t0.Add(time.Minute),
			wantState: AwaitingConfirmation, wantErr: KindConflict},
		{name: "confirmed cannot run before the window", given: occ(Confirmed), ev: Event{Kind: EvRunStart, Actor: owner}, at: t0.Add(-time.Minute),
			wantState: Confirmed, wantErr: KindConflict},
		{name: "operator runs a confirmed occurrence", given: occ(Confirmed), ev: Event{Kind: EvRunStart, Actor: oper, Preflight: &Preflight{}}, at: t0,
			wantState: Running, check: func(t *testing.T, out Outcome) {
				require.True(t, out.StartRun)
				require.Equal(t, 1, out.Occ.Attempts)
			}},
		{name: "failed pre-flight fails the start and opens the countdown", given: occ(Confirmed),
			ev: Event{Kind: EvRunStart, Actor: owner, Preflight: &Preflight{Results: []CheckResult{{Check: Check{Kind: CheckEnv, Names: []string{"X"}, Text: "X"}}}}}, at: t0,
			wantState: Failed, check: func(t *testing.T, out Outcome) {
				require.False(t, out.StartRun)
				require.Equal(t, ReasonPreflight, out.Occ.Reason)
				require.NotNil(t, out.Occ.IncidentDeadline)
				require.Equal(t, t0.Add(15*time.Minute), *out.Occ.IncidentDeadline)
				require.Equal(t, TimerDeadline, out.Arm[0].Kind)
			}},
		{name: "non-zero exit fails and posts the incident", given: func() Occurrence { o := occ(Running); o.Attempts = 1; o.StartedAt = &t0; return o }(),
			ev: Event{Kind: EvRunFinish, Run: &RunResult{ExitCode: &exit1, Reason: ReasonExit}}, at: t0.Add(time.Minute),
			wantState: Failed, check: func(t *testing.T, out Outcome) {
				require.True(t, out.Checkin)
				var kinds []NoticeKind
				for _, n := range out.Notices {
					kinds = append(kinds, n.Kind)
				}
				require.Contains(t, kinds, NoticeIncident)
			}},
		{name: "a second run while running is refused", given: func() Occurrence { o := occ(Running); o.RunBy = "U0PRIMARY"; o.StartedAt = &t0; return o }(),
			ev: Event{Kind: EvRunStart, Actor: owner}, at: t0.Add(time.Minute), wantState: Running, wantErr: KindConflict},
		{name: "deadline without incident escalates", given: func() Occurrence {
			o := occ(Failed)
			d := t0.Add(15 * time.Minute)
			o.FailedAt, o.IncidentDeadline = &t0, &d
			return o
		}(), ev: Event{Kind: EvDeadline}, at: t0.Add(15 * time.Minute), wantState: Failed, check: func(t *testing.T, out Outcome) {
			require.True(t, out.Occ.Escalated)
			require.Equal(t, NoticeEscalation, out.Notices[1].Kind)
		}},
		{name: "deadline after the incident was recorded does nothing", given: func() Occurrence {
			o := occ(Failed)
			d := t0.Add(15 * time.Minute)
			o.FailedAt, o.IncidentDeadline, o.IncidentRef = &t0, &d, "INC-1"
			return o
		}(), ev: Event{Kind: EvDeadline}, at: t0.Add(15 * time.Minute), wantState: Failed, check: func(t *testing.T, out Outcome) {
			require.True(t, out.Skipped)
			require.False(t, out.Occ.Escalated)
		}},
		{name: "delay alert on an unconfirmed window re-arms itself", given: occ(AwaitingConfirmation), ev: Event{Kind: EvDelayDue, Seq: 1}, at: t0.Add(30 * time.Minute),
			wantState: AwaitingConfirmation, check: func(t *testing.T, out Outcome) {
				require.True(t, out.Occ.Delayed)
				require.Equal(t, []Timer{{Kind: TimerDelay, Seq: 2, Due: t0.Add(time.Hour)}}, out.Arm)
			}},
		{name: "a declined window raises no delay", given: occ(Declined), ev: Event{Kind: EvDelayDue, Seq: 1}, at: t0.Add(30 * time.Minute),
			wantState: Declined, check: func(t *testing.T, out Outcome) { require.True(t, out.Skipped) }},
		{name: "reschedule moves the window and re-arms", given: occ(Confirmed), ev: Event{Kind: EvReschedule, Actor: owner, To: t0.Add(48 * time.Hour), Text: "freeze"},
			at: t0.Add(-time.Hour), wantState: Scheduled, check: func(t *testing.T, out Outcome) {
				require.Equal(t, t0.Add(48*time.Hour), out.Occ.Window)
				require.Equal(t, 1, out.Occ.Reschedules)
				require.Contains(t, out.Disarm, TimerOpen)
				require.Equal(t, "freeze", out.DelayLog)
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := Step(tc.given, tc.ev, env(tc.at))
			if tc.wantErr != "" {
				require.Error(t, err)
				require.Equal(t, tc.wantErr, KindOf(err))
			} else {
				require.NoError(t, err)
			}
			require.Equal(t, tc.wantState, out.Occ.State)
			if tc.check != nil {
				tc.check(t, out)
			}
		})
	}
}

// TestStep_GivenRandomEventSequences_ThenInvariantsHold is a property test: whatever
// happens, a non-owner never approves, an unconfirmed occurrence never starts, a
// finished occurrence never goes back to an approval state, and a stranger never
// records (nor replaces) an incident reference.
func TestStep_GivenRandomEventSequences_ThenInvariantsHold(t *testing.T) {
	kinds := []EventKind{EvConfirmDue, EvReminderDue, EvConfirm, EvDecline, EvWindowOpen, EvRunStart, EvRunFinish, EvCancel,
		EvDelayDue, EvJustify, EvReschedule, EvIncident, EvDeadline, EvLearnings}
	actors := []Actor{owner, oper, {User: "U0ONCALL", Responder: true}, nobody, {}}
	exit := 0
	results := []RunResult{{ExitCode: &exit}, {Reason: ReasonExit}, {Reason: ReasonTimeout}, {Reason: ReasonCancelled}, {Reason: ReasonInterrupted}}
	rng := rand.New(rand.NewPCG(1, 2))
	for seq := 0; seq < 3000; seq++ {
		o := occ(Scheduled)
		now := t0.Add(-25 * time.Hour)
		for step := 0; step < 40; step++ {
			now = now.Add(time.Duration(rng.IntN(120)) * time.Minute)
			ev := Event{Kind: kinds[rng.IntN(len(kinds))], Actor: actors[rng.IntN(len(actors))], Text: []string{"", "why", "INC-1", "INC-2"}[rng.IntN(4)], Replace: rng.IntN(2) == 0,
				To: now.Add(time.Duration(rng.IntN(72)-24) * time.Hour), Preflight: &Preflight{}}
			if ev.Kind == EvRunFinish {
				r := results[rng.IntN(len(results))]
				ev.Run = &r
			}
			before := o
			out, err := Step(o, ev, env(now))
			if err != nil {
				require.Equal(t, before, out.Occ, "a refusal changes nothing (%s by %+v)", ev.Kind, ev.Actor)
				continue
			}
			after := out.Occ
			if after.State == Confirmed && before.State != Confirmed {
				require.True(t, ev.Actor.Owner, "only an owner approves")
				require.Equal(t, ev.Actor.User, after.ApprovedBy)
			}
			if after.State == Running && before.State != Running {
				require.Contains(t, []State{Confirmed, Failed, Cancelled}, before.State, "only a confirmed occurrence (or a retry) starts")
				require.False(t, now.Before(before.Window), "never before the window")
			}
			if before.State.Finished() {
				require.NotContains(t, []State{Scheduled, AwaitingConfirmation, Confirmed, Declined}, after.State, "finished never goes back")
			}
			if after.IncidentRef != before.IncidentRef {
				require.True(t, ev.Actor.Owner || ev.Actor.Operator || ev.Actor.Responder, "only owners, operators and responders record an incident")
				require.Equal(t, ev.Kind, EvIncident)
			}
			if after.Escalated && !before.Escalated {
				require.Empty(t, after.IncidentRef, "escalation only without an incident reference")
			}
			o = after
		}
	}
}

func TestNextDelayAlert_GivenTheAlertsSoFar_ThenTheGapsDouble(t *testing.T) {
	th := 30 * time.Minute
	tests := []struct {
		name   string
		repeat int
		now    time.Time
		want   time.Time
	}{
		{name: "after the first alert (T+30m): T+1h", repeat: 1, now: t0.Add(30 * time.Minute), want: t0.Add(time.Hour)},
		{name: "after the second: T+2h", repeat: 2, now: t0.Add(time.Hour), want: t0.Add(2 * time.Hour)},
		{name: "after the sixth: T+32h", repeat: 6, now: t0.Add(16 * time.Hour), want: t0.Add(32 * time.Hour)},
		{name: "overdue after downtime: one threshold from now, not a burst", repeat: 2, now: t0.Add(5 * time.Hour), want: t0.Add(5*time.Hour + th)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, nextDelayAlert(t0, th, tt.repeat, tt.now))
		})
	}
	// A huge repeat count neither overflows nor goes past the bound.
	got := nextDelayAlert(t0, th, 900, t0.Add(time.Hour))
	require.True(t, got.After(t0.Add(time.Hour)))
	require.False(t, got.After(t0.Add(2*maxDelayOffset)))
}
