package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/bot/slack/slacktest"
)

// fakeITSM is a local ITSM webhook that fails while told to and records what it accepted.
type fakeITSM struct {
	mu       sync.Mutex
	failing  bool
	attempts int
	accepted []map[string]any
}

func (s *fakeITSM) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.attempts++
	if s.failing {
		http.Error(w, "maintenance", http.StatusInternalServerError)
		return
	}
	var ev map[string]any
	if err := json.Unmarshal(body, &ev); err != nil {
		http.Error(w, "bad json", http.StatusBadRequest)
		return
	}
	for _, a := range s.accepted {
		if a["event_id"] == ev["event_id"] {
			w.WriteHeader(http.StatusOK) // a retry of an accepted event: idempotent
			return
		}
	}
	s.accepted = append(s.accepted, ev)
	w.WriteHeader(http.StatusAccepted)
}

func (s *fakeITSM) set(failing bool) { s.mu.Lock(); s.failing = failing; s.mu.Unlock() }

func (s *fakeITSM) events() []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]map[string]any(nil), s.accepted...)
}

func freeHTTPAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().String()
}

func TestE2E_GivenTheITSMFailsAndTheBotRestarts_ThenEveryEventArrivesOnceInOrder(t *testing.T) {
	t.Parallel()
	sink := &fakeITSM{failing: true}
	hook := httptest.NewServer(sink)
	defer hook.Close()
	w := newWorkspace(t, jobRow{window: daily(nextWindow(30 * time.Second)), freq: "Daily", script: "scripts/ok.sh", body: "echo ok", deps: "`bash`"})
	srv := slacktest.NewTB(t)
	env := baseEnv(w, srv, "RUNBOOK_ITSM_WEBHOOK_URL="+hook.URL+"/hooks/itsm?token=abc")
	bot := startBot(t, w, srv, env)

	waitFor(t, srv, 15*time.Second, "the request", func(s *slacktest.Server) bool { return len(messagesWith(s, runbookChannel, ana)) > 0 })
	command(srv, stranger, "confirm ok")
	waitFor(t, srv, 10*time.Second, "the refusal", func(s *slacktest.Server) bool { return len(s.Ephemerals(stranger)) > 0 })
	command(srv, ana, "confirm ok")
	waitFor(t, srv, 10*time.Second, "the approval", func(s *slacktest.Server) bool { return len(s.Ephemerals(ana)) > 0 })
	require.Eventually(t, func() bool { sink.mu.Lock(); defer sink.mu.Unlock(); return sink.attempts >= 2 }, 15*time.Second, 50*time.Millisecond, "the bot tried while the ITSM failed")

	bot.kill9()
	sink.set(false)
	startBot(t, w, srv, env)
	require.Eventually(t, func() bool { return len(sink.events()) >= 3 }, 30*time.Second, 100*time.Millisecond)

	evs := sink.events()
	var kinds []string
	lastID := ""
	for _, e := range evs {
		require.Equal(t, "runbook-bot.itsm.v1", e["schema"])
		kinds = append(kinds, fmt.Sprint(e["kind"]))
		id := fmt.Sprint(e["event_id"])
		if lastID != "" {
			require.Less(t, idNum(t, lastID), idNum(t, id), "in order")
		}
		lastID = id
	}
	require.Equal(t, []string{"confirmation_requested", "refused", "approved"}, kinds)
}

func idNum(t *testing.T, id string) int {
	var n int
	_, err := fmt.Sscanf(id, "rbb-%d", &n)
	require.NoError(t, err, id)
	return n
}

func TestE2E_GivenARunningBot_WhenOperatorsAskForStatus_ThenTheAPIAndTheCLIShowTheDocumentedFields(t *testing.T) {
	t.Parallel()
	w := newWorkspace(t, jobRow{window: daily(nextWindow(30 * time.Second)), freq: "Daily", script: "scripts/ok.sh", body: "echo ok", deps: "`bash`"})
	srv := slacktest.NewTB(t)
	addr := freeHTTPAddr(t)
	env := append(baseEnv(w, srv), "RUNBOOK_HTTP_ADDR="+addr)
	startBot(t, w, srv, env)
	command(srv, lucas, "confirm ok")
	waitFor(t, srv, 10*time.Second, "the reply", func(s *slacktest.Server) bool { return len(s.Ephemerals(lucas)) > 0 })

	fields := []string{"job", "window", "state", "approved_by", "run_by", "exit_code", "delayed", "justification",
		"incident_ref", "incident_deadline", "escalated", "attempts"}
	check := func(doc map[string][]map[string]any) {
		occ := doc["occurrences"]
		require.NotEmpty(t, occ)
		for _, f := range fields {
			require.Contains(t, occ[0], f)
		}
		require.Equal(t, "ok", occ[0]["job"])
		require.Equal(t, "confirmed", occ[0]["state"])
		require.Equal(t, lucas, occ[0]["approved_by"])
		_, err := time.Parse(time.RFC3339, fmt.Sprint(occ[0]["window"]))
		require.NoError(t, err)
	}

	var api map[string][]map[string]any
	require.Eventually(t, func() bool {
		resp, err := http.Get("http://" + addr + "/api/v1/occurrences")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		return resp.StatusCode == 200 && json.NewDecoder(resp.Body).Decode(&api) == nil
	}, 10*time.Second, 100*time.Millisecond)
	check(api)

	for _, path := range []string{"/healthz", "/readyz", "/metrics"} {
		resp, err := http.Get("http://" + addr + path)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, 200, resp.StatusCode, path)
	}

	// status --json, a second process reading while the service writes.
	for i := 0; i < 5; i++ {
		cmd := exec.Command(binPath, "status", "--json")
		cmd.Dir, cmd.Env = w.dir, env
		out, err := cmd.Output()
		require.NoError(t, err)
		var cli map[string][]map[string]any
		require.NoError(t, json.Unmarshal(out, &cli))
		check(cli)
	}
}
