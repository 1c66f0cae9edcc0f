package main

// The environment loader behind LoadConfig: one method per kind of value, each
// recording a problem (never a secret's value) instead of failing fast.

import (
	"cmp"
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // RUNBOOK_TZ must not depend on the host's zoneinfo files.

	"github.com/runbook-bot/runbook-bot/runbook"
	"github.com/runbook-bot/runbook-bot/runbook/postgres"
)

// isSecretVar reports whether a variable's value must never be echoed, by
// its name: the redaction's rule (runbook.SecretName, docs/spec.md §12.6), and
// any URL too: the bot's URLs may carry a credential in their path (a webhook's).
func isSecretVar(name string) bool {
	return runbook.SecretName(name) || strings.Contains(strings.ToUpper(name), "URL")
}

// loader accumulates the problems found while reading the environment.
type loader struct {
	lookup   func(string) (string, bool)
	problems []ConfigProblem
}

// get returns the trimmed value of name and whether it is set and non-blank.
func (l *loader) get(name string) (string, bool) {
	v, ok := l.lookup(name)
	v = strings.TrimSpace(v)
	return v, ok && v != ""
}

// fail records a problem with name. For a secret the value is left out: msg
// must then read on its own ("is not …" becomes "the value is not …").
func (l *loader) fail(name, value, msg string) {
	if isSecretVar(name) {
		l.problems = append(l.problems, ConfigProblem{Var: name, Msg: "the value " + msg})
		return
	}
	l.problems = append(l.problems, ConfigProblem{Var: name, Msg: strconv.Quote(value) + " " + msg})
}

func (l *loader) str(name, def string) string {
	if v, ok := l.get(name); ok {
		return v
	}
	return def
}

const durationHint = "(use Go durations such as 90s, 15m, 1h)"

// duration parses a positive Go duration; def is returned when name is unset or blank.
func (l *loader) duration(name string, def time.Duration) time.Duration {
	v, ok := l.get(name)
	if !ok {
		return def
	}
	d, err := time.ParseDuration(v)
	switch {
	case err != nil:
		l.fail(name, v, "is not a duration "+durationHint)
		return def
	case d <= 0:
		l.fail(name, v, "must be greater than zero "+durationHint)
		return def
	}
	return d
}

const retentionHint = "(use Go durations such as 720h for 30 days, at least 1h)"

// retention parses RUNBOOK_RETENTION: a Go duration of at least an hour.
func (l *loader) retention() time.Duration {
	v, ok := l.get(envRetention)
	if !ok {
		return defaultRetention
	}
	d, err := time.ParseDuration(v)
	switch {
	case err != nil:
		l.fail(envRetention, v, "is not a duration "+retentionHint)
		return defaultRetention
	case d < minRetention:
		l.fail(envRetention, v, "is too short: delivered messages are kept at least 1h "+retentionHint)
		return defaultRetention
	}
	return d
}

// reminders parses a comma-separated list of positive, distinct durations,
// sorted longest first. Unset means the default; an explicit "" or "none"
// means no reminders.
func (l *loader) reminders() []time.Duration {
	v, set := l.lookup(envReminders)
	v = strings.TrimSpace(v)
	if !set {
		v = defaultReminders
	}
	if v == "" || strings.EqualFold(v, "none") {
		return nil
	}
	var out []time.Duration
	for item := range strings.SplitSeq(v, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		d, err := time.ParseDuration(item)
		switch {
		case err != nil:
			l.fail(envReminders, v, fmt.Sprintf("has %q, which is not a duration (use a comma-separated list of Go durations such as 4h,1h, or none)", item))
			return nil
		case d <= 0:
			l.fail(envReminders, v, fmt.Sprintf("has %q, which is not greater than zero (each reminder is how long before the window it is sent, such as 4h,1h)", item))
			return nil
		case slices.Contains(out, d):
			l.fail(envReminders, v, fmt.Sprintf("lists %s twice (use distinct durations such as 4h,1h)", formatDuration(d)))
			return nil
		}
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b time.Duration) int { return cmp.Compare(b, a) })
	return out
}

