package main

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/bot/slack/slacktest"
)

// moveToRemote moves the workspace's runbook and scripts into a new bare
// repository: afterwards they exist only there.
func moveToRemote(t *testing.T, w *workspace) *gitRemote {
	t.Helper()
	files := map[string]string{}
	for _, sub := range []string{"docs", "scripts"} {
		require.NoError(t, filepath.WalkDir(w.path(sub), func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := os.ReadFile(p)
			rel, _ := filepath.Rel(w.dir, p)
			files[filepath.ToSlash(rel)] = string(b)
			return err
		}))
		require.NoError(t, os.RemoveAll(w.path(sub)))
	}
	return newGitRemote(t, files)
}

func TestE2E_GivenTheRunbookOnlyInGit_WhenADelayIsJustifiedAndARunFailsWhileTheRemoteIsDown_ThenBothLandAsCommitsInOrder(t *testing.T) {
	t.Parallel()
	const token = "tok-E2E-S3CR3T-5a4b"
	window := nextWindow(20 * time.Second)
	w := newWorkspace(t, jobRow{window: daily(window), freq: "Daily", script: "scripts/seed.sh", body: "echo seeding; exit 3", deps: "`bash`"})
	rem := moveToRemote(t, w)
	remote := newGitHTTP(t, filepath.Dir(rem.bare), "x-access-token", token)
	srv := slacktest.NewTB(t)
	env := baseEnv(w, srv, "RUNBOOK_GIT_URL="+remote.URL+"/remote.git", "RUNBOOK_GIT_TOKEN="+token, "RUNBOOK_GIT_POLL=1s",
		"RUNBOOK_FILE=docs/runbook.md", "RUNBOOK_WORKDIR=.", "RUNBOOK_CHECKINS_FILE=docs/observabilidade/check-ins.md",
		"RUNBOOK_GIT_AUTHOR=runbook-bot <runbook-bot@example.com>")
	bot := startBot(t, w, srv, env)

	// Given the window passes unconfirmed: the delay alert
	waitFor(t, srv, time.Until(window)+25*time.Second, "the delay alert", func(s *slacktest.Server) bool {
		for _, m := range s.Messages(runbookChannel) {
			if hasActions(m) && strings.Contains(plain(m.Blocks), `"justify`) {
				return true
			}
		}
		return false
	})

	// When the remote is down, the delay is justified, and the late run fails
	remote.down.Store(true)
	command(srv, ana, "delay seed waiting for the DBA")
	waitFor(t, srv, 10*time.Second, "the justification's reply", func(s *slacktest.Server) bool { return len(s.Ephemerals(ana)) > 0 })
	command(srv, ana, "confirm seed")
	waitFor(t, srv, 10*time.Second, "the confirmation's reply", func(s *slacktest.Server) bool { return len(s.Ephemerals(ana)) > 1 })
	command(srv, ana, "run seed")
	waitFor(t, srv, 20*time.Second, "the incident post", func(s *slacktest.Server) bool { return len(s.Messages(incidentChannel)) > 0 })
	require.Eventually(t, func() bool { return strings.Count(bot.out.String(), "delivery failed, will retry") >= 2 }, 20*time.Second, 100*time.Millisecond,
		"the records wait for the remote")
	require.Empty(t, rem.botCommits("main"), "nothing landed while the remote was down")
	time.Sleep(3 * time.Second) // a few more retries while it is down

	// Then, once it is back, a delay-log commit and a check-in commit land on main, in that order
	remote.down.Store(false)
	require.Eventually(t, func() bool { return len(rem.botCommits("main")) >= 2 }, 30*time.Second, 200*time.Millisecond, "the records land")
	time.Sleep(2 * time.Second) // nothing more may come
	commits := rem.botCommits("main")
	require.Len(t, commits, 2, "%v", commits)
	win := window.UTC().Format("2006-01-02 15:04 UTC")
	assert.Contains(t, commits[0], "delay: seed, window "+win+": justified by U0ANA")
	assert.Contains(t, commits[1], "check-in: seed, window "+win+": run failed (exit)")
	runbookDoc := runGit(t, rem.bare, "show", "main:docs/runbook.md")
	assert.Contains(t, runbookDoc, "## Delay log")
	assert.Contains(t, runbookDoc, "waiting for the DBA")
	checkins := runGit(t, rem.bare, "show", "main:docs/observabilidade/check-ins.md")
	assert.Contains(t, checkins, "· seed · failed <!-- runbook-bot:checkin ")
	assert.Contains(t, runGit(t, rem.bare, "log", "-1", "--format=%an <%ae>", "main"), "runbook-bot <runbook-bot@example.com>")

	// And history shows the check-in's commit; the token is nowhere: chat, logs, data directory
	command(srv, ana, "history seed")
	checkinSHA, _, _ := strings.Cut(commits[1], "|")
	waitFor(t, srv, 10*time.Second, "the history with the commit", func(s *slacktest.Server) bool {
		return len(ephemeralWith(s, ana, checkinSHA[:7])) > 0
	})
	for _, ch := range srv.Channels() {
		for _, m := range srv.Messages(ch) {
			for _, v := range m.Versions {
				require.NotContains(t, v.Text+plain(v.Blocks), token)
			}
		}
	}
	for _, e := range srv.Ephemerals(ana) {
		require.NotContains(t, e.Text+plain(e.Blocks), token)
	}
	require.NotContains(t, bot.out.String(), token)
	require.NoError(t, filepath.WalkDir(w.path("data"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := os.ReadFile(p)
		require.NotContains(t, string(b), token, p)
		return nil
	}))
}

