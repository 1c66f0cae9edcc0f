package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/bot/slack/slacktest"
)

// ghToken is the GitHub token the bot under test is given; it must never show.
const ghToken = "ghp_testTOKENdoNotShow0123456789"

// fakeGitHub answers GET /repos/acme/infra/issues as GitHub's REST API documents it.
type fakeGitHub struct {
	srv    *httptest.Server
	status atomic.Int32 // 0: 200 with the issues; otherwise that status
	mu     sync.Mutex
	labels []string // the labels query of every request
}

// ghIssue is the part of GitHub's issue object the fake serves.
type ghIssue struct {
	Number   int              `json:"number"`
	Title    string           `json:"title"`
	State    string           `json:"state"`
	HTMLURL  string           `json:"html_url"`
	Assignee *ghUser          `json:"assignee"`
	Labels   []map[string]any `json:"labels"`
}

type ghUser struct {
	Login string `json:"login"`
}

func newFakeGitHub(t *testing.T, issues []ghIssue) *fakeGitHub {
	t.Helper()
	f := &fakeGitHub{}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || r.URL.Path != "/repos/acme/infra/issues" {
			http.NotFound(w, r)
			return
		}
		f.mu.Lock()
		f.labels = append(f.labels, r.URL.Query().Get("labels"))
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("X-RateLimit-Limit", "5000")
		w.Header().Set("X-RateLimit-Remaining", "4999")
		if r.Header.Get("Authorization") != "Bearer "+ghToken {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest"}`))
			return
		}
		if code := int(f.status.Load()); code != 0 {
			w.WriteHeader(code)
			_, _ = w.Write([]byte(`{"message":"Server Error"}`))
			return
		}
		if r.URL.Query().Get("state") != "open" {
			_, _ = w.Write([]byte("[]"))
			return
		}
		var out []ghIssue
		for _, is := range issues {
			for _, l := range is.Labels {
				if l["name"] == r.URL.Query().Get("labels") {
					out = append(out, is)
					break
				}
			}
		}
		_ = json.NewEncoder(w).Encode(out)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeGitHub) queried() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.labels...)
}

// ticketEnv points the bot to the fake GitHub.
func ticketEnv(gh *fakeGitHub) []string {
	return []string{"RUNBOOK_TICKETS=github", "RUNBOOK_GITHUB_REPO=acme/infra", "RUNBOOK_GITHUB_TOKEN=" + ghToken,
		"RUNBOOK_GITHUB_API_URL=" + gh.srv.URL + "/"}
}

func label(name string) map[string]any {
	return map[string]any{"id": 1, "name": name, "color": "ededed"}
}

// assertTokenNeverShown checks every Slack message, ephemeral and the bot's output.
func assertTokenNeverShown(t *testing.T, srv *slacktest.Server, out string, users ...string) {
	t.Helper()
	for _, ch := range srv.Channels() {
		for _, m := range srv.Messages(ch) {
			for _, v := range m.Versions {
				require.NotContains(t, v.Text+plain(v.Blocks), ghToken)
			}
		}
	}
	for _, u := range users {
		for _, e := range srv.Ephemerals(u) {
			require.NotContains(t, e.Text+plain(e.Blocks), ghToken)
		}
	}
	require.NotContains(t, out, ghToken)
}

