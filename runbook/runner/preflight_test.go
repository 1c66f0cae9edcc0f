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
		detail runbook.Msg
	}{
		{env("DEV_DB_URL"), true, runbook.M(runbook.PfSet)},
		{env("EMPTY_VAR"), false, runbook.M(runbook.PfEmpty)},
		{env("BLANK_VAR"), false, runbook.M(runbook.PfEmpty)},
		{env("UNSET_VAR"), false, runbook.M(runbook.PfNotSet)},
		{runbook.Check{Kind: runbook.CheckEnv}, false, runbook.M(runbook.PfNoVariable)},
		{tool("faketool"), true, runbook.M(runbook.PfToolVersion, "tool", "faketool", "version", "faketool version 1.2.3")},
		{tool("kubectl", "faketool"), true, runbook.M(runbook.PfToolVersion, "tool", "faketool", "version", "faketool version 1.2.3")},
		{tool("noversion"), true, runbook.M(runbook.PfToolPath, "tool", "noversion", "path", filepath.Join(bin, "noversion"))},
		{tool("notexec"), false, runbook.M(runbook.PfToolMissing, "tool", "notexec")},
		{tool("ls"), false, runbook.M(runbook.PfToolMissing, "tool", "ls")}, // only the script's PATH counts, not the bot's
		{tool("kubectl", "kustomize"), false, runbook.M(runbook.PfToolsMissing, "tools", "kubectl, kustomize")},
		{tool("./scripts/seed.sh"), true, runbook.M(runbook.PfToolPath, "tool", "./scripts/seed.sh", "path", filepath.Join(work, "scripts", "seed.sh"))},
		{path("scripts/seed.sh"), true, runbook.M(runbook.PfExists)},
		{path("./scripts/../scripts/seed.sh"), true, runbook.M(runbook.PfExists)},
		{path("data/seed/"), true, runbook.M(runbook.PfDirectoryExists)},
		{path("inside/seed"), true, runbook.M(runbook.PfDirectoryExists)},
		{path("scripts/seed.sh/"), false, runbook.M(runbook.PfNotADirectory)},
		{path("missing/file"), false, runbook.M(runbook.PfPathNotFound)},
		{path("../outside"), false, runbook.M(runbook.PfPathEscapes)},
		{path("scripts/../../outside"), false, runbook.M(runbook.PfPathEscapes)},
		{path("escape/passwd"), false, runbook.M(runbook.PfPathEscapes)},
		{path("/etc/passwd"), false, runbook.M(runbook.PfPathAbsolute)},
		{runbook.Check{Kind: runbook.CheckManual, Text: "Acesso a cluster staging"}, false, runbook.M(runbook.PfManual)},
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
		assert.NotContains(t, r.Detail.String(), "secret-value")
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
	assert.Equal(t, runbook.PfToolPath, pf.Results[0].Detail.Code)
	assert.True(t, strings.HasPrefix(pf.Results[0].Detail.Arg("path"), "/"), pf.Results[0].Detail)
}
