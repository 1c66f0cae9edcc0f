package main

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// cliEnv is the environment of a command-line run in w, without Slack.
func cliEnv(w *workspace, extra ...string) []string {
	env := []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"),
		"RUNBOOK_FILE=" + w.path("docs", "runbook.md"), "RUNBOOK_WORKDIR=" + w.dir,
		"RUNBOOK_DB=" + w.path("data", "runbook.db"), "RUNBOOK_DATA_DIR=" + w.path("data"),
	}
	return append(env, extra...)
}

// runCLI runs the binary with args in w and returns its stdout, stderr and exit code.
func runCLI(t *testing.T, w *workspace, env []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(binPath, args...)
	cmd.Dir, cmd.Env = w.dir, env
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return out.String(), errb.String(), exit.ExitCode()
	}
	require.NoError(t, err)
	return out.String(), errb.String(), 0
}

func TestCLI_GivenARunbook_WhenValidated_ThenWhatWasUnderstoodOrEveryProblem(t *testing.T) {
	t.Parallel()
	row := jobRow{window: "Daily 05:00 UTC", freq: "Daily", script: "scripts/reset-staging.sh", body: "true", deps: "`DATABASE_URL`, `psql`, Acesso a cluster staging"}
	tests := []struct {
		name     string
		env      []string
		args     []string
		broken   string // replaces "Daily 05:00 UTC" in the runbook
		wantCode int
		wantOut  []string
		wantErr  []string
	}{
		{name: "a good runbook: exit 0, jobs, checks and policy", args: []string{"validate"}, wantCode: 0,
			wantOut: []string{"OK — 1 job,", "reset-staging", "DATABASE_URL", "psql", "Acesso a cluster staging"}},
		{name: "a broken window: exit 1, every problem as FILE:LINE", args: []string{"validate"}, broken: "Dayly 25:00 UTC", wantCode: 1,
			wantErr: []string{"runbook.md:6: unknown weekday “Dayly”", "runbook.md:6: invalid time “25:00”", "2 problem(s)"}},
		{name: "a broken window with RUNBOOK_LANG=pt-BR: the problems in the bot's language", args: []string{"validate"}, broken: "Dayly 25:00 UTC", wantCode: 1,
			env:     []string{"RUNBOOK_LANG=pt-BR"},
			wantErr: []string{"runbook.md:6: dia da semana desconhecido “Dayly”", "runbook.md:6: horário inválido “25:00”"}},
		{name: "an unknown flag: exit 2", args: []string{"validate", "--nope"}, wantCode: 2},
		{name: "the default reminders and a 2 h lead: exit 0, the 4 h reminder named as never sent", args: []string{"validate"},
			env: []string{"RUNBOOK_CONFIRM_LEAD=2h"}, wantCode: 0,
			wantOut: []string{"warning: RUNBOOK_REMINDERS: 4h is not shorter than the confirmation lead 2h: it would come before the request, so it is never sent"}},
		{name: "a bad env value: exit 1 naming the variable", args: []string{"validate"}, env: []string{"RUNBOOK_RUN_TIMEOUT=soon"}, wantCode: 1,
			wantErr: []string{"RUNBOOK_RUN_TIMEOUT"}},
		{name: "the variables the script gets, by name", args: []string{"validate"}, env: []string{"RUNBOOK_SCRIPT_ENV=KUBECONFIG,AWS_REGION", "DATABASE_URL=postgres://u:s3cr3tpw@h/db"}, wantCode: 0,
			wantOut: []string{"  env:       PATH, HOME, LANG, TZ, TMPDIR, LC_*, RUNBOOK_RUN_ID, RUNBOOK_JOB, RUNBOOK_WINDOW, AWS_REGION, DATABASE_URL, KUBECONFIG\n"}},
		{name: "a bad name for the scripts: exit 1 naming it", args: []string{"validate"}, env: []string{"RUNBOOK_SCRIPT_ENV=KUBE-CONFIG"}, wantCode: 1,
			wantErr: []string{`RUNBOOK_SCRIPT_ENV: "KUBE-CONFIG" has "KUBE-CONFIG", which is not a variable name`}},
		{name: "schedule lists the next windows", args: []string{"schedule", "--count", "2"}, wantCode: 0, wantOut: []string{"reset-staging", "05:00"}},
		{name: "version", args: []string{"version"}, wantCode: 0, wantOut: []string{"runbook-bot "}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// Given a workspace with the runbook (broken if asked)
			w := newWorkspace(t, row)
			if tt.broken != "" {
				doc, err := os.ReadFile(w.path("docs", "runbook.md"))
				require.NoError(t, err)
				require.NoError(t, os.WriteFile(w.path("docs", "runbook.md"), []byte(strings.Replace(string(doc), "Daily 05:00 UTC", tt.broken, 1)), 0o644))
			}
			// When the command runs
			out, errOut, code := runCLI(t, w, cliEnv(w, tt.env...), tt.args...)
			// Then its exit code and output are as documented
			assert.Equal(t, tt.wantCode, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
			for _, want := range tt.wantOut {
				assert.Contains(t, out, want)
			}
			assert.NotContains(t, out, "s3cr3tpw", "names only, never values")
			for _, want := range tt.wantErr {
				assert.Contains(t, errOut, want)
			}
		})
	}
}

