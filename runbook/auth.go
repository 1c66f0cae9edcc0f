package runbook

// Action is something a user asks to do to an occurrence.
type Action string

// Actions that need authorization.
const (
	ActConfirm    Action = "confirm"
	ActDecline    Action = "decline"
	ActRun        Action = "run"
	ActDryRun     Action = "dry_run"
	ActCancel     Action = "cancel"
	ActReschedule Action = "reschedule"
	ActJustify    Action = "delay"
	ActLearnings  Action = "learnings"
	ActIncident   Action = "incident"
)

// Actor is who asks, with what the service found out about them.
type Actor struct {
	User     string // Slack user ID; empty for the bot's own timers
	Envelope string // envelope or trigger id of the request, for the audit log
	Owner    bool   // primary or backup owner of the job (by user ID or group membership)
	Operator bool   // member of RUNBOOK_OPERATORS
}

// Allowed reports whether the actor may do the action. Owners may do everything;
// operators may run, cancel, dry-run, justify delays and record learnings, not approve;
// anyone may record an incident reference.
func Allowed(a Actor, act Action) bool {
	switch act {
	case ActIncident:
		return a.User != ""
	case ActConfirm, ActDecline, ActReschedule:
		return a.Owner
	default:
		return a.Owner || a.Operator
	}
}
