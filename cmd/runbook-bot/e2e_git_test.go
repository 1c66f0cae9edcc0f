package main

import (
	"io/fs"
	"os"
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
