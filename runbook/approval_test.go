package runbook

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// swapJob is a job row whose command has the given mode.
func swapJob(mode string) Job {
	return Job{ID: "swap", Command: []string{"scripts/swap.sh", "--mode", mode},
		Primary: Owner{Team: "Platform", Person: "Ana"}, Backup: Owner{Team: "SRE", Person: "Lucas"},
		Checks: []Check{{Kind: CheckTool, Names: []string{"kubectl"}, Text: "kubectl"}, {Kind: CheckManual, Text: "tell the platform team"}}}
}

func termsOf(mode string) *Terms { t := TermsOf(swapJob(mode)); return &t }

// approvedOcc is a confirmed occurrence approved for the plan mode; requested says whether its request went out.
func approvedOcc(requested bool) Occurrence {
	o := occ(Confirmed)
	o.ApprovedBy, o.ApprovedAt, o.Approved = "U0PRIMARY", ptr(t0.Add(-3*time.Hour)), termsOf("plan")
	if requested {
		o.RequestedAt = ptr(t0.Add(-24 * time.Hour))
	}
	return o
}

func TestTermsOf_GivenTwoRows_ThenTheDigestTellsApartEveryChangeOfCommandOwnersOrDependencies(t *testing.T) {
	base := swapJob("plan")
	edits := map[string]func(j *Job){
		"an argument":          func(j *Job) { j.Command = []string{"scripts/swap.sh", "--mode", "apply"} },
		"arguments joined":     func(j *Job) { j.Command = []string{"scripts/swap.sh", "--mode plan"} },
		"an argument added":    func(j *Job) { j.Command = append(j.Command, "--force") },
		"the primary's person": func(j *Job) { j.Primary.Person = "Bianca" },
		"the backup's team":    func(j *Job) { j.Backup.Team = "DevOps" },
		"owner text moved":     func(j *Job) { j.Primary = Owner{Team: "Platform (Ana)"} },
		"a dependency dropped": func(j *Job) { j.Checks = j.Checks[:1] },
		"a dependency's kind": func(j *Job) {
			j.Checks = []Check{{Kind: CheckEnv, Names: []string{"kubectl"}, Text: "kubectl"}, j.Checks[1]}
		},
		"a checklist item's wording": func(j *Job) { j.Checks = []Check{j.Checks[0], {Kind: CheckManual, Text: "tell the DBA"}} },
	}
	seen := map[string]string{TermsOf(base).Digest: "base"}
	for name, edit := range edits {
		j := swapJob("plan")
		j.Checks = append([]Check(nil), j.Checks...)
		edit(&j)
		d := TermsOf(j).Digest
		require.Len(t, d, 64)
		require.NotContains(t, seen, d, "%s encodes like %s", name, seen[d])
		seen[d] = name
	}
	same := swapJob("plan")
	same.Window, same.Line = Window{Daily: true, Hour: 3}, 99
	require.Equal(t, TermsOf(base).Digest, TermsOf(same).Digest, "the window and the line are not approval terms")
	require.Equal(t, []string{"Platform (Ana)", "SRE (Lucas)"}, TermsOf(base).Owners)
	require.Equal(t, []string{"kubectl", "tell the platform team"}, TermsOf(base).Deps)
}

