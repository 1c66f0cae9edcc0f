package bot

// Planning's entries (change freezes, App Home, calendar, simulate), in their
// own block: merged into catalogueEN when the package starts.
var planEN = catalogue{
	"usage.freeze":     "/runbook freeze <YYYY-MM-DD HH:MM> <reason>",
	"usage.unfreeze":   "/runbook unfreeze <reason>",
	"desc.freeze":      "Set a change freeze from now until then (the runbook's zone, {zone}): confirm and run are refused meanwhile. Operators and whoever owns every job.",
	"desc.unfreeze":    "Lift the change freezes in force (set here or declared in the runbook). Operators and whoever owns every job.",
	"example.freeze":   "/runbook freeze 2025-01-10 21:00 database migration in progress",
	"example.unfreeze": "/runbook unfreeze migration finished early",

	"action.freeze":   "set a change freeze",
	"action.unfreeze": "lift a change freeze",
	"who.freeze":      "a runbook operator or whoever owns every job",

	"err.not_allowed_nojob":      "Only {who} may {action}.",
	"err.frozen":                 "Change freeze in force until {until} (“{freeze}”): {job} cannot be confirmed or run until then. /runbook check, /runbook status and /runbook run --dry-run still work.",
	"err.window_frozen":          "The {job} window of {window} falls in the change freeze “{freeze}” (until {until}): it cannot be confirmed.",
	"err.freeze_in_past":         "The end of the freeze, {until}, is not in the future.",
	"err.freeze_reason_required": "A reason is required: /runbook freeze <YYYY-MM-DD HH:MM> <reason>.",
	"err.not_frozen":             "No change freeze is in force: nothing to lift.",

	"reply.freeze":   "❄ Change freeze set until {until}: {reason}. Confirm and run are refused until then; /runbook check, /runbook status and /runbook run --dry-run still work.",
	"reply.unfreeze": "Change freeze lifted:",

	"freeze.text":     "“{reason}” from {from} until {until}",
	"freeze.declared": "(declared in {file}, line {line})",
	"freeze.in_force": "Change freeze in force: {what}.",
	"freeze.upcoming": "Change freeze ahead: {what}.",
	"freeze.mark":     "frozen ({reason})",

	"label.freeze_until": "Frozen until",

	"notice.frozen":         "This window falls in the change freeze “{reason}” (until {until}): it cannot be confirmed or run while the freeze lasts, and it is not chased as late.",
	"notice.open.frozen":    "{job} does not run in this window.",
	"notice.freeze.title":   "❄ Change freeze until {until}",
	"notice.freeze.body":    "Set by {by}: {reason}. Until then nothing is confirmed or run; confirmation requests still go out and say so.",
	"notice.unfreeze.title": "Change freeze lifted",
	"notice.unfreeze.body":  "Lifted by {by}: {reason}. Windows can be confirmed and run again.",

	"sim.header":             "Simulation of {file} from {from} to {to} ({days} days): no script is run, nothing is posted. Owners answer 10 min after a request and run 5 min after the window opens, unless told not to; scripts take 2 min.",
	"sim.state":              "state: {job} ({window}): {from} → {to}",
	"sim.window":             "window {window}",
	"sim.by":                 "by {by}",
	"sim.record":             "record: {text}",
	"sim.checkin":            "check-in: {job} · window {window} · {state} · attempt {attempt}",
	"sim.delay_log":          "delay log: {job} · window {window} · {text}",
	"sim.action":             "{by} types: {text}",
	"sim.decline_reason":     "declined in the simulation (--decline)",
	"sim.end":                "End of the simulation: {messages} messages, {states} state changes, {records} records.",
	"sim.updated":            "updated",
	"cal.name":               "runbook-bot — execution windows",
	"cal.summary":            "{job} — {state}",
	"cal.frozen":             "Change freeze: “{reason}” until {until}: it cannot be confirmed or run while the freeze lasts.",
	"home.title":             "runbook-bot — your week",
	"home.intro":             "As of {now}: the next {days} days. It refreshes by itself within seconds of any change.",
	"home.needs_you":         "Needs you",
	"home.needs_you.empty":   "Nothing for you to confirm or run right now.",
	"home.upcoming":          "The next {days} days",
	"home.upcoming.empty":    "No window in the next days.",
	"home.results":           "Latest results ({n})",
	"home.results.empty":     "No run yet.",
	"home.more.one":          "… and {n} more window (/runbook schedule, the calendar feed).",
	"home.more.other":        "… and {n} more windows (/runbook schedule, the calendar feed).",
	"home.preflight.pending": "Pre-flight: with the confirmation request.",
	"home.preflight.ok":      "Pre-flight passed.",
	"home.preflight.failed":  "Pre-flight failed: {failed}.",
	"home.tickets":           "Open tickets: {n}.",
	"home.frozen_until":      "until {until}",
	"home.thread":            "Run thread",
	"button.check":           "Check",
}

func init() {
	for k, v := range planEN {
		catalogueEN[k] = v
	}
}
