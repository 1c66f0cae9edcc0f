package main

import (
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/runbook-bot/runbook-bot/bot"
	"github.com/runbook-bot/runbook-bot/runbook"
)

func TestValidatePolicy_GivenThePolicyAndTheSettings_ThenEveryFieldHasARow(t *testing.T) {
	// Given every field of the effective policy and of the service's settings
	var fields []string
	for _, typ := range []reflect.Type{reflect.TypeOf(runbook.Policy{}), reflect.TypeOf(runbook.Settings{})} {
		for i := range typ.NumField() {
			if f := typ.Field(i); f.Type != reflect.TypeOf(runbook.Source("")) {
				fields = append(fields, f.Name)
			}
		}
	}
	// When validate's policy rows are built
	rows := policyRows(&runbook.Runbook{Policy: runbook.Policy{IncidentChannel: "#infra-incident"}}, Config{Channel: "#plataforma"}, func(string) (string, bool) { return "", false }, runbook.LangEN)
	// Then each field is shown by a row, and each row is named in both languages
	covered := map[string]bool{}
	for _, r := range rows {
		for _, f := range r.covers {
			covered[f] = true
		}
		for _, lang := range []runbook.Lang{runbook.LangEN, runbook.LangPT} {
			assert.True(t, bot.HasText(lang, r.label), "%s in %s", r.label, lang)
		}
		assert.NotEmpty(t, r.value, r.label)
	}
	for _, f := range fields {
		assert.True(t, covered[f], "the policy row of %s", f)
	}
}

func TestCLI_GivenARunbook_WhenValidated_ThenTheWholePolicyIsPrintedInTheBotsLanguage(t *testing.T) {
	t.Parallel()
	for _, lang := range []runbook.Lang{runbook.LangEN, runbook.LangPT} {
		t.Run(string(lang), func(t *testing.T) {
			t.Parallel()
			// Given a runbook, reminders, a runbook channel and operators set in the environment
			w := newWorkspace(t, jobRow{window: "Daily 05:00 UTC", freq: "Daily", script: "scripts/reset-staging.sh", body: "true"})
			env := cliEnv(w, "RUNBOOK_LANG="+string(lang), "RUNBOOK_REMINDERS=3h,30m", "RUNBOOK_CHANNEL=#ops-runbook", "RUNBOOK_OPERATORS=U0OPS",
				"RUNBOOK_ITSM_WEBHOOK_URL=https://itsm.example/hook?token=s3cr3tpw")
			// When it is validated
			out, errOut, code := runCLI(t, w, env, "validate")
			// Then every row of the policy is there, in the bot's language, with its value and where it came from
			assert.Equal(t, 0, code, errOut)
			for _, r := range policyRows(&runbook.Runbook{}, Config{}, func(string) (string, bool) { return "", false }, lang) {
				assert.Contains(t, out, bot.CLIText(lang, r.label), r.label)
			}
			assert.Regexp(t, `(?m)^`+bot.CLIText(lang, "cli.policy.reminders")+` +3h, 30m +RUNBOOK_REMINDERS$`, out)
			assert.Regexp(t, `(?m)^`+bot.CLIText(lang, "cli.policy.channel")+` +#ops-runbook +RUNBOOK_CHANNEL$`, out)
			assert.Regexp(t, `(?m)^`+bot.CLIText(lang, "cli.policy.operators")+` +U0OPS +RUNBOOK_OPERATORS$`, out)
			assert.Regexp(t, `(?m)^`+bot.CLIText(lang, "cli.policy.incident_deadline")+` +15m +runbook$`, out)
			assert.Contains(t, out, bot.CLITextN(lang, "cli.validate.ok", 1, "file", w.path("docs", "runbook.md"), "lang", "en"))
			assert.NotContains(t, out, "s3cr3tpw", "the webhook is set, its URL never shown")
			assert.False(t, strings.Contains(out, "cli."), "every line from the catalogue")
		})
	}
}
