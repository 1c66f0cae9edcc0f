package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/bot/slack/slacktest"
)

// editFile replaces old by new in the file at path, failing when old is not there.
func editFile(t *testing.T, path, old, new string) {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Contains(t, string(b), old)
	require.NoError(t, os.WriteFile(path, []byte(strings.Replace(string(b), old, new, 1)), 0o644))
}

// threadReplies are the replies in the thread of the message at ts.
func threadReplies(srv *slacktest.Server, channel, ts string) []slacktest.Message {
	var out []slacktest.Message
	for _, m := range srv.Messages(channel) {
		if m.ThreadTS == ts && m.TS != ts {
			out = append(out, m)
		}
	}
	return out
}

func TestE2E_GivenAConfirmedPlan_WhenTheRunbookIsEditedToApply_ThenANewRequestAndTheOldApprovalCannotRunIt(t *testing.T) {
	t.Parallel()
	window := nextWindow(30 * time.Second)
	// The script notes every mode it is run with, in the workdir.
	w := newWorkspace(t, jobRow{window: daily(window), freq: "Daily", script: "scripts/swap.sh", body: `echo "ran: $*" >> ran.txt; echo "swapped ($*)"`, deps: "`bash`"})
	doc := w.path("docs", "runbook.md")
	editFile(t, doc, "`scripts/swap.sh`", "`scripts/swap.sh --mode plan`")
	srv := slacktest.NewTB(t)
	env := baseEnv(w, srv)
	startBot(t, w, srv, env)

	// Given: Ana approves the window while the runbook says --mode plan.
	waitFor(t, srv, 15*time.Second, "the confirmation request", func(s *slacktest.Server) bool {
		return len(messagesWith(s, runbookChannel, ana)) > 0
	})
	request := messagesWith(srv, runbookChannel, ana)[0]
	require.Contains(t, content(request), "scripts/swap.sh --mode plan")
	command(srv, ana, "confirm swap")
	waitFor(t, srv, 10*time.Second, "the request showing the approval", func(s *slacktest.Server) bool {
		m, _ := s.Message(request.Channel, request.TS)
		return m.Updates > 0 && !hasActions(m) && strings.Contains(content(m), "Confirmed by")
	})

	// When: the runbook is edited to --mode apply.
	editFile(t, doc, "`scripts/swap.sh --mode plan`", "`scripts/swap.sh --mode apply`")

	// Then: the request's thread says what changed, and the request asks again, with its buttons.
	waitFor(t, srv, 15*time.Second, "the thread reply naming both commands", func(s *slacktest.Server) bool {
		for _, r := range threadReplies(s, request.Channel, request.TS) {
			if c := content(r); strings.Contains(c, "scripts/swap.sh --mode plan") && strings.Contains(c, "scripts/swap.sh --mode apply") {
				return true
			}
		}
		return false
	})
	waitFor(t, srv, 10*time.Second, "the request asking again", func(s *slacktest.Server) bool {
		m, _ := s.Message(request.Channel, request.TS)
		c := content(m)
		return hasActions(m) && strings.Contains(c, "scripts/swap.sh --mode apply") && !strings.Contains(c, "Confirmed by") && strings.Contains(c, "withdrawn")
	})

	// And at the window, the old approval runs nothing.
	time.Sleep(time.Until(window) + 500*time.Millisecond)
	command(srv, ana, "run swap")
	waitFor(t, srv, 10*time.Second, "the refusal", func(s *slacktest.Server) bool {
		return len(ephemeralWith(s, ana, "is not confirmed")) > 0
	})
	_, err := os.Stat(w.path("ran.txt"))
	require.True(t, os.IsNotExist(err), "the script did not run")
	require.Empty(t, runThreads(srv))

	// A new approval runs the command it approves.
	command(srv, lucas, "confirm swap")
	waitFor(t, srv, 10*time.Second, "the new confirmation", func(s *slacktest.Server) bool { return len(s.Ephemerals(lucas)) > 0 })
	command(srv, lucas, "run swap")
	require.Eventually(t, func() bool {
		b, _ := os.ReadFile(w.path("ran.txt"))
		return string(b) == "ran: --mode apply\n"
	}, 15*time.Second, 50*time.Millisecond, "run once, with --mode apply")

	// The evidence shows what each approval approved.
	waitFor(t, srv, 15*time.Second, "the run result", func(s *slacktest.Server) bool { return len(messagesWith(s, runbookChannel, "swap: succeeded")) > 0 })
	ev := exec.Command(binPath, "evidence", "swap")
	ev.Dir, ev.Env = w.dir, env
	out, err := ev.CombinedOutput()
	require.NoError(t, err, "%s", out)
	for _, want := range []string{
		"- confirmed command: `scripts/swap.sh --mode apply`",
		"| approval_withdrawn | — | approved_by=" + ana + ", argv=scripts/swap.sh --mode apply,",
		"previous_argv=scripts/swap.sh --mode plan",
		"| refused | " + ana + " | action=run, reason=not_confirmed",
		"| run_started | " + lucas + " | argv=scripts/swap.sh --mode apply,",
	} {
		require.Contains(t, string(out), want)
	}
}
