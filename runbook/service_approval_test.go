package runbook_test

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// The seed-dev-data row of the test runbook, as its tests edit it.
const (
	seedApply = "`scripts/infra/seed-dev-data.sh --mode apply`"
	seedPlan  = "`scripts/infra/seed-dev-data.sh --mode plan`"
)

// editedRunbook parses the test runbook with each old text replaced by its new one.
func editedRunbook(t *testing.T, replacements ...string) *runbook.Runbook {
	t.Helper()
	src, err := os.ReadFile("testdata/runbook.pt.md")
	require.NoError(t, err)
	doc := string(src)
	for i := 0; i+1 < len(replacements); i += 2 {
		require.Contains(t, doc, replacements[i])
		doc = strings.Replace(doc, replacements[i], replacements[i+1], 1)
	}
	rb, problems := runbook.Parse("testdata/runbook.pt.md", []byte(doc), runbook.ParseOptions{DefaultZone: time.UTC})
	require.Empty(t, problems)
	return rb
}

// planHarness is a harness over the runbook whose seed-dev-data runs --mode plan,
// running scripts with a fakeExec, the clock an hour before Friday's window,
// its request posted and approved by Marcos.
func planHarness(t *testing.T) (h *harness, exec *fakeExec, marcos string, window time.Time) {
	t.Helper()
	window = time.Date(2026, 12, 4, 19, 0, 0, 0, time.UTC)
	h = newHarness(t, window.Add(-26*time.Hour), runbook.Settings{})
	h.rb = editedRunbook(t, seedApply, seedPlan)
	exec = &fakeExec{}
	h.svc = runbook.NewService(h.rb, runbook.Settings{}, runbook.Deps{Store: h.db, Clock: h.clock, Executor: exec, Checker: okChecker{}})
	marcos = contactID(t, h.rb, "Marcos Paulo")
	h.advanceTo(window.Add(-time.Hour))
	o, err := h.svc.Confirm(context.Background(), runbook.Request{User: marcos, RequestID: "c1"}, "seed-dev-data", false)
	require.NoError(t, err)
	require.Equal(t, runbook.Confirmed, o.State)
	return h, exec, marcos, window
}

// chatNotices are the chat outbox's notices, in order.
func (h *harness) chatNotices() []runbook.Notice {
	var out []runbook.Notice
	for _, d := range h.deliveries(runbook.SinkChat) { // in the order they were queued
		var n runbook.Notice
		require.NoError(h.t, json.Unmarshal(d.Payload, &n))
		out = append(out, n)
	}
	return out
}

// seedWindow is seed-dev-data's occurrence at window.
func (h *harness) seedWindow(window time.Time) runbook.Occurrence {
	var o runbook.Occurrence
	require.NoError(h.t, h.db.View(context.Background(), func(tx runbook.Tx) error {
		var ok bool
		var err error
		o, ok, err = tx.OccurrenceAt("seed-dev-data", window)
		require.True(h.t, ok)
		return err
	}))
	return o
}

