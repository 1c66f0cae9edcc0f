package bot

// The operator command line's entries (runbook-bot validate, schedule,
// status, evidence, the subcommands' --help and the terminal shell's start),
// merged into catalogueEN when the package starts.
var cliEN = catalogue{
	"cli.help.usage":    "usage: {usage}",
	"cli.help.flags":    "flags:",
	"cli.help.no_flags": "This command takes no flags.",
	"cli.help.default":  "(default {value})",

	"cli.usage.serve":      "runbook-bot serve",
	"cli.usage.shell":      "runbook-bot shell [--as U123]",
	"cli.usage.validate":   "runbook-bot validate [FILE]",
	"cli.usage.schedule":   "runbook-bot schedule [--from RFC3339] [--count N]",
	"cli.usage.status":     "runbook-bot status [--json]",
	"cli.usage.evidence":   "runbook-bot evidence JOB [--window TIME] [--json | --log]",
	"cli.usage.simulate":   "runbook-bot simulate [--from RFC3339] [--days N] [--fail JOB] [--no-answer JOB] [--decline JOB] [--json]",
	"cli.usage.migrate-db": "runbook-bot migrate-db --from FILE --to postgres://… [--logs DIR]",
	"cli.usage.version":    "runbook-bot version",

	"cli.desc.serve":      "Runs the bot in Slack (socket mode); needs SLACK_BOT_TOKEN and SLACK_APP_TOKEN.",
	"cli.desc.shell":      "Runs the same bot, store and timers in the terminal: type /runbook commands, :help for the shell's own.",
	"cli.desc.validate":   "Checks the runbook (RUNBOOK_FILE, or FILE) and prints what was understood: every job, the whole policy, the ticket source and the state store; or every problem as FILE:LINE: message.",
	"cli.desc.schedule":   "Lists the upcoming windows with their local and UTC times, when the confirmation is asked and the owners.",
	"cli.desc.status":     "Prints the current and next occurrence of every job (and recent ones) from the database.",
	"cli.desc.evidence":   "Prints the evidence of one occurrence of JOB (the latest, or the one of --window) as Markdown.",
	"cli.desc.simulate":   "Runs the runbook's next days on a fake clock and prints every message, state change and record, in order; nothing is posted, run or written.",
	"cli.desc.migrate-db": "Copies a SQLite database (and its run logs) into an empty PostgreSQL database.",
	"cli.desc.version":    "Prints the version.",

	"cli.flag.shell.as":           "the Slack user `ID` to act as (also :as U123 at the prompt); default: the runbook's first contact",
	"cli.flag.schedule.from":      "start instant (`RFC3339`); default now",
	"cli.flag.schedule.count":     "how many windows (`N`, 1 to 10000)",
	"cli.flag.status.json":        "print JSON (stable state names)",
	"cli.flag.evidence.window":    "the occurrence's window, RFC 3339 or \"YYYY-MM-DD HH:MM\" UTC (`TIME`)",
	"cli.flag.evidence.json":      "print JSON (stable state names)",
	"cli.flag.evidence.log":       "print the full log of the occurrence's latest run instead",
	"cli.flag.simulate.from":      "start instant (`RFC3339`); default now",
	"cli.flag.simulate.days":      "how many days to simulate (`N`, 1 to 366)",
	"cli.flag.simulate.fail":      "a `JOB` whose runs fail (repeatable)",
	"cli.flag.simulate.no-answer": "a `JOB` nobody answers nor runs (repeatable)",
	"cli.flag.simulate.decline":   "a `JOB` whose owner declines every window (repeatable)",
	"cli.flag.simulate.json":      "print JSON lines",
	"cli.flag.migrate-db.from":    "the SQLite database `FILE` (e.g. data/runbook.db)",
	"cli.flag.migrate-db.to":      "the PostgreSQL database `URL` (postgres://…); it must be empty",
	"cli.flag.migrate-db.logs":    "optional: the `DIR` of the run log files (RUNBOOK_DATA_DIR/logs) to copy too",

	"cli.shell.start":          "runbook-bot {version} — {jobs} job(s) from {file}. Type :help for help, /runbook help for commands.",
	"cli.shell.as_contact":     "You act as {name} ({user}), the runbook's first contact; act as someone else with :as {other} (or start with --as).",
	"cli.shell.as":             "You act as {user}; act as someone else with :as {other} (or start with --as).",
	"cli.shell.copies":         "This is the repository's own runbook ({file}): so that no tracked file changes, its records go to copies — {where}. Set RUNBOOK_FILE (and RUNBOOK_CHECKINS_FILE) to write to your own files.",
	"cli.shell.copy.delay_log": "the delay log to {copy} (a copy of {file})",
	"cli.shell.copy.checkins":  "the check-ins to {copy} (a copy of {file})",
}

func init() {
	for k, v := range cliEN {
		catalogueEN[k] = v
	}
}
