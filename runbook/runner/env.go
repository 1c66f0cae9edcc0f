package runner

import (
	"slices"
	"strings"
)

// The variables the bot sets for every run of a script.
const (
	// RunIDVar marks a run's processes, so that a restarted bot can find and
	// kill what a crashed one left running.
	RunIDVar = "RUNBOOK_RUN_ID"
	// JobVar is the job's id.
	JobVar = "RUNBOOK_JOB"
	// WindowVar is the occurrence's window, RFC 3339 in UTC; a dry run has none.
	WindowVar = "RUNBOOK_WINDOW"
)

// RunVars are the variables the bot sets for a run, in that order.
var RunVars = []string{RunIDVar, JobVar, WindowVar}

// BaseVars are the variables every script gets from the bot's environment
// when the bot has them, with every LC_* variable (LocaleVars).
var BaseVars = []string{"PATH", "HOME", "LANG", "TZ", "TMPDIR"}

// LocaleVars is how the LC_* variables are named in lists.
const LocaleVars = "LC_*"

// ScriptEnv returns what a script sees of environ: BaseVars, every LC_*
// variable and the names in allow (the job's dependency variables and
// RUNBOOK_SCRIPT_ENV), in environ's order; nothing else, and never a SLACK_*
// variable whatever allow says.
func ScriptEnv(environ, allow []string) []string {
	out := make([]string, 0, len(BaseVars)+len(allow)+4)
	for _, kv := range environ {
		k, _, ok := strings.Cut(kv, "=")
		if !ok || k == "" || strings.HasPrefix(strings.ToUpper(k), "SLACK_") {
			continue
		}
		if slices.Contains(BaseVars, k) || strings.HasPrefix(k, "LC_") || slices.Contains(allow, k) {
			out = append(out, kv)
		}
	}
	return out
}

// AllowedNames lists, for people, the variables a script may get: BaseVars,
// LC_*, RunVars, then allow sorted without repeats. Names only, never values.
func AllowedNames(allow []string) []string {
	out := append(append(append([]string(nil), BaseVars...), LocaleVars), RunVars...)
	extra := slices.Clone(allow)
	slices.Sort(extra)
	for _, n := range slices.Compact(extra) {
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// Names returns the variable names of environ, sorted, without repeats.
func Names(environ []string) []string {
	out := make([]string, 0, len(environ))
	for _, kv := range environ {
		if k, _, ok := strings.Cut(kv, "="); ok && k != "" {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// EnvNames lists the variables a run gets: the names of environ (its
// ScriptEnv) and RunVars, sorted, without repeats. Names only, never values.
func EnvNames(environ []string) []string {
	out := append(Names(environ), RunVars...)
	slices.Sort(out)
	return slices.Compact(out)
}
