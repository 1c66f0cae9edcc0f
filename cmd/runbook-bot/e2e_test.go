package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/bot/slack/slacktest"
)

const (
	runbookChannel  = "#plataforma"
	incidentChannel = "#infra-incident"
)

func hasActions(m slacktest.Message) bool {
	return strings.Contains(string(m.Blocks), `"type":"actions"`)
}

func TestE2E_GivenARequest_WhenAStrangerThenTheBackupConfirms_ThenOnlyTheBackupIsRecordedAndTheMessageUpdates(t *testing.T) {
	t.Parallel()
	w := newWorkspace(t, jobRow{window: daily(nextWindow(30 * time.Second)), freq: "Daily", script: "scripts/ok.sh", body: "echo ok", deps: "`bash`"})
	srv := slacktest.NewTB(t)
	startBot(t, w, srv, baseEnv(w, srv))

	waitFor(t, srv, 15*time.Second, "the confirmation request", func(s *slacktest.Server) bool {
		return len(messagesWith(s, runbookChannel, ana)) > 0
	})
	request := messagesWith(srv, runbookChannel, ana)[0]
	require.True(t, hasActions(request), "the request has Confirm / Decline buttons")

	command(srv, stranger, "confirm ok")
	waitFor(t, srv, 10*time.Second, "the refusal naming who may", func(s *slacktest.Server) bool {
		return len(ephemeralWith(s, stranger, ana)) > 0 && len(ephemeralWith(s, stranger, lucas)) > 0
	})

	command(srv, lucas, "confirm ok")
	waitFor(t, srv, 10*time.Second, "the request updated in place", func(s *slacktest.Server) bool {
		m, ok := s.Message(request.Channel, request.TS)
		return ok && m.Updates > 0 && !hasActions(m) && strings.Contains(content(m), "Lucas")
	})
	require.Len(t, srv.Messages(runbookChannel), 1, "updated, not posted again")
}

func TestE2E_GivenTheSocketIsDisconnected_WhenSlackAsksToReconnect_ThenTheNextCommandWorks(t *testing.T) {
	t.Parallel()
	w := newWorkspace(t, jobRow{window: "Monday 09:00 UTC", freq: "Weekly", script: "scripts/ok.sh", body: "echo ok", deps: "`bash`"})
	srv := slacktest.NewTB(t)
	startBot(t, w, srv, baseEnv(w, srv))

	srv.Disconnect("refresh_requested")
	require.NoError(t, srv.WaitConnected(2, 20*time.Second))
	command(srv, ana, "status ok")
	waitFor(t, srv, 10*time.Second, "the status reply", func(s *slacktest.Server) bool { return len(s.Ephemerals(ana)) > 0 })

	srv.DropConnection()
	require.NoError(t, srv.WaitConnected(3, 40*time.Second))
	command(srv, ana, "schedule")
	waitFor(t, srv, 10*time.Second, "the schedule reply", func(s *slacktest.Server) bool { return len(s.Ephemerals(ana)) > 1 })
}

func TestE2E_GivenSlackAnswers429_WhenTheRequestIsPosted_ThenItIsDelayedNotLost(t *testing.T) {
	t.Parallel()
	w := newWorkspace(t, jobRow{window: daily(nextWindow(30 * time.Second)), freq: "Daily", script: "scripts/ok.sh", body: "echo ok", deps: "`bash`"})
	srv := slacktest.NewTB(t)
	srv.Fail("chat.postMessage", 429, 2*time.Second, 2)
	startBot(t, w, srv, baseEnv(w, srv))
	waitFor(t, srv, 20*time.Second, "the request after the 429s", func(s *slacktest.Server) bool {
		return len(messagesWith(s, runbookChannel, ana)) == 1
	})
	require.GreaterOrEqual(t, srv.RateLimited("chat.postMessage"), 2)
}

