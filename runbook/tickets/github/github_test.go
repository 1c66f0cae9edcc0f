package github_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/runbook"
	"github.com/runbook-bot/runbook-bot/runbook/tickets/github"
)

const token = "github_pat_11ABCDEFG0s3cr3tTokenValue"

// issueJSON renders an issue as "List repository issues" documents it (trimmed of the
// many *_url fields the bot ignores, but keeping the shape: objects for user, labels,
// assignee(s); a pull_request object only on pull requests).
func issueJSON(base string, number int, title string, labels []string, assignees []string, pr bool) map[string]any {
	user := func(login string) map[string]any {
		return map[string]any{
			"login": login, "id": 1000 + len(login), "node_id": "MDQ6VXNlcjE=",
			"avatar_url": "https://github.com/images/error/" + login + "_happy.gif",
			"url":        base + "/users/" + login, "html_url": "https://github.com/" + login,
			"type": "User", "site_admin": false,
		}
	}
	ls := []map[string]any{}
	for i, l := range labels {
		ls = append(ls, map[string]any{
			"id": 208045946 + i, "node_id": "MDU6TGFiZWwyMDgwNDU5NDY=",
			"url":  base + "/repos/acme/platform/labels/" + l,
			"name": l, "description": "", "color": "f29513", "default": false,
		})
	}
	as := []map[string]any{}
	var assignee any
	for i, a := range assignees {
		as = append(as, user(a))
		if i == 0 {
			assignee = user(a)
		}
	}
	htmlKind := "issues"
	if pr {
		htmlKind = "pull"
	}
	m := map[string]any{
		"id": 1000000 + number, "node_id": "MDU6SXNzdWUx",
		"url":            fmt.Sprintf("%s/repos/acme/platform/issues/%d", base, number),
		"repository_url": base + "/repos/acme/platform",
		"html_url":       fmt.Sprintf("https://github.com/acme/platform/%s/%d", htmlKind, number),
		"number":         number, "state": "open", "state_reason": nil, "title": title,
		"body": "I'm having a problem with this.", "user": user("octocat"),
		"labels": ls, "assignee": assignee, "assignees": as, "milestone": nil,
		"locked": false, "comments": 0, "closed_at": nil,
		"created_at": "2011-04-22T13:33:48Z", "updated_at": "2011-04-22T13:33:48Z",
		"author_association": "COLLABORATOR",
	}
	if pr {
		m["pull_request"] = map[string]any{
			"url":       fmt.Sprintf("%s/repos/acme/platform/pulls/%d", base, number),
			"html_url":  fmt.Sprintf("https://github.com/acme/platform/pull/%d", number),
			"diff_url":  fmt.Sprintf("https://github.com/acme/platform/pull/%d.diff", number),
			"patch_url": fmt.Sprintf("https://github.com/acme/platform/pull/%d.patch", number),
		}
	}
	return m
}

// fakeGitHub serves two pages of issues for acme/platform the way api.github.com does:
// page 1 at /repos/{owner}/{repo}/issues, page 2 at the /repositories/{id}/issues URL
// its Link header names.
type fakeGitHub struct {
	srv *httptest.Server

	mu   sync.Mutex
	reqs []*http.Request
}

func (f *fakeGitHub) requests() []*http.Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*http.Request(nil), f.reqs...)
}