func TestService_GivenAConfirmedWindow_WhenTheRunbookEditsItsCommand_ThenTheOldApprovalCannotRunItAndANewOneIsAskedFor(t *testing.T) {
	// Given: seed-dev-data approved while the runbook said --mode plan.
	h, exec, marcos, window := planHarness(t)
	ctx := context.Background()
	approved := recordsOf(h.records(window), runbook.RecApproved)
	require.Len(t, approved, 1)
	require.Equal(t, "scripts/infra/seed-dev-data.sh --mode plan", approved[0].Fields["argv"], "the approval records what it approved")
	require.Len(t, approved[0].Fields["digest"], 64)
	before := len(h.chatNotices())

	// When: the runbook is edited to --mode apply, and the window opens.
	h.svc.Reload(ctx, editedRunbook(t), nil)
	o := h.seedWindow(window)
	require.Equal(t, runbook.AwaitingConfirmation, o.State, "the approval is withdrawn")
	require.Empty(t, o.ApprovedBy)
	h.advanceTo(window)
	_, err := h.svc.Run(ctx, runbook.Request{User: marcos, RequestID: "r1"}, "seed-dev-data")

	// Then: the old approval runs nothing.
	require.Equal(t, runbook.KindConflict, runbook.KindOf(err), "%v", err)
	require.Empty(t, exec.runs, "nothing ran under the old approval")

	// And the request's thread says what changed; the request asks again, with the new command.
	var withdrawn, asked []runbook.Notice
	for _, n := range h.chatNotices()[before:] {
		switch {
		case n.Kind == runbook.NoticeWithdrawn:
			withdrawn = append(withdrawn, n)
		case n.Kind == runbook.NoticeRequest && n.Update:
			asked = append(asked, n)
		}
	}
	require.Len(t, withdrawn, 1)
	require.Equal(t, o.RequestKey(), withdrawn[0].Thread)
	require.Equal(t, []string{"scripts/infra/seed-dev-data.sh", "--mode", "plan"}, withdrawn[0].Change.Approved.Argv)
	require.Equal(t, []string{"scripts/infra/seed-dev-data.sh", "--mode", "apply"}, withdrawn[0].Change.Current.Argv)
	require.Equal(t, marcos, withdrawn[0].Change.ApprovedBy)
	require.Len(t, asked, 1)
	require.Equal(t, runbook.AwaitingConfirmation, asked[0].Occ.State)
	require.NotNil(t, asked[0].Change)
	recs := recordsOf(h.records(window), runbook.RecWithdrawn)
	require.Len(t, recs, 1)
	require.Equal(t, "scripts/infra/seed-dev-data.sh --mode plan", recs[0].Fields["previous_argv"])
	require.Equal(t, "scripts/infra/seed-dev-data.sh --mode apply", recs[0].Fields["argv"])
	require.Equal(t, marcos, recs[0].Fields["approved_by"])

	// And a new approval runs the new command.
	_, err = h.svc.Confirm(ctx, runbook.Request{User: marcos, RequestID: "c2"}, "seed-dev-data", false)
	require.NoError(t, err)
	_, err = h.svc.Run(ctx, runbook.Request{User: marcos, RequestID: "r2"}, "seed-dev-data")
	require.NoError(t, err)
	require.Equal(t, []string{"scripts/infra/seed-dev-data.sh", "--mode", "apply"}, exec.last(t).argv)
	o = h.seedWindow(window)
	require.Equal(t, []string{"scripts/infra/seed-dev-data.sh", "--mode", "apply"}, o.Approved.Argv, "the occurrence keeps what was approved")
}

func TestService_GivenAConfirmedWindow_WhenItsRowIsEdited_ThenOnlyAChangeOfCommandOwnersOrDependenciesWithdrawsTheApproval(t *testing.T) {
	tests := []struct {
		name      string
		edits     []string
		withdrawn bool
		field     string // the audit field that differs from its previous_ one
	}{
		{"the command", []string{seedPlan, seedApply}, true, "argv"},
		{"an argument's spelling", []string{seedPlan, "`scripts/infra/seed-dev-data.sh --mode=plan`"}, true, "argv"},
		{"the backup owner", []string{"DevOps (Marcos Paulo) | Time de Plataforma (Bianca Ramos)", "DevOps (Marcos Paulo) | Time de Plataforma (Ana Souza)"}, true, "owners"},
		{"the dependencies", []string{"variáveis `DEV_RELATIONAL_URL`/`DEV_NOSQL_URL`", "variáveis `DEV_RELATIONAL_URL`"}, true, "dependencies"},
		{"another job's row", []string{"`scripts/infra/reset-staging.sh`", "`scripts/infra/reset-staging.sh --force`"}, false, ""},
		{"nothing", nil, false, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, _, _, window := planHarness(t)
			before := len(h.chatNotices())

			h.svc.Reload(context.Background(), editedRunbook(t, append([]string{seedApply, seedPlan}, tc.edits...)...), nil)

			o := h.seedWindow(window)
			recs := recordsOf(h.records(window), runbook.RecWithdrawn)
			if !tc.withdrawn {
				require.Equal(t, runbook.Confirmed, o.State)
				require.Empty(t, recs)
				require.Len(t, h.chatNotices(), before, "nothing posted")
				return
			}
			require.Equal(t, runbook.AwaitingConfirmation, o.State)
			require.Len(t, recs, 1)
			require.NotEqual(t, recs[0].Fields["previous_"+tc.field], recs[0].Fields[tc.field])
			require.NotEqual(t, recs[0].Fields["previous_digest"], recs[0].Fields["digest"])
		})
	}
}