// failingWorkspace has one daily job at the next minute whose script prints secrets and hostile text, then fails.
func failingWorkspace(t *testing.T) (*workspace, time.Time) {
	window := nextWindow(20 * time.Second)
	body := `echo "connecting to $DEV_RELATIONAL_URL"
echo "token xoxb-1234567890-abcdefghijkl"
echo "<!channel> everything is broken"
echo "secret is $DEV_SECRET"
exit 3`
	return newWorkspace(t, jobRow{window: daily(window), freq: "Daily", script: "scripts/seed.sh", body: body, deps: "`DEV_RELATIONAL_URL`, `DEV_SECRET`"}), window
}

func secretEnv() []string {
	return []string{"DEV_RELATIONAL_URL=postgres://app:hunter2pw@db.dev:5432/app", "DEV_SECRET=s3cr3t-value-42"}
}

// runAtWindow confirms, waits for the window and runs the job twice through one redelivered request.
func runAtWindow(t *testing.T, srv *slacktest.Server, window time.Time, job string) {
	t.Helper()
	command(srv, ana, "confirm "+job)
	waitFor(t, srv, 10*time.Second, "the confirmation", func(s *slacktest.Server) bool { return len(s.Ephemerals(ana)) > 0 })
	time.Sleep(time.Until(window) + 500*time.Millisecond) // the window is a wall-clock minute
	env := command(srv, ana, "run "+job, slacktest.WithEnvelopeID("run-1"))
	_, err := srv.WaitAck(env, 3*time.Second)
	require.NoError(t, err, "acked within 3 s")
	_, err = srv.Replay(env)
	require.NoError(t, err)
}

func TestE2E_GivenAFailingScript_WhenNobodyRecordsAnIncident_ThenOneEscalationAtTheDeadline(t *testing.T) {
	t.Parallel()
	w, window := failingWorkspace(t)
	srv := slacktest.NewTB(t)
	startBot(t, w, srv, baseEnv(w, srv, secretEnv()...))
	runAtWindow(t, srv, window, "seed")

	waitFor(t, srv, 10*time.Second, "the incident post", func(s *slacktest.Server) bool { return len(s.Messages(incidentChannel)) > 0 })
	first := srv.Messages(incidentChannel)[0]
	require.NotContains(t, content(first), "<!here>", "the first post pings nobody")
	require.Contains(t, content(first), ana)

	waitFor(t, srv, 20*time.Second, "countdown updates", func(s *slacktest.Server) bool {
		m, _ := s.Message(first.Channel, first.TS)
		return m.Updates >= 2
	})
	waitFor(t, srv, 30*time.Second, "the escalation", func(s *slacktest.Server) bool { return len(messagesWith(s, incidentChannel, "<!here>")) > 0 })
	time.Sleep(6 * time.Second) // nothing more may come
	require.Len(t, messagesWith(srv, incidentChannel, "<!here>"), 1, "exactly one escalation")
	require.Len(t, runThreads(srv), 1, "a redelivered run starts one run")
	run := runThreads(srv)[0]
	m, _ := srv.Message(first.Channel, first.TS)
	require.Contains(t, content(m), "/archives/"+run.Channel+"/p"+strings.ReplaceAll(run.TS, ".", "")+"|", "the incident post links to the run thread")
	assertNoSecrets(t, srv, w)
}

func TestE2E_GivenAFailingScript_WhenAStrangerRecordsAnIncident_ThenItIsRefusedAndTheEscalationStillFires(t *testing.T) {
	t.Parallel()
	w, window := failingWorkspace(t)
	srv := slacktest.NewTB(t)
	srv.SetChannelMembers(incidentChannel, responder)
	startBot(t, w, srv, baseEnv(w, srv, secretEnv()...))
	runAtWindow(t, srv, window, "seed")
	waitFor(t, srv, 10*time.Second, "the incident post", func(s *slacktest.Server) bool { return len(s.Messages(incidentChannel)) > 0 })

	// The reproduction: a stranger tries to silence the escalation.
	command(srv, stranger, "incident seed none-really")
	waitFor(t, srv, 10*time.Second, "the refusal", func(s *slacktest.Server) bool {
		return len(ephemeralWith(s, stranger, "a runbook operator or a member of #infra-incident may record an incident for seed")) > 0
	})
	waitFor(t, srv, 30*time.Second, "the escalation", func(s *slacktest.Server) bool { return len(messagesWith(s, incidentChannel, "<!here>")) > 0 })
	first := srv.Messages(incidentChannel)[0]
	m, _ := srv.Message(first.Channel, first.TS)
	require.NotContains(t, content(m), "none-really", "nothing was recorded")
	require.Equal(t, 1, srv.CallCount("conversations.members"), "the incident channel's members were looked up")
}