func newFakeGitHub(t *testing.T, prefix string) *fakeGitHub {
	t.Helper()
	f := &fakeGitHub{}
	mux := http.NewServeMux()
	okHeaders := func(w http.ResponseWriter) {
		h := w.Header()
		h.Set("Content-Type", "application/json; charset=utf-8")
		h.Set("X-GitHub-Media-Type", "github.v3; format=json")
		h.Set("X-GitHub-Api-Version-Selected", "2022-11-28")
		h.Set("X-RateLimit-Limit", "5000")
		h.Set("X-RateLimit-Remaining", "4998")
		h.Set("X-RateLimit-Reset", strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10))
		h.Set("X-RateLimit-Used", "2")
		h.Set("X-RateLimit-Resource", "core")
	}
	record := func(r *http.Request) {
		f.mu.Lock()
		f.reqs = append(f.reqs, r.Clone(context.Background()))
		f.mu.Unlock()
	}
	mux.HandleFunc("GET "+prefix+"/repos/acme/platform/issues", func(w http.ResponseWriter, r *http.Request) {
		record(r)
		base := f.srv.URL + prefix
		q := r.URL.Query()
		okHeaders(w)
		next := fmt.Sprintf("%s/repositories/1300192/issues?labels=%s&page=2&per_page=100&state=open", base, q.Get("labels"))
		w.Header().Set("Link", fmt.Sprintf(`<%s>; rel="next", <%s>; rel="last"`, next, next))
		_ = json.NewEncoder(w).Encode([]any{
			issueJSON(base, 12, "Seed fails on empty orders table", []string{"runbook:seed-dev-data", "bug"}, []string{"alice", "bob"}, false),
			issueJSON(base, 11, "Bump mongo driver", []string{"runbook:seed-dev-data"}, []string{"carol"}, true),
			issueJSON(base, 10, "BLOCKER: staging DNS", []string{"runbook:seed-dev-data"}, nil, false),
		})
	})
	mux.HandleFunc("GET "+prefix+"/repositories/1300192/issues", func(w http.ResponseWriter, r *http.Request) {
		record(r)
		base := f.srv.URL + prefix
		okHeaders(w)
		first := fmt.Sprintf("%s/repositories/1300192/issues?page=1&per_page=100&state=open", base)
		w.Header().Set("Link", fmt.Sprintf(`<%s>; rel="prev", <%s>; rel="first"`, first, first))
		_ = json.NewEncoder(w).Encode([]any{
			issueJSON(base, 7, "Fixtures drift", []string{"runbook:seed-dev-data", "runbook-blocker"}, []string{"dave"}, false),
		})
	})
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func TestOpenTickets_FollowsPagesAndSkipsPullRequests(t *testing.T) {
	tests := []struct {
		name   string
		prefix string // "" for github.com, "/api/v3" for GitHub Enterprise Server
		label  string
		want   string // label sent
	}{
		{name: "given github.com and the default label, when listing, then both pages are read", want: "runbook:seed-dev-data"},
		{name: "given GitHub Enterprise and a custom label, when listing, then the API path and label follow", prefix: "/api/v3", label: "ops/{job}", want: "ops/seed-dev-data"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeGitHub(t, tc.prefix)
			c := &github.Client{Repo: "acme/platform", Token: token, APIURL: f.srv.URL + tc.prefix, LabelTemplate: tc.label, HTTP: f.srv.Client()}

			got, err := c.OpenTickets(context.Background(), "seed-dev-data")

			require.NoError(t, err)
			assert.Equal(t, []runbook.Ticket{
				{Key: "#12", Title: "Seed fails on empty orders table", Status: "open", Assignee: "alice", URL: "https://github.com/acme/platform/issues/12", Labels: []string{"runbook:seed-dev-data", "bug"}},
				{Key: "#10", Title: "BLOCKER: staging DNS", Status: "open", URL: "https://github.com/acme/platform/issues/10", Labels: []string{"runbook:seed-dev-data"}},
				{Key: "#7", Title: "Fixtures drift", Status: "open", Assignee: "dave", URL: "https://github.com/acme/platform/issues/7", Labels: []string{"runbook:seed-dev-data", "runbook-blocker"}},
			}, got)
			reqs := f.requests()
			require.Len(t, reqs, 2)
			first := reqs[0]
			assert.Equal(t, tc.prefix+"/repos/acme/platform/issues", first.URL.Path)
			assert.Equal(t, "open", first.URL.Query().Get("state"))
			assert.Equal(t, tc.want, first.URL.Query().Get("labels"))
			assert.Equal(t, "100", first.URL.Query().Get("per_page"))
			assert.Equal(t, "2", reqs[1].URL.Query().Get("page"))
			for _, r := range reqs {
				assert.Equal(t, "Bearer "+token, r.Header.Get("Authorization"))
				assert.Equal(t, "application/vnd.github+json", r.Header.Get("Accept"))
				assert.Equal(t, "2022-11-28", r.Header.Get("X-GitHub-Api-Version"))
				assert.NotEmpty(t, r.Header.Get("User-Agent"))
			}
		})
	}
}

