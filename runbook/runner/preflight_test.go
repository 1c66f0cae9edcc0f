package runner

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

func TestPreflight(t *testing.T) {
	bin := t.TempDir()
	writeScript(t, bin, "faketool", "echo\necho 'faketool version 1.2.3'\necho 'second line'\n")
	writeScript(t, bin, "noversion", "echo 'error: unknown flag --version' >&2\nexit 1\n")
	require.NoError(t, os.WriteFile(filepath.Join(bin, "notexec"), []byte("#!/bin/sh\n"), 0o644))

	work := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(work, "scripts"), 0o755))
	require.NoError(t, os.MkdirAll(filepath.Join(work, "data", "seed"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(work, "scripts", "seed.sh"), nil, 0o755))
	require.NoError(t, os.Symlink("/etc", filepath.Join(work, "escape")))
	require.NoError(t, os.Symlink("data", filepath.Join(work, "inside")))

	environ := []string{
		"PATH=" + bin + ":relative/dir",
		"DEV_DB_URL=postgres://u:secret-value@db/x",
		"EMPTY_VAR=",
		"BLANK_VAR=   ",
	}
	env := func(n string) runbook.Check {
		return runbook.Check{Kind: runbook.CheckEnv, Names: []string{n}, Text: "`" + n + "`"}
	}
	tool := func(n ...string) runbook.Check { return runbook.Check{Kind: runbook.CheckTool, Names: n} }
	path := func(p string) runbook.Check { return runbook.Check{Kind: runbook.CheckPath, Names: []string{p}} }

	cases := []struct {
		check  runbook.Check
		ok     bool
		detail string
	}{
		{env("DEV_DB_URL"), true, "set"},
		{env("EMPTY_VAR"), false, "empty"},
		{env("BLANK_VAR"), false, "empty"},
		{env("UNSET_VAR"), false, "not set"},
		{runbook.Check{Kind: runbook.CheckEnv}, false, "no variable named"},
		{tool("faketool"), true, "faketool: faketool version 1.2.3"},
		{tool("kubectl", "faketool"), true, "faketool: faketool version 1.2.3"},
		{tool("noversion"), true, "noversion: " + filepath.Join(bin, "noversion")},
		{tool("notexec"), false, "notexec not on PATH"},
		{tool("ls"), false, "ls not on PATH"}, // only the script's PATH counts, not the bot's
		{tool("kubectl", "kustomize"), false, "none of kubectl, kustomize on PATH"},
		{tool("./scripts/seed.sh"), true, "./scripts/seed.sh: " + filepath.Join(work, "scripts", "seed.sh")},
		{path("scripts/seed.sh"), true, "exists"},
		{path("./scripts/../scripts/seed.sh"), true, "exists"},
		{path("data/seed/"), true, "directory exists"},
		{path("inside/seed"), true, "directory exists"},
		{path("scripts/seed.sh/"), false, "not a directory"},
		{path("missing/file"), false, "not found under the workdir"},
		{path("../outside"), false, "escapes the workdir"},
		{path("scripts/../../outside"), false, "escapes the workdir"},
		{path("escape/passwd"), false, "escapes the workdir"},
		{path("/etc/passwd"), false, "absolute path: must be relative to the workdir"},
		{runbook.Check{Kind: runbook.CheckManual, Text: "Acesso a cluster staging"}, false, "to be ticked by the approver"},
	}
	checks := make([]runbook.Check, len(cases))
	for i, c := range cases {
		checks[i] = c.check
	}
	pf := Preflight(context.Background(), checks, work, environ)
	require.Len(t, pf.Results, len(cases))
	for i, c := range cases {
		r := pf.Results[i]
		assert.Equal(t, c.check, r.Check, "order kept")
		assert.Equal(t, c.ok, r.OK, "%v", c.check)
		assert.Equal(t, c.detail, r.Detail, "%v", c.check)
		assert.NotContains(t, r.Detail, "secret-value")
	}
	assert.False(t, pf.OK())

	manualOnly := Preflight(context.Background(), []runbook.Check{
		env("DEV_DB_URL"), tool("faketool"), path("scripts/seed.sh"),
		{Kind: runbook.CheckManual, Text: "Acesso a cluster staging"},
	}, work, environ)
	assert.True(t, manualOnly.OK(), "manual items never fail pre-flight: %+v", manualOnly.Failed())
}

func TestPreflightVersionTimeout(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for the version timeout")
	}
	bin := t.TempDir()
	// The tool hangs and leaves a child holding stdout: the check still returns.
	writeScript(t, bin, "slowtool", "sleep 1000 &\nsleep 1000\n")
	pf := Preflight(context.Background(), []runbook.Check{{Kind: runbook.CheckTool, Names: []string{"slowtool"}}},
		t.TempDir(), []string{"PATH=" + bin + ":/usr/bin:/bin"})
	require.Len(t, pf.Results, 1)
	assert.True(t, pf.Results[0].OK)
	assert.True(t, strings.HasPrefix(pf.Results[0].Detail, "slowtool: /"), pf.Results[0].Detail)
}