func TestStep_GivenAnApprovalOfOtherTerms_WhenTheLifecycleMovesOn_ThenNothingRunsUnderIt(t *testing.T) {
	plan, apply := termsOf("plan"), termsOf("apply")
	autorun := env(t0)
	autorun.Autorun = true
	tests := []struct {
		name      string
		given     Occurrence
		ev        Event
		env       StepEnv
		wantState State
		wantErr   string
		check     func(t *testing.T, out Outcome)
	}{
		{name: "a confirmation records the terms it approves", given: occ(AwaitingConfirmation),
			ev: Event{Kind: EvConfirm, Actor: owner, Terms: plan}, env: env(t0.Add(-time.Hour)), wantState: Confirmed,
			check: func(t *testing.T, out Outcome) {
				require.Equal(t, plan, out.Occ.Approved)
				f := out.Records[0].Fields
				require.Equal(t, "scripts/swap.sh --mode plan", f["argv"])
				require.Equal(t, plan.Digest, f["digest"])
				require.Equal(t, "Platform (Ana); SRE (Lucas)", f["owners"])
				require.Equal(t, "kubectl; tell the platform team", f["dependencies"])
			}},
		{name: "a run of the approved terms starts them", given: approvedOcc(true),
			ev: Event{Kind: EvRunStart, Actor: owner, Terms: plan, Argv: plan.Argv}, env: env(t0), wantState: Running,
			check: func(t *testing.T, out Outcome) {
				require.True(t, out.StartRun)
				require.Equal(t, "scripts/swap.sh --mode plan", out.Records[0].Fields["argv"])
			}},
		{name: "a run of other terms is refused and audited", given: approvedOcc(true),
			ev: Event{Kind: EvRunStart, Actor: owner, Terms: apply, Argv: apply.Argv}, env: env(t0), wantState: Confirmed, wantErr: "approval_changed",
			check: func(t *testing.T, out Outcome) {
				require.False(t, out.StartRun)
				require.Len(t, out.Records, 1)
				f := out.Records[0].Fields
				require.Equal(t, "approval_changed", f["reason"])
				require.Equal(t, "scripts/swap.sh --mode plan", f["approved"])
				require.Equal(t, "scripts/swap.sh --mode apply", f["current"])
			}},
		{name: "a rerun of a failure under other terms is refused", given: func() Occurrence {
			o := approvedOcc(true)
			o.State, o.Attempts = Failed, 1
			return o
		}(), ev: Event{Kind: EvRunStart, Actor: owner, Terms: apply}, env: env(t0.Add(time.Hour)), wantState: Failed, wantErr: "approval_changed"},
		{name: "autorun at the window does not start other terms: the approval is withdrawn", given: approvedOcc(true),
			ev: Event{Kind: EvWindowOpen, Terms: apply, Argv: apply.Argv}, env: autorun, wantState: AwaitingConfirmation,
			check: func(t *testing.T, out Outcome) {
				require.False(t, out.StartRun)
				kinds := []NoticeKind{}
				for _, n := range out.Notices {
					kinds = append(kinds, n.Kind)
				}
				require.Equal(t, []NoticeKind{NoticeWithdrawn, NoticeRequest, NoticeWindowOpen}, kinds)
			}},
		{name: "terms changed after the request: asked again in its thread", given: approvedOcc(true),
			ev: Event{Kind: EvTermsChanged, Terms: apply}, env: env(t0.Add(-time.Hour)), wantState: AwaitingConfirmation,
			check: func(t *testing.T, out Outcome) {
				require.Nil(t, out.Occ.Approved)
				require.Empty(t, out.Occ.ApprovedBy)
				require.Nil(t, out.Occ.ApprovedAt)
				require.Len(t, out.Notices, 2)
				w, req := out.Notices[0], out.Notices[1]
				require.Equal(t, NoticeWithdrawn, w.Kind)
				require.Equal(t, out.Occ.RequestKey(), w.Thread)
				require.Equal(t, &TermsChange{Approved: plan, Current: *apply, ApprovedBy: "U0PRIMARY"}, w.Change)
				require.Equal(t, NoticeRequest, req.Kind)
				require.True(t, req.Update)
				require.Equal(t, w.Change, req.Change)
				require.Equal(t, RecWithdrawn, out.Records[0].Kind)
				f := out.Records[0].Fields
				require.Equal(t, "scripts/swap.sh --mode plan", f["previous_argv"])
				require.Equal(t, "scripts/swap.sh --mode apply", f["argv"])
				require.Equal(t, "U0PRIMARY", f["approved_by"])
			}},
		{name: "terms changed before the request went out: scheduled again, told at the top", given: approvedOcc(false),
			ev: Event{Kind: EvTermsChanged, Terms: apply}, env: env(t0.Add(-30 * time.Hour)), wantState: Scheduled,
			check: func(t *testing.T, out Outcome) {
				require.Len(t, out.Notices, 1)
				require.Equal(t, NoticeWithdrawn, out.Notices[0].Kind)
				require.Empty(t, out.Notices[0].Thread)
			}},
		{name: "an approval without terms (recorded before they were kept) is asked again", given: func() Occurrence {
			o := approvedOcc(true)
			o.Approved = nil
			return o
		}(), ev: Event{Kind: EvTermsChanged, Terms: plan}, env: env(t0.Add(-time.Hour)), wantState: AwaitingConfirmation,
			check: func(t *testing.T, out Outcome) {
				require.Nil(t, out.Notices[0].Change.Approved)
				require.Equal(t, "", out.Records[0].Fields["previous_digest"])
			}},
		{name: "the same terms change nothing", given: approvedOcc(true),
			ev: Event{Kind: EvTermsChanged, Terms: termsOf("plan")}, env: env(t0.Add(-time.Hour)), wantState: Confirmed,
			check: func(t *testing.T, out Outcome) { require.True(t, out.Skipped) }},
		{name: "a window not confirmed has no approval to withdraw", given: occ(AwaitingConfirmation),
			ev: Event{Kind: EvTermsChanged, Terms: apply}, env: env(t0.Add(-time.Hour)), wantState: AwaitingConfirmation,
			check: func(t *testing.T, out Outcome) { require.True(t, out.Skipped) }},
		{name: "a decline drops the approval", given: approvedOcc(true),
			ev: Event{Kind: EvDecline, Actor: owner, Text: "freeze"}, env: env(t0.Add(-time.Hour)), wantState: Declined,
			check: func(t *testing.T, out Outcome) { require.Nil(t, out.Occ.Approved) }},
		{name: "a reschedule drops the approval", given: approvedOcc(true),
			ev: Event{Kind: EvReschedule, Actor: owner, Text: "later", To: t0.Add(2 * time.Hour)}, env: env(t0.Add(-time.Hour)), wantState: Scheduled,
			check: func(t *testing.T, out Outcome) { require.Nil(t, out.Occ.Approved) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := Step(tc.given, tc.ev, tc.env)
			if tc.wantErr != "" {
				var e *Error
				require.ErrorAs(t, err, &e)
				require.Equal(t, tc.wantErr, e.Code)
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