// boolean parses true/false (also 1/0, yes/no, on/off, any case).
func (l *loader) boolean(name string, def bool) bool {
	v, ok := l.get(name)
	if !ok {
		return def
	}
	switch strings.ToLower(v) {
	case "1", "t", "true", "yes", "y", "on":
		return true
	case "0", "f", "false", "no", "n", "off":
		return false
	}
	l.fail(name, v, "is not a boolean (use true or false)")
	return def
}

// lang normalises RUNBOOK_LANG to "pt-BR" or "en"; unset means "" (the runbook's).
func (l *loader) lang() string {
	v, ok := l.get(envLang)
	if !ok {
		return ""
	}
	switch strings.ReplaceAll(strings.ToLower(v), "_", "-") {
	case "pt", "pt-br":
		return LangPortuguese
	case "en", "en-us", "en-gb":
		return LangEnglish
	}
	l.fail(envLang, v, "is not a supported language (use pt-BR or en)")
	return ""
}

// location loads RUNBOOK_TZ: UTC, UTC±H[:MM] or an IANA zone name, as the runbook writes zones.
func (l *loader) location() *time.Location {
	v, ok := l.get(envTZ)
	if !ok {
		return time.UTC
	}
	if loc, err := runbook.ParseZone(v); err == nil {
		return loc
	}
	l.fail(envTZ, v, "is not a time zone (use UTC, an offset such as UTC-3, or an IANA name such as America/Sao_Paulo)")
	return time.UTC
}

var (
	channelNameRE = regexp.MustCompile(`^#[a-z0-9_-]{1,80}$`)
	channelIDRE   = regexp.MustCompile(`^[CG][A-Z0-9]{2,}$`)
	principalRE   = regexp.MustCompile(`^[UWS][A-Z0-9]{2,}$`)
)

// channel validates a #name or a C…/G… channel ID.
func (l *loader) channel(name, def string) string {
	v, ok := l.get(name)
	if !ok {
		return def
	}
	if channelNameRE.MatchString(v) || channelIDRE.MatchString(v) {
		return v
	}
	hint := "(use #name in lowercase letters, digits, - and _, or a channel ID such as C0123456789)"
	if channelNameRE.MatchString("#" + v) {
		hint = fmt.Sprintf("(did you mean %q? use #name or a channel ID such as C0123456789)", "#"+v)
	} else if lower := strings.ToLower(v); lower != v && channelNameRE.MatchString(lower) {
		hint = fmt.Sprintf("(Slack channel names are lowercase: did you mean %q?)", lower)
	}
	l.fail(name, v, "is not a channel "+hint)
	return def
}

// principals parses comma-separated Slack user (U…/W…) and user-group (S…)
// IDs (RUNBOOK_OPERATORS, RUNBOOK_RESPONDERS); hint ends the problem's advice.
func (l *loader) principals(name, hint string) []string {
	v, ok := l.get(name)
	if !ok {
		return nil
	}
	var out []string
	for item := range strings.SplitSeq(v, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if !principalRE.MatchString(item) {
			l.fail(name, v, fmt.Sprintf("has %q, which is not a Slack user or user-group ID (use comma-separated IDs such as U0123ABCD,S0456EFGH, not names or @mentions%s)", item, hint))
			return nil
		}
		if !slices.Contains(out, item) {
			out = append(out, item)
		}
	}
	return out
}

// token validates a Slack token's shape without ever showing it.
func (l *loader) token(name, prefix, kind string) string {
	v, ok := l.get(name)
	if !ok {
		return ""
	}
	if strings.HasPrefix(v, prefix) && len(v) > len(prefix) && !strings.ContainsAny(v, " \t\r\n\"'") {
		return v
	}
	msg := fmt.Sprintf("is not %s (it must start with %s)", kind, prefix)
	for p, what := range map[string]string{
		"xoxb-": "a bot token", "xapp-": "an app-level token", "xoxp-": "a user token",
	} {
		if p != prefix && strings.HasPrefix(v, p) {
			msg = fmt.Sprintf("is %s (%s…), not %s (it must start with %s)", what, p, kind, prefix)
		}
	}
	if strings.HasPrefix(v, prefix) {
		msg = fmt.Sprintf("is not %s: it has quotes, spaces or nothing after %s", kind, prefix)
	}
	l.fail(name, v, msg)
	return ""
}

