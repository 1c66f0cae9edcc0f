package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCLI_GivenTheRunbookInGit_WhenValidatedAndStarted_ThenTheCommitIsNamedAndABrokenHeadIsRefusedWithItsProblems(t *testing.T) {
	w := newWorkspace(t, jobRow{window: "Monday 09:00 UTC", freq: "Weekly", script: "scripts/ok.sh", body: "echo ok", deps: "`bash`"})
	rem := moveToRemote(t, w)
	env := cliEnv(w, "RUNBOOK_GIT_URL="+rem.url(), "RUNBOOK_FILE=docs/runbook.md", "RUNBOOK_WORKDIR=.")
	head := strings.TrimSpace(runGit(t, rem.bare, "rev-parse", "main"))

	// validate reads the branch's head from the remote, writing nothing
	out, errOut, code := runCLI(t, w, env, "validate")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "branch main at commit "+head[:7]+" by Ana Souza <ana@example.com>")
	assert.Contains(t, out, "in force: no commit yet")
	assert.Contains(t, out, "docs/runbook.md: OK — 1 job,")

	// schedule (a reading command) puts the head in force on first use; validate then says so
	out, errOut, code = runCLI(t, w, env, "schedule", "--count", "1")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "ok")
	out, _, _ = runCLI(t, w, env, "validate")
	assert.Contains(t, out, "in force: "+head[:7]+" (this commit)")

	// a broken head: validate lists its problems; the commit in force stays for the readers
	doc := runGit(t, rem.bare, "show", "main:docs/runbook.md")
	broken := rem.push("Carla Dias <carla@example.com>", "typo", map[string]string{"docs/runbook.md": strings.Replace(doc, "Monday 09:00", "Mondey 09:00", 1)})
	out, errOut, code = runCLI(t, w, env, "validate")
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "branch main at commit "+broken[:7]+" by Carla Dias")
	assert.Contains(t, errOut, "docs/runbook.md:")
	out, errOut, code = runCLI(t, w, env, "status")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "in force from commit "+head[:7])

	// and a first start on another data directory, with only the broken head, refuses with the problems and the commit
	env2 := append(env, "RUNBOOK_DATA_DIR="+w.path("data2"), "RUNBOOK_DB="+w.path("data2", "runbook.db"))
	_, errOut, code = runCLI(t, w, env2, "status")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "docs/runbook.md:")
	assert.Contains(t, errOut, "commit "+broken[:7]+" by Carla Dias <carla@example.com>")
}
