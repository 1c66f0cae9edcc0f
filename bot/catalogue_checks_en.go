package bot

// Pre-flight check details (runbook.CheckResult.Detail).
var preflightEN = catalogue{
	"preflight.no_variable":       "no variable named",
	"preflight.not_set":           "not set",
	"preflight.empty":             "empty",
	"preflight.set":               "set",
	"preflight.no_tool":           "no tool named",
	"preflight.tool_version":      "{tool}: {version}",
	"preflight.tool_path":         "{tool}: {path}",
	"preflight.tool_missing":      "{tool} not on PATH",
	"preflight.tools_missing":     "none of {tools} on PATH",
	"preflight.no_path":           "no path named",
	"preflight.path_absolute":     "absolute path: must be relative to the workdir",
	"preflight.path_escapes":      "escapes the workdir",
	"preflight.workdir_no_access": "workdir not accessible",
	"preflight.path_not_found":    "not found under the workdir",
	"preflight.path_no_access":    "not accessible",
	"preflight.not_a_directory":   "not a directory",
	"preflight.directory_exists":  "directory exists",
	"preflight.exists":            "exists",
	"preflight.manual":            "to be ticked by whoever confirms",
	"preflight.unknown_kind":      "unknown check kind {kind}",
}

// Why the tickets are unavailable (runbook.TicketReport.Unavailable), a
// ticket's status when the tracker has one fixed word for it, and the lines the
// bot adds to a run's output.
var ticketsRunEN = catalogue{
	"tickets.status.open":      "open",
	"ticket.cancelled":         "cancelled",
	"ticket.timed_out":         "timed out after {timeout}",
	"ticket.failed":            "ticket source failed",
	"ticket.error":             "{error}",
	"ticket.request":           "{service} request could not be built",
	"ticket.unreadable":        "{service} answered with an unreadable response",
	"ticket.unauthorized":      "{service} answered 401 (check {vars})",
	"ticket.rate_limited":      "{service} rate limited (too many requests)",
	"ticket.limited_until":     "{service} rate limited until {until} UTC",
	"ticket.forbidden_gh":      "GitHub answered 403 (the token may not read issues of {repo})",
	"ticket.forbidden_jira":    "Jira answered 403 (the user lacks Browse projects permission)",
	"ticket.not_found_gh":      "GitHub answered 404: repository not found or not visible to the token",
	"ticket.not_found_jira":    "Jira answered 404 (check {var})",
	"ticket.status":            "{service} answered {status}",
	"ticket.status_text":       "{service} answered {status}: {text}",
	"ticket.jql_rejected":      "Jira rejected the query (check RUNBOOK_JIRA_JQL)",
	"ticket.jql_rejected_text": "Jira rejected the query (check RUNBOOK_JIRA_JQL): {text}",
	"ticket.other_host":        "{service} pagination pointed to another host",
	"ticket.bad_url":           "{var} must be an http(s) URL",
	"ticket.repo_form":         "{var} must be owner/name",
	"ticket.unreachable":       "{service} unreachable: {error}",
	"ticket.timeout":           "{service} unreachable: timeout",

	"run.dry_in_progress": "a dry run of {job} was in progress",
	"run.no_executor":     "no executor: this bot cannot run scripts",
	"run.busy":            "a run of this job is already in progress",
	"run.empty_command":   "empty command",
	"run.start_failed":    "the script could not be started: {error}",
	"run.log_file":        "the run log could not be created: {error}",
	"run.orphans_killed":  "the processes left running by the interrupted run were killed",
	"run.no_replica":      "runbook-bot: no replica owns this run",
	"run.replica_silent":  "runbook-bot: replica {replica} never reported this run alive",
	"run.replica_last":    "runbook-bot: replica {replica} last reported this run alive at {at}",
	"run.simulated":       "simulated failure (--fail {job})",
}

func init() {
	for _, c := range []catalogue{preflightEN, ticketsRunEN} {
		for k, v := range c {
			catalogueEN[k] = v
		}
	}
}
