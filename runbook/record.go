package runbook

import "time"

// RecordKind names an audited event.
type RecordKind string

// Audited event kinds, also the "kind" of ITSM webhook events.
const (
	RecConfirmRequested RecordKind = "confirmation_requested"
	RecApproved         RecordKind = "approved"
	RecDeclined         RecordKind = "declined"
	RecRefused          RecordKind = "refused"
	RecPreflight        RecordKind = "preflight"
	RecRunStarted       RecordKind = "run_started"
	RecRunFinished      RecordKind = "run_finished"
	RecDryRun           RecordKind = "dry_run"
	RecCancelled        RecordKind = "cancel_requested"
	RecDelayed          RecordKind = "delay_alerted"
	RecJustified        RecordKind = "delay_justified"
	RecRescheduled      RecordKind = "rescheduled"
	RecIncident         RecordKind = "incident_recorded"
	RecIncidentReplaced RecordKind = "incident_replaced"
	RecEscalated        RecordKind = "escalated"
	RecLearnings        RecordKind = "learnings_recorded"
	RecInterrupted      RecordKind = "run_interrupted"
	RecCommitted        RecordKind = "record_committed"   // a check-in entry or delay-log line reached the runbook's git repository
	RecFreeze           RecordKind = "freeze_set"         // a change freeze set from chat
	RecUnfreeze         RecordKind = "freeze_lifted"      // the freezes in force lifted from chat
	RecFrozen           RecordKind = "window_frozen"      // a window opened inside a change freeze
	RecWithdrawn        RecordKind = "approval_withdrawn" // the runbook's row changed after the approval
)

// Record is one row of the append-only audit log (and one ITSM webhook event).
// Every text field is already redacted.
type Record struct {
	ID         int64             `json:"id"`
	Occurrence int64             `json:"occurrence,omitempty"` // the occurrence it belongs to, 0 when none
	At         time.Time         `json:"at"`
	Kind       RecordKind        `json:"kind"`
	Job        string            `json:"job"`
	Window     time.Time         `json:"window"`
	Actor      string            `json:"actor,omitempty"`    // Slack user ID, empty for the bot itself
	Envelope   string            `json:"envelope,omitempty"` // the Slack envelope / trigger id that caused it
	Fields     map[string]string `json:"fields,omitempty"`   // kind-specific details (reason, exit_code, argv, log_sha256…)
}

// CheckResult is the outcome of one pre-flight check. It names, never shows values.
type CheckResult struct {
	Check  Check `json:"check"`
	OK     bool  `json:"ok"`
	Detail Msg   `json:"detail,omitzero"` // e.g. preflight.tool_version (docker, Docker version 28.2.2) or preflight.not_set; never a value
}

// Preflight is the outcome of all checks of a job.
type Preflight struct {
	Results []CheckResult `json:"results"`
	Env     []string      `json:"env,omitempty"` // the names of the variables the script gets, sorted; never values
}

// OK reports whether no automated check failed (manual items do not fail).
func (p Preflight) OK() bool { return len(p.Failed()) == 0 }

// HasAutomated reports whether any check is automated (not a manual item).
func (p Preflight) HasAutomated() bool {
	for _, r := range p.Results {
		if r.Check.Kind != CheckManual {
			return true
		}
	}
	return false
}

// Failed lists the automated checks that failed.
func (p Preflight) Failed() []CheckResult {
	var out []CheckResult
	for _, r := range p.Results {
		if r.Check.Kind != CheckManual && !r.OK {
			out = append(out, r)
		}
	}
	return out
}
