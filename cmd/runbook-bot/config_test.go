package main

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/joho/godotenv"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// env is a fake environment: a key present with "" is set and empty.
type env map[string]string

func (e env) lookup(k string) (string, bool) {
	v, ok := e[k]
	return v, ok
}

const (
	goodBot = "xoxb-1234-5678-abcdefSECRETbot"
	goodApp = "xapp-1-A0123-4567-SECRETapp"
)

func TestLoadConfig_GivenEmptyEnvironment_WhenLoaded_ThenSpecDefaults(t *testing.T) {
	c, err := LoadConfig(env{}.lookup)
	require.NoError(t, err)

	assert.Equal(t, Config{
		SlackAPIURL:  "https://slack.com/api/",
		File:         "docs/runbook.md",
		Workdir:      ".",
		CheckinsFile: "docs/observabilidade/check-ins.md",
		DB:           "data/runbook.db",
		DataDir:      "data/",
		TZ:           time.UTC,
		Channel:      "#plataforma",
		Reminders:    []time.Duration{4 * time.Hour, time.Hour},
		RunTimeout:   time.Hour,
		HTTPAddr:     "127.0.0.1:8080",
		Retention:    720 * time.Hour,
	}, c)
	assert.False(t, c.SlackMode())
}

func TestLoadConfig_GivenValidValues_WhenLoaded_ThenEachVariableIsRead(t *testing.T) {
	saoPaulo, err := time.LoadLocation("America/Sao_Paulo")
	require.NoError(t, err)

	tests := []struct {
		name  string
		env   env
		check func(t *testing.T, c Config)
	}{
		{"given SLACK tokens when loaded then both are kept and slack mode is on",
			env{"SLACK_BOT_TOKEN": goodBot, "SLACK_APP_TOKEN": goodApp}, func(t *testing.T, c Config) {
				assert.Equal(t, goodBot, c.SlackBotToken)
				assert.Equal(t, goodApp, c.SlackAppToken)
				assert.True(t, c.SlackMode())
			}},
		{"given only the bot token when loaded then slack mode is off",
			env{"SLACK_BOT_TOKEN": goodBot}, func(t *testing.T, c Config) { assert.False(t, c.SlackMode()) }},
		{"given only the app token when loaded then slack mode is off",
			env{"SLACK_APP_TOKEN": goodApp}, func(t *testing.T, c Config) { assert.False(t, c.SlackMode()) }},
		{"given tokens with surrounding blanks when loaded then they are trimmed",
			env{"SLACK_BOT_TOKEN": " " + goodBot + "\n"}, func(t *testing.T, c Config) { assert.Equal(t, goodBot, c.SlackBotToken) }},
		{"given SLACK_API_URL without trailing slash when loaded then the slash is added",
			env{"SLACK_API_URL": "http://127.0.0.1:9999/api"}, func(t *testing.T, c Config) {
				assert.Equal(t, "http://127.0.0.1:9999/api/", c.SlackAPIURL)
			}},
		{"given SLACK_API_URL with trailing slash when loaded then it is kept",
			env{"SLACK_API_URL": "https://slack-gov.com/api/"}, func(t *testing.T, c Config) {
				assert.Equal(t, "https://slack-gov.com/api/", c.SlackAPIURL)
			}},
		{"given path variables when loaded then they are kept",
			env{"RUNBOOK_FILE": "/etc/rb.md", "RUNBOOK_WORKDIR": "/srv/infra", "RUNBOOK_CHECKINS_FILE": "c.md",
				"RUNBOOK_DB": "/var/lib/rb.db", "RUNBOOK_DATA_DIR": "/var/lib/rb/"}, func(t *testing.T, c Config) {
				assert.Equal(t, "/etc/rb.md", c.File)
				assert.Equal(t, "/srv/infra", c.Workdir)
				assert.Equal(t, "c.md", c.CheckinsFile)
				assert.Equal(t, "/var/lib/rb.db", c.DB)
				assert.Equal(t, "/var/lib/rb/", c.DataDir)
			}},
		{"given a postgres URL in RUNBOOK_DB when loaded then the PostgreSQL store is chosen",
			env{"RUNBOOK_DB": "postgres://app:SECRETpw@db.internal:5432/runbook?sslmode=require"}, func(t *testing.T, c Config) {
				assert.Equal(t, "postgres://app:SECRETpw@db.internal:5432/runbook?sslmode=require", c.DB)
				assert.Equal(t, StorePostgres, c.StoreKind())
			}},
		{"given a postgresql URL in RUNBOOK_DB when loaded then the PostgreSQL store is chosen",
			env{"RUNBOOK_DB": "PostgreSQL://app@127.0.0.1/runbook"}, func(t *testing.T, c Config) {
				assert.Equal(t, StorePostgres, c.StoreKind())
			}},
		{"given a postgres URL on a socket directory when loaded then kept",
			env{"RUNBOOK_DB": "postgres:///runbook?host=/run/postgresql"}, func(t *testing.T, c Config) {
				assert.Equal(t, StorePostgres, c.StoreKind())
			}},
		{"given a file path in RUNBOOK_DB when loaded then the SQLite store is chosen",
			env{"RUNBOOK_DB": "/var/lib/runbook-bot/runbook.db"}, func(t *testing.T, c Config) {
				assert.Equal(t, StoreSQLite, c.StoreKind())
			}},
		{"given a path with a colon in RUNBOOK_DB when loaded then it is still a SQLite path",
			env{"RUNBOOK_DB": "data/a:b/runbook.db"}, func(t *testing.T, c Config) {
				assert.Equal(t, StoreSQLite, c.StoreKind())
			}},
		{"given blank path variables when loaded then defaults apply",
			env{"RUNBOOK_FILE": "  ", "RUNBOOK_DB": ""}, func(t *testing.T, c Config) {
				assert.Equal(t, "docs/runbook.md", c.File)
				assert.Equal(t, "data/runbook.db", c.DB)
			}},
		{"given an IANA zone when loaded then it is used",
			env{"RUNBOOK_TZ": "America/Sao_Paulo"}, func(t *testing.T, c Config) { assert.Equal(t, saoPaulo.String(), c.TZ.String()) }},
		{"given utc in lower case when loaded then UTC",
			env{"RUNBOOK_TZ": "utc"}, func(t *testing.T, c Config) { assert.Equal(t, time.UTC, c.TZ) }},
		{"given an offset zone when loaded then a fixed zone",
			env{"RUNBOOK_TZ": "UTC-3"}, func(t *testing.T, c Config) {
				_, off := time.Date(2025, 1, 1, 0, 0, 0, 0, c.TZ).Zone()
				assert.Equal(t, -3*3600, off)
				assert.Equal(t, "UTC-03:00", c.TZ.String())
			}},
		{"given an offset zone written with the minus sign the runbook accepts when loaded then the same fixed zone",
			env{"RUNBOOK_TZ": "UTC−3"}, func(t *testing.T, c Config) {
				assert.Equal(t, "UTC-03:00", c.TZ.String())
			}},
		{"given an offset zone with minutes when loaded then a fixed zone",
			env{"RUNBOOK_TZ": "UTC+05:30"}, func(t *testing.T, c Config) {
				_, off := time.Date(2025, 1, 1, 0, 0, 0, 0, c.TZ).Zone()
				assert.Equal(t, 5*3600+30*60, off)
			}},
		{"given RUNBOOK_LANG pt when loaded then pt-BR",
			env{"RUNBOOK_LANG": "pt"}, func(t *testing.T, c Config) { assert.Equal(t, "pt-BR", c.Lang) }},
		{"given RUNBOOK_LANG pt_BR when loaded then pt-BR",
			env{"RUNBOOK_LANG": "pt_BR"}, func(t *testing.T, c Config) { assert.Equal(t, "pt-BR", c.Lang) }},
		{"given RUNBOOK_LANG PT-br when loaded then pt-BR",
			env{"RUNBOOK_LANG": "PT-br"}, func(t *testing.T, c Config) { assert.Equal(t, "pt-BR", c.Lang) }},
		{"given RUNBOOK_LANG en-US when loaded then en",
			env{"RUNBOOK_LANG": "en-US"}, func(t *testing.T, c Config) { assert.Equal(t, "en", c.Lang) }},
		{"given RUNBOOK_LANG EN when loaded then en",
			env{"RUNBOOK_LANG": "EN"}, func(t *testing.T, c Config) { assert.Equal(t, "en", c.Lang) }},
		{"given channels by name and id when loaded then both kept",
			env{"RUNBOOK_CHANNEL": "#infra_ops-2", "RUNBOOK_INCIDENT_CHANNEL": "C0123ABCD"}, func(t *testing.T, c Config) {
				assert.Equal(t, "#infra_ops-2", c.Channel)
				assert.Equal(t, "C0123ABCD", c.IncidentChannel)
			}},
		{"given a private channel id when loaded then kept",
			env{"RUNBOOK_CHANNEL": "G0123ABCD"}, func(t *testing.T, c Config) { assert.Equal(t, "G0123ABCD", c.Channel) }},
		{"given policy durations when loaded then they override the runbook",
			env{"RUNBOOK_CONFIRM_LEAD": "2m", "RUNBOOK_INCIDENT_DEADLINE": "90s", "RUNBOOK_DELAY_THRESHOLD": "1m30s"}, func(t *testing.T, c Config) {
				assert.Equal(t, 2*time.Minute, c.ConfirmLead)
				assert.Equal(t, 90*time.Second, c.IncidentDeadline)
				assert.Equal(t, 90*time.Second, c.DelayThreshold)
			}},
		{"given RUNBOOK_RETENTION when loaded then used",
			env{"RUNBOOK_RETENTION": "2160h"}, func(t *testing.T, c Config) { assert.Equal(t, 90*24*time.Hour, c.Retention) }},
		{"given RUNBOOK_RUN_TIMEOUT when loaded then used",
			env{"RUNBOOK_RUN_TIMEOUT": "15m"}, func(t *testing.T, c Config) { assert.Equal(t, 15*time.Minute, c.RunTimeout) }},
		{"given reminders out of order when loaded then sorted longest first",
			env{"RUNBOOK_REMINDERS": "30s, 2m ,1m"}, func(t *testing.T, c Config) {
				assert.Equal(t, []time.Duration{2 * time.Minute, time.Minute, 30 * time.Second}, c.Reminders)
			}},
		{"given reminders with an empty item when loaded then it is skipped",
			env{"RUNBOOK_REMINDERS": "4h,,1h,"}, func(t *testing.T, c Config) {
				assert.Equal(t, []time.Duration{4 * time.Hour, time.Hour}, c.Reminders)
			}},
		{"given reminders set empty when loaded then none",
			env{"RUNBOOK_REMINDERS": ""}, func(t *testing.T, c Config) { assert.Empty(t, c.Reminders) }},
		{"given reminders none when loaded then none",
			env{"RUNBOOK_REMINDERS": "None"}, func(t *testing.T, c Config) { assert.Empty(t, c.Reminders) }},
		{"given RUNBOOK_AUTORUN true when loaded then on",
			env{"RUNBOOK_AUTORUN": "true"}, func(t *testing.T, c Config) { assert.True(t, c.Autorun) }},
		{"given RUNBOOK_AUTORUN YES when loaded then on",
			env{"RUNBOOK_AUTORUN": "YES"}, func(t *testing.T, c Config) { assert.True(t, c.Autorun) }},
		{"given RUNBOOK_AUTORUN 0 when loaded then off",
			env{"RUNBOOK_AUTORUN": "0"}, func(t *testing.T, c Config) { assert.False(t, c.Autorun) }},
		{"given RUNBOOK_AUTORUN off when loaded then off",
			env{"RUNBOOK_AUTORUN": "off"}, func(t *testing.T, c Config) { assert.False(t, c.Autorun) }},
		{"given operators with blanks and duplicates when loaded then trimmed and deduplicated",
			env{"RUNBOOK_OPERATORS": " U0ANASOUZA, W0123ABC ,S0DEVOPS,U0ANASOUZA,"}, func(t *testing.T, c Config) {
				assert.Equal(t, []string{"U0ANASOUZA", "W0123ABC", "S0DEVOPS"}, c.Operators)
			}},
		{"given responders with blanks and duplicates when loaded then trimmed and deduplicated",
			env{"RUNBOOK_RESPONDERS": " S0ONCALL, U0ANASOUZA ,W0123ABC,S0ONCALL,"}, func(t *testing.T, c Config) {
				assert.Equal(t, []string{"S0ONCALL", "U0ANASOUZA", "W0123ABC"}, c.Responders)
			}},
		{"given no responders when loaded then none (the incident channel's members respond)",
			env{"RUNBOOK_RESPONDERS": " "}, func(t *testing.T, c Config) { assert.Empty(t, c.Responders) }},
		{"given an ITSM webhook when loaded then kept",
			env{"RUNBOOK_ITSM_WEBHOOK_URL": "https://itsm.example.com/hook?k=1"}, func(t *testing.T, c Config) {
				assert.Equal(t, "https://itsm.example.com/hook?k=1", c.ITSMWebhookURL)
			}},
		{"given RUNBOOK_HTTP_ADDR set empty when loaded then the server is disabled",
			env{"RUNBOOK_HTTP_ADDR": ""}, func(t *testing.T, c Config) { assert.Equal(t, "", c.HTTPAddr) }},
		{"given RUNBOOK_HTTP_ADDR set blank when loaded then the server is disabled",
			env{"RUNBOOK_HTTP_ADDR": "  "}, func(t *testing.T, c Config) { assert.Equal(t, "", c.HTTPAddr) }},
		{"given RUNBOOK_HTTP_ADDR :9090 when loaded then kept",
			env{"RUNBOOK_HTTP_ADDR": ":9090"}, func(t *testing.T, c Config) { assert.Equal(t, ":9090", c.HTTPAddr) }},
		{"given RUNBOOK_HTTP_ADDR with port 0 when loaded then kept",
			env{"RUNBOOK_HTTP_ADDR": "127.0.0.1:0"}, func(t *testing.T, c Config) { assert.Equal(t, "127.0.0.1:0", c.HTTPAddr) }},
		{"given RUNBOOK_HTTP_ADDR with IPv6 when loaded then kept",
			env{"RUNBOOK_HTTP_ADDR": "[::1]:8080"}, func(t *testing.T, c Config) { assert.Equal(t, "[::1]:8080", c.HTTPAddr) }},
		{"given RUNBOOK_TICKETS none when loaded then no ticket source",
			env{"RUNBOOK_TICKETS": "None"}, func(t *testing.T, c Config) { assert.Equal(t, "", c.Tickets) }},
		{"given RUNBOOK_TICKETS empty when loaded then no ticket source and nothing required",
			env{"RUNBOOK_TICKETS": ""}, func(t *testing.T, c Config) { assert.Equal(t, "", c.Tickets) }},
		{"given the github variables when loaded then each is read",
			env{"RUNBOOK_TICKETS": " GitHub ", "RUNBOOK_GITHUB_REPO": "/acme/infra/", "RUNBOOK_GITHUB_TOKEN": "ghp_abc123",
				"RUNBOOK_GITHUB_API_URL": "https://ghe.example/api/v3/", "RUNBOOK_GITHUB_LABEL": "infra/{job}"}, func(t *testing.T, c Config) {
				assert.Equal(t, "github", c.Tickets)
				assert.Equal(t, "acme/infra", c.GitHubRepo)
				assert.Equal(t, "ghp_abc123", c.GitHubToken)
				assert.Equal(t, "https://ghe.example/api/v3/", c.GitHubAPIURL)
				assert.Equal(t, "infra/{job}", c.GitHubLabel)
			}},
		{"given the jira variables when loaded then each is read",
			env{"RUNBOOK_TICKETS": "jira", "RUNBOOK_JIRA_URL": "https://acme.atlassian.net", "RUNBOOK_JIRA_EMAIL": "bot@acme.com",
				"RUNBOOK_JIRA_TOKEN": "ATATT3x", "RUNBOOK_JIRA_JQL": `project = OPS AND labels = "{job}"`}, func(t *testing.T, c Config) {
				assert.Equal(t, "jira", c.Tickets)
				assert.Equal(t, "https://acme.atlassian.net", c.JiraURL)
				assert.Equal(t, "bot@acme.com", c.JiraEmail)
				assert.Equal(t, "ATATT3x", c.JiraToken)
				assert.Equal(t, `project = OPS AND labels = "{job}"`, c.JiraJQL)
			}},
		{"given names for the scripts when loaded then each is kept once, in order",
			env{"RUNBOOK_SCRIPT_ENV": " AWS_REGION, KUBECONFIG,,AWS_REGION ,_X1"}, func(t *testing.T, c Config) {
				assert.Equal(t, []string{"AWS_REGION", "KUBECONFIG", "_X1"}, c.ScriptEnv)
			}},
		{"given github chosen and jira variables unset when loaded then jira is not required",
			env{"RUNBOOK_TICKETS": "github", "RUNBOOK_GITHUB_REPO": "acme/infra", "RUNBOOK_GITHUB_TOKEN": "ghp_abc"}, func(t *testing.T, c Config) {
				assert.Equal(t, "github", c.Tickets)
				assert.Empty(t, c.JiraURL)
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := LoadConfig(tt.env.lookup)
			require.NoError(t, err)
			tt.check(t, c)
		})
	}
}