func TestTickets_WithGitHub_FlagsBlockers(t *testing.T) {
	f := newFakeGitHub(t, "")
	c := &github.Client{Repo: "acme/platform", Token: token, APIURL: f.srv.URL, HTTP: f.srv.Client()}

	rep := runbook.Tickets(context.Background(), c, "seed-dev-data", 5*time.Second)

	assert.Empty(t, rep.Unavailable)
	assert.Equal(t, 3, rep.Total)
	var blockers []string
	for _, b := range rep.Blockers {
		blockers = append(blockers, b.Key)
	}
	assert.Equal(t, []string{"#10", "#7"}, blockers)
}

// githubError answers as GitHub documents its error responses: a JSON body with
// message, documentation_url and status, and the rate-limit headers.
func githubError(status int, headers map[string]string, message string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		for k, v := range headers {
			w.Header().Set(k, v)
		}
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(map[string]string{
			"message":           message,
			"documentation_url": "https://docs.github.com/rest",
			"status":            strconv.Itoa(status),
		})
	}
}

func TestOpenTickets_Errors(t *testing.T) {
	now := time.Date(2025, 6, 13, 12, 0, 0, 0, time.UTC)
	reset := time.Date(2025, 6, 13, 12, 34, 0, 0, time.UTC).Unix()
	tests := []struct {
		name    string
		handler http.HandlerFunc
		want    string
	}{
		{
			name:    "given a bad token, when listing, then GitHub's 401 names the variable to check",
			handler: githubError(401, nil, "Bad credentials"),
			want:    "GitHub answered 401 (check RUNBOOK_GITHUB_TOKEN)",
		},
		{
			name: "given the primary rate limit spent, when listing, then the reset time is given",
			handler: githubError(403, map[string]string{
				"X-RateLimit-Limit": "5000", "X-RateLimit-Remaining": "0", "X-RateLimit-Used": "5000",
				"X-RateLimit-Reset": strconv.FormatInt(reset, 10), "X-RateLimit-Resource": "core",
			}, "API rate limit exceeded for user ID 1."),
			want: "GitHub rate limited until 12:34 UTC",
		},
		{
			name: "given the primary rate limit answered with 429, when listing, then the reset time is given",
			handler: githubError(429, map[string]string{
				"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": strconv.FormatInt(reset, 10),
			}, "API rate limit exceeded for user ID 1."),
			want: "GitHub rate limited until 12:34 UTC",
		},
		{
			name: "given a secondary rate limit with retry-after, when listing, then retry-after is honoured",
			handler: githubError(403, map[string]string{
				"Retry-After": "120", "X-RateLimit-Remaining": "4000",
			}, "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."),
			want: "GitHub rate limited until 12:02 UTC",
		},
		{
			name:    "given a secondary rate limit without headers, when listing, then a minute is assumed",
			handler: githubError(403, map[string]string{"X-RateLimit-Remaining": "4000"}, "You have exceeded a secondary rate limit."),
			want:    "GitHub rate limited until 12:01 UTC",
		},
		{
			name:    "given a token without access, when listing, then 403 is reported",
			handler: githubError(403, map[string]string{"X-RateLimit-Remaining": "4999"}, "Resource not accessible by personal access token"),
			want:    "GitHub answered 403 (the token may not read issues of acme/platform)",
		},
		{
			name:    "given an unknown repository, when listing, then 404 says so",
			handler: githubError(404, nil, "Not Found"),
			want:    "GitHub answered 404: repository not found or not visible to the token",
		},
		{
			name:    "given a server error, when listing, then the status is given",
			handler: githubError(500, nil, "Server Error"),
			want:    "GitHub answered 500",
		},
		{
			name: "given a 502 from the proxy, when listing, then the status is given",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				http.Error(w, "<html>Bad Gateway</html>", http.StatusBadGateway)
			},
			want: "GitHub answered 502",
		},
		{
			name:    "given a validation error, when listing, then GitHub's message is kept short",
			handler: githubError(422, nil, "Validation Failed"),
			want:    "GitHub answered 422: Validation Failed",
		},
		{
			name: "given a body that is not an issue list, when listing, then it is reported as unreadable",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(`{"message":"not a list"}`))
			},
			want: "GitHub answered with an unreadable issue list",
		},
		{
			name: "given a next link to another host, when listing, then the token is not sent there",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Link", `<https://evil.example.com/issues?page=2>; rel="next"`)
				_, _ = w.Write([]byte(`[]`))
			},
			want: "GitHub pagination pointed to another host",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(tc.handler)
			t.Cleanup(srv.Close)
			c := &github.Client{Repo: "acme/platform", Token: token, APIURL: srv.URL, HTTP: srv.Client(), Now: func() time.Time { return now }}

			got, err := c.OpenTickets(context.Background(), "seed-dev-data")
			rep := runbook.Tickets(context.Background(), c, "seed-dev-data", 5*time.Second)

			require.Error(t, err)
			assert.Nil(t, got)
			assert.Equal(t, tc.want, err.Error())
			assert.Equal(t, tc.want, rep.Why)
			assert.NotContains(t, []string{runbook.MsgText, runbook.TkError, ""}, rep.Unavailable.Code, "people get a code in their language: %v", rep.Unavailable)
			assert.NotContains(t, err.Error(), token)
			assert.NotContains(t, err.Error(), srv.URL)
		})
	}
}