func TestE2E_GivenTheRunbookInGit_WhenACommitMovesTheWindowThenABrokenOneComes_ThenTheRequestFollowsAndTheBreakIsReportedWithItsCommit(t *testing.T) {
	t.Parallel()
	w := newWorkspace(t, jobRow{window: "Monday 09:00 UTC", freq: "Weekly", script: "scripts/ok.sh", body: "echo ok", deps: "`bash`"})
	rem := moveToRemote(t, w)
	addr := freeAddr(t)
	srv := slacktest.NewTB(t)
	env := baseEnv(w, srv, "RUNBOOK_GIT_URL="+rem.url(), "RUNBOOK_GIT_POLL=1s", "RUNBOOK_HTTP_ADDR="+addr,
		"RUNBOOK_FILE=docs/runbook.md", "RUNBOOK_WORKDIR=.", "RUNBOOK_CHECKINS_FILE=docs/observabilidade/check-ins.md")
	startBot(t, w, srv, env)
	doc := runGit(t, rem.bare, "show", "main:docs/runbook.md")
	require.Contains(t, doc, "| Monday 09:00 UTC | Weekly |")

	// When a commit moves the job to a window a minute away
	window := nextWindow(40 * time.Second)
	moved := rem.push("Bia Lima <bia@example.com>", "seed runs today", map[string]string{
		"docs/runbook.md": strings.Replace(doc, "| Monday 09:00 UTC | Weekly |", "| "+daily(window)+" | Daily |", 1)})

	// Then the confirmation request is for that window, and /readyz and status name the commit
	waitFor(t, srv, 20*time.Second, "the request for the new window", func(s *slacktest.Server) bool {
		for _, m := range messagesWith(s, runbookChannel, ana) {
			if strings.Contains(content(m), window.UTC().Format("15:04")) {
				return true
			}
		}
		return false
	})
	code, body := httpGet("http://" + addr + "/readyz")
	require.Equal(t, 200, code, body)
	require.Contains(t, body, `"commit":"`+moved+`"`)
	status := exec.Command(binPath, "status")
	status.Dir, status.Env = w.dir, env
	out, err := status.CombinedOutput()
	require.NoError(t, err, "%s", out)
	require.Contains(t, string(out), "in force from commit "+moved[:7]+" by Bia Lima <bia@example.com>")

	// When a broken commit comes
	broken := rem.push("Carla Dias <carla@example.com>", "typo", map[string]string{
		"docs/runbook.md": strings.Replace(doc, "| Monday 09:00 UTC | Weekly |", "| Mondey 09:00 UTC | Weekly |", 1)})

	// Then it is reported once with its commit and author, and the moved window stays in force
	waitFor(t, srv, 15*time.Second, "the broken commit's report", func(s *slacktest.Server) bool {
		return len(messagesWith(s, runbookChannel, "commit "+broken[:7]+" by Carla Dias")) > 0
	})
	report := messagesWith(srv, runbookChannel, "commit "+broken[:7])[0]
	require.Contains(t, content(report), "docs/runbook.md:")
	require.Contains(t, content(report), moved[:7], "names the commit that stays in force")
	time.Sleep(3 * time.Second) // polled again: not reported again
	require.Len(t, messagesWith(srv, runbookChannel, "commit "+broken[:7]), 1)
	_, body = httpGet("http://" + addr + "/readyz")
	require.Contains(t, body, `"commit":"`+moved+`"`)
}