func TestE2E_GivenAFailingScript_WhenAResponderRecordsTheIncidentInTimeThenReplacesIt_ThenNoEscalationAndTheEvidenceKeepsBoth(t *testing.T) {
	t.Parallel()
	w, window := failingWorkspace(t)
	srv := slacktest.NewTB(t)
	srv.SetChannelMembers(incidentChannel, responder)
	env := baseEnv(w, srv, secretEnv()...)
	startBot(t, w, srv, env)
	runAtWindow(t, srv, window, "seed")
	waitFor(t, srv, 10*time.Second, "the incident post", func(s *slacktest.Server) bool { return len(s.Messages(incidentChannel)) > 0 })
	first := srv.Messages(incidentChannel)[0]

	command(srv, responder, "incident seed INC-4242")
	waitFor(t, srv, 15*time.Second, "the countdown showing the incident", func(s *slacktest.Server) bool {
		m, _ := s.Message(first.Channel, first.TS)
		return strings.Contains(content(m), "INC-4242") && !hasActions(m)
	})
	command(srv, responder, "incident seed https://itsm.example.com/incidents/INC-4243 --replace")
	waitFor(t, srv, 15*time.Second, "the incident message showing the corrected reference", func(s *slacktest.Server) bool {
		m, _ := s.Message(first.Channel, first.TS)
		return strings.Contains(content(m), "https://itsm.example.com/incidents/INC-4243") && strings.Contains(content(m), "Replaces INC-4242")
	})
	time.Sleep(time.Until(window.Add(30 * time.Second)))
	require.Empty(t, messagesWith(srv, incidentChannel, "<!here>"), "no escalation once the incident is recorded")
	require.Eventually(t, func() bool {
		checkins, _ := os.ReadFile(w.path("docs", "observabilidade", "check-ins.md"))
		return strings.Count(string(checkins), "### ") == 1 && strings.Contains(string(checkins), "INC-4243")
	}, 10*time.Second, 50*time.Millisecond, "one check-in entry, with the corrected reference")

	ev := exec.Command(binPath, "evidence", "seed")
	ev.Dir, ev.Env = w.dir, env
	out, err := ev.CombinedOutput()
	require.NoError(t, err, "%s", out)
	for _, want := range []string{"| incident_recorded | " + responder + " | after_failure_ms=", "ref=INC-4242",
		"| incident_replaced | " + responder + " | previous_by=" + responder + ", previous_ref=INC-4242, ref=https://itsm.example.com/incidents/INC-4243 |",
		"- incident: https://itsm.example.com/incidents/INC-4243"} {
		require.Contains(t, string(out), want)
	}
}

func TestE2E_GivenACountdown_WhenTheBotIsKilledAndRestarted_ThenStillExactlyOneEscalation(t *testing.T) {
	t.Parallel()
	w, window := failingWorkspace(t)
	srv := slacktest.NewTB(t)
	env := baseEnv(w, srv, secretEnv()...)
	bot := startBot(t, w, srv, env)
	runAtWindow(t, srv, window, "seed")
	waitFor(t, srv, 10*time.Second, "the incident post", func(s *slacktest.Server) bool { return len(s.Messages(incidentChannel)) > 0 })
	failedAt := srv.Messages(incidentChannel)[0].PostedAt

	bot.kill9()
	time.Sleep(5 * time.Second)
	startBot(t, w, srv, env)
	waitFor(t, srv, 40*time.Second, "the escalation", func(s *slacktest.Server) bool { return len(messagesWith(s, incidentChannel, "<!here>")) > 0 })
	esc := messagesWith(srv, incidentChannel, "<!here>")[0]
	late := esc.PostedAt.Sub(failedAt) - 20*time.Second
	t.Logf("escalation %.2fs after the deadline (across a kill -9)", late.Seconds())
	require.Less(t, late, 3*time.Second, "within 3 s of the deadline")
	time.Sleep(5 * time.Second)
	require.Len(t, messagesWith(srv, incidentChannel, "<!here>"), 1, "exactly one escalation")
}

