package main

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCLI_GivenRUNBOOK_LANG_WhenScheduleStatusAndEvidenceRun_ThenHumanOutputIsInThatLanguageAndJSONKeepsTheStableNames(t *testing.T) {
	t.Parallel()
	// Given an English runbook whose next window was moved into the confirmation lead from the terminal shell
	w := newWorkspace(t, jobRow{window: "Daily 05:00 UTC", freq: "Daily", script: "scripts/reset-staging.sh", body: "true"})
	to := time.Now().UTC().Add(3 * time.Hour).Format("2006-01-02 15:04")
	sh := exec.Command(binPath, "shell")
	sh.Dir, sh.Env = w.dir, cliEnv(w, "RUNBOOK_HTTP_ADDR=")
	sh.Stdin = strings.NewReader("reschedule reset-staging " + to + " the cluster is being upgraded\n")
	out, err := sh.CombinedOutput()
	require.NoError(t, err, "%s", out)
	require.Contains(t, string(out), "You act as Ana ("+ana+")")

	tests := []struct {
		lang                    string
		schedule, status, evid  []string
		notSchedule, notHumanPT []string
	}{
		{lang: "en",
			schedule: []string{"WINDOW (LOCAL)", "CONFIRM BY (UTC)", "reset-staging"},
			status:   []string{"WINDOW (UTC)", "STATE", "awaiting confirmation", "justified"},
			evid:     []string{"# Evidence: reset-staging", "- state: awaiting confirmation", "- escalated: no", "## Audit log", "| at (UTC) | event | actor | details |", "| rescheduled | " + ana}},
		{lang: "pt-BR",
			schedule:   []string{"JANELA (LOCAL)", "CONFIRMAR ATÉ (UTC)", "reset-staging"},
			status:     []string{"JANELA (UTC)", "ESTADO", "aguardando confirmação", "justificado"},
			evid:       []string{"# Evidências: reset-staging", "- estado: aguardando confirmação", "- escalado: não", "## Registro de auditoria", "| rescheduled | " + ana},
			notHumanPT: []string{"WINDOW", "STATE", "awaiting", "Evidence"}},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			env := cliEnv(w, "RUNBOOK_LANG="+tt.lang)
			// When schedule, status and evidence run
			schedule, errOut, code := runCLI(t, w, env, "schedule", "--count", "2")
			require.Equal(t, 0, code, errOut)
			status, errOut, code := runCLI(t, w, env, "status")
			require.Equal(t, 0, code, errOut)
			evidence, errOut, code := runCLI(t, w, env, "evidence", "reset-staging")
			require.Equal(t, 0, code, errOut)
			// Then their headings and state names are in the language
			for _, want := range tt.schedule {
				assert.Contains(t, schedule, want)
			}
			for _, want := range tt.status {
				assert.Contains(t, status, want)
			}
			for _, want := range tt.evid {
				assert.Contains(t, evidence, want)
			}
			for _, not := range tt.notHumanPT {
				assert.NotContains(t, status+evidence, not)
			}
			// And the JSON keeps the stable state names
			js, errOut, code := runCLI(t, w, env, "status", "--json")
			require.Equal(t, 0, code, errOut)
			var doc struct {
				Occurrences []struct{ Job, State string }
			}
			require.NoError(t, json.Unmarshal([]byte(js), &doc))
			require.NotEmpty(t, doc.Occurrences)
			assert.Equal(t, "awaiting_confirmation", doc.Occurrences[0].State)
			ev, errOut, code := runCLI(t, w, env, "evidence", "reset-staging", "--json")
			require.Equal(t, 0, code, errOut)
			assert.Contains(t, ev, `"state": "awaiting_confirmation"`)
		})
	}
}
