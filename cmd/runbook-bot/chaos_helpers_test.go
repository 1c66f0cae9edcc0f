package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/bot/slack/slacktest"
	"github.com/runbook-bot/runbook-bot/runbook"
)

// chaosLong reports whether the long form of the chaos scenarios was asked for:
// not -short and RUNBOOK_CHAOS_LONG=1.
func chaosLong() bool { return !testing.Short() && os.Getenv("RUNBOOK_CHAOS_LONG") == "1" }

// pick returns short in the short form, long in the long one.
func pick[T any](short, long T) T {
	if chaosLong() {
		return long
	}
	return short
}

// figures logs one scenario's figures on a line `make chaos` collects.
func figures(t *testing.T, format string, args ...any) {
	t.Helper()
	t.Logf("FIGURES %s: %s", t.Name(), fmt.Sprintf(format, args...))
}

// freeAddr returns a loopback address with a port free right now.
func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}

// statusJSON runs `runbook-bot status --json` as a separate process against the workspace's database.
func statusJSON(t *testing.T, w *workspace, env []string) []runbook.View {
	t.Helper()
	cmd := exec.Command(binPath, "status", "--json")
	cmd.Dir = w.dir
	cmd.Env = env
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, "status --json: %s", stderr.String())
	var doc struct {
		Occurrences []runbook.View `json:"occurrences"`
	}
	require.NoError(t, json.Unmarshal(out, &doc), "status --json output:\n%s", out)
	return doc.Occurrences
}

// occurrenceOf is the latest occurrence of job whose window has passed (its current one).
func occurrenceOf(views []runbook.View, job string) (runbook.View, bool) {
	var best runbook.View
	found := false
	now := time.Now()
	for _, v := range views {
		if v.Job == job && !v.Window.After(now) && (!found || v.Window.After(best.Window)) {
			best, found = v, true
		}
	}
	return best, found
}

// httpGet fetches url and returns its status and body ("" and 0 on a transport error).
func httpGet(url string) (int, string) {
	c := &http.Client{Timeout: 3 * time.Second}
	resp, err := c.Get(url)
	if err != nil {
		return 0, ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// apiOccurrences is GET /api/v1/occurrences of a bot serving HTTP on addr (nil if it does not answer).
func apiOccurrences(addr string) []runbook.View {
	code, body := httpGet("http://" + addr + "/api/v1/occurrences")
	if code != http.StatusOK {
		return nil
	}
	var doc struct {
		Occurrences []runbook.View `json:"occurrences"`
	}
	if json.Unmarshal([]byte(body), &doc) != nil {
		return nil
	}
	return doc.Occurrences
}

// processGone reports whether pid no longer runs: it does not exist, or it is a zombie.
func processGone(pid int) bool {
	if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
		return true
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true
	}
	// pid (comm) STATE ...: the state follows the last ')'.
	s := string(stat)
	if i := strings.LastIndexByte(s, ')'); i >= 0 && i+2 < len(s) {
		return s[i+2] == 'Z' || s[i+2] == 'X'
	}
	return false
}

// groupGone reports whether no running process is left in process group pgid.
func groupGone(pgid int) bool {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return processGone(pgid)
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		s := string(stat)
		i := strings.LastIndexByte(s, ')')
		if i < 0 || i+2 >= len(s) {
			continue
		}
		// fields after ')': state ppid pgrp ...
		f := strings.Fields(s[i+2:])
		if len(f) < 3 || f[0] == "Z" || f[0] == "X" {
			continue
		}
		if g, _ := strconv.Atoi(f[2]); g == pgid && !processGone(pid) {
			return false
		}
	}
	return true
}

// readPID waits for a file holding a process id and returns it.
func readPID(t *testing.T, path string, timeout time.Duration) int {
	t.Helper()
	var pid int
	require.Eventually(t, func() bool {
		b, err := os.ReadFile(path)
		if err != nil {
			return false
		}
		pid, err = strconv.Atoi(strings.TrimSpace(string(b)))
		return err == nil && pid > 0
	}, timeout, 50*time.Millisecond, "the script writes its PID to %s", path)
	return pid
}

// countLines counts the non-empty lines of a file (0 when it does not exist).
func countLines(path string) int {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	n := 0
	for _, l := range strings.Split(string(b), "\n") {
		if strings.TrimSpace(l) != "" {
			n++
		}
	}
	return n
}

// checkinEntries parses the check-ins file: the `### ` headings, and whether every
// entry's opening marker has its closing marker (no partial entry).
func checkinEntries(t *testing.T, path string) (headings []string, balanced bool) {
	t.Helper()
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, true
	}
	require.NoError(t, err)
	opens, closes := 0, 0
	for _, l := range strings.Split(string(b), "\n") {
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, "### ") {
			headings = append(headings, l)
		}
		if strings.Contains(l, "<!-- runbook-bot:checkin ") {
			opens++
		}
		if strings.HasPrefix(l, "<!-- /runbook-bot:checkin ") {
			closes++
		}
	}
	return headings, opens == closes && opens == len(headings)
}

// slackRetries counts the calls to method the fake answered with an error (429, 5xx or ok:false).
func slackRetries(srv *slacktest.Server, method string) (failed, status429, status5xx int) {
	for _, c := range srv.Calls(method) {
		if c.OK() {
			continue
		}
		failed++
		switch {
		case c.Status == http.StatusTooManyRequests:
			status429++
		case c.Status >= 500:
			status5xx++
		}
	}
	return
}

// settle waits d of wall time so that anything wrongly repeated has time to show up.
// It is not used to wait for a condition.
func settle(d time.Duration) { time.Sleep(d) }