func TestService_GivenAFailedRun_WhenTheCommandChangesBeforeTheRerun_ThenTheRerunIsRefusedAndAudited(t *testing.T) {
	h, exec, marcos, window := planHarness(t)
	ctx := context.Background()
	h.advanceTo(window)
	_, err := h.svc.Run(ctx, runbook.Request{User: marcos, RequestID: "r1"}, "seed-dev-data")
	require.NoError(t, err)
	one := 1
	exec.last(t).done <- runbook.RunResult{ExitCode: &one, Reason: runbook.ReasonExit}
	h.svc.Wait()
	require.Equal(t, runbook.Failed, h.seedWindow(window).State)

	h.svc.Reload(ctx, editedRunbook(t), nil)
	_, err = h.svc.Run(ctx, runbook.Request{User: marcos, RequestID: "r2"}, "seed-dev-data")

	var e *runbook.Error
	require.ErrorAs(t, err, &e)
	require.Equal(t, "approval_changed", e.Code)
	require.Equal(t, "scripts/infra/seed-dev-data.sh --mode plan", e.Args["approved"])
	require.Equal(t, "scripts/infra/seed-dev-data.sh --mode apply", e.Args["current"])
	require.Len(t, exec.runs, 1, "the rerun did not start")
	refused := recordsOf(h.records(window), runbook.RecRefused)
	require.Len(t, refused, 1)
	require.Equal(t, "approval_changed", refused[0].Fields["reason"])
	require.Equal(t, runbook.Failed, h.seedWindow(window).State)
}

func TestService_GivenAConfirmedWindow_WhenTheBotStartsWithAnEditedRunbook_ThenTheApprovalIsWithdrawnOnce(t *testing.T) {
	h, _, _, window := planHarness(t)
	before := len(h.chatNotices())
	start := func(rb *runbook.Runbook) {
		ctx, cancel := context.WithCancel(context.Background())
		svc := runbook.NewService(rb, runbook.Settings{}, runbook.Deps{Store: h.db, Clock: h.clock, Checker: okChecker{}})
		require.NoError(t, svc.Start(ctx, nil))
		cancel()
		svc.WaitLoops()
	}

	start(h.rb) // the runbook it was approved with: nothing changes
	require.Equal(t, runbook.Confirmed, h.seedWindow(window).State)

	edited := editedRunbook(t)
	start(edited)
	start(edited) // started again: nothing more to withdraw
	o := h.seedWindow(window)
	require.Equal(t, runbook.AwaitingConfirmation, o.State)
	require.Len(t, recordsOf(h.records(window), runbook.RecWithdrawn), 1)
	n := 0
	for _, x := range h.chatNotices()[before:] {
		if x.Kind == runbook.NoticeWithdrawn {
			n++
		}
	}
	require.Equal(t, 1, n)
}

func TestService_GivenAConfirmedWindowThatNeverRan_WhenTheNextWindowHasComeAndTheRowIsEdited_ThenItsOldApprovalIsLeftAlone(t *testing.T) {
	h, _, _, window := planHarness(t)
	h.advanceTo(window.Add(7*24*time.Hour + time.Hour)) // the next Friday's window came and went
	before := len(h.chatNotices())

	h.svc.Reload(context.Background(), editedRunbook(t), nil)

	require.Equal(t, runbook.Confirmed, h.seedWindow(window).State, "nothing acts on last week's window: its thread stays quiet")
	for _, n := range h.chatNotices()[before:] {
		require.NotEqual(t, runbook.NoticeWithdrawn, n.Kind)
	}
}
