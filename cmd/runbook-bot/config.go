package main

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/runbook-bot/runbook-bot/runbook/postgres"
	"github.com/runbook-bot/runbook-bot/runbook/tickets/github"
	"github.com/runbook-bot/runbook-bot/runbook/tickets/jira"
)

// Environment variable names read by LoadConfig (docs/spec.md §9), in the order they
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
	envResponders       = "RUNBOOK_RESPONDERS"
	envITSMWebhookURL   = "RUNBOOK_ITSM_WEBHOOK_URL"
	envHTTPAddr         = "RUNBOOK_HTTP_ADDR"
	envScriptEnv        = "RUNBOOK_SCRIPT_ENV"
	envRetention        = "RUNBOOK_RETENTION"
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

// configVars lists every variable of docs/spec.md §9 in documentation order.
var configVars = []string{
	envSlackBotToken, envSlackAppToken, envSlackAPIURL,
	envFile, envWorkdir, envCheckinsFile, envDB, envDataDir,
	envTZ, envLang, envChannel, envIncidentChannel,
	envConfirmLead, envReminders, envIncidentDeadline, envDelayThreshold,
	envRunTimeout, envAutorun, envOperators, envResponders, envITSMWebhookURL, envHTTPAddr, envScriptEnv, envRetention,
	envTickets, envGitHubRepo, envGitHubToken, envGitHubAPIURL, envGitHubLabel,
	envJiraURL, envJiraEmail, envJiraToken, envJiraJQL,
}

// Defaults of docs/spec.md §9.
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
	defaultRetention    = 720 * time.Hour // 30 days
	minRetention        = time.Hour
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

// Config is the bot's configuration, read from the environment (docs/spec.md §9).
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
	// DB is the SQLite database file, or the postgres:// URL of a PostgreSQL
	// database (then it may hold a password: show it through Redacted only).
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
	// Responders are Slack user (U…/W…) or user-group (S…) IDs (e.g. the
	// on-call group) that may record an incident; empty means the incident
	// channel's members may.
	Responders []string
	// ITSMWebhookURL receives the audit evidence as JSON when set. Secret.
	ITSMWebhookURL string
	// HTTPAddr is the listen address of the operations HTTP server; "" disables it.
	HTTPAddr string
	// ScriptEnv names the variables of the bot's environment scripts get besides
	// the base ones (PATH, HOME, LANG, LC_*, TZ, TMPDIR) and their job's dependencies.
	ScriptEnv []string
	// Retention is how long delivered outbox rows (chat messages, ITSM events,
	// check-ins, delay-log lines once delivered) are kept; the audit records stay.
	Retention time.Duration

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

	// Git is the repository the runbook is followed from; its URL is "" for local files.
	Git GitConfig
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

// LoadConfig reads the configuration from the environment through lookup
// (os.LookupEnv in production), applying the defaults of docs/spec.md §9. Blank
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
		DB:               l.db(),
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
		Operators:        l.principals(envOperators, ""),
		Responders:       l.principals(envResponders, "; leave it unset for the incident channel's members"),
		ITSMWebhookURL:   l.httpURL(envITSMWebhookURL, "", "(use the https:// address of your ITSM's webhook)"),
		HTTPAddr:         l.httpAddr(),
		ScriptEnv:        l.scriptEnv(),
		Retention:        l.retention(),
	}
	l.tickets(&c)
	l.git(&c)
	if !strings.HasSuffix(c.SlackAPIURL, "/") {
		c.SlackAPIURL += "/"
	}
	if len(l.problems) > 0 {
		return c, &ConfigError{Problems: l.problems}
	}
	return c, nil
}

// Stores selected by RUNBOOK_DB.
const (
	StoreSQLite   = "sqlite"   // a file path
	StorePostgres = "postgres" // a postgres:// or postgresql:// URL
)

// StoreKind is the store RUNBOOK_DB selects: StorePostgres for a PostgreSQL
// URL, StoreSQLite otherwise (LoadConfig refuses every other scheme).
func (c Config) StoreKind() string {
	if postgres.IsURL(c.DB) {
		return StorePostgres
	}
	return StoreSQLite
}

// SlackMode reports whether both Slack tokens are set, so serve can connect.
func (c Config) SlackMode() bool {
	return c.SlackBotToken != "" && c.SlackAppToken != ""
}

// ReminderWarnings names each reminder that is not shorter than the effective
// confirmation lead: it would fall before the request goes out, so it is
// never sent (docs/spec.md §3.4). The default 4h,1h meets a runbook asking for
// a 2 h lead that way; that is worth a warning, not a refusal to start.
func (c Config) ReminderWarnings(lead time.Duration) []string {
	var out []string
	for _, r := range c.NeverSentReminders(lead) {
		out = append(out, fmt.Sprintf("%s: %s is not shorter than the confirmation lead %s: it would come before the request, so it is never sent",
			envReminders, formatDuration(r), formatDuration(lead)))
	}
	return out
}

// NeverSentReminders are the reminders not shorter than the confirmation
// lead: they would fall before the request goes out, so they are never sent.
func (c Config) NeverSentReminders(lead time.Duration) []time.Duration {
	var out []time.Duration
	for _, r := range c.Reminders {
		if r >= lead {
			out = append(out, r)
		}
	}
	return out
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
	scriptEnv := strings.Join(c.ScriptEnv, ",")
	if scriptEnv == "" {
		scriptEnv = "none"
	}
	m := map[string]string{
		envSlackBotToken:    c.SlackBotToken,
		envSlackAppToken:    c.SlackAppToken,
		envSlackAPIURL:      c.SlackAPIURL,
		envFile:             c.File,
		envWorkdir:          c.Workdir,
		envCheckinsFile:     c.CheckinsFile,
		envDB:               redactDB(c.DB),
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
		envResponders:       cmp.Or(strings.Join(c.Responders, ","), "members of the incident channel"),
		envITSMWebhookURL:   c.ITSMWebhookURL,
		envHTTPAddr:         httpAddr,
		envScriptEnv:        scriptEnv,
		envRetention:        formatDuration(c.Retention),
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

// redactDB is RUNBOOK_DB as it may be shown: a URL without its password.
func redactDB(v string) string {
	if postgres.Scheme(v) == "" {
		return v
	}
	return postgres.Redact(v)
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
