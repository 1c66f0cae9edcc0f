package main

import (
	"cmp"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // RUNBOOK_TZ must not depend on the host's zoneinfo files.

	"github.com/runbook-bot/runbook-bot/runbook/tickets/github"
	"github.com/runbook-bot/runbook-bot/runbook/tickets/jira"
)

// Environment variable names read by LoadConfig (SPEC §6), in the order they
// are documented.
const (
	envSlackBotToken    = "SLACK_BOT_TOKEN"
	envSlackAppToken    = "SLACK_APP_TOKEN"
	envSlackAPIURL      = "SLACK_API_URL"
	envFile             = "RUNBOOK_FILE"
	envWorkdir          = "RUNBOOK_WORKDIR"
	envCheckinsFile     = "RUNBOOK_CHECKINS_FILE"
	envDB               = "RUNBOOK_DB"
	envDataDir          = "RUNBOOK_DATA_DIR"
	envTZ               = "RUNBOOK_TZ"
	envLang             = "RUNBOOK_LANG"
	envChannel          = "RUNBOOK_CHANNEL"
	envIncidentChannel  = "RUNBOOK_INCIDENT_CHANNEL"
	envConfirmLead      = "RUNBOOK_CONFIRM_LEAD"
	envReminders        = "RUNBOOK_REMINDERS"
	envIncidentDeadline = "RUNBOOK_INCIDENT_DEADLINE"
	envDelayThreshold   = "RUNBOOK_DELAY_THRESHOLD"
	envRunTimeout       = "RUNBOOK_RUN_TIMEOUT"
	envAutorun          = "RUNBOOK_AUTORUN"
	envOperators        = "RUNBOOK_OPERATORS"
	envITSMWebhookURL   = "RUNBOOK_ITSM_WEBHOOK_URL"
	envHTTPAddr         = "RUNBOOK_HTTP_ADDR"
	envTickets          = "RUNBOOK_TICKETS"
	envGitHubRepo       = "RUNBOOK_GITHUB_REPO"
	envGitHubToken      = "RUNBOOK_GITHUB_TOKEN"
	envGitHubAPIURL     = "RUNBOOK_GITHUB_API_URL"
	envGitHubLabel      = "RUNBOOK_GITHUB_LABEL"
	envJiraURL          = "RUNBOOK_JIRA_URL"
	envJiraEmail        = "RUNBOOK_JIRA_EMAIL"
	envJiraToken        = "RUNBOOK_JIRA_TOKEN"
	envJiraJQL          = "RUNBOOK_JIRA_JQL"
)

// configVars lists every variable of SPEC §6 in documentation order.
var configVars = []string{
	envSlackBotToken, envSlackAppToken, envSlackAPIURL,
	envFile, envWorkdir, envCheckinsFile, envDB, envDataDir,
	envTZ, envLang, envChannel, envIncidentChannel,
	envConfirmLead, envReminders, envIncidentDeadline, envDelayThreshold,
	envRunTimeout, envAutorun, envOperators, envITSMWebhookURL, envHTTPAddr,
	envTickets, envGitHubRepo, envGitHubToken, envGitHubAPIURL, envGitHubLabel,
	envJiraURL, envJiraEmail, envJiraToken, envJiraJQL,
}

// Defaults of SPEC §6.
const (
	defaultSlackAPIURL  = "https://slack.com/api/"
	defaultFile         = "docs/runbook.md"
	defaultWorkdir      = "."
	defaultCheckinsFile = "docs/observabilidade/check-ins.md"
	defaultDB           = "data/runbook.db"
	defaultDataDir      = "data/"
	defaultChannel      = "#plataforma"
	defaultReminders    = "4h,1h"
	defaultRunTimeout   = time.Hour
	defaultHTTPAddr     = "127.0.0.1:8080"
)

// Ticket sources accepted by RUNBOOK_TICKETS; "" is none.
const (
	TicketsGitHub = "github"
	TicketsJira   = "jira"
)

// Languages accepted by RUNBOOK_LANG, after normalisation.
const (
	LangPortuguese = "pt-BR"
	LangEnglish    = "en"
)

