package gitrepo

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// applied records what a follower handed over.
type applied struct {
	rb       *runbook.Runbook
	problems runbook.Problems
}

func collect(out *[]applied) func(_ context.Context, rb *runbook.Runbook, p runbook.Problems) {
	return func(_ context.Context, rb *runbook.Runbook, p runbook.Problems) { *out = append(*out, applied{rb, p}) }
}

func TestFollower_GivenACommitChangingAWindow_WhenPolled_ThenItsRunbookAndScriptsAreInForce(t *testing.T) {
	rem := newRemote(t, map[string]string{"docs/runbook.md": runbookDoc("Monday 09:00 UTC", "scripts/seed.sh"), "scripts/seed.sh": "#!/bin/sh\necho v1\n"})
	rp := openRepo(t, rem.url(), Credentials{}, nil)
	trees := rp.Trees()
	f := rp.Follow(trees, "./docs/runbook.md", parse)

	rb, err := f.Start(bg)
	require.NoError(t, err)
	first := rb.Commit()
	require.Equal(t, "Monday 09:00", rb.Jobs[0].Window.String()[:12])
	require.Equal(t, first, rb.Jobs[0].Commit)
	require.Equal(t, "Ana Souza <ana@example.com>", rb.Revision.Author)

	// Given a new commit that moves the window and changes the script
	second := rem.push("Bia Lima <bia@example.com>", "move seed to 10:00", map[string]string{
		"docs/runbook.md": runbookDoc("Monday 10:00 UTC", "scripts/seed.sh"), "scripts/seed.sh": "#!/bin/sh\necho v2\n"})

	// When the follower polls (twice)
	var got []applied
	require.NoError(t, f.Poll(bg, collect(&got)))
	require.NoError(t, f.Poll(bg, collect(&got)))

	// Then the new runbook is handed over once, marked with its commit
	require.Len(t, got, 1)
	require.Empty(t, got[0].problems)
	assert.Equal(t, second, got[0].rb.Commit())
	assert.Contains(t, got[0].rb.Jobs[0].Window.String(), "10:00")
	assert.Equal(t, "move seed to 10:00", got[0].rb.Revision.Subject)
	inForce, ok := rp.InForce()
	require.True(t, ok)
	assert.Equal(t, second, inForce)
	// and its scripts are checked out, read-only and executable; the old checkout is gone
	script := filepath.Join(trees.Dir(second), "scripts", "seed.sh")
	body, err := os.ReadFile(script)
	require.NoError(t, err)
	assert.Equal(t, "#!/bin/sh\necho v2\n", string(body))
	fi, err := os.Stat(script)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o555), fi.Mode().Perm())
	_, err = os.Stat(trees.Dir(first))
	assert.True(t, os.IsNotExist(err), "the old checkout is removed")
}

func TestFollower_GivenABrokenCommit_WhenPolled_ThenItIsReportedWithItsCommitOnceAndTheGoodOneStays(t *testing.T) {
	rem := newRemote(t, map[string]string{"docs/runbook.md": runbookDoc("Monday 09:00 UTC", "scripts/seed.sh"), "scripts/seed.sh": "#!/bin/sh\n"})
	rp := openRepo(t, rem.url(), Credentials{}, nil)
	f := rp.Follow(rp.Trees(), "docs/runbook.md", parse)
	rb, err := f.Start(bg)
	require.NoError(t, err)
	good := rb.Commit()

	broken := rem.push("Bia Lima <bia@example.com>", "typo", map[string]string{"docs/runbook.md": runbookDoc("Mondey 09:00 UTC", "scripts/seed.sh")})
	var got []applied
	for range 3 {
		require.NoError(t, f.Poll(bg, collect(&got)))
	}

	require.Len(t, got, 1, "reported once")
	require.NotEmpty(t, got[0].problems)
	assert.Equal(t, broken, got[0].rb.Revision.Commit)
	assert.Equal(t, "Bia Lima <bia@example.com>", got[0].rb.Revision.Author)
	assert.True(t, strings.HasPrefix(got[0].problems[0].String(), "docs/runbook.md:"), got[0].problems[0].String())
	inForce, _ := rp.InForce()
	assert.Equal(t, good, inForce, "the last good commit stays in force")

	// And a restarted bot starts on the good commit, not the broken head
	f2 := rp.Follow(rp.Trees(), "docs/runbook.md", parse)
	rb2, err := f2.Start(bg)
	require.NoError(t, err)
	assert.Equal(t, good, rb2.Commit())
}

