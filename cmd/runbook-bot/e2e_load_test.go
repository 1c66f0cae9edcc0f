package main

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/bot/slack/slacktest"
)

func TestE2E_GivenTwentyFailuresAtOnce_WhenSlackEnforcesItsRateLimits_ThenNoneIsExceededAndEveryEscalationArrives(t *testing.T) {
	t.Parallel()
	const jobs = 20
	window := nextWindow(25 * time.Second)
	rows := make([]jobRow, jobs)
	for i := range rows {
		rows[i] = jobRow{window: daily(window), freq: "Daily", script: fmt.Sprintf("scripts/job%02d.sh", i), body: "echo failing; exit 1", deps: "`bash`"}
	}
	w := newWorkspace(t, rows...)
	srv := slacktest.NewTB(t)
	for _, m := range []string{"chat.postMessage", "chat.update"} {
		srv.SetRateLimit(m, 1) // Slack: about one message per second per channel, short bursts allowed
	}
	startBot(t, w, srv, baseEnv(w, srv))

	for i := 0; i < jobs; i++ {
		command(srv, ana, fmt.Sprintf("confirm job%02d", i))
	}
	waitFor(t, srv, 20*time.Second, "the confirmations", func(s *slacktest.Server) bool { return len(s.Ephemerals(ana)) >= jobs })
	time.Sleep(time.Until(window) + 500*time.Millisecond)
	for i := 0; i < jobs; i++ {
		command(srv, ana, fmt.Sprintf("run job%02d", i))
	}
	waitFor(t, srv, 3*time.Minute, "twenty escalations", func(s *slacktest.Server) bool {
		return len(messagesWith(s, incidentChannel, "<!here>")) >= jobs
	})
	updates := 0
	for _, m := range srv.Messages(incidentChannel) {
		updates += m.Updates
	}
	t.Logf("%d incident messages, %d in-place updates, %d answers 429 (postMessage) and %d (update)",
		len(srv.Messages(incidentChannel)), updates, srv.RateLimited("chat.postMessage"), srv.RateLimited("chat.update"))
	require.Len(t, messagesWith(srv, incidentChannel, "<!here>"), jobs, "one escalation per failure")
	require.Zero(t, srv.RateLimited("chat.postMessage")+srv.RateLimited("chat.update"), "the bot paces itself under Slack's limits")
}