// httpURL validates an absolute http(s) URL. Both URL variables are treated
// as secrets (their names contain URL), so the value is never shown.
func (l *loader) httpURL(name, def, hint string) string {
	v, ok := l.get(name)
	if !ok {
		return def
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		l.fail(name, v, "is not an absolute http(s) URL "+hint)
		return def
	}
	return v
}

var keywordDSNRE = regexp.MustCompile(`(?i)(^|\s)(host|hostaddr|dbname|user|password|port|sslmode|service)\s*=`)

// db reads RUNBOOK_DB: a SQLite file path, or a postgres:// URL checked now
// so that a typo stops the bot at start. Any other scheme:// is refused: it
// was once taken for a file name. The password is never part of a problem.
func (l *loader) db() string {
	v, ok := l.get(envDB)
	if !ok {
		return defaultDB
	}
	fail := func(msg string) string {
		l.problems = append(l.problems, ConfigProblem{Var: envDB, Msg: msg})
		return defaultDB
	}
	switch sc := postgres.Scheme(v); {
	case sc == "" && keywordDSNRE.MatchString(v):
		return fail("the value looks like a PostgreSQL key=value connection string, not a file path (use a postgres:// URL such as postgres://USER:PASSWORD@HOST:5432/DATABASE)")
	case sc == "":
		return v
	case postgres.IsURL(v):
		if _, err := postgres.ParseURL(v); errors.Is(err, postgres.ErrNotURL) {
			return fail("the value is not a valid PostgreSQL URL (use postgres://USER:PASSWORD@HOST:PORT/DATABASE, with the user and password percent-encoded)")
		} else if err != nil {
			return fail(fmt.Sprintf("%q is not a usable PostgreSQL URL: %s", postgres.Redact(v), err))
		}
		return v
	case sc == "sqlite" || sc == "sqlite3" || sc == "file":
		return fail(fmt.Sprintf("%q is a %s:// URL, which runbook-bot does not support (for SQLite give the file path alone, such as data/runbook.db)", postgres.Redact(v), sc))
	default:
		return fail(fmt.Sprintf("%q is a %s:// URL, which runbook-bot does not support (use a SQLite file path such as data/runbook.db, or a postgres:// URL)", postgres.Redact(v), sc))
	}
}

// httpAddr validates RUNBOOK_HTTP_ADDR: unset means the default, set and
// empty disables the server.
func (l *loader) httpAddr() string {
	v, set := l.lookup(envHTTPAddr)
	if !set {
		return defaultHTTPAddr
	}
	v = strings.TrimSpace(v)
	if v == "" {
		return ""
	}
	_, port, err := net.SplitHostPort(v)
	if err == nil {
		if n, perr := strconv.Atoi(port); perr != nil || n < 0 || n > 65535 {
			err = fmt.Errorf("bad port")
		}
	}
	if err != nil {
		l.fail(envHTTPAddr, v, "is not host:port (use 127.0.0.1:8080, :8080, or an empty value to disable the HTTP server)")
		return defaultHTTPAddr
	}
	return v
}

var envNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// scriptEnv reads RUNBOOK_SCRIPT_ENV: comma-separated variable names, each kept
// once. SLACK_* and the bot's own secrets are refused: they never reach a script.
func (l *loader) scriptEnv() []string {
	v, ok := l.get(envScriptEnv)
	if !ok {
		return nil
	}
	var out []string
	for item := range strings.SplitSeq(v, ",") {
		item = strings.TrimSpace(item)
		switch {
		case item == "":
			continue
		case strings.ContainsAny(item, "*?"):
			l.fail(envScriptEnv, v, fmt.Sprintf("has %q, which is not a variable name (list each name, such as AWS_REGION,AWS_PROFILE: patterns are not accepted)", item))
			return nil
		case !envNameRE.MatchString(item):
			l.fail(envScriptEnv, v, fmt.Sprintf("has %q, which is not a variable name (use comma-separated names such as AWS_REGION,KUBECONFIG)", item))
			return nil
		case strings.HasPrefix(strings.ToUpper(item), "SLACK_"):
			l.fail(envScriptEnv, v, fmt.Sprintf("has %q: SLACK_* variables never reach a script", item))
			return nil
		case slices.Contains(configVars, item) && isSecretVar(item):
			l.fail(envScriptEnv, v, fmt.Sprintf("has %q: the bot's own secrets never reach a script", item))
			return nil
		}
		if !slices.Contains(out, item) {
			out = append(out, item)
		}
	}
	return out
}

