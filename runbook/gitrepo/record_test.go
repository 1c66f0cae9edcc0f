package gitrepo

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// appendLine is a record change adding line to path once.
func appendLine(path, line, id string) Change {
	return Change{Path: path, ID: id, Apply: func(old []byte) ([]byte, string, error) {
		if strings.Contains(string(old), line+"\n") {
			return old, "", nil
		}
		return append(append([]byte(nil), old...), line+"\n"...), "record: " + line, nil
	}}
}

// botCommits are the remote's commits by the bot, newest first.
func botCommits(r *remote, branch string) []string {
	var out []string
	for _, l := range r.log(branch) {
		if strings.Contains(l, "|runbook-bot <runbook-bot@localhost>|") {
			out = append(out, l)
		}
	}
	return out
}

func TestRecord_GivenRecords_WhenCommitted_ThenEachIsOneCommitOnTheBranchAndNeverTwice(t *testing.T) {
	rem := newRemote(t, map[string]string{"docs/runbook.md": runbookDoc("Monday 09:00 UTC", "scripts/seed.sh"), "scripts/seed.sh": "#!/bin/sh\n"})
	rp := openRepo(t, rem.url(), Credentials{}, nil)

	// When a record goes to a new file in a new directory, then one to an existing file
	r1, err := rp.Record(bg, appendLine("docs/observabilidade/check-ins.md", "entry 42-1", "checkin/1"))
	require.NoError(t, err)
	r2, err := rp.Record(bg, appendLine("docs/runbook.md", "- delay line", "delaylog/2"))
	require.NoError(t, err)
	// and the first is delivered again (a retry after a crash)
	again, err := rp.Record(bg, appendLine("docs/observabilidade/check-ins.md", "entry 42-1", "checkin/1"))
	require.NoError(t, err)

	// Then two commits by the bot are on main, in order, with their messages and trailers
	commits := botCommits(rem, "main")
	require.Len(t, commits, 2, "%v", rem.log("main"))
	assert.True(t, r1.Landed && r2.Landed)
	assert.False(t, again.Landed)
	assert.Equal(t, r1.Commit, again.Commit, "the landed record is found again by its trailer")
	assert.True(t, strings.HasPrefix(commits[0], r2.Commit+"|"))
	assert.True(t, strings.HasPrefix(commits[1], r1.Commit+"|"))
	assert.Contains(t, commits[1], "record: entry 42-1")
	assert.Contains(t, gitCmd(t, rem.bare, "show", "-s", "--format=%B", r1.Commit), "Runbook-Record: checkin/1")
	assert.Equal(t, "entry 42-1\n", rem.show("main", "docs/observabilidade/check-ins.md"))
	assert.True(t, strings.HasSuffix(rem.show("main", "docs/runbook.md"), "- delay line\n"))
	assert.Equal(t, "100755", strings.Fields(gitCmd(t, rem.bare, "ls-tree", "main", "scripts/seed.sh"))[0], "other files keep their mode")
	gitCmd(t, rem.bare, "fsck", "--strict")
}

func TestRecord_GivenAHumanPushBetweenTheFetchAndThePush_ThenTheHumanCommitIsKeptAndTheRecordLandsOnce(t *testing.T) {
	rem := newRemote(t, map[string]string{"docs/runbook.md": "# Runbook\n\n## Delay log\n"})
	rp := openRepo(t, rem.url(), Credentials{}, nil)
	pushes := 0
	rp.beforePush = func(string) {
		if pushes++; pushes == 1 { // a person edits the same file in the meantime
			rem.push("Bia Lima <bia@example.com>", "intro by hand", map[string]string{"docs/runbook.md": "# Runbook\n\nIntro by hand.\n\n## Delay log\n"})
		}
	}

	res, err := rp.Record(bg, appendLine("docs/runbook.md", "- late: waiting for the DBA", "delaylog/7"))
	require.NoError(t, err)

	assert.Equal(t, 2, pushes, "applied again on the new head")
	assert.Equal(t, "# Runbook\n\nIntro by hand.\n\n## Delay log\n- late: waiting for the DBA\n", rem.show("main", "docs/runbook.md"))
	log := rem.log("main")
	require.Len(t, log, 3, "first version, the human commit, one record")
	assert.True(t, strings.HasPrefix(log[0], res.Commit+"|runbook-bot"))
	assert.Contains(t, log[1], "|Bia Lima <bia@example.com>|intro by hand")
}

