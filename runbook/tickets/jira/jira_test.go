package jira_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/runbook"
	"github.com/runbook-bot/runbook-bot/runbook/tickets/jira"
)

const (
	email = "sre-bot@example.com"
	token = "ATATT3xFfGF0s3cr3tJiraApiTokenValue"
)

// issueJSON renders an issue as the enhanced search documents it, with the fields asked for.
func issueJSON(site, id, key, summary, status string, assignee string, labels ...string) map[string]any {
	var a any
	if assignee != "" {
		a = map[string]any{
			"self":         site + "/rest/api/3/user?accountId=5b10a2844c20165700ede21g",
			"accountId":    "5b10a2844c20165700ede21g",
			"emailAddress": strings.ToLower(strings.ReplaceAll(assignee, " ", ".")) + "@example.com",
			"avatarUrls":   map[string]string{"48x48": "https://avatar-management.example/48.png"},
			"displayName":  assignee,
			"active":       true,
			"timeZone":     "America/Sao_Paulo",
			"accountType":  "atlassian",
		}
	}
	if labels == nil {
		labels = []string{}
	}
	return map[string]any{
		"expand": "",
		"id":     id,
		"key":    key,
		"self":   site + "/rest/api/3/issue/" + id,
		"fields": map[string]any{
			"summary": summary,
			"status": map[string]any{
				"self":        site + "/rest/api/3/status/3",
				"description": "",
				"iconUrl":     site + "/images/icons/statuses/inprogress.png",
				"name":        status,
				"id":          "3",
				"statusCategory": map[string]any{
					"self": site + "/rest/api/3/statuscategory/4", "id": 4,
					"key": "indeterminate", "colorName": "yellow", "name": "In Progress",
				},
			},
			"assignee": a,
			"labels":   labels,
		},
	}
}

// searchBody is what the fake server decodes from a request.
type searchBody struct {
	JQL           string   `json:"jql"`
	Fields        []string `json:"fields"`
	MaxResults    int      `json:"maxResults"`
	NextPageToken *string  `json:"nextPageToken"`
}

type recorded struct {
	method, path, auth, contentType, accept string
	body                                    searchBody
}

// fakeJira answers POST /rest/api/3/search/jql with two pages: the first carries
// nextPageToken and isLast false; the last omits nextPageToken (as Jira Cloud does).
type fakeJira struct {
	srv  *httptest.Server
	mu   sync.Mutex
	reqs []recorded
}

func (f *fakeJira) requests() []recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]recorded(nil), f.reqs...)
}

func newFakeJira(t *testing.T) *fakeJira {
	t.Helper()
	f := &fakeJira{}
	mux := http.NewServeMux()
	mux.HandleFunc("/rest/api/3/search/jql", func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		var b searchBody
		if err := json.Unmarshal(raw, &b); err != nil {
			w.Header().Set("Content-Type", "application/json;charset=UTF-8")
			w.WriteHeader(400)
			_, _ = w.Write([]byte(`{"errorMessages":["Invalid request payload. Refer to the REST API documentation and try again."],"errors":{}}`))
			return
		}
		f.mu.Lock()
		f.reqs = append(f.reqs, recorded{r.Method, r.URL.Path, r.Header.Get("Authorization"), r.Header.Get("Content-Type"), r.Header.Get("Accept"), b})
		f.mu.Unlock()
		site := f.srv.URL
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		w.Header().Set("X-RateLimit-Limit", "350")
		w.Header().Set("X-RateLimit-Remaining", "349")
		if b.NextPageToken == nil {
			_ = json.NewEncoder(w).Encode(map[string]any{
				"isLast": false,
				"issues": []any{
					issueJSON(site, "10002", "OPS-12", "Seed fails on empty orders table", "In Progress", "Mia Krystof", "runbook-seed-dev-data", "bug"),
					issueJSON(site, "10001", "OPS-11", "Blocker: staging DNS", "To Do", ""),
				},
				"nextPageToken": "CAEaAggD",
			})
			return
		}
		if *b.NextPageToken != "CAEaAggD" {
			w.WriteHeader(400)
			_, _ = w.Write([]byte(`{"errorMessages":["Invalid nextPageToken."],"errors":{}}`))
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{
			"isLast": true,
			"issues": []any{
				issueJSON(site, "10000", "OPS-7", "Fixtures drift", "Blocked", "Ana Souza", "runbook-seed-dev-data", "runbook-blocker"),
			},
		})
	})
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func TestOpenTickets_FollowsNextPageToken(t *testing.T) {
	tests := []struct {
		name    string
		tmpl    string
		siteSfx string
		wantJQL string
	}{
		{
			name:    "given the default JQL, when listing, then both pages are read with the job's label",
			wantJQL: `labels = "runbook-seed-dev-data" AND statusCategory != Done`,
		},
		{
			name:    "given a custom JQL and a trailing slash, when listing, then the template is filled",
			tmpl:    `project = OPS AND component = "{job}" AND resolution = Unresolved`,
			siteSfx: "/",
			wantJQL: `project = OPS AND component = "seed-dev-data" AND resolution = Unresolved`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeJira(t)
			c := &jira.Client{URL: f.srv.URL + tc.siteSfx, Email: email, Token: token, JQLTemplate: tc.tmpl, HTTP: f.srv.Client()}

			got, err := c.OpenTickets(context.Background(), "seed-dev-data")

			require.NoError(t, err)
			site := f.srv.URL
			assert.Equal(t, []runbook.Ticket{
				{Key: "OPS-12", Title: "Seed fails on empty orders table", Status: "In Progress", Assignee: "Mia Krystof", URL: site + "/browse/OPS-12", Labels: []string{"runbook-seed-dev-data", "bug"}},
				{Key: "OPS-11", Title: "Blocker: staging DNS", Status: "To Do", URL: site + "/browse/OPS-11", Labels: []string{}},
				{Key: "OPS-7", Title: "Fixtures drift", Status: "Blocked", Assignee: "Ana Souza", URL: site + "/browse/OPS-7", Labels: []string{"runbook-seed-dev-data", "runbook-blocker"}},
			}, got)
			reqs := f.requests()
			require.Len(t, reqs, 2)
			wantAuth := "Basic " + base64.StdEncoding.EncodeToString([]byte(email+":"+token))
			for i, r := range reqs {
				assert.Equal(t, http.MethodPost, r.method)
				assert.Equal(t, "/rest/api/3/search/jql", r.path)
				assert.Equal(t, wantAuth, r.auth)
				assert.Equal(t, "application/json", r.contentType)
				assert.Equal(t, "application/json", r.accept)
				assert.Equal(t, tc.wantJQL, r.body.JQL)
				assert.Equal(t, []string{"summary", "status", "assignee", "labels"}, r.body.Fields)
				assert.Equal(t, 50, r.body.MaxResults)
				if i == 0 {
					assert.Nil(t, r.body.NextPageToken, "the first page sends no token")
				} else {
					require.NotNil(t, r.body.NextPageToken)
					assert.Equal(t, "CAEaAggD", *r.body.NextPageToken)
				}
			}
		})
	}
}