func TestLoadConfig_GivenBadValue_WhenLoaded_ThenProblemNamesVariableValueAndWhatIsAccepted(t *testing.T) {
	tests := []struct {
		name string
		env  env
		want string // the exact problem line
	}{
		{"given a word for a duration when loaded then not a duration",
			env{"RUNBOOK_RUN_TIMEOUT": "ten minutes"},
			`RUNBOOK_RUN_TIMEOUT: "ten minutes" is not a duration (use Go durations such as 90s, 15m, 1h)`},
		{"given a zero duration when loaded then must be positive",
			env{"RUNBOOK_RUN_TIMEOUT": "0s"},
			`RUNBOOK_RUN_TIMEOUT: "0s" must be greater than zero (use Go durations such as 90s, 15m, 1h)`},
		{"given a negative lead when loaded then must be positive",
			env{"RUNBOOK_CONFIRM_LEAD": "-24h"},
			`RUNBOOK_CONFIRM_LEAD: "-24h" must be greater than zero (use Go durations such as 90s, 15m, 1h)`},
		{"given a unitless retention when loaded then not a duration",
			env{"RUNBOOK_RETENTION": "30"},
			`RUNBOOK_RETENTION: "30" is not a duration (use Go durations such as 720h for 30 days, at least 1h)`},
		{"given a retention shorter than an hour when loaded then too short",
			env{"RUNBOOK_RETENTION": "10m"},
			`RUNBOOK_RETENTION: "10m" is too short: delivered messages are kept at least 1h (use Go durations such as 720h for 30 days, at least 1h)`},
		{"given a zero retention when loaded then too short",
			env{"RUNBOOK_RETENTION": "0s"},
			`RUNBOOK_RETENTION: "0s" is too short: delivered messages are kept at least 1h (use Go durations such as 720h for 30 days, at least 1h)`},
		{"given a unitless deadline when loaded then not a duration",
			env{"RUNBOOK_INCIDENT_DEADLINE": "15"},
			`RUNBOOK_INCIDENT_DEADLINE: "15" is not a duration (use Go durations such as 90s, 15m, 1h)`},
		{"given a bad delay threshold when loaded then not a duration",
			env{"RUNBOOK_DELAY_THRESHOLD": "30 min"},
			`RUNBOOK_DELAY_THRESHOLD: "30 min" is not a duration (use Go durations such as 90s, 15m, 1h)`},
		{"given a bad reminder item when loaded then it is named",
			env{"RUNBOOK_REMINDERS": "4h,one hour"},
			`RUNBOOK_REMINDERS: "4h,one hour" has "one hour", which is not a duration (use a comma-separated list of Go durations such as 4h,1h, or none)`},
		{"given a zero reminder when loaded then it is named",
			env{"RUNBOOK_REMINDERS": "4h,0s"},
			`RUNBOOK_REMINDERS: "4h,0s" has "0s", which is not greater than zero (each reminder is how long before the window it is sent, such as 4h,1h)`},
		{"given a duplicated reminder when loaded then it is named",
			env{"RUNBOOK_REMINDERS": "1h,60m"},
			`RUNBOOK_REMINDERS: "1h,60m" lists 1h twice (use distinct durations such as 4h,1h)`},
		{"given a name with a dash for the scripts when loaded then it is named",
			env{"RUNBOOK_SCRIPT_ENV": "AWS-REGION,KUBECONFIG"},
			`RUNBOOK_SCRIPT_ENV: "AWS-REGION,KUBECONFIG" has "AWS-REGION", which is not a variable name (use comma-separated names such as AWS_REGION,KUBECONFIG)`},
		{"given a pattern for the scripts when loaded then names are asked for",
			env{"RUNBOOK_SCRIPT_ENV": "AWS_*"},
			`RUNBOOK_SCRIPT_ENV: "AWS_*" has "AWS_*", which is not a variable name (list each name, such as AWS_REGION,AWS_PROFILE: patterns are not accepted)`},
		{"given a Slack variable for the scripts when loaded then refused",
			env{"RUNBOOK_SCRIPT_ENV": "KUBECONFIG,SLACK_BOT_TOKEN"},
			`RUNBOOK_SCRIPT_ENV: "KUBECONFIG,SLACK_BOT_TOKEN" has "SLACK_BOT_TOKEN": SLACK_* variables never reach a script`},
		{"given one of the bot's secrets for the scripts when loaded then refused",
			env{"RUNBOOK_SCRIPT_ENV": "RUNBOOK_ITSM_WEBHOOK_URL"},
			`RUNBOOK_SCRIPT_ENV: "RUNBOOK_ITSM_WEBHOOK_URL" has "RUNBOOK_ITSM_WEBHOOK_URL": the bot's own secrets never reach a script`},
		{"given an unsupported language when loaded then the accepted ones are listed",
			env{"RUNBOOK_LANG": "es"},
			`RUNBOOK_LANG: "es" is not a supported language (use pt-BR or en)`},
		{"given an unknown zone when loaded then the accepted forms are listed",
			env{"RUNBOOK_TZ": "Mars/Olympus"},
			`RUNBOOK_TZ: "Mars/Olympus" is not a time zone (use UTC, an offset such as UTC-3, or an IANA name such as America/Sao_Paulo)`},
		{"given Local as zone when loaded then refused",
			env{"RUNBOOK_TZ": "Local"},
			`RUNBOOK_TZ: "Local" is not a time zone (use UTC, an offset such as UTC-3, or an IANA name such as America/Sao_Paulo)`},
		{"given an out of range offset when loaded then refused",
			env{"RUNBOOK_TZ": "UTC+25"},
			`RUNBOOK_TZ: "UTC+25" is not a time zone (use UTC, an offset such as UTC-3, or an IANA name such as America/Sao_Paulo)`},
		{"given a non boolean autorun when loaded then refused",
			env{"RUNBOOK_AUTORUN": "maybe"},
			`RUNBOOK_AUTORUN: "maybe" is not a boolean (use true or false)`},
		{"given a channel without hash when loaded then did you mean",
			env{"RUNBOOK_CHANNEL": "plataforma"},
			`RUNBOOK_CHANNEL: "plataforma" is not a channel (did you mean "#plataforma"? use #name or a channel ID such as C0123456789)`},
		{"given an upper case channel name when loaded then lower case suggested",
			env{"RUNBOOK_INCIDENT_CHANNEL": "#Infra-Incident"},
			`RUNBOOK_INCIDENT_CHANNEL: "#Infra-Incident" is not a channel (Slack channel names are lowercase: did you mean "#infra-incident"?)`},
		{"given a channel with spaces when loaded then the form is explained",
			env{"RUNBOOK_CHANNEL": "#infra incident"},
			`RUNBOOK_CHANNEL: "#infra incident" is not a channel (use #name in lowercase letters, digits, - and _, or a channel ID such as C0123456789)`},
		{"given a user id as channel when loaded then refused",
			env{"RUNBOOK_CHANNEL": "U0123ABCD"},
			`RUNBOOK_CHANNEL: "U0123ABCD" is not a channel (use #name in lowercase letters, digits, - and _, or a channel ID such as C0123456789)`},
		{"given an operator by name when loaded then it is named",
			env{"RUNBOOK_OPERATORS": "U0ANASOUZA,@lucas"},
			`RUNBOOK_OPERATORS: "U0ANASOUZA,@lucas" has "@lucas", which is not a Slack user or user-group ID (use comma-separated IDs such as U0123ABCD,S0456EFGH, not names or @mentions)`},
		{"given a channel id as operator when loaded then refused",
			env{"RUNBOOK_OPERATORS": "C0123ABCD"},
			`RUNBOOK_OPERATORS: "C0123ABCD" has "C0123ABCD", which is not a Slack user or user-group ID (use comma-separated IDs such as U0123ABCD,S0456EFGH, not names or @mentions)`},
		{"given a lower case operator id when loaded then refused",
			env{"RUNBOOK_OPERATORS": "u0123abcd"},
			`RUNBOOK_OPERATORS: "u0123abcd" has "u0123abcd", which is not a Slack user or user-group ID (use comma-separated IDs such as U0123ABCD,S0456EFGH, not names or @mentions)`},
		{"given a responder by name when loaded then it is named",
			env{"RUNBOOK_RESPONDERS": "S0ONCALL,@oncall"},
			`RUNBOOK_RESPONDERS: "S0ONCALL,@oncall" has "@oncall", which is not a Slack user or user-group ID (use comma-separated IDs such as U0123ABCD,S0456EFGH, not names or @mentions; leave it unset for the incident channel's members)`},
		{"given the incident channel as responders when loaded then refused",
			env{"RUNBOOK_RESPONDERS": "#infra-incident"},
			`RUNBOOK_RESPONDERS: "#infra-incident" has "#infra-incident", which is not a Slack user or user-group ID (use comma-separated IDs such as U0123ABCD,S0456EFGH, not names or @mentions; leave it unset for the incident channel's members)`},
		{"given a channel id as responder when loaded then refused",
			env{"RUNBOOK_RESPONDERS": "U0ANA,C0123ABCD"},
			`RUNBOOK_RESPONDERS: "U0ANA,C0123ABCD" has "C0123ABCD", which is not a Slack user or user-group ID (use comma-separated IDs such as U0123ABCD,S0456EFGH, not names or @mentions; leave it unset for the incident channel's members)`},
		{"given an http addr without port when loaded then refused",
			env{"RUNBOOK_HTTP_ADDR": "localhost"},
			`RUNBOOK_HTTP_ADDR: "localhost" is not host:port (use 127.0.0.1:8080, :8080, or an empty value to disable the HTTP server)`},
		{"given an http addr with a bad port when loaded then refused",
			env{"RUNBOOK_HTTP_ADDR": "127.0.0.1:99999"},
			`RUNBOOK_HTTP_ADDR: "127.0.0.1:99999" is not host:port (use 127.0.0.1:8080, :8080, or an empty value to disable the HTTP server)`},
		{"given a bot token of the wrong kind when loaded then the kind is named, not the value",
			env{"SLACK_BOT_TOKEN": "xapp-1-A0123-SECRETvalue"},
			`SLACK_BOT_TOKEN: the value is an app-level token (xapp-…), not a bot token (it must start with xoxb-)`},
		{"given an app token of the wrong kind when loaded then the kind is named, not the value",
			env{"SLACK_APP_TOKEN": "xoxb-1-SECRETvalue"},
			`SLACK_APP_TOKEN: the value is a bot token (xoxb-…), not an app-level token (it must start with xapp-)`},
		{"given a user token as bot token when loaded then refused",
			env{"SLACK_BOT_TOKEN": "xoxp-1-SECRETvalue"},
			`SLACK_BOT_TOKEN: the value is a user token (xoxp-…), not a bot token (it must start with xoxb-)`},
		{"given garbage as app token when loaded then refused without the value",
			env{"SLACK_APP_TOKEN": "SECRETvalue"},
			`SLACK_APP_TOKEN: the value is not an app-level token (it must start with xapp-)`},
		{"given a quoted bot token when loaded then refused without the value",
			env{"SLACK_BOT_TOKEN": `xoxb-SECRET"value`},
			`SLACK_BOT_TOKEN: the value is not a bot token: it has quotes, spaces or nothing after xoxb-`},
		{"given a bare prefix as bot token when loaded then refused",
			env{"SLACK_BOT_TOKEN": "xoxb-"},
			`SLACK_BOT_TOKEN: the value is not a bot token: it has quotes, spaces or nothing after xoxb-`},
		{"given a relative slack api url when loaded then refused without the value",
			env{"SLACK_API_URL": "slack.com/SECRETapi"},
			`SLACK_API_URL: the value is not an absolute http(s) URL (use https://slack.com/api/ or your Slack's Web API base URL)`},
		{"given an ftp itsm url when loaded then refused without the value",
			env{"RUNBOOK_ITSM_WEBHOOK_URL": "ftp://user:SECRET@itsm.example.com/"},
			`RUNBOOK_ITSM_WEBHOOK_URL: the value is not an absolute http(s) URL (use the https:// address of your ITSM's webhook)`},
		{"given an unparsable itsm url when loaded then refused without the value",
			env{"RUNBOOK_ITSM_WEBHOOK_URL": "http://SECRET%zz"},
			`RUNBOOK_ITSM_WEBHOOK_URL: the value is not an absolute http(s) URL (use the https:// address of your ITSM's webhook)`},
		{"given an unknown ticket source when loaded then the accepted ones are listed",
			env{"RUNBOOK_TICKETS": "gitlab"},
			`RUNBOOK_TICKETS: "gitlab" is not a ticket source (use github, jira or none)`},
		{"given github without a repository when loaded then the repository is required",
			env{"RUNBOOK_TICKETS": "github", "RUNBOOK_GITHUB_TOKEN": "ghp_SECRET"},
			`RUNBOOK_GITHUB_REPO: must be set when RUNBOOK_TICKETS=github (use owner/name, such as acme/platform)`},
		{"given github without a token when loaded then the token is required",
			env{"RUNBOOK_TICKETS": "github", "RUNBOOK_GITHUB_REPO": "acme/infra"},
			`RUNBOOK_GITHUB_TOKEN: must be set when RUNBOOK_TICKETS=github (a token that may read the repository's issues)`},
		{"given a repository without owner when loaded then owner/name is asked for",
			env{"RUNBOOK_TICKETS": "github", "RUNBOOK_GITHUB_REPO": "infra", "RUNBOOK_GITHUB_TOKEN": "ghp_SECRET"},
			`RUNBOOK_GITHUB_REPO: "infra" is not owner/name (use the repository's owner/name, such as acme/platform)`},
		{"given a github token with a space when loaded then refused without the value",
			env{"RUNBOOK_TICKETS": "github", "RUNBOOK_GITHUB_REPO": "acme/infra", "RUNBOOK_GITHUB_TOKEN": "Bearer ghp_SECRET"},
			`RUNBOOK_GITHUB_TOKEN: the value has quotes or spaces (paste the token alone)`},
		{"given a relative github api url when loaded then refused without the value",
			env{"RUNBOOK_GITHUB_API_URL": "ghe.example/SECRET"},
			`RUNBOOK_GITHUB_API_URL: the value is not an absolute http(s) URL (use https://api.github.com/, or https://HOST/api/v3/ for GitHub Enterprise Server)`},
		{"given jira without a site when loaded then the site is required",
			env{"RUNBOOK_TICKETS": "jira", "RUNBOOK_JIRA_EMAIL": "bot@acme.com", "RUNBOOK_JIRA_TOKEN": "ATATTSECRET"},
			`RUNBOOK_JIRA_URL: must be set when RUNBOOK_TICKETS=jira (use your site's address, such as https://example.atlassian.net)`},
		{"given jira without an e-mail when loaded then the e-mail is required",
			env{"RUNBOOK_TICKETS": "jira", "RUNBOOK_JIRA_URL": "https://acme.atlassian.net", "RUNBOOK_JIRA_TOKEN": "ATATTSECRET"},
			`RUNBOOK_JIRA_EMAIL: must be set when RUNBOOK_TICKETS=jira (the e-mail of the account the API token belongs to)`},
		{"given jira without a token when loaded then the token is required",
			env{"RUNBOOK_TICKETS": "jira", "RUNBOOK_JIRA_URL": "https://acme.atlassian.net", "RUNBOOK_JIRA_EMAIL": "bot@acme.com"},
			`RUNBOOK_JIRA_TOKEN: must be set when RUNBOOK_TICKETS=jira (an Atlassian API token of that account)`},
		{"given a jira e-mail without at when loaded then refused",
			env{"RUNBOOK_JIRA_EMAIL": "runbook-bot"},
			`RUNBOOK_JIRA_EMAIL: "runbook-bot" is not an e-mail address (use the e-mail of the account the API token belongs to)`},
		{"given a mysql URL in RUNBOOK_DB when loaded then refused with the password hidden",
			env{"RUNBOOK_DB": "mysql://root:SECRETpw@db:3306/runbook"},
			`RUNBOOK_DB: "mysql://root:xxxxx@db:3306/runbook" is a mysql:// URL, which runbook-bot does not support (use a SQLite file path such as data/runbook.db, or a postgres:// URL)`},
		{"given a sqlite URL in RUNBOOK_DB when loaded then told to give the path alone",
			env{"RUNBOOK_DB": "sqlite:///var/lib/runbook.db"},
			`RUNBOOK_DB: "sqlite:///var/lib/runbook.db" is a sqlite:// URL, which runbook-bot does not support (for SQLite give the file path alone, such as data/runbook.db)`},
		{"given a postgres URL with a bad port when loaded then refused without the value",
			env{"RUNBOOK_DB": "postgres://app:SECRETpw@db:54x32/runbook"},
			`RUNBOOK_DB: the value is not a valid PostgreSQL URL (use postgres://USER:PASSWORD@HOST:PORT/DATABASE, with the user and password percent-encoded)`},
		{"given a postgres URL with a bad sslmode when loaded then the setting is named and the password hidden",
			env{"RUNBOOK_DB": "postgres://app:SECRETpw@db/runbook?sslmode=sometimes"},
			`RUNBOOK_DB: "postgres://app:xxxxx@db/runbook?sslmode=sometimes" is not a usable PostgreSQL URL: sslmode is invalid`},
		{"given a postgres URL with a password parameter when refused then the parameter is hidden too",
			env{"RUNBOOK_DB": "postgres://app@db/runbook?password=SECRETpw&sslmode=sometimes"},
			`RUNBOOK_DB: "postgres://app@db/runbook?password=xxxxx&sslmode=sometimes" is not a usable PostgreSQL URL: sslmode is invalid`},
		{"given a key=value connection string in RUNBOOK_DB when loaded then told to use a URL",
			env{"RUNBOOK_DB": "host=db user=app password=SECRETpw dbname=runbook"},
			`RUNBOOK_DB: the value looks like a PostgreSQL key=value connection string, not a file path (use a postgres:// URL such as postgres://USER:PASSWORD@HOST:5432/DATABASE)`},
		{"given an ftp jira url when loaded then refused without the value",
			env{"RUNBOOK_TICKETS": "jira", "RUNBOOK_JIRA_URL": "ftp://u:SECRET@jira", "RUNBOOK_JIRA_EMAIL": "bot@acme.com", "RUNBOOK_JIRA_TOKEN": "ATATTSECRET"},
			`RUNBOOK_JIRA_URL: the value is not an absolute http(s) URL (use your site's address, such as https://example.atlassian.net)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := LoadConfig(tt.env.lookup)
			require.Error(t, err)
			var ce *ConfigError
			require.ErrorAs(t, err, &ce)
			require.Len(t, ce.Problems, 1, err.Error())
			assert.Equal(t, tt.want, err.Error())
			assert.NotContains(t, err.Error(), "SECRET")
		})
	}
}

func TestLoadConfig_GivenSeveralBadValues_WhenLoaded_ThenAllAreReportedInDocumentationOrder(t *testing.T) {
	_, err := LoadConfig(env{
		"RUNBOOK_HTTP_ADDR":   "nope",
		"RUNBOOK_RUN_TIMEOUT": "ten minutes",
		"SLACK_BOT_TOKEN":     "SECRETtoken",
		"RUNBOOK_LANG":        "fr",
		"RUNBOOK_AUTORUN":     "sure",
	}.lookup)

	var ce *ConfigError
	require.ErrorAs(t, err, &ce)
	vars := make([]string, len(ce.Problems))
	for i, p := range ce.Problems {
		vars[i] = p.Var
	}
	assert.Equal(t, []string{"SLACK_BOT_TOKEN", "RUNBOOK_LANG", "RUNBOOK_RUN_TIMEOUT", "RUNBOOK_AUTORUN", "RUNBOOK_HTTP_ADDR"}, vars)
	assert.Len(t, strings.Split(err.Error(), "\n"), 5)
	assert.NotContains(t, err.Error(), "SECRET")
}

func TestIsSecretVar_GivenName_WhenChecked_ThenSecretByName(t *testing.T) {
	tests := []struct {
		name string
		v    string
		want bool
	}{
		{"given the bot token when checked then secret", "SLACK_BOT_TOKEN", true},
		{"given the app token when checked then secret", "SLACK_APP_TOKEN", true},
		{"given the slack api url when checked then secret", "SLACK_API_URL", true},
		{"given the itsm webhook when checked then secret", "RUNBOOK_ITSM_WEBHOOK_URL", true},
		{"given a password when checked then secret", "DB_PASSWORD", true},
		{"given an api key when checked then secret", "api_key", true},
		{"given a dsn when checked then secret", "SENTRY_DSN", true},
		{"given a secret when checked then secret", "CLIENT_SECRET", true},
		{"given the runbook file when checked then not secret", "RUNBOOK_FILE", false},
		{"given the channel when checked then not secret", "RUNBOOK_CHANNEL", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, isSecretVar(tt.v))
		})
	}
}

func TestConfigRedacted_GivenConfig_WhenRedacted_ThenSecretsOnlySayWhetherSet(t *testing.T) {
	tests := []struct {
		name string
		env  env
		want map[string]string
	}{
		{"given defaults when redacted then effective values and unset secrets",
			env{}, map[string]string{
				"SLACK_BOT_TOKEN":           "unset",
				"SLACK_APP_TOKEN":           "unset",
				"SLACK_API_URL":             "set",
				"RUNBOOK_FILE":              "docs/runbook.md",
				"RUNBOOK_WORKDIR":           ".",
				"RUNBOOK_CHECKINS_FILE":     "docs/observabilidade/check-ins.md",
				"RUNBOOK_DB":                "data/runbook.db",
				"RUNBOOK_DATA_DIR":          "data/",
				"RUNBOOK_TZ":                "UTC",
				"RUNBOOK_LANG":              "from runbook",
				"RUNBOOK_CHANNEL":           "#plataforma",
				"RUNBOOK_INCIDENT_CHANNEL":  "from runbook",
				"RUNBOOK_CONFIRM_LEAD":      "from runbook",
				"RUNBOOK_REMINDERS":         "4h,1h",
				"RUNBOOK_INCIDENT_DEADLINE": "from runbook",
				"RUNBOOK_DELAY_THRESHOLD":   "from runbook",
				"RUNBOOK_RUN_TIMEOUT":       "1h",
				"RUNBOOK_AUTORUN":           "false",
				"RUNBOOK_OPERATORS":         "",
				"RUNBOOK_RESPONDERS":        "members of the incident channel",
				"RUNBOOK_ITSM_WEBHOOK_URL":  "unset",
				"RUNBOOK_HTTP_ADDR":         "127.0.0.1:8080",
				"RUNBOOK_SCRIPT_ENV":        "none",
				"RUNBOOK_RETENTION":         "720h",
				"RUNBOOK_TICKETS":           "none",
				"RUNBOOK_GITHUB_REPO":       "",
				"RUNBOOK_GITHUB_TOKEN":      "unset",
				"RUNBOOK_GITHUB_API_URL":    "unset",
				"RUNBOOK_GITHUB_LABEL":      "runbook:{job}",
				"RUNBOOK_JIRA_URL":          "unset",
				"RUNBOOK_JIRA_EMAIL":        "",
				"RUNBOOK_JIRA_TOKEN":        "unset",
				"RUNBOOK_JIRA_JQL":          `labels = "runbook-{job}" AND statusCategory != Done`,
			}},
		{"given every value set when redacted then secrets say set and the rest is shown",
			env{
				"SLACK_BOT_TOKEN": goodBot, "SLACK_APP_TOKEN": goodApp, "SLACK_API_URL": "http://127.0.0.1:1/SECRET/",
				"RUNBOOK_TZ": "America/Sao_Paulo", "RUNBOOK_LANG": "en", "RUNBOOK_INCIDENT_CHANNEL": "#inc",
				"RUNBOOK_CONFIRM_LEAD": "90m", "RUNBOOK_REMINDERS": "none", "RUNBOOK_INCIDENT_DEADLINE": "1m30s",
				"RUNBOOK_DELAY_THRESHOLD": "30s", "RUNBOOK_RUN_TIMEOUT": "2h", "RUNBOOK_AUTORUN": "yes",
				"RUNBOOK_OPERATORS": "U1AB,S2CD", "RUNBOOK_RESPONDERS": "S3EF", "RUNBOOK_ITSM_WEBHOOK_URL": "https://u:SECRET@itsm.example/", "RUNBOOK_HTTP_ADDR": "",
				"RUNBOOK_SCRIPT_ENV": "AWS_REGION,KUBECONFIG",
				"RUNBOOK_TICKETS":    "GitHub", "RUNBOOK_GITHUB_REPO": "acme/infra", "RUNBOOK_GITHUB_TOKEN": "ghp_SECRETtoken",
				"RUNBOOK_GITHUB_API_URL": "https://ghe.example/api/v3/", "RUNBOOK_GITHUB_LABEL": "infra/{job}",
				"RUNBOOK_JIRA_URL": "https://acme.atlassian.net", "RUNBOOK_JIRA_EMAIL": "bot@acme.com", "RUNBOOK_JIRA_TOKEN": "ATATTSECRET",
				"RUNBOOK_JIRA_JQL": "project = OPS AND component = \"{job}\"",
			}, map[string]string{
				"SLACK_BOT_TOKEN":           "set",
				"SLACK_APP_TOKEN":           "set",
				"SLACK_API_URL":             "set",
				"RUNBOOK_FILE":              "docs/runbook.md",
				"RUNBOOK_WORKDIR":           ".",
				"RUNBOOK_CHECKINS_FILE":     "docs/observabilidade/check-ins.md",
				"RUNBOOK_DB":                "data/runbook.db",
				"RUNBOOK_DATA_DIR":          "data/",
				"RUNBOOK_TZ":                "America/Sao_Paulo",
				"RUNBOOK_LANG":              "en",
				"RUNBOOK_CHANNEL":           "#plataforma",
				"RUNBOOK_INCIDENT_CHANNEL":  "#inc",
				"RUNBOOK_CONFIRM_LEAD":      "1h30m",
				"RUNBOOK_REMINDERS":         "none",
				"RUNBOOK_INCIDENT_DEADLINE": "1m30s",
				"RUNBOOK_DELAY_THRESHOLD":   "30s",
				"RUNBOOK_RUN_TIMEOUT":       "2h",
				"RUNBOOK_AUTORUN":           "true",
				"RUNBOOK_OPERATORS":         "U1AB,S2CD",
				"RUNBOOK_RESPONDERS":        "S3EF",
				"RUNBOOK_ITSM_WEBHOOK_URL":  "set",
				"RUNBOOK_HTTP_ADDR":         "disabled",
				"RUNBOOK_SCRIPT_ENV":        "AWS_REGION,KUBECONFIG",
				"RUNBOOK_RETENTION":         "720h",
				"RUNBOOK_TICKETS":           "github",
				"RUNBOOK_GITHUB_REPO":       "acme/infra",
				"RUNBOOK_GITHUB_TOKEN":      "set",
				"RUNBOOK_GITHUB_API_URL":    "set",
				"RUNBOOK_GITHUB_LABEL":      "infra/{job}",
				"RUNBOOK_JIRA_URL":          "set",
				"RUNBOOK_JIRA_EMAIL":        "bot@acme.com",
				"RUNBOOK_JIRA_TOKEN":        "set",
				"RUNBOOK_JIRA_JQL":          `project = OPS AND component = "{job}"`,
			}},
		{"given a postgres URL with a password when redacted then the password is replaced",
			env{"RUNBOOK_DB": "postgres://app:SECRETpw@db.internal:5432/runbook?sslmode=require&password=SECRETq"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := LoadConfig(tt.env.lookup)
			require.NoError(t, err)
			got := c.Redacted()
			if tt.want == nil {
				assert.Equal(t, "postgres://app:xxxxx@db.internal:5432/runbook?password=xxxxx&sslmode=require", got["RUNBOOK_DB"])
			} else {
				assert.Equal(t, tt.want, got)
			}
			assert.ElementsMatch(t, configVars, keys(got), "Redacted covers exactly the variables of docs/spec.md §9")
			for _, v := range got {
				assert.NotContains(t, v, "SECRET")
			}
		})
	}
}

func keys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestConfigReminderWarnings_GivenLead_WhenChecked_ThenRemindersNotShorterAreNamed(t *testing.T) {
	tests := []struct {
		name      string
		reminders []time.Duration
		lead      time.Duration
		want      []string
	}{
		{"given reminders shorter than the lead when checked then nothing to say", []time.Duration{4 * time.Hour, time.Hour}, 24 * time.Hour, nil},
		{"given no reminders when checked then nothing to say", nil, time.Minute, nil},
		{"given a reminder equal to the lead when checked then it is named", []time.Duration{24 * time.Hour}, 24 * time.Hour,
			[]string{"RUNBOOK_REMINDERS: 24h is not shorter than the confirmation lead 24h: it would come before the request, so it is never sent"}},
		{"given the default reminders and a 2h lead when checked then 4h is named", []time.Duration{4 * time.Hour, time.Hour}, 2 * time.Hour,
			[]string{"RUNBOOK_REMINDERS: 4h is not shorter than the confirmation lead 2h: it would come before the request, so it is never sent"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, Config{Reminders: tt.reminders}.ReminderWarnings(tt.lead))
		})
	}
}

func TestFormatDuration_GivenDuration_WhenFormatted_ThenShortForm(t *testing.T) {
	tests := []struct {
		name string
		d    time.Duration
		want string
	}{
		{"given hours when formatted then 4h", 4 * time.Hour, "4h"},
		{"given minutes when formatted then 15m", 15 * time.Minute, "15m"},
		{"given hours and minutes when formatted then 1h30m", 90 * time.Minute, "1h30m"},
		{"given seconds when formatted then 90s as 1m30s", 90 * time.Second, "1m30s"},
		{"given mixed when formatted then full", time.Hour + time.Second, "1h0m1s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, formatDuration(tt.d))
		})
	}
}

func TestLoadDotEnv_GivenFile_WhenLoaded_ThenRealEnvironmentWins(t *testing.T) {
	tests := []struct {
		name    string
		file    *string // nil: no file
		real    env
		want    env
		wantErr string // substring after the path
	}{
		{"given no .env when loaded then nothing is set and no error", nil, env{}, env{}, ""},
		{"given a .env when loaded then its variables are set",
			ptr("# comment\nRUNBOOK_CHANNEL=#ops\nexport RUNBOOK_TZ=America/Sao_Paulo\nRUNBOOK_LANG=\"en\" # inline\n"),
			env{}, env{"RUNBOOK_CHANNEL": "#ops", "RUNBOOK_TZ": "America/Sao_Paulo", "RUNBOOK_LANG": "en"}, ""},
		{"given a variable already in the environment when loaded then the real value wins",
			ptr("RUNBOOK_CHANNEL=#ops\nRUNBOOK_DB=x.db\n"),
			env{"RUNBOOK_CHANNEL": "#real"}, env{"RUNBOOK_CHANNEL": "#real", "RUNBOOK_DB": "x.db"}, ""},
		{"given a variable set empty in the environment when loaded then the empty value wins",
			ptr("RUNBOOK_HTTP_ADDR=:9090\n"),
			env{"RUNBOOK_HTTP_ADDR": ""}, env{"RUNBOOK_HTTP_ADDR": ""}, ""},
		{"given an empty assignment in .env when loaded then it is set empty",
			ptr("RUNBOOK_HTTP_ADDR=\n"),
			env{}, env{"RUNBOOK_HTTP_ADDR": ""}, ""},
		{"given a multi-line quoted value when loaded then it is read whole",
			ptr("A=1\nB=\"line1\nline2\"\nC=3\n"),
			env{}, env{"A": "1", "B": "line1\nline2", "C": "3"}, ""},
		{"given an unterminated quote when loaded then the file and line are named, not the value",
			ptr("A=1\n\nSLACK_BOT_TOKEN=\"xoxb-SECRET\nC=3\n"),
			env{}, env{}, ":3: unterminated quoted value (a quote opened here is never closed)"},
		{"given a bad variable name when loaded then the file and line are named",
			ptr("A=1\nB=2\nBAD-NAME=SECRET\n"),
			env{}, env{}, `:3: unexpected character "-" in a variable name (use NAME=value, names of letters, digits and _)`},
		{"given a bad last line without newline when loaded then its line is named",
			ptr("A=1\nB C\n"),
			env{}, env{}, ":2: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), ".env")
			if tt.file != nil {
				require.NoError(t, os.WriteFile(path, []byte(*tt.file), 0o600))
			}
			got := env{}
			for k, v := range tt.real {
				got[k] = v
			}
			err := loadDotEnvInto(path, got.lookup, func(k, v string) error { got[k] = v; return nil })
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), path+tt.wantErr)
				assert.NotContains(t, err.Error(), "SECRET")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestLoadDotEnv_GivenUnreadablePath_WhenLoaded_ThenErrorNamesFile(t *testing.T) {
	dir := t.TempDir() // a directory cannot be read as a file
	err := loadDotEnvInto(dir, env{}.lookup, func(string, string) error { return nil })
	require.Error(t, err)
	assert.Contains(t, err.Error(), dir)
}

func TestLoadDotEnv_GivenSetenvFails_WhenLoaded_ThenErrorNamesVariable(t *testing.T) {
	path := filepath.Join(t.TempDir(), ".env")
	require.NoError(t, os.WriteFile(path, []byte("A=1\n"), 0o600))
	err := loadDotEnvInto(path, env{}.lookup, func(string, string) error { return errors.New("boom") })
	assert.EqualError(t, err, path+": setting A: boom")
}

func TestLoadDotEnv_GivenRealEnvironment_WhenLoaded_ThenOnlyUnsetVariablesAreSet(t *testing.T) {
	path := filepath.Join(t.TempDir(), ".env")
	require.NoError(t, os.WriteFile(path, []byte("RUNBOOK_TEST_DOTENV_A=file\nRUNBOOK_TEST_DOTENV_B=file\n"), 0o600))
	t.Setenv("RUNBOOK_TEST_DOTENV_A", "real")
	t.Setenv("RUNBOOK_TEST_DOTENV_B", "") // registers cleanup
	require.NoError(t, os.Unsetenv("RUNBOOK_TEST_DOTENV_B"))

	require.NoError(t, loadDotEnv(path))

	assert.Equal(t, "real", os.Getenv("RUNBOOK_TEST_DOTENV_A"))
	assert.Equal(t, "file", os.Getenv("RUNBOOK_TEST_DOTENV_B"))
}

func ptr(s string) *string { return &s }

func FuzzLoadConfig_GivenAnyValues_WhenLoaded_ThenNoPanicAndSecretsNeverEchoed(f *testing.F) {
	f.Add("xoxb-abc", "xapp-abc", "https://slack.com/api", "4h,1h", "UTC-3", "#plataforma", "http://u:p@h/")
	f.Add("xapp-wrong", "xoxb-wrong", "ftp://x", "0s", "Mars/Olympus", "plataforma", "::")
	f.Add("", "", "", "none", "", "", "")
	// Every message a secret variable can get, from inputs that hit each branch:
	// a secret's message must never depend on its value.
	allowed := map[string]bool{}
	for _, v := range []string{"x", "xoxb-1", "xapp-1", "xoxp-1", "xoxb-", "xapp-", "xoxb-\"", "xapp-\""} {
		_, err := LoadConfig(env{"SLACK_BOT_TOKEN": v, "SLACK_APP_TOKEN": v, "SLACK_API_URL": v, "RUNBOOK_ITSM_WEBHOOK_URL": v}.lookup)
		for _, p := range err.(*ConfigError).Problems {
			allowed[p.String()] = true
		}
	}
	f.Fuzz(func(t *testing.T, bot, app, api, reminders, tz, channel, itsm string) {
		c, err := LoadConfig(env{
			"SLACK_BOT_TOKEN": bot, "SLACK_APP_TOKEN": app, "SLACK_API_URL": api,
			"RUNBOOK_REMINDERS": reminders, "RUNBOOK_TZ": tz, "RUNBOOK_CHANNEL": channel,
			"RUNBOOK_ITSM_WEBHOOK_URL": itsm,
		}.lookup)
		if c.TZ == nil {
			t.Fatal("TZ is nil")
		}
		if err == nil {
			return
		}
		for _, p := range err.(*ConfigError).Problems {
			if isSecretVar(p.Var) && !allowed[p.String()] {
				t.Fatalf("problem with a secret is not one of the fixed messages (may echo the value): %s", p)
			}
		}
	})
}

func TestEnvExample_GivenTheRepositoryFile_WhenRead_ThenEveryVariableIsDocumentedAndValid(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "..", ".env.example"))
	require.NoError(t, err)

	vars, err := godotenv.UnmarshalBytes(src)
	require.NoError(t, err)
	assert.Empty(t, vars, "nothing is set by default: every value is commented out")

	var uncommented []string
	for line := range strings.SplitSeq(string(src), "\n") {
		if rest, ok := strings.CutPrefix(line, "#"); ok && exampleLineRE.MatchString(rest) {
			uncommented = append(uncommented, rest)
		}
	}
	example, err := godotenv.Unmarshal(strings.Join(uncommented, "\n"))
	require.NoError(t, err)

	tests := []struct {
		name string
		vars []string
	}{
		{"given the variables of docs/spec.md §9 when read then each has an example line", configVars},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, v := range tt.vars {
				assert.Contains(t, example, v)
			}
		})
	}
	t.Run("given the ticket variables when read then none is marked as not read yet", func(t *testing.T) {
		assert.NotContains(t, string(src), "planned: not read yet")
		for _, v := range []string{envTickets, envGitHubRepo, envGitHubToken, envGitHubAPIURL, envGitHubLabel,
			envJiraURL, envJiraEmail, envJiraToken, envJiraJQL} {
			assert.Contains(t, configVars, v)
		}
	})
	t.Run("given every example value uncommented when loaded then the configuration is valid", func(t *testing.T) {
		_, err := LoadConfig(env(example).lookup)
		assert.NoError(t, err)
	})
}

// exampleLineRE is a commented-out example: VAR=value.
var exampleLineRE = regexp.MustCompile(`^[A-Z][A-Z0-9_]*=`)