func TestRecord_GivenTheRemoteIsDown_ThenTheRecordFailsAndLandsWhenItIsBack(t *testing.T) {
	rem := newRemote(t, map[string]string{"docs/runbook.md": "# Runbook\n"})
	rp := openRepo(t, rem.url(), Credentials{}, nil)
	away := rem.bare + ".away"
	require.NoError(t, os.Rename(rem.bare, away))

	_, err := rp.Record(bg, appendLine("docs/runbook.md", "- one", "delaylog/1"))
	require.Error(t, err)
	assert.False(t, errors.Is(err, ErrRefused), "a remote that is down is worth retrying: %v", err)

	require.NoError(t, os.Rename(away, rem.bare))
	for i, line := range []string{"- one", "- two"} {
		_, err := rp.Record(bg, appendLine("docs/runbook.md", line, fmt.Sprintf("delaylog/%d", i+1)))
		require.NoError(t, err)
	}
	assert.Equal(t, "# Runbook\n- one\n- two\n", rem.show("main", "docs/runbook.md"))
}

// crashEnv names the directory of a record helper process that is killed between its commit and its push.
const crashEnv = "GITREPO_CRASH_DIR"

func TestRecordCrashHelper(t *testing.T) {
	dir := os.Getenv(crashEnv)
	if dir == "" {
		return // only the helper process of the kill -9 test does something here
	}
	rp, err := Open(Options{URL: os.Getenv("GITREPO_CRASH_URL"), Dir: dir, Author: Signature{Name: "runbook-bot", Email: "runbook-bot@localhost"}})
	require.NoError(t, err)
	rp.beforePush = func(string) { _ = syscall.Kill(os.Getpid(), syscall.SIGKILL) }
	_, _ = rp.Record(bg, appendLine("docs/runbook.md", "- crash line", "delaylog/9"))
	t.Fatal("not killed")
}

func TestRecord_GivenKill9BetweenTheCommitAndThePush_WhenDeliveredAgainAfterRestart_ThenTheRecordLandsExactlyOnce(t *testing.T) {
	rem := newRemote(t, map[string]string{"docs/runbook.md": "# Runbook\n"})
	dir := filepath.Join(t.TempDir(), "git")

	// Given a bot process killed with SIGKILL right after committing the record locally
	cmd := exec.Command(os.Args[0], "-test.run=^TestRecordCrashHelper$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashEnv+"="+dir, "GITREPO_CRASH_URL="+rem.url())
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	require.ErrorAs(t, err, &ee, "%s", out)
	require.Equal(t, syscall.SIGKILL, ee.Sys().(syscall.WaitStatus).Signal(), "%s", out)
	require.Empty(t, botCommits(rem, "main"), "nothing was pushed")

	// When the restarted bot delivers the same record (twice, as a retry would)
	rp, err := Open(Options{URL: rem.url(), Dir: dir, Author: Signature{Name: "runbook-bot", Email: "runbook-bot@localhost"}})
	require.NoError(t, err)
	for range 2 {
		_, err = rp.Record(bg, appendLine("docs/runbook.md", "- crash line", "delaylog/9"))
		require.NoError(t, err)
	}

	// Then it is on the branch exactly once
	assert.Len(t, botCommits(rem, "main"), 1)
	assert.Equal(t, "# Runbook\n- crash line\n", rem.show("main", "docs/runbook.md"))
}

func TestRecord_GivenARecordItsRuleRefuses_ThenItIsABadRecordAndNothingIsPushed(t *testing.T) {
	rem := newRemote(t, map[string]string{"docs/runbook.md": "# Runbook\n"})
	rp := openRepo(t, rem.url(), Credentials{}, nil)

	_, err := rp.Record(bg, Change{Path: "docs/missing.md", ID: "delaylog/1", Apply: func(old []byte) ([]byte, string, error) {
		return nil, "", errors.New("the runbook is not in the branch's head")
	}})

	require.ErrorIs(t, err, ErrBadRecord)
	assert.Contains(t, err.Error(), "docs/missing.md")
	assert.Empty(t, botCommits(rem, "main"))
}
