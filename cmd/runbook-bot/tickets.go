package main

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/runbook-bot/runbook-bot/runbook"
	"github.com/runbook-bot/runbook-bot/runbook/tickets/github"
	"github.com/runbook-bot/runbook-bot/runbook/tickets/jira"
)

// ticketHTTPTimeout bounds one HTTP exchange with a tracker; each look-up has its own,
// shorter deadline (runbook.DefaultTicketTimeout).
const ticketHTTPTimeout = 10 * time.Second

// ticketSource builds the configured ticket source, nil when none is configured. Its
// Validate names the variable to fix; tokens are never part of the error.
func ticketSource(c Config) (runbook.TicketSource, error) {
	hc := &http.Client{Timeout: ticketHTTPTimeout}
	switch c.Tickets {
	case TicketsGitHub:
		src := &github.Client{Repo: c.GitHubRepo, Token: c.GitHubToken, APIURL: c.GitHubAPIURL, LabelTemplate: c.GitHubLabel, HTTP: hc}
		if err := src.Validate(); err != nil {
			return nil, fmt.Errorf("ticket source: %w", err)
		}
		return src, nil
	case TicketsJira:
		src := &jira.Client{URL: c.JiraURL, Email: c.JiraEmail, Token: c.JiraToken, JQLTemplate: c.JiraJQL, HTTP: hc}
		if err := src.Validate(); err != nil {
			return nil, fmt.Errorf("ticket source: %w", err)
		}
		return src, nil
	}
	return nil, nil
}

// ticketSourceText describes the ticket source for validate: its kind, repository or
// site and template, never a token.
func ticketSourceText(c Config) string {
	switch c.Tickets {
	case TicketsGitHub:
		return fmt.Sprintf("github %s at %s, label %s", c.GitHubRepo, publicURL(cmp.Or(c.GitHubAPIURL, github.DefaultAPIURL)),
			cmp.Or(c.GitHubLabel, github.DefaultLabelTemplate))
	case TicketsJira:
		return fmt.Sprintf("jira %s as %s, JQL %s", publicURL(c.JiraURL), c.JiraEmail, cmp.Or(c.JiraJQL, jira.DefaultJQLTemplate))
	}
	return "none"
}

// publicURL is scheme, host and path of raw: credentials, query and fragment dropped.
func publicURL(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return "(invalid URL)"
	}
	return (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}).String()
}

// ticketTokenVars are the trackers' tokens and the git token, kept out of the scripts' environment.
var ticketTokenVars = []string{envGitHubToken, envJiraToken, envGitToken}

// scriptEnv is the scripts' environment: runner.ScriptEnv's, minus the trackers' tokens.
func scriptEnv(environ []string) []string {
	out := environ[:0:0]
	for _, kv := range environ {
		k, _, _ := strings.Cut(kv, "=")
		if !containsFold(ticketTokenVars, k) {
			out = append(out, kv)
		}
	}
	return out
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}