// Config is the bot's configuration, read from the environment (SPEC §6).
//
// Zero values of Lang, IncidentChannel, ConfirmLead, IncidentDeadline and
// DelayThreshold mean "take it from the runbook document".
type Config struct {
	// SlackBotToken is the bot token (xoxb-…); required by serve. Secret.
	SlackBotToken string
	// SlackAppToken is the app-level token (xapp-…) for socket mode; required by serve. Secret.
	SlackAppToken string
	// SlackAPIURL is the base URL of Slack's Web API, always ending in "/".
	SlackAPIURL string

	// File is the runbook Markdown file.
	File string
	// Workdir is where script and dependency paths resolve.
	Workdir string
	// CheckinsFile is the Markdown file that receives one check-in per execution.
	CheckinsFile string
	// DB is the SQLite database file.
	DB string
	// DataDir holds the full run logs.
	DataDir string

	// TZ is the zone of runbook windows that name none. Never nil after LoadConfig.
	TZ *time.Location
	// Lang is "pt-BR" or "en"; "" means the runbook's own language.
	Lang string
	// Channel is where confirmations, reminders and runs are posted (#name or a C…/G… ID).
	Channel string
	// IncidentChannel overrides the runbook's escalation channel; "" means the runbook's.
	IncidentChannel string

	// ConfirmLead overrides how long before a window the confirmation is asked; 0 means the runbook's.
	ConfirmLead time.Duration
	// Reminders are the follow-ups before a window while it is unconfirmed, each
	// meaning "that long before T", longest first. Empty means no reminders.
	Reminders []time.Duration
	// IncidentDeadline overrides the time to record an incident after a failure; 0 means the runbook's.
	IncidentDeadline time.Duration
	// DelayThreshold overrides how late a window may start before a delay alert; 0 means the runbook's.
	DelayThreshold time.Duration
	// RunTimeout bounds one script execution; the whole process group is killed after it.
	RunTimeout time.Duration
	// Autorun starts a confirmed occurrence by itself when its window opens.
	Autorun bool

	// Operators are Slack user (U…/W…) or user-group (S…) IDs that may run and cancel, not approve.
	Operators []string
	// ITSMWebhookURL receives the audit evidence as JSON when set. Secret.
	ITSMWebhookURL string
	// HTTPAddr is the listen address of the operations HTTP server; "" disables it.
	HTTPAddr string

	// Tickets is where related open tickets come from: "" (none), "github" or "jira".
	Tickets string
	// GitHubRepo is the owner/name of the repository whose issues are listed.
	GitHubRepo string
	// GitHubToken may read the repository's issues. Secret.
	GitHubToken string
	// GitHubAPIURL is GitHub's REST API base URL; "" means https://api.github.com/.
	GitHubAPIURL string
	// GitHubLabel is the label template relating an issue to a job ({job}); "" means runbook:{job}.
	GitHubLabel string
	// JiraURL is the Jira Cloud site, e.g. https://example.atlassian.net.
	JiraURL string
	// JiraEmail is the e-mail of the account the Jira token belongs to.
	JiraEmail string
	// JiraToken is an Atlassian API token. Secret.
	JiraToken string
	// JiraJQL is the JQL template selecting a job's open issues ({job}); "" means the default.
	JiraJQL string
}

// ConfigProblem is one bad configuration value.
type ConfigProblem struct {
	// Var is the environment variable's name.
	Var string
	// Msg says what is wrong and what is accepted; it never holds a secret's value.
	Msg string
}

// String renders the problem as "VAR: message".
func (p ConfigProblem) String() string { return p.Var + ": " + p.Msg }

// ConfigError lists every bad configuration value found by LoadConfig.
type ConfigError struct {
	// Problems are in the documentation order of the variables.
	Problems []ConfigProblem
}

