// Package jira lists a job's open tickets from Jira Cloud through its REST API.
//
// It implements "Search for issues using JQL enhanced search (POST)",
// POST /rest/api/3/search/jql (Jira Cloud platform REST API v3), the endpoint that
// replaced /rest/api/3/search: the request body carries jql, fields, maxResults and
// nextPageToken; the response carries issues, nextPageToken and isLast. The last page
// may omit nextPageToken, so the loop stops on isLast or on a missing token.
// Authentication is basic auth with the user's e-mail and an API token.
package jira

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/runbook-bot/runbook-bot/runbook"
	"github.com/runbook-bot/runbook-bot/runbook/tickets/internal/apierr"
)

// DefaultJQLTemplate selects a job's open issues; {job} is the job id.
const DefaultJQLTemplate = `labels = "runbook-{job}" AND statusCategory != Done`

// SearchPath is the enhanced JQL search endpoint, relative to the site URL.
const SearchPath = "/rest/api/3/search/jql"

// PageSize is the maxResults asked for per page.
const PageSize = 50

// MaxPages caps how many pages one look-up follows.
const MaxPages = 10

// service names Jira in error messages.
const service = "Jira"

// Client lists open Jira issues for a job; it implements runbook.TicketSource.
type Client struct {
	URL         string           // site, e.g. https://example.atlassian.net
	Email       string           // the API token's user
	Token       string           // Atlassian API token
	JQLTemplate string           // default `labels = "runbook-{job}" AND statusCategory != Done`
	HTTP        *http.Client     // default http.DefaultClient
	Now         func() time.Time // clock for Retry-After; default time.Now
}

var _ runbook.TicketSource = (*Client)(nil)

// searchRequest is the body of POST /rest/api/3/search/jql.
type searchRequest struct {
	JQL           string   `json:"jql"`
	Fields        []string `json:"fields"`
	MaxResults    int      `json:"maxResults"`
	NextPageToken string   `json:"nextPageToken,omitempty"`
}

// searchResponse is the part of the search result the bot reads.
type searchResponse struct {
	Issues        []issue `json:"issues"`
	NextPageToken string  `json:"nextPageToken"`
	IsLast        *bool   `json:"isLast"`
}

type issue struct {
	Key    string `json:"key"`
	Fields struct {
		Summary string `json:"summary"`
		Status  *struct {
			Name string `json:"name"`
		} `json:"status"`
		Assignee *struct {
			DisplayName string `json:"displayName"`
		} `json:"assignee"`
		Labels []string `json:"labels"`
	} `json:"fields"`
}

// errorBody is Jira's error collection.
type errorBody struct {
	ErrorMessages []string          `json:"errorMessages"`
	Errors        map[string]string `json:"errors"`
}

// fields are the issue fields requested.
var fields = []string{"summary", "status", "assignee", "labels"}

// OpenTickets runs the job's JQL and returns every matching issue.
func (c *Client) OpenTickets(ctx context.Context, job string) ([]runbook.Ticket, error) {
	site, err := c.site()
	if err != nil {
		return nil, err
	}
	tmpl := c.JQLTemplate
	if strings.TrimSpace(tmpl) == "" {
		tmpl = DefaultJQLTemplate
	}
	body := searchRequest{
		JQL:        strings.ReplaceAll(tmpl, "{job}", jqlEscape(job)),
		Fields:     fields,
		MaxResults: PageSize,
	}
	endpoint := strings.TrimSuffix(site.String(), "/") + SearchPath

	var out []runbook.Ticket
	for page := 0; page < MaxPages; page++ {
		res, err := c.search(ctx, endpoint, body)
		if err != nil {
			return nil, err
		}
		for _, it := range res.Issues {
			out = append(out, c.ticketOf(site, it))
		}
		if (res.IsLast != nil && *res.IsLast) || res.NextPageToken == "" || res.NextPageToken == body.NextPageToken {
			break
		}
		body.NextPageToken = res.NextPageToken
	}
	return out, nil
}

// site parses URL, dropping any path, query or credentials.
func (c *Client) site() (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(c.URL))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, apierr.Coded(runbook.M(runbook.TkBadURL, "var", "RUNBOOK_JIRA_URL"), "RUNBOOK_JIRA_URL must be an http(s) URL")
	}
	u.User, u.RawQuery, u.Fragment = nil, "", ""
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

