package bot

// The runbook's problems (runbook.Problem's Msg codes) and text shown as
// written, in their own block: merged into catalogueEN when the package starts.
// Pre-flight details, ticket reasons and run notes are in catalogue_checks_en.go.
var msgEN = catalogue{
	"text":         "{text}",
	"problem.line": "{file}:{line}: {text}",

	"problem.no_schedule":           "no schedule table found (expected a table with the columns {columns})",
	"problem.schedule_empty":        "schedule table has no rows",
	"problem.column_missing":        "schedule table is missing column “{column}”",
	"problem.column_missing_or":     "schedule table is missing column “{column}” (or “{other}”)",
	"problem.job_duplicate":         "duplicate job “{job}” (already defined at line {line}; the job id is the script's file name without extension)",
	"problem.window_empty":          "empty window (expected <day> HH:MM [zone], e.g. “Segunda-feira 09:00” or “Daily 05:00 UTC”)",
	"problem.window_no_time":        "window “{window}” has no time (expected <day> HH:MM [zone], e.g. “Segunda-feira 09:00” or “Daily 05:00 UTC”)",
	"problem.window_no_day":         "window “{window}” has no day (expected <day> HH:MM [zone], e.g. “Segunda-feira 09:00” or “Daily 05:00 UTC”)",
	"problem.window_extra":          "unexpected text “{text}” after the window's time (expected <day> HH:MM [zone], e.g. “Segunda-feira 09:00” or “Daily 05:00 UTC”)",
	"problem.weekday_unknown":       "unknown weekday “{day}” (expected Segunda-feira…Domingo, Diária, Monday…Sunday or Daily)",
	"problem.time_invalid":          "invalid time “{time}” (expected HH:MM between 00:00 and 23:59)",
	"problem.zone_unknown":          "unknown time zone “{zone}” (expected UTC, UTC±H[:MM] or an IANA name such as America/Sao_Paulo)",
	"problem.frequency_unknown":     "unknown frequency “{frequency}” (expected Semanal, Diária, Weekly or Daily)",
	"problem.frequency_needs_day":   "frequency “{frequency}” needs a weekday window, but the window is daily",
	"problem.frequency_needs_daily": "frequency “{frequency}” needs a daily window (Diária/Daily), but the window is “{window}”",
	"problem.script_cell_empty":     "empty script cell (expected one backticked command, e.g. `scripts/infra/reset-staging.sh`)",
	"problem.script_not_backticked": "script “{script}” is not backticked (expected one backticked command, e.g. `scripts/infra/reset-staging.sh`)",
	"problem.script_many":           "script cell holds {n} backticked commands (expected exactly one)",
	"problem.script_empty":          "empty script command (expected one backticked command, e.g. `scripts/infra/reset-staging.sh`)",
	"problem.script_mode_twice":     "script “{script}” already has --mode; remove “({mode})” or the flag",
	"problem.script_no_name":        "script “{script}” has no file name to take the job id from",
	"problem.primary_empty":         "empty primary owner (expected “Team (Person)” or “Person”)",
	"problem.backup_empty":          "empty backup owner (expected “Team (Person)” or “Person”)",
	"problem.primary_unclear":       "primary owner “{owner}” is not understood (expected “Team (Person)” or “Person”)",
	"problem.backup_unclear":        "backup owner “{owner}” is not understood (expected “Team (Person)” or “Person”)",
	"problem.contact_no_name":       "contact without a name (Slack “{slack}”)",
	"problem.contact_duplicate":     "duplicate contact “{name}” (already at line {line})",
	"problem.contact_invalid":       "invalid Slack contact “{value}” for “{name}” (expected a user ID U…/W…, a user-group ID S… or an e-mail address)",
	"problem.no_contacts_table":     "no contacts table (add a {table} table with columns Nome/Name and Slack for {names})",
	"problem.no_contact":            "no contact for “{name}” (add it to the {table} table)",
	"problem.incident_channel":      "invalid incident channel “{channel}” (expected a Slack channel name such as #infra-incident)",
	"problem.deadline_zero":         "incident deadline “{value}” must be more than zero",
	"problem.threshold_zero":        "delay threshold “{value}” must be more than zero",
	"problem.lead_zero":             "confirmation lead “{value}” must be more than zero",
	"problem.freeze_columns":        "change freezes table is missing column(s) {missing} (expected Início | Fim | Motivo, or Start | End | Reason)",
	"problem.freeze_no_reason":      "change freeze without a reason (Motivo/Reason)",
	"problem.freeze_ends_before":    "change freeze ends ({end}) before it starts ({start})",
	"problem.freeze_start_not_time": "change freeze start “{value}” is not a time (expected YYYY-MM-DD HH:MM, optionally followed by a zone such as UTC or America/Sao_Paulo)",
	"problem.freeze_end_not_time":   "change freeze end “{value}” is not a time (expected YYYY-MM-DD HH:MM, optionally followed by a zone such as UTC or America/Sao_Paulo)",
	"problem.freeze_start_zone":     "unknown time zone “{zone}” in the change freeze start (expected UTC, UTC±H[:MM] or an IANA name such as America/Sao_Paulo)",
	"problem.freeze_end_zone":       "unknown time zone “{zone}” in the change freeze end (expected UTC, UTC±H[:MM] or an IANA name such as America/Sao_Paulo)",
	"problem.not_in_commit":         "not found in commit {commit}",
}

func init() {
	for k, v := range msgEN {
		catalogueEN[k] = v
	}
}
