package bot

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// seedChange is seed-dev-data's approval of --mode plan, withdrawn when the runbook said --mode apply.
func seedChange(t testing.TB) *runbook.TermsChange {
	j, _ := testRunbook(t, runbook.LangEN).Job("seed-dev-data")
	now := runbook.TermsOf(j)
	plan := j
	plan.Command = []string{"scripts/infra/seed-dev-data.sh", "--mode", "plan"}
	was := runbook.TermsOf(plan)
	return &runbook.TermsChange{Approved: &was, Current: now, ApprovedBy: "U03MARCOS"}
}

// approvedPlan is a confirmed seed-dev-data occurrence whose approval was of --mode plan.
func approvedPlan(t testing.TB, state runbook.State) runbook.Occurrence {
	return runbook.Occurrence{ID: 7, Job: "seed-dev-data", Slot: window, Window: window, State: state, RequestedAt: tp(window.Add(-24 * time.Hour)),
		ApprovedBy: "U03MARCOS", ApprovedAt: tp(window.Add(-3 * time.Hour)), Approved: seedChange(t).Approved,
		RunBy: "U03MARCOS", Attempts: 1, StartedAt: tp(window.Add(time.Minute))}
}

func TestRender_GivenAnApprovalOfAnotherCommand_ThenMessagesAboutItShowTheApprovedCommand(t *testing.T) {
	b, _, _ := newTestBot(t, runbook.LangEN)
	tests := []struct {
		name string
		n    runbook.Notice
	}{
		{"the confirmed request", runbook.Notice{Kind: runbook.NoticeRequest, Key: "occ/7/request/0", Update: true, Channel: runbook.ChannelRunbook, Occ: approvedPlan(t, runbook.Confirmed)}},
		{"the window open", runbook.Notice{Kind: runbook.NoticeWindowOpen, Key: "occ/7/request/0/open", Channel: runbook.ChannelRunbook, Occ: approvedPlan(t, runbook.Confirmed)}},
		{"the run started", runbook.Notice{Kind: runbook.NoticeRunStarted, Key: "occ/7/run/1", Channel: runbook.ChannelRunbook, Occ: approvedPlan(t, runbook.Running)}},
		{"the run result", runbook.Notice{Kind: runbook.NoticeRunResult, Key: "occ/7/run/1", Update: true, Channel: runbook.ChannelRunbook, Occ: approvedPlan(t, runbook.Succeeded)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := b.Render(tc.n, renderNow)
			text := allText(m)
			assert.Contains(t, text, "scripts/infra/seed-dev-data.sh --mode plan")
			assert.NotContains(t, text, "--mode apply", "the runbook's command now is not what was approved")
			for _, btn := range m.Buttons {
				assert.NotContains(t, btn.Confirm, "--mode apply")
			}
		})
	}
}

func TestRender_GivenAWithdrawnApproval_ThenTheThreadSaysWhatChangedAndTheRequestAsksAgain(t *testing.T) {
	for _, lang := range []runbook.Lang{runbook.LangEN, runbook.LangPT} {
		t.Run(string(lang), func(t *testing.T) {
			b, _, _ := newTestBot(t, lang)
			ns := notices(t)
			w := b.Render(ns["approval_withdrawn"], renderNow)
			text := allText(w)
			assert.Contains(t, text, "scripts/infra/seed-dev-data.sh --mode plan")
			assert.Contains(t, text, "scripts/infra/seed-dev-data.sh --mode apply")
			assert.Contains(t, text, "@Marcos Paulo", "who had approved")
			assert.NotEmpty(t, w.Mentions, "the owners are asked")
			assert.Empty(t, w.Buttons, "the request keeps the buttons")
			labels := []string{}
			for _, s := range w.Sections {
				for _, f := range s.Fields {
					labels = append(labels, f.Label)
				}
			}
			assert.Len(t, labels, 2, "only the command changed: %v", labels)

			req := b.Render(ns["confirm_request_reasked"], renderNow)
			require.Len(t, req.Buttons, 2, "asked again, with its buttons")
			assert.Equal(t, "confirm", req.Buttons[0].ID)
			assert.Contains(t, allText(req), "scripts/infra/seed-dev-data.sh --mode apply", "the request shows the command to approve now")
			assert.Contains(t, allText(req), "⚠")
		})
	}
}

func TestRender_GivenAnApprovalThatKeptNoTerms_WhenWithdrawn_ThenEveryTermIsShownAsNotRecorded(t *testing.T) {
	b, _, _ := newTestBot(t, runbook.LangEN)
	n := notices(t)["approval_withdrawn"]
	c := *n.Change
	c.Approved = nil
	n.Change = &c
	m := b.Render(n, renderNow)
	assert.Contains(t, allText(m), "not recorded")
	assert.Contains(t, allText(m), "--mode apply")
}

func TestErrorReply_GivenARunOfAnotherCommandThanApproved_ThenItNamesBoth(t *testing.T) {
	b, _, _ := newTestBot(t, runbook.LangEN)
	err := runbook.NewError(runbook.KindConflict, "approval_changed", map[string]any{"approved": "scripts/swap.sh --mode plan", "current": "scripts/swap.sh --mode apply", "state": "failed"})
	rep := b.errorReply(err, VerbRun, "seed-dev-data")
	assert.Contains(t, rep.Fallback, "“scripts/swap.sh --mode plan”")
	assert.Contains(t, rep.Fallback, "“scripts/swap.sh --mode apply”")
	assert.Contains(t, rep.Fallback, "nothing was run")
}