var githubRepoRE = regexp.MustCompile(`^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$`)

// ticketKind reads RUNBOOK_TICKETS: unset, empty or none mean no ticket source.
func (l *loader) ticketKind() string {
	v, ok := l.get(envTickets)
	if !ok {
		return ""
	}
	switch k := strings.ToLower(v); k {
	case "none":
		return ""
	case TicketsGitHub, TicketsJira:
		return k
	}
	l.fail(envTickets, v, "is not a ticket source (use github, jira or none)")
	return ""
}

// required reads a variable the chosen ticket source cannot do without.
func (l *loader) required(name string, needed bool, source, hint string) string {
	v, ok := l.get(name)
	if !ok && needed {
		l.problems = append(l.problems, ConfigProblem{Var: name, Msg: fmt.Sprintf("must be set when %s=%s %s", envTickets, source, hint)})
	}
	return v
}

// secretText reads a token for a ticket source: required when needed, one word, never shown.
func (l *loader) secretText(name string, needed bool, source, hint string) string {
	v := l.required(name, needed, source, hint)
	if strings.ContainsAny(v, " \t\r\n\"'") {
		l.fail(name, v, "has quotes or spaces (paste the token alone)")
		return ""
	}
	return v
}

// tickets reads the ticket source and the variables of the chosen one. The other
// source's variables are still checked for shape but may be left unset.
func (l *loader) tickets(c *Config) {
	c.Tickets = l.ticketKind()
	gh, jira := c.Tickets == TicketsGitHub, c.Tickets == TicketsJira

	c.GitHubRepo = l.required(envGitHubRepo, gh, TicketsGitHub, "(use owner/name, such as acme/platform)")
	if c.GitHubRepo != "" && !githubRepoRE.MatchString(strings.Trim(c.GitHubRepo, "/")) {
		l.fail(envGitHubRepo, c.GitHubRepo, "is not owner/name (use the repository's owner/name, such as acme/platform)")
		c.GitHubRepo = ""
	} else {
		c.GitHubRepo = strings.Trim(c.GitHubRepo, "/")
	}
	c.GitHubToken = l.secretText(envGitHubToken, gh, TicketsGitHub, "(a token that may read the repository's issues)")
	c.GitHubAPIURL = l.httpURL(envGitHubAPIURL, "", "(use https://api.github.com/, or https://HOST/api/v3/ for GitHub Enterprise Server)")
	c.GitHubLabel = l.str(envGitHubLabel, "")

	c.JiraURL = l.httpURL(envJiraURL, "", "(use your site's address, such as https://example.atlassian.net)")
	if _, ok := l.get(envJiraURL); !ok && jira {
		l.problems = append(l.problems, ConfigProblem{Var: envJiraURL, Msg: fmt.Sprintf("must be set when %s=%s (use your site's address, such as https://example.atlassian.net)", envTickets, TicketsJira)})
	}
	c.JiraEmail = l.required(envJiraEmail, jira, TicketsJira, "(the e-mail of the account the API token belongs to)")
	if c.JiraEmail != "" && (!strings.Contains(c.JiraEmail, "@") || strings.ContainsAny(c.JiraEmail, " \t")) {
		l.fail(envJiraEmail, c.JiraEmail, "is not an e-mail address (use the e-mail of the account the API token belongs to)")
		c.JiraEmail = ""
	}
	c.JiraToken = l.secretText(envJiraToken, jira, TicketsJira, "(an Atlassian API token of that account)")
	c.JiraJQL = l.str(envJiraJQL, "")
}