// search posts one page request.
func (c *Client) search(ctx context.Context, endpoint string, body searchRequest) (*searchResponse, error) {
	buf, err := json.Marshal(body)
	if err != nil {
		return nil, apierr.Coded(runbook.M(runbook.TkRequest, "service", service), "Jira request could not be built")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(buf))
	if err != nil {
		return nil, apierr.Coded(runbook.M(runbook.TkRequest, "service", service), "Jira request could not be built")
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "runbook-bot")
	req.SetBasicAuth(c.Email, c.Token)
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, apierr.Transport(service, err)
	}
	defer apierr.Drain(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return nil, c.statusError(resp)
	}
	var res searchResponse
	if err := json.NewDecoder(io.LimitReader(resp.Body, apierr.MaxBody)).Decode(&res); err != nil {
		return nil, apierr.Coded(runbook.M(runbook.TkUnreadable, "service", service), "Jira answered with an unreadable search result")
	}
	return &res, nil
}

// statusError maps a non-200 answer to a short reason.
func (c *Client) statusError(resp *http.Response) error {
	now := time.Now
	if c.Now != nil {
		now = c.Now
	}
	code := resp.StatusCode
	switch {
	case code == http.StatusUnauthorized:
		return apierr.Coded(runbook.M(runbook.TkUnauthorized, "service", service, "vars", "RUNBOOK_JIRA_EMAIL, RUNBOOK_JIRA_TOKEN"), "Jira answered 401 (check RUNBOOK_JIRA_EMAIL and RUNBOOK_JIRA_TOKEN)")
	case code == http.StatusForbidden:
		return apierr.Coded(runbook.M(runbook.TkForbiddenJi), "Jira answered 403 (the user lacks Browse projects permission)")
	case code == http.StatusTooManyRequests:
		if t, ok := apierr.RetryAfter(resp.Header, now()); ok {
			return apierr.RateLimited(service, t)
		}
		return apierr.Coded(runbook.M(runbook.TkRateLimited, "service", service), "Jira answered 429 (rate limited)")
	case code == http.StatusNotFound:
		return apierr.Coded(runbook.M(runbook.TkNotFoundJi, "var", "RUNBOOK_JIRA_URL"), "Jira answered 404 (check RUNBOOK_JIRA_URL)")
	case code >= 500:
		return apierr.Coded(runbook.M(runbook.TkStatus, "service", service, "status", strconv.Itoa(code)), "Jira answered %d", code)
	}
	var eb errorBody
	_ = json.NewDecoder(io.LimitReader(resp.Body, 64<<10)).Decode(&eb)
	msg := ""
	if len(eb.ErrorMessages) > 0 {
		msg = eb.ErrorMessages[0]
	} else {
		for _, m := range eb.Errors {
			msg = m
			break
		}
	}
	if code == http.StatusBadRequest {
		if msg != "" {
			return apierr.Coded(runbook.M(runbook.TkJQLRejectedT, "text", apierr.Snippet(msg, 100)), "Jira rejected the query (check RUNBOOK_JIRA_JQL): %s", apierr.Snippet(msg, 100))
		}
		return apierr.Coded(runbook.M(runbook.TkJQLRejected), "Jira rejected the query (check RUNBOOK_JIRA_JQL)")
	}
	if msg != "" {
		return apierr.Coded(runbook.M(runbook.TkStatusText, "service", service, "status", strconv.Itoa(code), "text", apierr.Snippet(msg, 80)), "Jira answered %d: %s", code, apierr.Snippet(msg, 80))
	}
	return apierr.Coded(runbook.M(runbook.TkStatus, "service", service, "status", strconv.Itoa(code)), "Jira answered %d", code)
}

// ticketOf maps an issue to the domain; its URL is the site's browse page.
func (c *Client) ticketOf(site *url.URL, it issue) runbook.Ticket {
	t := runbook.Ticket{
		Key:    it.Key,
		Title:  it.Fields.Summary,
		URL:    site.JoinPath("browse", it.Key).String(),
		Labels: it.Fields.Labels,
	}
	if it.Fields.Status != nil {
		t.Status = it.Fields.Status.Name
	}
	if it.Fields.Assignee != nil {
		t.Assignee = it.Fields.Assignee.DisplayName
	}
	return t
}

// jqlEscape makes a job id safe inside a double-quoted JQL string.
func jqlEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s)
}

// Validate reports a configuration problem before the first look-up, naming the variable.
func (c *Client) Validate() error {
	if strings.TrimSpace(c.URL) == "" {
		return errors.New("RUNBOOK_JIRA_URL is not set")
	}
	if _, err := c.site(); err != nil {
		return err
	}
	if strings.TrimSpace(c.Email) == "" {
		return errors.New("RUNBOOK_JIRA_EMAIL is not set")
	}
	if strings.TrimSpace(c.Token) == "" {
		return errors.New("RUNBOOK_JIRA_TOKEN is not set")
	}
	return nil
}