func TestTickets_WithJira_FlagsBlockers(t *testing.T) {
	f := newFakeJira(t)
	c := &jira.Client{URL: f.srv.URL, Email: email, Token: token, HTTP: f.srv.Client()}

	rep := runbook.Tickets(context.Background(), c, "seed-dev-data", 5*time.Second)

	assert.Empty(t, rep.Unavailable)
	assert.Equal(t, 3, rep.Total)
	require.Len(t, rep.Blockers, 2)
	assert.Equal(t, "OPS-11", rep.Blockers[0].Key)
	assert.Equal(t, "OPS-7", rep.Blockers[1].Key)
}

func TestOpenTickets_JobIsQuotedInJQL(t *testing.T) {
	var got searchBody
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewDecoder(r.Body).Decode(&got)
		_, _ = w.Write([]byte(`{"issues":[],"isLast":true}`))
	}))
	t.Cleanup(srv.Close)
	c := &jira.Client{URL: srv.URL, Email: email, Token: token, HTTP: srv.Client()}

	_, err := c.OpenTickets(context.Background(), `odd" OR project = X`)

	require.NoError(t, err)
	assert.Equal(t, `labels = "runbook-odd\" OR project = X" AND statusCategory != Done`, got.JQL)
}

func jiraError(status int, headers map[string]string, contentType, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", contentType)
		for k, v := range headers {
			w.Header().Set(k, v)
		}
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}
}

