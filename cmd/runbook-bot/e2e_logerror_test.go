package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/bot/slack/slacktest"
)

func TestE2E_GivenTheBotCannotWriteTheWholeLog_WhenARunSucceeds_ThenItsLogIsReportedIncompleteEverywhere(t *testing.T) {
	t.Parallel()
	// The bot runs under a file size limit of 8 MiB (what a full data directory does to the
	// log: writes fail part-way); its script prints 12 MB of 100-byte lines and succeeds.
	const limitKiB, outputBytes = 8192, 12_000_000
	window := nextWindow(20 * time.Second)
	w := newWorkspace(t, jobRow{window: daily(window), freq: "Daily", script: "scripts/big.sh",
		body: `yes "$(printf '%099d' 0)" | head -c ` + strconv.Itoa(outputBytes), deps: "`bash`"})
	srv := slacktest.NewTB(t)
	addr := freeHTTPAddr(t)
	env := baseEnv(w, srv, "RUNBOOK_HTTP_ADDR="+addr)
	startBotCmd(t, w, srv, env, exec.Command("bash", "-c", `ulimit -f `+strconv.Itoa(limitKiB)+` && exec "$0" serve`, binPath))

	command(srv, ana, "confirm big")
	waitFor(t, srv, 10*time.Second, "the confirmation", func(s *slacktest.Server) bool { return len(s.Ephemerals(ana)) > 0 })
	time.Sleep(time.Until(window) + 500*time.Millisecond)
	command(srv, ana, "run big")

	// The result message says the log is incomplete, and why.
	const why = "log incomplete: write: file too large after 8388608 bytes"
	waitFor(t, srv, 60*time.Second, "the result saying the log is incomplete", func(s *slacktest.Server) bool {
		for _, m := range s.Messages(runbookChannel) {
			if c := content(m); strings.Contains(c, "big: succeeded") && strings.Contains(c, why) {
				return true
			}
		}
		return false
	})
	logs, err := filepath.Glob(w.path("data", "logs", "big-*.log"))
	require.NoError(t, err)
	require.Len(t, logs, 1)
	fi, err := os.Stat(logs[0])
	require.NoError(t, err)
	require.Equal(t, int64(limitKiB<<10), fi.Size(), "the log holds what fitted")

	// The history, the evidence, status --json and the metrics say so too.
	command(srv, ana, "history big")
	waitFor(t, srv, 10*time.Second, "the history", func(s *slacktest.Server) bool { return len(ephemeralWith(s, ana, why)) > 0 })
	out, errOut, code := runCLI(t, w, env, "evidence", "big")
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, "**"+why+"**")
	require.Contains(t, out, "log_error=write: file too large after 8388608 bytes")
	views := statusJSON(t, w, env)
	found := false
	for _, v := range views {
		if v.Job == "big" && v.LogError != nil {
			found = true
			require.Equal(t, "write: file too large after 8388608 bytes", *v.LogError)
		}
	}
	require.True(t, found, "status --json has log_error")
	status, metrics := httpGet("http://" + addr + "/metrics")
	require.Equal(t, 200, status)
	require.Contains(t, metrics, "runbook_run_log_errors_total 1")
}
