package main

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/runbook"
	"github.com/runbook-bot/runbook-bot/runbook/runner"
)

// gitRunbook is a runbook with one weekly job running scripts/seed.sh.
func gitRunbook(window string) string {
	return "# Runbook\n\n## Schedule\n| Window | Frequency | Script | Primary | Backup | Dependencies |\n| --- | --- | --- | --- | --- | --- |\n" +
		"| " + window + " | Weekly | `scripts/seed.sh` | Platform (Ana) | SRE (Lucas) | `bash`, `scripts/helper.sh` |\n" + `
## Contacts
| Name | Slack |
| --- | --- |
| Ana | U0ANA |
| Lucas | U0LUCAS |
| Platform | S0PLATFORM |
| SRE | S0SRE |

## Escalation
- Critical failures: alert ` + "`#infra-incident`" + ` at once and open an incident within 15 minutes.
- Delays over 30 minutes: renegotiate with the platform team and record a justification here.
`
}

func TestGitRun_GivenARunInProgress_WhenANewerCommitChangesItsScripts_ThenTheRunKeepsItsCommitsScripts(t *testing.T) {
	gate := filepath.Join(t.TempDir(), "go")
	seed := "#!/usr/bin/env bash\necho started\nwhile [ ! -e \"$RUN_GATE\" ]; do sleep 0.05; done\nexec ./scripts/helper.sh\n"
	rem := newGitRemote(t, map[string]string{"docs/runbook.md": gitRunbook("Monday 09:00 UTC"), "scripts/seed.sh": seed,
		"scripts/helper.sh": "#!/usr/bin/env bash\necho helper v1 from $(git rev-parse --short HEAD 2>/dev/null || echo no-git-dir)\n"})
	t.Setenv("RUN_GATE", gate)
	cfg, err := LoadConfig(env{"RUNBOOK_GIT_URL": rem.url(), "RUNBOOK_DATA_DIR": filepath.Join(t.TempDir(), "data"), "RUNBOOK_SCRIPT_ENV": "RUN_GATE"}.lookup)
	require.NoError(t, err)
	var stderr bytes.Buffer
	log := slog.New(slog.NewTextHandler(&stderr, nil))
	g, rb, err := openGit(context.Background(), cfg, log, &stderr, true)
	require.NoError(t, err)
	e := &appEnv{cfg: cfg, git: g, rb: rb, log: log}
	x := &executor{r: runner.New(), cfg: cfg, redact: func(s string) string { return s }, dir: e.scriptDir}
	job := rb.Jobs[0]

	// Given a run of the first commit's script, waiting in the middle
	var mu sync.Mutex
	var lines []string
	started := make(chan struct{})
	run, err := x.Execute(context.Background(), job, time.Time{}, job.Command, func(l string) {
		mu.Lock()
		defer mu.Unlock()
		lines = append(lines, l)
		if l == "started" {
			close(started)
		}
	})
	require.NoError(t, err)
	select {
	case <-started:
	case <-time.After(20 * time.Second):
		t.Fatal("the script did not start")
	}

	// When a newer commit changes the scripts and is put in force
	second := rem.push("Bia Lima <bia@example.com>", "helper v2", map[string]string{"scripts/helper.sh": "#!/usr/bin/env bash\necho helper v2\n"})
	var applied []*runbook.Runbook
	require.NoError(t, g.follower.Poll(context.Background(), func(_ context.Context, rb *runbook.Runbook, p runbook.Problems) {
		require.Empty(t, p)
		applied = append(applied, rb)
	}))
	require.Len(t, applied, 1)
	require.Equal(t, second, applied[0].Commit())
	require.NoError(t, os.WriteFile(gate, nil, 0o600))

	// Then the run in progress ends with its own commit's helper
	res := run.Wait()
	require.NotNil(t, res.ExitCode, "%+v", res)
	require.Equal(t, 0, *res.ExitCode, "%+v", res)
	mu.Lock()
	assert.Contains(t, strings.Join(lines, "\n"), "helper v1")
	assert.NotContains(t, strings.Join(lines, "\n"), "helper v2")
	mu.Unlock()
	// and the next run uses the new commit's, while the old checkout is gone
	next, err := x.Execute(context.Background(), applied[0].Jobs[0], time.Time{}, []string{"scripts/helper.sh"}, func(string) {})
	require.NoError(t, err)
	require.Equal(t, 0, *next.Wait().ExitCode)
	_, err = os.Stat(g.trees.Dir(rb.Commit()))
	assert.True(t, os.IsNotExist(err), "the first commit's checkout is removed once its run ended")
}
