package main

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/runbook"
	"github.com/runbook-bot/runbook-bot/runbook/runner"
)

func TestExecutor_GivenTheBotsEnvironment_WhenAScriptPrintsItsOwn_ThenItHasTheAllowListAndItsRunOnly(t *testing.T) {
	for k, v := range map[string]string{
		"RUNBOOK_ITSM_WEBHOOK_URL": "https://itsm.example/hook?key=s3cr3t", "RUNBOOK_GITHUB_TOKEN": "ghp_x",
		"SLACK_BOT_TOKEN": "xoxb-1", "AWS_SECRET_ACCESS_KEY": "abc", "SOMETHING_ELSE": "x",
		"DEV_RELATIONAL_URL": "postgres://u:p@h/db", "KUBECONFIG": "/k/config", "LC_ALL": "C", "TZ": "UTC",
	} {
		t.Setenv(k, v)
	}
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "scripts"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "scripts", "env.sh"), []byte("#!/usr/bin/env bash\nenv\n"), 0o755))
	cfg := Config{Workdir: dir, DataDir: filepath.Join(dir, "data"), RunTimeout: time.Minute, ScriptEnv: []string{"KUBECONFIG", "NOT_SET_ANYWHERE"}}
	job := runbook.Job{ID: "env", Checks: []runbook.Check{{Kind: runbook.CheckEnv, Names: []string{"DEV_RELATIONAL_URL"}}, {Kind: runbook.CheckTool, Names: []string{"bash"}}}}
	window := time.Date(2026, 12, 4, 22, 0, 0, 0, time.FixedZone("UTC-3", -3*3600))
	x := &executor{r: runner.New(), cfg: cfg, redact: func(s string) string { return s }}

	for name, w := range map[string]time.Time{"a run": window, "a dry run": {}} {
		t.Run(name, func(t *testing.T) {
			var mu sync.Mutex
			vars := map[string]string{}
			e, err := x.Execute(context.Background(), job, w, []string{"scripts/env.sh"}, func(l string) {
				mu.Lock()
				defer mu.Unlock()
				if k, v, ok := strings.Cut(l, "="); ok && !map[string]bool{"PWD": true, "SHLVL": true, "_": true}[k] {
					vars[k] = v
				}
			})
			require.NoError(t, err)
			require.Equal(t, "", e.Wait().Reason)
			want := []string{"PATH", "HOME", "LC_ALL", "TZ", "DEV_RELATIONAL_URL", "KUBECONFIG", runner.RunIDVar, runner.JobVar}
			for _, v := range []string{"LANG", "TMPDIR"} {
				if _, ok := os.LookupEnv(v); ok {
					want = append(want, v)
				}
			}
			if !w.IsZero() {
				want = append(want, runner.WindowVar)
				assert.Equal(t, "2026-12-05T01:00:00Z", vars[runner.WindowVar])
			}
			names := make([]string, 0, len(vars))
			for k := range vars {
				names = append(names, k)
			}
			assert.ElementsMatch(t, want, names)
			assert.Equal(t, "env", vars[runner.JobVar])
			assert.True(t, strings.HasPrefix(vars[runner.RunIDVar], "env-"))
		})
	}

	t.Run("check names them, never their values", func(t *testing.T) {
		pf := checker{cfg: cfg}.Check(context.Background(), job)
		assert.True(t, pf.OK(), "%+v", pf)
		want := []string{"DEV_RELATIONAL_URL", "HOME", "KUBECONFIG", "LC_ALL", "PATH", runner.JobVar, runner.RunIDVar, runner.WindowVar, "TZ"}
		for _, v := range []string{"LANG", "TMPDIR"} {
			if _, ok := os.LookupEnv(v); ok {
				want = append(want, v)
			}
		}
		slices.Sort(want)
		assert.Equal(t, want, pf.Env)
	})
}