func TestOpenTickets_PageCap(t *testing.T) {
	var mu sync.Mutex
	calls := 0
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		calls++
		n := calls
		mu.Unlock()
		w.Header().Set("Link", fmt.Sprintf(`<%s/repositories/1/issues?page=%d>; rel="next"`, srv.URL, n+1))
		_ = json.NewEncoder(w).Encode([]any{issueJSON(srv.URL, n, "issue", nil, nil, false)})
	}))
	t.Cleanup(srv.Close)
	c := &github.Client{Repo: "acme/platform", Token: token, APIURL: srv.URL, HTTP: srv.Client()}

	got, err := c.OpenTickets(context.Background(), "seed-dev-data")

	require.NoError(t, err)
	assert.Len(t, got, github.MaxPages)
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, github.MaxPages, calls)
}

func TestOpenTickets_Configuration(t *testing.T) {
	tests := []struct {
		name string
		c    github.Client
		want string
	}{
		{"given no owner, when listing, then the variable is named", github.Client{Repo: "platform", Token: token}, "RUNBOOK_GITHUB_REPO must be owner/name"},
		{"given a bad API URL, when listing, then the variable is named", github.Client{Repo: "acme/platform", Token: token, APIURL: "ftp://x"}, "RUNBOOK_GITHUB_API_URL must be an http(s) URL"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.c.OpenTickets(context.Background(), "seed-dev-data")

			require.Error(t, err)
			assert.Equal(t, tc.want, err.Error())
			assert.Error(t, tc.c.Validate())
		})
	}
	assert.NoError(t, (&github.Client{Repo: "acme/platform", Token: token}).Validate())
}

func TestTickets_WithGitHub_SlowServerTimesOut(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done() // answer only when the client gives up
	}))
	t.Cleanup(srv.Close)
	c := &github.Client{Repo: "acme/platform", Token: token, APIURL: srv.URL, HTTP: srv.Client()}
	start := time.Now()

	rep := runbook.Tickets(context.Background(), c, "seed-dev-data", 50*time.Millisecond)

	assert.Equal(t, runbook.M(runbook.TkTimedOut, "timeout", "50ms"), rep.Unavailable)
	assert.Less(t, time.Since(start), 30*time.Second, "Tickets must return once its timeout passes")
}

func TestTickets_WithGitHub_UnreachableHidesTheURL(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // nothing listens there any more
	c := &github.Client{Repo: "acme/platform", Token: token, APIURL: url}

	rep := runbook.Tickets(context.Background(), c, "seed-dev-data", 5*time.Second)

	assert.True(t, strings.HasPrefix(rep.Why, "GitHub unreachable: "), rep.Why)
	assert.Equal(t, runbook.TkUnreachable, rep.Unavailable.Code)
	for _, s := range []string{rep.Why, rep.Unavailable.String()} {
		assert.NotContains(t, s, token)
		assert.NotContains(t, s, "/repos/")
	}
}
