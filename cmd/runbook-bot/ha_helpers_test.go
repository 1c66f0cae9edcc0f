package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os/exec"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/bot/slack/slacktest"
)

// cluster is several replicas of `runbook-bot serve` on one PostgreSQL
// database and one fake Slack, in one workspace. Replica i is named r<i+1>:
// its Slack calls and socket are the fake's client of that name, it has its
// own HTTP address and its own data directory (nothing of it is shared but
// the database, the runbook, the scripts and the check-ins file).
type cluster struct {
	t    testing.TB
	w    *workspace
	srv  *slacktest.Server
	db   string // the database URL
	reps []*replica
}

// replica is one member of a cluster.
type replica struct {
	name string
	addr string
	env  []string
	proc *botProc // nil until started
}

func newCluster(t testing.TB, w *workspace, srv *slacktest.Server, dbURL string, n int, extra ...string) *cluster {
	t.Helper()
	base := append(baseEnv(w, srv, extra...), "RUNBOOK_DB="+dbURL)
	c := &cluster{t: t, w: w, srv: srv, db: dbURL}
	for i := range n {
		name := fmt.Sprintf("r%d", i+1)
		addr := freeAddr(t)
		env := append(slices.Clone(base), "SLACK_API_URL="+srv.APIURLAs(name), "RUNBOOK_HTTP_ADDR="+addr,
			"RUNBOOK_DATA_DIR="+w.path("data-"+name))
		c.reps = append(c.reps, &replica{name: name, addr: addr, env: env})
	}
	return c
}

// startAll starts every replica, one after the other.
func (c *cluster) startAll() {
	for i := range c.reps {
		c.start(i)
	}
}

// start starts replica i and waits until its socket is connected and it answers /readyz.
func (c *cluster) start(i int) {
	c.t.Helper()
	r := c.reps[i]
	cmd := exec.Command(binPath, "serve")
	cmd.Dir, cmd.Env = c.w.dir, r.env
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	require.NoError(c.t, cmd.Start())
	p := &botProc{t: c.t, cmd: cmd, out: out}
	r.proc = p
	c.t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
		if c.t.Failed() {
			c.t.Logf("%s output:\n%s", r.name, out.String())
		}
	})
	require.NoError(c.t, c.srv.WaitFor(30*time.Second, func(s *slacktest.Server) bool { return s.ClientConnected(r.name) }),
		"%s connects; output:\n%s", r.name, out.String())
	require.Eventually(c.t, func() bool { _, ok := c.readyz(i); return ok }, 20*time.Second, 50*time.Millisecond, "%s answers /readyz", r.name)
}

// kill9 kills replica i with SIGKILL.
func (c *cluster) kill9(i int) { c.reps[i].proc.kill9() }

// readyDoc is /readyz's answer.
type readyDoc struct {
	Ready   bool              `json:"ready"`
	Role    string            `json:"role"`
	Replica string            `json:"replica"`
	Leader  string            `json:"leader"`
	Checks  map[string]string `json:"checks"`
}

// readyz is replica i's /readyz (ok false when it does not answer).
func (c *cluster) readyz(i int) (readyDoc, bool) {
	var d readyDoc
	code, body := httpGet("http://" + c.reps[i].addr + "/readyz")
	if code == 0 || json.Unmarshal([]byte(body), &d) != nil {
		return d, false
	}
	return d, true
}

// leaders are the replicas (among the live ones) that say they lead.
func (c *cluster) leaders() []int {
	var out []int
	for i, r := range c.reps {
		if r.proc == nil || r.proc.cmd.ProcessState != nil {
			continue
		}
		if d, ok := c.readyz(i); ok && d.Role == "leader" {
			out = append(out, i)
		}
	}
	return out
}

// waitLeader waits until exactly one replica other than those in not leads, and returns it.
func (c *cluster) waitLeader(timeout time.Duration, not ...int) int {
	c.t.Helper()
	leader := -1
	require.Eventually(c.t, func() bool {
		ls := c.leaders()
		if len(ls) != 1 || slices.Contains(not, ls[0]) {
			return false
		}
		leader = ls[0]
		return true
	}, timeout, 20*time.Millisecond, "one leader")
	return leader
}

// followerOf is a live replica that is not i.
func (c *cluster) followerOf(i int) int {
	for j, r := range c.reps {
		if j != i && r.proc != nil && r.proc.cmd.ProcessState == nil {
			return j
		}
	}
	c.t.Fatal("no other live replica")
	return -1
}

// metric reads one sample of replica i's /metrics ("" when absent).
func (c *cluster) metric(i int, name string) string {
	code, body := httpGet("http://" + c.reps[i].addr + "/metrics")
	if code != http.StatusOK {
		return ""
	}
	for _, l := range splitLines(body) {
		if len(l) > len(name) && l[:len(name)] == name && l[len(name)] == ' ' {
			return l[len(name)+1:]
		}
	}
	return ""
}

func splitLines(s string) []string {
	var out []string
	start := 0
	for i := range len(s) {
		if s[i] == '\n' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}