func TestE2E_GivenOpenTicketsWithABlocker_WhenTheRequestGoesOut_ThenTheyShowAndConfirmNeedsDespiteTickets(t *testing.T) {
	t.Parallel()
	gh := newFakeGitHub(t, []ghIssue{
		{Number: 12, Title: "Seed data drift in dev", State: "open", HTMLURL: "https://github.com/acme/infra/issues/12",
			Assignee: &ghUser{Login: "ana-dev"}, Labels: []map[string]any{label("runbook:ok")}},
		{Number: 13, Title: "Schema migration pending", State: "open", HTMLURL: "https://github.com/acme/infra/issues/13",
			Labels: []map[string]any{label("runbook:ok"), label("runbook-blocker")}},
		{Number: 14, Title: "Unrelated", State: "open", HTMLURL: "https://github.com/acme/infra/issues/14",
			Labels: []map[string]any{label("runbook:other")}},
	})
	w := newWorkspace(t, jobRow{window: daily(nextWindow(40 * time.Second)), freq: "Daily", script: "scripts/ok.sh", body: "echo ok", deps: "`bash`"})
	srv := slacktest.NewTB(t)
	env := baseEnv(w, srv, ticketEnv(gh)...)
	p := startBot(t, w, srv, env)

	waitFor(t, srv, 15*time.Second, "the confirmation request", func(s *slacktest.Server) bool {
		return len(messagesWith(s, runbookChannel, ana)) > 0
	})
	request := messagesWith(srv, runbookChannel, ana)[0]
	body := content(request)
	for _, want := range []string{"#12", "Seed data drift in dev", "ana-dev", "https://github.com/acme/infra/issues/12", "#13", "⛔", "--despite-tickets"} {
		require.Contains(t, body, want)
	}
	require.NotContains(t, body, "#14", "only the job's label")
	require.Contains(t, gh.queried(), "runbook:ok")

	command(srv, ana, "confirm ok")
	waitFor(t, srv, 10*time.Second, "the blocker refusal", func(s *slacktest.Server) bool {
		return len(ephemeralWith(s, ana, "open blocker tickets: #13")) > 0
	})
	require.Contains(t, srv.Ephemerals(ana)[0].Text+plain(srv.Ephemerals(ana)[0].Blocks), "/runbook confirm ok --despite-tickets")
	m, _ := srv.Message(request.Channel, request.TS)
	require.Zero(t, m.Updates, "the occurrence stays unconfirmed: the request is not updated")

	command(srv, ana, "confirm ok --despite-tickets")
	waitFor(t, srv, 10*time.Second, "the confirmation despite tickets", func(s *slacktest.Server) bool {
		return len(ephemeralWith(s, ana, "Recorded as confirmed despite open tickets")) > 0
	})
	waitFor(t, srv, 10*time.Second, "the request updated as confirmed", func(s *slacktest.Server) bool {
		m, ok := s.Message(request.Channel, request.TS)
		return ok && m.Updates > 0 && !hasActions(m)
	})
	m, _ = srv.Message(request.Channel, request.TS)
	edited := content(m)
	for _, want := range []string{"#12", "Seed data drift in dev", "#13", "⛔"} {
		require.Contains(t, edited, want, "the edited request keeps the tickets")
	}
	require.NotContains(t, edited, "--despite-tickets", "confirming is over: no instruction to confirm despite them")

	ev := exec.Command(binPath, "evidence", "ok")
	ev.Dir, ev.Env = w.dir, env
	out, err := ev.CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Contains(t, string(out), "despite_tickets=#13")
	assert.Contains(t, string(out), "open_tickets=#13, #12")
	assert.NotContains(t, string(out), ghToken)

	assertTokenNeverShown(t, srv, p.out.String(), ana)
}

func TestE2E_GivenGitHubFails_WhenTheRequestGoesOut_ThenTicketsAreUnavailableAndConfirmWorks(t *testing.T) {
	t.Parallel()
	gh := newFakeGitHub(t, []ghIssue{{Number: 13, Title: "Blocker: never seen", State: "open", Labels: []map[string]any{label("runbook:ok")}}})
	gh.status.Store(http.StatusInternalServerError)
	w := newWorkspace(t, jobRow{window: daily(nextWindow(40 * time.Second)), freq: "Daily", script: "scripts/ok.sh", body: "echo ok", deps: "`bash`"})
	srv := slacktest.NewTB(t)
	p := startBot(t, w, srv, baseEnv(w, srv, ticketEnv(gh)...))

	waitFor(t, srv, 15*time.Second, "the confirmation request", func(s *slacktest.Server) bool {
		return len(messagesWith(s, runbookChannel, ana)) > 0
	})
	request := messagesWith(srv, runbookChannel, ana)[0]
	require.Contains(t, content(request), "tickets unavailable: GitHub answered 500")
	require.NotContains(t, content(request), "#13")

	command(srv, ana, "tickets ok")
	waitFor(t, srv, 10*time.Second, "the tickets reply", func(s *slacktest.Server) bool {
		return len(ephemeralWith(s, ana, "tickets unavailable: GitHub answered 500")) > 0
	})

	command(srv, ana, "confirm ok")
	waitFor(t, srv, 10*time.Second, "the confirmation", func(s *slacktest.Server) bool {
		return len(ephemeralWith(s, ana, "ok confirmed for")) > 0
	})
	waitFor(t, srv, 10*time.Second, "the request updated as confirmed", func(s *slacktest.Server) bool {
		m, ok := s.Message(request.Channel, request.TS)
		return ok && m.Updates > 0 && strings.Contains(content(m), "Confirmed by")
	})
	assertTokenNeverShown(t, srv, p.out.String(), ana)
}
