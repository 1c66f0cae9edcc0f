package main

import (
	"fmt"
	"strings"
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

func TestE2E_GivenAFailingScriptPrinting20000Lines_WhileAnotherJobStreams_ThenTheIncidentPostGoesBeforeTheRunThreadDrains(t *testing.T) {
	t.Parallel()
	window := nextWindow(25 * time.Second)
	w := newWorkspace(t,
		jobRow{window: daily(window), freq: "Daily", script: "scripts/loud.sh", body: "seq 1 20000; exit 1", deps: "`bash`"},
		jobRow{window: daily(window), freq: "Daily", script: "scripts/chatty.sh", body: "for i in $(seq 1 150); do echo chatty $i; sleep 0.1; done", deps: "`bash`"},
	)
	srv := slacktest.NewTB(t)
	for _, m := range []string{"chat.postMessage", "chat.update"} {
		srv.SetRateLimit(m, 1)
	}
	startBot(t, w, srv, baseEnv(w, srv))
	command(srv, ana, "confirm chatty")
	command(srv, ana, "confirm loud")
	waitFor(t, srv, 20*time.Second, "the confirmations", func(s *slacktest.Server) bool { return len(s.Ephemerals(ana)) >= 2 })
	time.Sleep(time.Until(window) + 500*time.Millisecond)

	// The chatty job streams into the runbook channel; then the loud one prints 20,000 lines and fails.
	command(srv, ana, "run chatty")
	waitFor(t, srv, 20*time.Second, "the chatty run thread", func(s *slacktest.Server) bool { return len(runThreads(s)) == 1 })
	command(srv, ana, "run loud")
	waitFor(t, srv, 20*time.Second, "the incident post", func(s *slacktest.Server) bool { return len(incidentPosts(s)) > 0 })
	incident := incidentPosts(srv)[0]
	waitFor(t, srv, 60*time.Second, "the escalation", func(s *slacktest.Server) bool { return len(messagesWith(s, incidentChannel, "<!here>")) > 0 })
	settle(5 * time.Second) // nothing more may come

	var loud slacktest.Message
	for _, m := range runThreads(srv) {
		if strings.Contains(content(m), "loud") {
			loud = m
		}
	}
	require.NotEmpty(t, loud.TS, "the loud job's run thread")
	replies := srv.Thread(loud.Channel, loud.TS)[1:]
	require.NotEmpty(t, replies)
	before := 0
	for _, r := range replies {
		if r.PostedAt.Before(incident.PostedAt) {
			before++
		}
	}
	last := replies[len(replies)-1]
	m, _ := srv.Message(incident.Channel, incident.TS)
	figures(t, "incident post %.2f s after the loud run's message; %d of its %d thread posts before it, the last %.1f s after it; %d countdown updates; %d answers 429",
		incident.PostedAt.Sub(loud.PostedAt).Seconds(), before, len(replies), last.PostedAt.Sub(incident.PostedAt).Seconds(), m.Updates,
		srv.RateLimited("chat.postMessage")+srv.RateLimited("chat.update"))
	require.True(t, incident.PostedAt.Before(last.PostedAt), "the incident post goes before the run thread has drained")
	require.Contains(t, content(last), "earlier lines not shown", "the thread fell behind and was merged")
	require.Len(t, messagesWith(srv, incidentChannel, "<!here>"), 1, "exactly one escalation")
	require.GreaterOrEqual(t, m.Updates, 2, "the countdown kept being edited")
	require.Zero(t, srv.RateLimited("chat.postMessage")+srv.RateLimited("chat.update"), "the bot paces itself under Slack's limits")
}