func TestFollower_GivenOnlyABrokenHead_WhenStarting_ThenTheErrorNamesTheCommitAndItsProblems(t *testing.T) {
	rem := newRemote(t, map[string]string{"docs/runbook.md": runbookDoc("Someday 09:00 UTC", "scripts/seed.sh")})
	rp := openRepo(t, rem.url(), Credentials{}, nil)

	_, err := rp.Follow(rp.Trees(), "docs/runbook.md", parse).Start(bg)

	var be *BrokenError
	require.ErrorAs(t, err, &be)
	assert.NotEmpty(t, be.Problems)
	assert.Contains(t, err.Error(), be.Revision.Short())
	assert.Contains(t, err.Error(), "Ana Souza")
	_, ok := rp.InForce()
	assert.False(t, ok)
}

func TestFollower_GivenACommitWithoutTheRunbook_WhenPolled_ThenItIsAProblem(t *testing.T) {
	rem := newRemote(t, map[string]string{"docs/runbook.md": runbookDoc("Monday 09:00 UTC", "scripts/seed.sh")})
	rp := openRepo(t, rem.url(), Credentials{}, nil)
	f := rp.Follow(rp.Trees(), "docs/runbook.md", parse)
	_, err := f.Start(bg)
	require.NoError(t, err)
	gitCmd(t, rem.work, "rm", "-q", "docs/runbook.md")
	rem.commit("Bia Lima <bia@example.com>", "moved", map[string]string{"docs/other.md": "x"})
	gitCmd(t, rem.work, "push", "-q", "origin", "main")

	var got []applied
	require.NoError(t, f.Poll(bg, collect(&got)))

	require.Len(t, got, 1)
	require.Len(t, got[0].problems, 1)
	assert.Contains(t, got[0].problems[0].String(), "docs/runbook.md")
	assert.Equal(t, runbook.ProbNotInCommit, got[0].problems[0].Msg.Code)
	assert.NotEmpty(t, got[0].problems[0].Msg.Arg("commit"))
}

func TestTrees_GivenACheckoutInUse_WhenANewerCommitGoesInForce_ThenItStaysUntilReleased(t *testing.T) {
	rem := newRemote(t, map[string]string{"docs/runbook.md": runbookDoc("Monday 09:00 UTC", "scripts/seed.sh"), "scripts/seed.sh": "#!/bin/sh\necho v1\n"})
	rp := openRepo(t, rem.url(), Credentials{}, nil)
	trees := rp.Trees()
	f := rp.Follow(trees, "docs/runbook.md", parse)
	rb, err := f.Start(bg)
	require.NoError(t, err)
	old := rb.Commit()

	dir, release, err := trees.Acquire(old)
	require.NoError(t, err)
	rem.push("Bia Lima <bia@example.com>", "v2", map[string]string{"scripts/seed.sh": "#!/bin/sh\necho v2\n"})
	var got []applied
	require.NoError(t, f.Poll(bg, collect(&got)))
	require.Len(t, got, 1)

	body, err := os.ReadFile(filepath.Join(dir, "scripts", "seed.sh"))
	require.NoError(t, err)
	assert.Equal(t, "#!/bin/sh\necho v1\n", string(body), "the run in progress keeps its commit's script")
	release()
	_, err = os.Stat(dir)
	assert.True(t, os.IsNotExist(err), "released and not in force: removed")
	_, err = os.Stat(trees.Dir(got[0].rb.Commit()))
	assert.NoError(t, err)
}
