// Package github lists a job's open tickets from GitHub Issues (github.com or GitHub
// Enterprise Server) through the REST API.
//
// It implements "List repository issues", GET /repos/{owner}/{repo}/issues, REST API
// version 2022-11-28, following the Link header's rel="next" for pagination and the
// documented rate-limit headers (x-ratelimit-remaining, x-ratelimit-reset, retry-after).
package github

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/runbook-bot/runbook-bot/runbook"
	"github.com/runbook-bot/runbook-bot/runbook/tickets/internal/apierr"
)

// DefaultAPIURL is the REST API of github.com.
const DefaultAPIURL = "https://api.github.com/"

// DefaultLabelTemplate names the label that relates an issue to a job; {job} is the job id.
const DefaultLabelTemplate = "runbook:{job}"

// APIVersion is the REST API version requested with X-GitHub-Api-Version.
const APIVersion = "2022-11-28"

// MaxPages caps how many pages of 100 issues one look-up follows.
const MaxPages = 10

// service names GitHub in error messages.
const service = "GitHub"

// Client lists open issues labelled for a job; it implements runbook.TicketSource.
type Client struct {
	Repo          string           // owner/name
	Token         string           // fine-grained token with Issues: read-only (sent as a Bearer token)
	APIURL        string           // default https://api.github.com/ ; GitHub Enterprise: https://host/api/v3/
	LabelTemplate string           // default "runbook:{job}"
	HTTP          *http.Client     // default http.DefaultClient
	Now           func() time.Time // clock for Retry-After; default time.Now
}

var _ runbook.TicketSource = (*Client)(nil)

// issue is the part of GitHub's issue object the bot reads.
type issue struct {
	Number    int             `json:"number"`
	Title     string          `json:"title"`
	State     string          `json:"state"`
	HTMLURL   string          `json:"html_url"`
	Assignee  *user           `json:"assignee"`
	Assignees []user          `json:"assignees"`
	Labels    []label         `json:"labels"`
	PR        json.RawMessage `json:"pull_request"`
}

type user struct {
	Login string `json:"login"`
}

// label is a label object or, as the schema also allows, a bare name.
type label struct{ Name string }

// UnmarshalJSON accepts {"name": "..."} or "...".
func (l *label) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		return json.Unmarshal(b, &l.Name)
	}
	var o struct {
		Name string `json:"name"`
	}
	if err := json.Unmarshal(b, &o); err != nil {
		return err
	}
	l.Name = o.Name
	return nil
}

// apiError is GitHub's error body.
type apiError struct {
	Message string `json:"message"`
}

// OpenTickets lists the open issues (pull requests skipped) carrying the job's label.
func (c *Client) OpenTickets(ctx context.Context, job string) ([]runbook.Ticket, error) {
	owner, repo, ok := strings.Cut(strings.Trim(strings.TrimSpace(c.Repo), "/"), "/")
	if !ok || owner == "" || repo == "" || strings.Contains(repo, "/") {
		return nil, apierr.Coded(runbook.M(runbook.TkRepoForm, "var", "RUNBOOK_GITHUB_REPO"), "RUNBOOK_GITHUB_REPO must be owner/name")
	}
	base, err := c.base()
	if err != nil {
		return nil, err
	}
	tmpl := c.LabelTemplate
	if tmpl == "" {
		tmpl = DefaultLabelTemplate
	}
	q := url.Values{}
	q.Set("state", "open")
	q.Set("labels", strings.ReplaceAll(tmpl, "{job}", job))
	q.Set("per_page", "100")
	first := base.JoinPath("repos", owner, repo, "issues")
	first.RawQuery = q.Encode()

	var out []runbook.Ticket
	next := first
	for page := 0; next != nil && page < MaxPages; page++ {
		items, link, err := c.page(ctx, next)
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			if isPR(it.PR) {
				continue
			}
			out = append(out, ticketOf(it))
		}
		next, err = nextPage(link, base)
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// base parses APIURL (or the default) and makes sure it ends with a slash.
func (c *Client) base() (*url.URL, error) {
	raw := strings.TrimSpace(c.APIURL)
	if raw == "" {
		raw = DefaultAPIURL
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, apierr.Coded(runbook.M(runbook.TkBadURL, "var", "RUNBOOK_GITHUB_API_URL"), "RUNBOOK_GITHUB_API_URL must be an http(s) URL")
	}
	u.User, u.RawQuery, u.Fragment = nil, "", ""
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	return u, nil
}

// page fetches one page and returns its items and Link header.
func (c *Client) page(ctx context.Context, u *url.URL) ([]issue, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, "", apierr.Coded(runbook.M(runbook.TkRequest, "service", service), "GitHub request could not be built")
	}
	resp, err := c.send(req)
	if err != nil {
		return nil, "", err
	}
	defer apierr.Drain(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return nil, "", c.statusError(resp)
	}
	var items []issue
	if err := json.NewDecoder(io.LimitReader(resp.Body, apierr.MaxBody)).Decode(&items); err != nil {
		return nil, "", apierr.Coded(runbook.M(runbook.TkUnreadable, "service", service), "GitHub answered with an unreadable issue list")
	}
	return items, resp.Header.Get("Link"), nil
}

// send sends req with the headers GitHub's REST API asks for and the token.
func (c *Client) send(req *http.Request) (*http.Response, error) {
	req.Header.Set("Accept", "application/vnd.github+json")
	req.Header.Set("X-GitHub-Api-Version", APIVersion)
	req.Header.Set("User-Agent", "runbook-bot")
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, apierr.Transport(service, err)
	}
	return resp, nil
}

