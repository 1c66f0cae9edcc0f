package bot

import (
	"sort"
	"testing"

	"github.com/runbook-bot/runbook-bot/runbook"
	"github.com/stretchr/testify/assert"
)

func keys(c catalogue) []string {
	out := make([]string, 0, len(c))
	for k := range c {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestCatalogue_GivenBothLanguages_ThenKeysAndPlaceholdersMatch(t *testing.T) {
	assert.Equal(t, keys(catalogueEN), keys(cataloguePT))
	for k, en := range catalogueEN {
		assert.Equal(t, placeholders(en), placeholders(cataloguePT[k]), k)
		assert.NotEmpty(t, cataloguePT[k], k)
	}
}

func TestCatalogue_GivenDomainVocabulary_ThenEveryNameHasAnEntry(t *testing.T) {
	codes := []string{"not_allowed", "already_confirmed", "declined_window_passed", "already_started", "reason_required",
		"already_declined", "already_running", "next_window_passed", "already_succeeded", "declined", "not_confirmed",
		"before_window", "not_running", "justification_required", "not_delayed", "reschedule_in_past",
		"incident_ref_required", "incident_ref_invalid", "incident_ref_unchanged", "no_failure", "incident_already_recorded", "learnings_required", "not_finished",
		"unknown_job", "no_occurrence", "duplicate", "blocker_tickets", "stale_button", "bad_button", "approval_changed"}
	var ids []string
	for _, c := range codes {
		ids = append(ids, "err."+c)
	}
	for _, s := range []runbook.State{runbook.Scheduled, runbook.AwaitingConfirmation, runbook.Confirmed, runbook.Declined,
		runbook.Running, runbook.Succeeded, runbook.Failed, runbook.Cancelled} {
		ids = append(ids, "state."+string(s))
	}
	for _, k := range []runbook.CheckKind{runbook.CheckEnv, runbook.CheckTool, runbook.CheckPath, runbook.CheckManual} {
		ids = append(ids, "check."+string(k))
	}
	for _, r := range []string{runbook.ReasonExit, runbook.ReasonTimeout, runbook.ReasonCancelled, runbook.ReasonPreflight, runbook.ReasonInterrupted, runbook.ReasonStart, runbook.ReasonReplicaLost} {
		ids = append(ids, "reason."+r)
	}
	for _, a := range []runbook.Action{runbook.ActConfirm, runbook.ActDecline, runbook.ActRun, runbook.ActDryRun, runbook.ActCancel,
		runbook.ActReschedule, runbook.ActJustify, runbook.ActLearnings, runbook.ActIncident} {
		ids = append(ids, "action."+string(a))
	}
	for _, v := range Verbs {
		ids = append(ids, "usage."+string(v), "desc."+string(v), "example."+string(v))
	}
	for _, id := range ids {
		_, ok := catalogueEN[id]
		assert.True(t, ok, id)
	}
}

func TestExpand_GivenPlaceholders_ThenTheyAreReplacedAndUnknownOnesKept(t *testing.T) {
	assert.Equal(t, "a X {b} Y", expand("a {x} {b} {y}", map[string]string{"x": "X", "y": "Y"}))
	assert.Equal(t, "{x}", expand("{x}", map[string]string{"z": "{x}"}))
	assert.Equal(t, "<!here> {y}", expand("{x}", map[string]string{"x": "<!here> {y}", "y": "no"}), "values are not expanded again")
}