// Error renders one problem per line.
func (e *ConfigError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// isSecretVar reports whether a variable's value must never be echoed, by
// its name (the same rule as the bot's redaction, SPEC §4).
func isSecretVar(name string) bool {
	up := strings.ToUpper(name)
	if strings.HasPrefix(up, "SLACK_") && strings.Contains(up, "TOKEN") {
		return true
	}
	for _, w := range []string{"TOKEN", "SECRET", "PASSWORD", "PASSWD", "KEY", "DSN", "URL"} {
		if strings.Contains(up, w) {
			return true
		}
	}
	return false
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

var offsetZoneRE = regexp.MustCompile(`^(?i:UTC|GMT)([+-])(\d{1,2})(?::?(\d{2}))?$`)

// location loads RUNBOOK_TZ: UTC, UTC±H[:MM] or an IANA zone name.
func (l *loader) location() *time.Location {
	v, ok := l.get(envTZ)
	if !ok || strings.EqualFold(v, "UTC") || strings.EqualFold(v, "Z") {
		return time.UTC
	}
	if loc, ok := fixedZone(v); ok {
		return loc
	}
	if v != "Local" && !strings.HasPrefix(v, "/") && !strings.Contains(v, "..") {
		if loc, err := time.LoadLocation(v); err == nil {
			return loc
		}
	}
	l.fail(envTZ, v, "is not a time zone (use UTC, an offset such as UTC-3, or an IANA name such as America/Sao_Paulo)")
	return time.UTC
}

// fixedZone parses UTC±H[:MM] (also GMT±…) into a fixed zone.
func fixedZone(v string) (*time.Location, bool) {
	m := offsetZoneRE.FindStringSubmatch(v)
	if m == nil {
		return nil, false
	}
	h, _ := strconv.Atoi(m[2])
	mins := 0
	if m[3] != "" {
		mins, _ = strconv.Atoi(m[3])
	}
	if h > 14 || mins > 59 {
		return nil, false
	}
	off := h*3600 + mins*60
	if m[1] == "-" {
		off = -off
	}
	name := fmt.Sprintf("UTC%s%02d:%02d", m[1], h, mins)
	return time.FixedZone(name, off), true
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

// operators parses comma-separated Slack user (U…/W…) and user-group (S…) IDs.
func (l *loader) operators() []string {
	v, ok := l.get(envOperators)
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
			l.fail(envOperators, v, fmt.Sprintf("has %q, which is not a Slack user or user-group ID (use comma-separated IDs such as U0123ABCD,S0456EFGH, not names or @mentions)", item))
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

// LoadConfig reads the configuration from the environment through lookup
// (os.LookupEnv in production), applying the defaults of SPEC §6. Blank
// values count as unset, except RUNBOOK_HTTP_ADDR (empty disables the HTTP
// server) and RUNBOOK_REMINDERS (empty or "none" means no reminders).
//
// Every bad value is reported at once in a *ConfigError; secrets' values are
// never part of it.
func LoadConfig(lookup func(string) (string, bool)) (Config, error) {
	l := &loader{lookup: lookup}
	c := Config{
		SlackBotToken:    l.token(envSlackBotToken, "xoxb-", "a bot token"),
		SlackAppToken:    l.token(envSlackAppToken, "xapp-", "an app-level token"),
		SlackAPIURL:      l.httpURL(envSlackAPIURL, defaultSlackAPIURL, "(use "+defaultSlackAPIURL+" or your Slack's Web API base URL)"),
		File:             l.str(envFile, defaultFile),
		Workdir:          l.str(envWorkdir, defaultWorkdir),
		CheckinsFile:     l.str(envCheckinsFile, defaultCheckinsFile),
		DB:               l.str(envDB, defaultDB),
		DataDir:          l.str(envDataDir, defaultDataDir),
		TZ:               l.location(),
		Lang:             l.lang(),
		Channel:          l.channel(envChannel, defaultChannel),
		IncidentChannel:  l.channel(envIncidentChannel, ""),
		ConfirmLead:      l.duration(envConfirmLead, 0),
		Reminders:        l.reminders(),
		IncidentDeadline: l.duration(envIncidentDeadline, 0),
		DelayThreshold:   l.duration(envDelayThreshold, 0),
		RunTimeout:       l.duration(envRunTimeout, defaultRunTimeout),
		Autorun:          l.boolean(envAutorun, false),
		Operators:        l.operators(),
		ITSMWebhookURL:   l.httpURL(envITSMWebhookURL, "", "(use the https:// address of your ITSM's webhook)"),
		HTTPAddr:         l.httpAddr(),
	}
	l.tickets(&c)
	if !strings.HasSuffix(c.SlackAPIURL, "/") {
		c.SlackAPIURL += "/"
	}
	if len(l.problems) > 0 {
		return c, &ConfigError{Problems: l.problems}
	}
	return c, nil
}

// SlackMode reports whether both Slack tokens are set, so serve can connect.
func (c Config) SlackMode() bool {
	return c.SlackBotToken != "" && c.SlackAppToken != ""
}

// CheckReminders reports a reminder that is not shorter than the effective
// confirmation lead: it would fall before the request goes out. The caller
// checks it once the runbook's lead is known.
func (c Config) CheckReminders(lead time.Duration) error {
	for _, r := range c.Reminders {
		if r >= lead {
			return &ConfigError{Problems: []ConfigProblem{{
				Var: envReminders,
				Msg: fmt.Sprintf("%s is not shorter than the confirmation lead %s (each reminder is how long before the window it is sent, after the request that goes out %s before)",
					formatDuration(r), formatDuration(lead), formatDuration(lead)),
			}}}
		}
	}
	return nil
}

// Redacted returns the effective configuration by variable name, for
// printing: secrets (by name, as in isSecretVar) show only "set" or "unset";
// values taken from the runbook show "from runbook".
func (c Config) Redacted() map[string]string {
	fromRunbook := func(s string) string {
		if s == "" {
			return "from runbook"
		}
		return s
	}
	dur := func(d time.Duration) string {
		if d == 0 {
			return "from runbook"
		}
		return formatDuration(d)
	}
	tz := "UTC"
	if c.TZ != nil {
		tz = c.TZ.String()
	}
	reminders := "none"
	if len(c.Reminders) > 0 {
		parts := make([]string, len(c.Reminders))
		for i, r := range c.Reminders {
			parts[i] = formatDuration(r)
		}
		reminders = strings.Join(parts, ",")
	}
	httpAddr := c.HTTPAddr
	if httpAddr == "" {
		httpAddr = "disabled"
	}
	tickets := c.Tickets
	if tickets == "" {
		tickets = "none"
	}
	m := map[string]string{
		envSlackBotToken:    c.SlackBotToken,
		envSlackAppToken:    c.SlackAppToken,
		envSlackAPIURL:      c.SlackAPIURL,
		envFile:             c.File,
		envWorkdir:          c.Workdir,
		envCheckinsFile:     c.CheckinsFile,
		envDB:               c.DB,
		envDataDir:          c.DataDir,
		envTZ:               tz,
		envLang:             fromRunbook(c.Lang),
		envChannel:          c.Channel,
		envIncidentChannel:  fromRunbook(c.IncidentChannel),
		envConfirmLead:      dur(c.ConfirmLead),
		envReminders:        reminders,
		envIncidentDeadline: dur(c.IncidentDeadline),
		envDelayThreshold:   dur(c.DelayThreshold),
		envRunTimeout:       formatDuration(c.RunTimeout),
		envAutorun:          strconv.FormatBool(c.Autorun),
		envOperators:        strings.Join(c.Operators, ","),
		envITSMWebhookURL:   c.ITSMWebhookURL,
		envHTTPAddr:         httpAddr,
		envTickets:          tickets,
		envGitHubRepo:       c.GitHubRepo,
		envGitHubToken:      c.GitHubToken,
		envGitHubAPIURL:     c.GitHubAPIURL,
		envGitHubLabel:      cmp.Or(c.GitHubLabel, github.DefaultLabelTemplate),
		envJiraURL:          c.JiraURL,
		envJiraEmail:        c.JiraEmail,
		envJiraToken:        c.JiraToken,
		envJiraJQL:          cmp.Or(c.JiraJQL, jira.DefaultJQLTemplate),
	}
	for k, v := range m {
		if isSecretVar(k) {
			if v == "" {
				m[k] = "unset"
			} else {
				m[k] = "set"
			}
		}
	}
	return m
}

// formatDuration renders d the way people write it: 4h, 90m, 1h30m, 15s.
func formatDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