// statusError maps a non-200 answer to a short reason, as GitHub documents them.
func (c *Client) statusError(resp *http.Response) error {
	now := time.Now
	if c.Now != nil {
		now = c.Now
	}
	var body apiError
	_ = json.NewDecoder(io.LimitReader(resp.Body, 64<<10)).Decode(&body)
	code := resp.StatusCode
	switch {
	case code == http.StatusUnauthorized:
		return apierr.Coded(runbook.M(runbook.TkUnauthorized, "service", service, "vars", "RUNBOOK_GITHUB_TOKEN"), "GitHub answered 401 (check RUNBOOK_GITHUB_TOKEN)")
	case code == http.StatusForbidden || code == http.StatusTooManyRequests:
		// Primary limit: remaining 0, wait until x-ratelimit-reset. Secondary limit:
		// retry-after when present, else reset when remaining is 0, else a minute.
		if t, ok := apierr.RetryAfter(resp.Header, now()); ok {
			return apierr.RateLimited(service, t)
		}
		if strings.TrimSpace(resp.Header.Get("X-RateLimit-Remaining")) == "0" {
			if t, ok := apierr.UnixReset(resp.Header, "X-RateLimit-Reset"); ok {
				return apierr.RateLimited(service, t)
			}
			return apierr.Coded(runbook.M(runbook.TkRateLimited, "service", service), "GitHub rate limited (no reset time given)")
		}
		if strings.Contains(strings.ToLower(body.Message), "rate limit") {
			return apierr.RateLimited(service, now().Add(time.Minute))
		}
		if code == http.StatusTooManyRequests {
			return apierr.Coded(runbook.M(runbook.TkRateLimited, "service", service), "GitHub answered 429 (too many requests)")
		}
		return apierr.Coded(runbook.M(runbook.TkForbiddenGH, "repo", c.Repo), "GitHub answered 403 (the token may not read issues of %s)", c.Repo)
	case code == http.StatusNotFound:
		return apierr.Coded(runbook.M(runbook.TkNotFoundGH), "GitHub answered 404: repository not found or not visible to the token")
	case code >= 500:
		return apierr.Coded(runbook.M(runbook.TkStatus, "service", service, "status", strconv.Itoa(code)), "GitHub answered %d", code)
	}
	if msg := apierr.Snippet(body.Message, 80); msg != "" {
		return apierr.Coded(runbook.M(runbook.TkStatusText, "service", service, "status", strconv.Itoa(code), "text", msg), "GitHub answered %d: %s", code, msg)
	}
	return apierr.Coded(runbook.M(runbook.TkStatus, "service", service, "status", strconv.Itoa(code)), "GitHub answered %d", code)
}

// isPR tells whether the pull_request key is present (with a non-null value).
func isPR(raw json.RawMessage) bool {
	return len(raw) > 0 && string(raw) != "null"
}

// ticketOf maps an issue to the domain.
func ticketOf(it issue) runbook.Ticket {
	t := runbook.Ticket{
		Key:    fmt.Sprintf("#%d", it.Number),
		Title:  it.Title,
		Status: runbook.TicketOpen,
		URL:    it.HTMLURL,
	}
	switch {
	case len(it.Assignees) > 0:
		t.Assignee = it.Assignees[0].Login
	case it.Assignee != nil:
		t.Assignee = it.Assignee.Login
	}
	for _, l := range it.Labels {
		if l.Name != "" {
			t.Labels = append(t.Labels, l.Name)
		}
	}
	return t
}

// nextPage finds rel="next" in a Link header. The next URL must stay on the API's
// scheme and host, so the token is never sent anywhere else.
func nextPage(link string, base *url.URL) (*url.URL, error) {
	for part := range strings.SplitSeq(link, ",") {
		target, params, ok := strings.Cut(strings.TrimSpace(part), ";")
		if !ok {
			continue
		}
		target = strings.TrimSpace(target)
		if !strings.HasPrefix(target, "<") || !strings.HasSuffix(target, ">") {
			continue
		}
		if !hasRelNext(params) {
			continue
		}
		u, err := base.Parse(target[1 : len(target)-1])
		if err != nil {
			return nil, apierr.Coded(runbook.M(runbook.TkUnreadable, "service", service), "GitHub answered an unreadable Link header")
		}
		if u.Scheme != base.Scheme || u.Host != base.Host {
			return nil, apierr.Coded(runbook.M(runbook.TkOtherHost, "service", service), "GitHub pagination pointed to another host")
		}
		return u, nil
	}
	return nil, nil
}

// hasRelNext reads the parameters of one link-value looking for rel="next".
func hasRelNext(params string) bool {
	for p := range strings.SplitSeq(params, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(k), "rel") {
			continue
		}
		for rel := range strings.FieldsSeq(strings.Trim(strings.TrimSpace(v), `"`)) {
			if strings.EqualFold(rel, "next") {
				return true
			}
		}
	}
	return false
}

// Validate reports a configuration problem before the first look-up, naming the variable.
func (c *Client) Validate() error {
	if strings.TrimSpace(c.Repo) == "" {
		return errors.New("RUNBOOK_GITHUB_REPO is not set")
	}
	if _, _, ok := strings.Cut(strings.Trim(c.Repo, "/"), "/"); !ok {
		return errors.New("RUNBOOK_GITHUB_REPO must be owner/name")
	}
	if strings.TrimSpace(c.Token) == "" {
		return errors.New("RUNBOOK_GITHUB_TOKEN is not set")
	}
	if _, err := c.base(); err != nil {
		return err
	}
	return nil
}
