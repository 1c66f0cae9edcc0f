package runbook

// The codes of every Msg the domain and its adapters produce; the chat layer's
// catalogues have an entry for each, in every language. Arguments are named
// after each constant.
const (
	// MsgText is text shown as written (args: text).
	MsgText = "text"

	// Runbook problems (Problem.Msg).
	ProbNoSchedule          = "problem.no_schedule"           // columns
	ProbScheduleEmpty       = "problem.schedule_empty"        //
	ProbColumnMissing       = "problem.column_missing"        // column
	ProbColumnMissingOr     = "problem.column_missing_or"     // column, other
	ProbJobDuplicate        = "problem.job_duplicate"         // job, line
	ProbWindowEmpty         = "problem.window_empty"          //
	ProbWindowNoTime        = "problem.window_no_time"        // window
	ProbWindowNoDay         = "problem.window_no_day"         // window
	ProbWindowExtra         = "problem.window_extra"          // text
	ProbWeekdayUnknown      = "problem.weekday_unknown"       // day
	ProbTimeInvalid         = "problem.time_invalid"          // time
	ProbZoneUnknown         = "problem.zone_unknown"          // zone
	ProbFrequencyUnknown    = "problem.frequency_unknown"     // frequency
	ProbFrequencyNeedsDay   = "problem.frequency_needs_day"   // frequency
	ProbFrequencyNeedsDaily = "problem.frequency_needs_daily" // frequency, window
	ProbScriptCellEmpty     = "problem.script_cell_empty"     //
	ProbScriptNotBackticked = "problem.script_not_backticked" // script
	ProbScriptMany          = "problem.script_many"           // n
	ProbScriptEmpty         = "problem.script_empty"          //
	ProbScriptModeTwice     = "problem.script_mode_twice"     // script, mode
	ProbScriptNoName        = "problem.script_no_name"        // script
	ProbPrimaryEmpty        = "problem.primary_empty"         //
	ProbBackupEmpty         = "problem.backup_empty"          //
	ProbPrimaryUnclear      = "problem.primary_unclear"       // owner
	ProbBackupUnclear       = "problem.backup_unclear"        // owner
	ProbContactNoName       = "problem.contact_no_name"       // slack
	ProbContactDuplicate    = "problem.contact_duplicate"     // name, line
	ProbContactInvalid      = "problem.contact_invalid"       // value, name
	ProbNoContactsTable     = "problem.no_contacts_table"     // table, names
	ProbNoContact           = "problem.no_contact"            // name, table
	ProbIncidentChannel     = "problem.incident_channel"      // channel
	ProbDeadlineZero        = "problem.deadline_zero"         // value
	ProbThresholdZero       = "problem.threshold_zero"        // value
	ProbLeadZero            = "problem.lead_zero"             // value
	ProbFreezeColumns       = "problem.freeze_columns"        // missing
	ProbFreezeNoReason      = "problem.freeze_no_reason"      //
	ProbFreezeEndsBefore    = "problem.freeze_ends_before"    // end, start
	ProbFreezeStartNotTime  = "problem.freeze_start_not_time" // value
	ProbFreezeEndNotTime    = "problem.freeze_end_not_time"   // value
	ProbFreezeStartZone     = "problem.freeze_start_zone"     // zone
	ProbFreezeEndZone       = "problem.freeze_end_zone"       // zone
	ProbNotInCommit         = "problem.not_in_commit"         // commit

	// Pre-flight check details (CheckResult.Detail).
	PfNoVariable      = "preflight.no_variable"       //
	PfNotSet          = "preflight.not_set"           //
	PfEmpty           = "preflight.empty"             //
	PfSet             = "preflight.set"               //
	PfNoTool          = "preflight.no_tool"           //
	PfToolVersion     = "preflight.tool_version"      // tool, version
	PfToolPath        = "preflight.tool_path"         // tool, path
	PfToolMissing     = "preflight.tool_missing"      // tool
	PfToolsMissing    = "preflight.tools_missing"     // tools
	PfNoPath          = "preflight.no_path"           //
	PfPathAbsolute    = "preflight.path_absolute"     //
	PfPathEscapes     = "preflight.path_escapes"      //
	PfWorkdirNoAccess = "preflight.workdir_no_access" //
	PfPathNotFound    = "preflight.path_not_found"    //
	PfPathNoAccess    = "preflight.path_no_access"    //
	PfNotADirectory   = "preflight.not_a_directory"   //
	PfDirectoryExists = "preflight.directory_exists"  //
	PfExists          = "preflight.exists"            //
	PfManual          = "preflight.manual"            //
	PfUnknownKind     = "preflight.unknown_kind"      // kind

	// Why the tickets are unavailable (TicketReport.Unavailable).
	TkCancelled    = "ticket.cancelled"         //
	TkTimedOut     = "ticket.timed_out"         // timeout
	TkFailed       = "ticket.failed"            //
	TkError        = "ticket.error"             // error
	TkRequest      = "ticket.request"           // service
	TkUnreadable   = "ticket.unreadable"        // service
	TkUnauthorized = "ticket.unauthorized"      // service, vars
	TkRateLimited  = "ticket.rate_limited"      // service
	TkLimitedUntil = "ticket.limited_until"     // service, until
	TkForbiddenGH  = "ticket.forbidden_gh"      // repo
	TkForbiddenJi  = "ticket.forbidden_jira"    //
	TkNotFoundGH   = "ticket.not_found_gh"      //
	TkNotFoundJi   = "ticket.not_found_jira"    // var
	TkStatus       = "ticket.status"            // service, status
	TkStatusText   = "ticket.status_text"       // service, status, text
	TkJQLRejected  = "ticket.jql_rejected"      //
	TkJQLRejectedT = "ticket.jql_rejected_text" // text
	TkOtherHost    = "ticket.other_host"        // service
	TkBadURL       = "ticket.bad_url"           // var
	TkRepoForm     = "ticket.repo_form"         // var
	TkUnreachable  = "ticket.unreachable"       // service, error
	TkTimeout      = "ticket.timeout"           // service

	// Lines the bot adds to a run's output.
	RunDryInProgress = "run.dry_in_progress" // job
	RunNoExecutor    = "run.no_executor"     //
	RunBusy          = "run.busy"            //
	RunEmptyCommand  = "run.empty_command"   //
	RunStartFailed   = "run.start_failed"    // error
	RunLogFile       = "run.log_file"        // error
	RunOrphansKilled = "run.orphans_killed"  //
	RunNoReplica     = "run.no_replica"      //
	RunReplicaSilent = "run.replica_silent"  // replica
	RunReplicaLast   = "run.replica_last"    // replica, at
	RunSimulated     = "run.simulated"       // job
)