func TestCLI_GivenACommandWithRepeatedModeFlags_WhenValidated_ThenAWarningNamesTheJob(t *testing.T) {
	t.Parallel()
	w := newWorkspace(t, jobRow{window: "Daily 05:00 UTC", freq: "Daily", script: "scripts/sync.sh", body: "true"})
	doc, err := os.ReadFile(w.path("docs", "runbook.md"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(w.path("docs", "runbook.md"), []byte(strings.Replace(string(doc), "`scripts/sync.sh`", "`scripts/sync.sh --mode=apply --mode plan`", 1)), 0o644))
	out, errOut, code := runCLI(t, w, cliEnv(w), "validate")
	assert.Equal(t, 0, code, "a warning, not a problem; stderr:\n%s", errOut)
	assert.Contains(t, out, "warning: sync (line 6): its command gives --mode 2 times")
}

func TestCLI_GivenARunbookWithOneBrokenRow_WhenValidated_ThenTheProblemAndWhatWasUnderstoodAllTheSame(t *testing.T) {
	t.Parallel()
	w := newWorkspace(t,
		jobRow{window: "Dayly 05:00 UTC", freq: "Daily", script: "scripts/reset-staging.sh", body: "true", deps: "`psql`"},
		jobRow{window: "Daily 06:00 UTC", freq: "Daily", script: "scripts/seed-dev-data.sh", body: "true", deps: "`SEED_URL`"})
	out, errOut, code := runCLI(t, w, cliEnv(w), "validate")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "runbook.md:6: unknown weekday “Dayly”")
	assert.Contains(t, out, "NOT VALID — understood all the same: 1 job,")
	assert.Contains(t, out, "seed-dev-data  (line 7)")
	assert.NotContains(t, out, "OK —")
}

func TestCLI_GivenRUNBOOK_DBWithAnUnsupportedScheme_WhenACommandStarts_ThenItStopsWithAClearErrorAndCreatesNoFile(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"status", "--json"}, {"evidence", "reset-staging"}, {"validate"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			t.Parallel()
			// Given RUNBOOK_DB set to a URL of a database the bot does not support, with a password
			w := newWorkspace(t, jobRow{window: "Daily 05:00 UTC", freq: "Daily", script: "scripts/reset-staging.sh", body: "true", deps: "`psql`"})
			env := cliEnv(w)
			env = append(env, "RUNBOOK_DB=mysql://root:SECRETpw@127.0.0.1:5999/runbook")
			// When the command starts
			out, errOut, code := runCLI(t, w, env, args...)
			// Then it stops, names the variable and the scheme, hides the password and creates nothing
			assert.Equal(t, 1, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
			assert.Contains(t, errOut, `RUNBOOK_DB: "mysql://root:xxxxx@127.0.0.1:5999/runbook" is a mysql:// URL, which runbook-bot does not support`)
			assert.NotContains(t, out+errOut, "SECRETpw")
			entries, err := os.ReadDir(w.dir)
			require.NoError(t, err)
			for _, e := range entries {
				assert.Contains(t, []string{"docs", "scripts"}, e.Name(), "nothing but the workspace's own files")
			}
		})
	}
}