func TestOpenTickets_Errors(t *testing.T) {
	now := time.Date(2025, 6, 13, 12, 30, 0, 0, time.UTC)
	const jsonCT = "application/json;charset=UTF-8"
	tests := []struct {
		name    string
		handler http.HandlerFunc
		want    string
	}{
		{
			name:    "given a bad API token, when searching, then 401 names the variables to check",
			handler: jiraError(401, nil, "text/plain;charset=UTF-8", "Client must be authenticated to access this resource."),
			want:    "Jira answered 401 (check RUNBOOK_JIRA_EMAIL and RUNBOOK_JIRA_TOKEN)",
		},
		{
			name:    "given a user without permission, when searching, then 403 says so",
			handler: jiraError(403, nil, jsonCT, `{"errorMessages":["You do not have the permission to see the specified issue."],"errors":{}}`),
			want:    "Jira answered 403 (the user lacks Browse projects permission)",
		},
		{
			name: "given too many requests with retry-after, when searching, then the retry time is given",
			handler: jiraError(429, map[string]string{
				"Retry-After": "240", "X-RateLimit-Limit": "350", "X-RateLimit-Remaining": "0",
				"X-RateLimit-Reset": "2025-06-13T12:34:00Z", "RateLimit-Reason": "jira-quota-tenant-based",
			}, jsonCT, `{"errorMessages":["Rate limit exceeded."],"errors":{}}`),
			want: "Jira rate limited until 12:34 UTC",
		},
		{
			name:    "given too many requests without retry-after, when searching, then 429 is reported",
			handler: jiraError(429, nil, jsonCT, `{"errorMessages":["Rate limit exceeded."],"errors":{}}`),
			want:    "Jira answered 429 (rate limited)",
		},
		{
			name:    "given a server error, when searching, then the status is given",
			handler: jiraError(500, nil, jsonCT, `{"errorMessages":["Internal server error"],"errors":{}}`),
			want:    "Jira answered 500",
		},
		{
			name:    "given an invalid JQL, when searching, then Jira's message is shown",
			handler: jiraError(400, nil, jsonCT, `{"errorMessages":["Field 'lables' does not exist or you do not have permission to view it."],"errors":{},"warningMessages":[]}`),
			want:    "Jira rejected the query (check RUNBOOK_JIRA_JQL): Field 'lables' does not exist or you do not have permission to view it.",
		},
		{
			name:    "given a wrong site, when searching, then 404 names the variable",
			handler: jiraError(404, nil, "text/html", "<html>Not found</html>"),
			want:    "Jira answered 404 (check RUNBOOK_JIRA_URL)",
		},
		{
			name:    "given a body that is not a search result, when searching, then it is reported as unreadable",
			handler: jiraError(200, nil, "text/html", "<html>login</html>"),
			want:    "Jira answered with an unreadable search result",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(tc.handler)
			t.Cleanup(srv.Close)
			c := &jira.Client{URL: srv.URL, Email: email, Token: token, HTTP: srv.Client(), Now: func() time.Time { return now }}

			got, err := c.OpenTickets(context.Background(), "seed-dev-data")
			rep := runbook.Tickets(context.Background(), c, "seed-dev-data", 5*time.Second)

			require.Error(t, err)
			assert.Nil(t, got)
			assert.Equal(t, tc.want, err.Error())
			assert.Equal(t, tc.want, rep.Why)
			assert.NotContains(t, []string{runbook.MsgText, runbook.TkError, ""}, rep.Unavailable.Code, "people get a code in their language: %v", rep.Unavailable)
			assert.NotContains(t, err.Error(), token)
			assert.NotContains(t, err.Error(), base64.StdEncoding.EncodeToString([]byte(email+":"+token)))
		})
	}
}

func TestOpenTickets_PageCap(t *testing.T) {
	var mu sync.Mutex
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		mu.Lock()
		calls++
		n := calls
		mu.Unlock()
		_ = json.NewEncoder(w).Encode(map[string]any{
			"isLast":        false,
			"issues":        []any{issueJSON("https://x", fmt.Sprint(n), fmt.Sprintf("OPS-%d", n), "s", "To Do", "")},
			"nextPageToken": fmt.Sprintf("tok-%d", n),
		})
	}))
	t.Cleanup(srv.Close)
	c := &jira.Client{URL: srv.URL, Email: email, Token: token, HTTP: srv.Client()}

	got, err := c.OpenTickets(context.Background(), "seed-dev-data")

	require.NoError(t, err)
	assert.Len(t, got, jira.MaxPages)
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, jira.MaxPages, calls)
}

func TestOpenTickets_Configuration(t *testing.T) {
	tests := []struct {
		name string
		c    jira.Client
		want string
	}{
		{"given no site, when searching, then the variable is named", jira.Client{Email: email, Token: token}, "RUNBOOK_JIRA_URL must be an http(s) URL"},
		{"given a site without scheme, when searching, then the variable is named", jira.Client{URL: "example.atlassian.net", Email: email, Token: token}, "RUNBOOK_JIRA_URL must be an http(s) URL"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.c.OpenTickets(context.Background(), "seed-dev-data")

			require.Error(t, err)
			assert.Equal(t, tc.want, err.Error())
			assert.Error(t, tc.c.Validate())
		})
	}
	assert.NoError(t, (&jira.Client{URL: "https://example.atlassian.net", Email: email, Token: token}).Validate())
	assert.Error(t, (&jira.Client{URL: "https://example.atlassian.net", Email: email}).Validate())
}

func TestTickets_WithJira_SlowServerTimesOut(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The server notices a client hang-up only once the body is read.
		_, _ = io.Copy(io.Discard, r.Body)
		<-r.Context().Done() // answer only when the client gives up
	}))
	t.Cleanup(srv.Close)
	c := &jira.Client{URL: srv.URL, Email: email, Token: token, HTTP: srv.Client()}

	rep := runbook.Tickets(context.Background(), c, "seed-dev-data", 50*time.Millisecond)

	assert.Equal(t, runbook.M(runbook.TkTimedOut, "timeout", "50ms"), rep.Unavailable)
}