func TestE2E_GivenNobodyRunsTheWindow_WhenTheThresholdPasses_ThenADelayAlertAndTheJustificationIsRecorded(t *testing.T) {
	t.Parallel()
	window := nextWindow(20 * time.Second)
	w := newWorkspace(t, jobRow{window: daily(window), freq: "Daily", script: "scripts/ok.sh", body: "echo ok", deps: "`bash`"})
	srv := slacktest.NewTB(t)
	startBot(t, w, srv, baseEnv(w, srv))

	time.Sleep(time.Until(window))
	waitFor(t, srv, 25*time.Second, "the delay alert", func(s *slacktest.Server) bool {
		for _, m := range s.Messages(runbookChannel) {
			if hasActions(m) && strings.Contains(plain(m.Blocks), `"justify`) {
				return true
			}
		}
		return false
	})
	command(srv, ana, "delay ok <!channel> waiting for the DBA")
	waitFor(t, srv, 10*time.Second, "the reply", func(s *slacktest.Server) bool { return len(s.Ephemerals(ana)) > 0 })
	require.Eventually(t, func() bool {
		doc, _ := os.ReadFile(w.path("docs", "runbook.md"))
		return strings.Contains(string(doc), "## Delay log") && strings.Contains(string(doc), "waiting for the DBA")
	}, 10*time.Second, 100*time.Millisecond)
	for _, m := range srv.Messages(runbookChannel) {
		require.NotContains(t, content(m), "<!channel>", "user text never pings")
	}

	to := time.Now().UTC().Add(48 * time.Hour).Format("2006-01-02 15:04")
	command(srv, lucas, "reschedule ok "+to+" moved after the freeze")
	waitFor(t, srv, 10*time.Second, "the reschedule announcement", func(s *slacktest.Server) bool {
		return len(messagesWith(s, runbookChannel, "moved after the freeze")) > 0
	})
}

// runThreads are the run-started messages (thread parents) in the runbook channel.
func runThreads(srv *slacktest.Server) []slacktest.Message {
	var out []slacktest.Message
	for _, m := range srv.Messages(runbookChannel) {
		if m.ThreadTS == "" && len(m.Versions) > 0 && strings.Contains(m.Versions[0].Text, "started by") {
			out = append(out, m)
		}
	}
	return out
}

// assertNoSecrets checks every Slack text, the logs and the check-ins for the secrets the script printed.
func assertNoSecrets(t *testing.T, srv *slacktest.Server, w *workspace) {
	t.Helper()
	secrets := []string{"hunter2pw", "s3cr3t-value-42", "xoxb-1234567890-abcdefghijkl"}
	var slackTexts, files []string
	for _, ch := range srv.Channels() {
		for _, m := range srv.Messages(ch) {
			for _, v := range m.Versions {
				slackTexts = append(slackTexts, v.Text, plain(v.Blocks))
			}
		}
	}
	_ = filepath.Walk(w.dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() && (strings.HasSuffix(p, ".log") || strings.HasSuffix(p, ".md")) {
			b, _ := os.ReadFile(p)
			files = append(files, string(b))
		}
		return nil
	})
	for _, s := range append(append([]string{}, slackTexts...), files...) {
		for _, secret := range secrets {
			require.NotContains(t, s, secret)
		}
	}
	sawChannel := false
	for _, s := range slackTexts {
		require.NotContains(t, s, "<!channel>", "script text never pings")
		sawChannel = sawChannel || strings.Contains(s, "&lt;!channel&gt;")
	}
	require.True(t, sawChannel, "the script's <!channel> shows as text")
}
