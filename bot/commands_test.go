package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/runbook-bot/runbook-bot/runbook"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var _ Service = (*runbook.Service)(nil)

func in(text string) Input {
	return Input{User: "U03MARCOS", Text: text, RequestID: "trig-1", Envelope: "env-1"}
}

func TestCommand_GivenMutatingCommands_WhenTheServiceAccepts_ThenTheReplySaysWhatChanged(t *testing.T) {
	win := time.Date(2025, 1, 10, 22, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		text, call, svcText string
		occ                 runbook.Occurrence
		want                []string
	}{
		{"confirm seed-dev-data", "confirm seed-dev-data", "", runbook.Occurrence{Window: win, State: runbook.Confirmed},
			[]string{"seed-dev-data confirmed for Fri 2025-01-10 19:00 UTC-03 · 22:00 UTC."}},
		{"confirm seed-dev-data --despite-tickets", "confirm seed-dev-data --despite-tickets", "", runbook.Occurrence{Window: win, State: runbook.Confirmed},
			[]string{"open tickets were not checked"}},
		{"decline seed-dev-data <!channel> freeze", "decline seed-dev-data", "<!channel> freeze",
			runbook.Occurrence{Window: win, State: runbook.Declined, DeclineReason: "<!channel> freeze"}, []string{"Reason: <!channel> freeze"}},
		{"run seed-dev-data", "run seed-dev-data", "", runbook.Occurrence{Window: win, State: runbook.Running, Attempts: 2}, []string{"attempt 2"}},
		{"run seed-dev-data", "run seed-dev-data", "", runbook.Occurrence{Window: win, State: runbook.Failed, Reason: runbook.ReasonPreflight, Attempts: 1},
			[]string{"did not start: the pre-flight failed"}},
		{"run seed-dev-data --dry-run", "dry-run seed-dev-data", "", runbook.Occurrence{}, []string{"scripts/infra/seed-dev-data.sh --mode plan"}},
		{"cancel seed-dev-data", "cancel seed-dev-data", "", runbook.Occurrence{Window: win, State: runbook.Running}, []string{"being stopped"}},
		{"delay seed-dev-data waiting", "delay seed-dev-data", "waiting", runbook.Occurrence{Window: win}, []string{"Justification recorded"}},
		{"reschedule seed-dev-data 2025-01-10 21:30 later", "reschedule seed-dev-data", "later", runbook.Occurrence{Window: win.Add(150 * time.Minute)},
			[]string{"moved to Fri 2025-01-10 21:30 UTC-03 · 2025-01-11 00:30 UTC"}},
		{"incident seed-dev-data INC-7", "incident seed-dev-data", "INC-7", runbook.Occurrence{Window: win, IncidentRef: "INC-7"}, []string{"Incident INC-7 recorded"}},
		{"incident seed-dev-data https://itsm.example.com/INC-8 --replace", "incident seed-dev-data --replace", "https://itsm.example.com/INC-8",
			runbook.Occurrence{Window: win, IncidentRef: "https://itsm.example.com/INC-8"}, []string{"The incident of seed-dev-data is now https://itsm.example.com/INC-8."}},
		{"learnings seed-dev-data vpn first", "learnings seed-dev-data", "vpn first", runbook.Occurrence{Window: win}, []string{"Learnings recorded"}},
	} {
		t.Run(tc.text, func(t *testing.T) {
			b, f, _ := newTestBot(t, runbook.LangEN)
			f.occ = tc.occ
			rep := b.Command(context.Background(), in(tc.text))
			assert.False(t, rep.Quiet)
			require.Equal(t, []string{tc.call}, f.Calls())
			assert.Equal(t, runbook.Request{User: "U03MARCOS", RequestID: "trig-1", Envelope: "env-1"}, f.reqs[0])
			assert.Equal(t, tc.svcText, f.texts[0])
			for _, w := range tc.want {
				assert.Contains(t, allText(rep.Message), w)
			}
			if tc.call != "dry-run seed-dev-data" {
				require.NotNil(t, rep.Sections[0].Fields[0].Time)
				assert.Equal(t, tc.occ.Window, *rep.Sections[0].Fields[0].Time)
			}
		})
	}
}

func TestCommand_GivenARefusal_WhenNotAllowed_ThenTheReplyNamesWhoMay(t *testing.T) {
	for _, tc := range []struct {
		lang runbook.Lang
		act  runbook.Action
		text string
		want string
	}{
		{runbook.LangEN, runbook.ActConfirm, "confirm seed-dev-data", "Only the job's primary (@Marcos Paulo) or backup (@Bianca Ramos) may confirm seed-dev-data."},
		{runbook.LangEN, runbook.ActRun, "run seed-dev-data", "Only the job's primary (@Marcos Paulo), backup (@Bianca Ramos) or a runbook operator may run seed-dev-data."},
		{runbook.LangPT, runbook.ActConfirm, "confirm seed-dev-data", "Somente o responsável principal (@Marcos Paulo) ou o backup (@Bianca Ramos) do job pode confirmar seed-dev-data."},
	} {
		t.Run(string(tc.lang)+" "+tc.text, func(t *testing.T) {
			b, f, _ := newTestBot(t, tc.lang)
			f.err = runbook.NewError(runbook.KindNotAllowed, "not_allowed", map[string]any{"action": string(tc.act), "state": "awaiting_confirmation"})
			rep := b.Command(context.Background(), in(tc.text))
			assert.Equal(t, tc.want, rep.Sections[0].Text)
			assert.Equal(t, []Mention{{ID: "U03MARCOS", Name: "Marcos Paulo"}, {ID: "U04BIANCA", Name: "Bianca Ramos"}}, rep.Mentions)
		})
	}
}

func TestCommand_GivenARefusedIncident_ThenTheReplySaysWhoMayOrWhatIsWrong(t *testing.T) {
	notAllowed := func(args map[string]any) error {
		args["action"], args["state"] = "incident", "failed"
		return runbook.NewError(runbook.KindNotAllowed, "not_allowed", args)
	}
	for _, tc := range []struct {
		lang runbook.Lang
		err  error
		want string
	}{
		{runbook.LangEN, notAllowed(map[string]any{"channel": "#infra-incident"}),
			"Only the job's primary (@Marcos Paulo), backup (@Bianca Ramos), a runbook operator or a member of #infra-incident may record an incident for seed-dev-data."},
		{runbook.LangPT, notAllowed(map[string]any{"channel": "#infra-incident"}),
			"Somente o responsável principal (@Marcos Paulo), o backup (@Bianca Ramos), um operador do runbook ou um membro de #infra-incident pode registrar incidente de seed-dev-data."},
		{runbook.LangEN, notAllowed(map[string]any{}),
			"Only the job's primary (@Marcos Paulo), backup (@Bianca Ramos), a runbook operator or an incident responder may record an incident for seed-dev-data."},
		{runbook.LangPT, notAllowed(map[string]any{}),
			"Somente o responsável principal (@Marcos Paulo), o backup (@Bianca Ramos), um operador do runbook ou quem responde a incidentes pode registrar incidente de seed-dev-data."},
		{runbook.LangEN, notAllowed(map[string]any{"channel": "#infra-incident", "unverified": "true"}),
			"Only the job's primary (@Marcos Paulo), backup (@Bianca Ramos), a runbook operator or a member of #infra-incident may record an incident for seed-dev-data.\n(Membership could not be verified just now: try again in a minute.)"},
		{runbook.LangPT, notAllowed(map[string]any{"channel": "#infra-incident", "unverified": "true"}),
			"Somente o responsável principal (@Marcos Paulo), o backup (@Bianca Ramos), um operador do runbook ou um membro de #infra-incident pode registrar incidente de seed-dev-data.\n(Não foi possível verificar a participação agora: tente de novo em um minuto.)"},
		{runbook.LangEN, runbook.NewError(runbook.KindInvalid, "incident_ref_invalid", map[string]any{"ref": "none-really", "max": runbook.MaxIncidentRef}),
			"“none-really” is not an incident reference: give an issue key such as INC-1234 or an http(s) URL, at most 200 characters. Nothing was recorded."},
		{runbook.LangPT, runbook.NewError(runbook.KindInvalid, "incident_ref_invalid", map[string]any{"ref": "none-really", "max": runbook.MaxIncidentRef}),
			"“none-really” não é uma referência de incidente: informe uma chave como INC-1234 ou uma URL http(s), com até 200 caracteres. Nada foi registrado."},
		{runbook.LangEN, runbook.NewError(runbook.KindConflict, "incident_already_recorded", map[string]any{"ref": "INC-1", "by": "U01ANA"}),
			"Incident INC-1 was already recorded for seed-dev-data by @Ana Souza. To correct it: /runbook incident seed-dev-data <id-or-url> --replace."},
		{runbook.LangPT, runbook.NewError(runbook.KindConflict, "incident_already_recorded", map[string]any{"ref": "INC-1", "by": "U01ANA"}),
			"O incidente INC-1 já foi registrado para seed-dev-data por @Ana Souza. Para corrigir: /runbook incident seed-dev-data <id-ou-url> --replace."},
		{runbook.LangEN, runbook.NewError(runbook.KindConflict, "incident_ref_unchanged", map[string]any{"ref": "INC-1"}),
			"INC-1 is already the incident recorded for seed-dev-data: nothing changed."},
		{runbook.LangPT, runbook.NewError(runbook.KindConflict, "incident_ref_unchanged", map[string]any{"ref": "INC-1"}),
			"INC-1 já é o incidente registrado para seed-dev-data: nada mudou."},
	} {
		t.Run(string(tc.lang)+" "+tc.err.Error(), func(t *testing.T) {
			b, f, _ := newTestBot(t, tc.lang)
			f.err = tc.err
			rep := b.Command(context.Background(), in("incident seed-dev-data INC-2"))
			require.Equal(t, []string{"incident seed-dev-data"}, f.Calls())
			assert.Equal(t, tc.want, rep.Sections[0].Text)
		})
	}
}

func TestCommand_GivenDomainErrors_ThenEachGetsItsCatalogueMessage(t *testing.T) {
	at := time.Date(2025, 1, 10, 20, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		err  error
		want string
	}{
		{runbook.NewError(runbook.KindConflict, "already_confirmed", map[string]any{"by": "U01ANA", "at": at}), "seed-dev-data is already confirmed by @Ana Souza at Fri 2025-01-10 17:00 UTC-03 · 20:00 UTC."},
		{runbook.NewError(runbook.KindConflict, "already_running", map[string]any{"by": "U04BIANCA", "at": at}), "started by @Bianca Ramos"},
		{runbook.NewError(runbook.KindConflict, "not_confirmed", map[string]any{"window": at, "state": "awaiting_confirmation"}), "is not confirmed: an owner must confirm it first"},
		{runbook.NewError(runbook.KindConflict, "before_window", map[string]any{"window": at}), "opens at Fri 2025-01-10 17:00 UTC-03"},
		{runbook.NewError(runbook.KindConflict, "declined", map[string]any{"by": "U01ANA", "decline_reason": "freeze"}), "declined by @Ana Souza (freeze)"},
		{runbook.NewError(runbook.KindConflict, "not_delayed", map[string]any{"state": "confirmed"}), "is not delayed (state: confirmed)"},
		{runbook.NewError(runbook.KindConflict, "incident_already_recorded", map[string]any{"ref": "INC-1", "by": "UX"}), "Incident INC-1 was already recorded for seed-dev-data by @UX."},
		{runbook.NewError(runbook.KindNotFound, "no_occurrence", map[string]any{"job": "seed-dev-data", "next": at}), "next window is Fri 2025-01-10 17:00"},
		{runbook.NewError(runbook.KindNotFound, "unknown_job", map[string]any{"job": "seed-dev-data", "jobs": []string{"a", "b"}}), "Unknown job “seed-dev-data”. Jobs: a, b."},
		{runbook.NewError(runbook.KindInvalid, "reschedule_in_past", map[string]any{"to": at}), "The new time Fri 2025-01-10 17:00 UTC-03 · 20:00 UTC is not in the future."},
		{runbook.NewError(runbook.KindConflict, "something_new", nil), "That cannot be done in the job's current state"},
	} {
		t.Run(tc.err.Error(), func(t *testing.T) {
			b, f, _ := newTestBot(t, runbook.LangEN)
			f.err = tc.err
			rep := b.Command(context.Background(), in("confirm seed-dev-data"))
			assert.Contains(t, rep.Sections[0].Text, tc.want)
			assert.NotContains(t, rep.Sections[0].Text, "{")
		})
	}
}

func TestCommand_GivenAnUnknownJobOrVerb_ThenDidYouMeanAndNothingIsCalled(t *testing.T) {
	b, f, _ := newTestBot(t, runbook.LangEN)
	rep := b.Command(context.Background(), in("run seed-dev-dat"))
	assert.Equal(t, "Unknown job “seed-dev-dat”. Did you mean “seed-dev-data”? Jobs: provision-dev, reset-staging, seed-dev-data.", rep.Sections[0].Text)
	rep = b.Command(context.Background(), in("cnofirm seed-dev-data"))
	assert.Equal(t, "Unknown command “cnofirm”. Did you mean “confirm”? Try /runbook help.", rep.Sections[0].Text)
	rep = b.Command(context.Background(), in("run seed-dev-data --mode apply"))
	assert.Equal(t, "Flag “--mode” is not accepted: nothing was done. Usage: /runbook run JOB [--dry-run].", rep.Sections[0].Text)
	rep = b.Command(context.Background(), in("run seed-dev-data; rm -rf /"))
	assert.Contains(t, rep.Sections[0].Text, "commands take no shell syntax")
	assert.Equal(t, []string{"reject seed-dev-data run unknown_flag", "reject seed-dev-data run shell_syntax"}, f.Calls(),
		"nothing is run; the two refused attempts at a job are audited")
}

func TestCommand_GivenARefusedCommand_ThenOnlyAttemptsToActOnAJobAreAudited(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"confirm seed-dev-data --force", []string{"reject seed-dev-data confirm unknown_flag"}},
		{"cancel seed-dev-data now", []string{"reject seed-dev-data cancel unexpected_argument"}},
		{"run $(seed-dev-data)", []string{"reject seed-dev-data run shell_syntax"}},
		{"status seed-dev-data --verbose", nil}, // a read: nothing to audit
		{"run no-such-job --mode apply", nil},   // no job named
		{"run seed-dev-dat", nil},               // an unknown job is not an attempt at one
		{"help run --x", nil},                   // help acts on nothing
		{"run seed-dev-data --dry-run --dry-run", []string{"reject seed-dev-data run unexpected_argument"}},
	}
	for _, tc := range tests {
		t.Run(tc.text, func(t *testing.T) {
			b, f, _ := newTestBot(t, runbook.LangEN)
			b.Command(context.Background(), in(tc.text))
			assert.Equal(t, tc.want, f.Calls())
		})
	}
}

func TestCommand_GivenADuplicateDelivery_ThenTheReplyIsQuiet(t *testing.T) {
	b, f, _ := newTestBot(t, runbook.LangEN)
	f.err = fmt.Errorf("store: %w", runbook.ErrDuplicate)
	rep := b.Command(context.Background(), in("confirm seed-dev-data"))
	assert.True(t, rep.Quiet)
	assert.Empty(t, rep.Sections)
}

func TestCommand_GivenAnInternalError_ThenTheUserGetsAGenericTextAndTheLogHasItAll(t *testing.T) {
	b, f, logs := newTestBot(t, runbook.LangPT)
	f.err = errors.New("database is locked: /var/lib/secret.db")
	rep := b.Command(context.Background(), in("confirm seed-dev-data"))
	text := rep.Sections[0].Text
	assert.Contains(t, text, "Algo deu errado")
	assert.NotContains(t, text, "database")
	assert.Contains(t, logs.String(), "database is locked")
	ref := text[len("Algo deu errado; foi registrado no log (ref ") : len("Algo deu errado; foi registrado no log (ref ")+8]
	assert.Contains(t, logs.String(), "ref="+ref)
}

func TestCommand_GivenReadCommands_ThenTheyAnswerFromTheService(t *testing.T) {
	b, f, _ := newTestBot(t, runbook.LangEN)
	win := time.Date(2025, 1, 10, 22, 0, 0, 0, time.UTC)
	j, _ := f.rb.Job("seed-dev-data")
	code := 3
	f.sts = []runbook.JobStatus{{Job: j, Current: &runbook.Occurrence{Job: j.ID, Window: win.Add(-7 * 24 * time.Hour), State: runbook.Failed, RunBy: "U03MARCOS",
		ExitCode: &code, Attempts: 1, Reason: runbook.ReasonExit, IncidentRef: "INC-9"},
		Next: &runbook.Occurrence{Job: j.ID, Window: win, State: runbook.Confirmed, ApprovedBy: "U04BIANCA"}, NextAt: win}}
	text := allText(b.Command(context.Background(), in("status seed-dev-data")).Message)
	for _, w := range []string{"Status of seed-dev-data", "seed-dev-data — current occurrence, state: failed", "Exit code: 3", "Incident: INC-9", "seed-dev-data — next occurrence, state: confirmed", "Confirmed by: @Bianca Ramos"} {
		assert.Contains(t, text, w)
	}
	text = allText(b.Command(context.Background(), in("schedule")).Message)
	assert.Contains(t, text, "seed-dev-data — confirmed")
	assert.Contains(t, text, "Window: Fri 2025-01-10 19:00 UTC-03 · 22:00 UTC")

	f.pf = runbook.Preflight{Results: []runbook.CheckResult{{Check: j.Checks[0], OK: true, Detail: runbook.M(runbook.PfToolVersion, "tool", "psql", "version", "psql 16")}, {Check: j.Checks[2], OK: false, Detail: runbook.M(runbook.PfNotSet)}, {Check: j.Checks[3]}}}
	rep := b.Command(context.Background(), in("check seed-dev-data"))
	require.Len(t, rep.Sections, 3)
	assert.Equal(t, []Check{{OK: true, Text: "psql", Detail: "tool: psql — psql: psql 16"}, {OK: false, Text: "DEV_RELATIONAL_URL", Detail: "environment variable: DEV_RELATIONAL_URL — not set"}}, rep.Sections[0].Checks)
	assert.Equal(t, []Check{{Manual: true, Text: "Acesso à VPN de dev"}}, rep.Sections[1].Checks)
	assert.Equal(t, "1 automated check failed.", rep.Sections[2].Text)

	f.pf = runbook.Preflight{Results: []runbook.CheckResult{{Check: j.Checks[3]}}}
	rep = b.Command(context.Background(), in("check seed-dev-data"))
	assert.Equal(t, "This job has no automated checks, only the checklist items above.", rep.Sections[len(rep.Sections)-1].Text, "manual items only: nothing automated passed")

	f.hist = []runbook.Occurrence{*f.sts[0].Next, *f.sts[0].Current}
	text = allText(b.Command(context.Background(), in("history seed-dev-data")).Message)
	assert.Contains(t, text, "History of seed-dev-data (last 10)")
	assert.Contains(t, text, "• Fri 2025-01-03 19:00 UTC-03 · 22:00 UTC: failed · run by @Marcos Paulo · exit code 3 · incident INC-9")

	assert.Contains(t, allText(b.Command(context.Background(), in("tickets seed-dev-data")).Message), "No ticket source configured")
	help := allText(b.Command(context.Background(), in("help")).Message)
	for _, v := range Verbs {
		assert.Contains(t, help, "/runbook "+string(v))
	}
	assert.Contains(t, help, "Example: /runbook decline seed-dev-data staging freeze this week")
}

func TestCheck_GivenTheScriptsEnvironment_ThenTheReplyNamesItsVariablesInEachLanguage(t *testing.T) {
	for lang, want := range map[runbook.Lang]string{
		runbook.LangEN: "The script gets these variables (names only): DEV_RELATIONAL_URL, HOME, PATH, RUNBOOK_RUN_ID.",
		runbook.LangPT: "O script recebe estas variáveis (só os nomes): DEV_RELATIONAL_URL, HOME, PATH, RUNBOOK_RUN_ID.",
	} {
		b, f, _ := newTestBot(t, lang)
		f.pf = runbook.Preflight{Env: []string{"DEV_RELATIONAL_URL", "HOME", "PATH", "RUNBOOK_RUN_ID"}}
		text := allText(b.Command(context.Background(), in("check seed-dev-data")).Message)
		assert.Contains(t, text, want, "%s", lang)
	}
}

func TestPress_GivenAForgedJobOrText_ThenTheReplyEchoesAShortCleanJobAndTheServiceGetsCleanText(t *testing.T) {
	b, f, _ := newTestBot(t, runbook.LangEN)
	rep := b.Press(context.Background(), Press{User: "U03MARCOS", ButtonID: "confirm", Job: "\u202E" + strings.Repeat("z", 300), RequestID: "t1"})
	text := allText(rep.Message)
	assert.Contains(t, text, "Unknown job “"+strings.Repeat("z", 63)+"…”")
	assert.NotContains(t, text, strings.Repeat("z", 64))
	assert.NotContains(t, text, "\u202E")
	assert.Empty(t, f.Calls())

	f.err = runbook.NewError(runbook.KindNotFound, "unknown_job", map[string]any{"job": strings.Repeat("w", 100)}) // from the service
	text = allText(b.Command(context.Background(), in("status")).Message)
	assert.Contains(t, text, "Unknown job “"+strings.Repeat("w", 63)+"…”")
	f.err = nil

	b.Press(context.Background(), Press{User: "U03MARCOS", ButtonID: "justify", Job: "seed-dev-data", Text: "\x1b[2Kagreed \u2067with\u2069 platform", RequestID: "t2"})
	require.NotEmpty(t, f.Calls())
	assert.Equal(t, "agreed with platform", f.texts[len(f.texts)-1])
}

func TestPress_GivenButtons_ThenTheyRunTheSameCommands(t *testing.T) {
	for _, tc := range []struct {
		button, text, call, svcText string
		code                        string
	}{
		{"confirm", "", "confirm seed-dev-data", "", ""},
		{"decline", " freeze week ", "decline seed-dev-data", "freeze week", ""},
		{"decline", "", "", "", "text_required"},
		{"run", "ignored", "run seed-dev-data", "", ""},
		{"cancel", "", "cancel seed-dev-data", "", ""},
		{"incident", "INC-3", "incident seed-dev-data", "INC-3", ""},
		{"justify", "agreed with platform", "delay seed-dev-data", "agreed with platform", ""},
		{"reschedule", "2025-01-11 19:00 platform asked", "reschedule seed-dev-data", "platform asked", ""},
		{"reschedule", "tomorrow", "", "", "time_required"},
		{"learnings", "vpn", "learnings seed-dev-data", "vpn", ""},
		{"explode", "", "", "", "unknown_button"},
	} {
		t.Run(tc.button+" "+tc.text, func(t *testing.T) {
			b, f, _ := newTestBot(t, runbook.LangEN)
			rep := b.Press(context.Background(), Press{User: "U03MARCOS", ButtonID: tc.button, Job: "seed-dev-data", Text: tc.text, RequestID: "t"})
			if tc.code != "" {
				assert.Empty(t, f.Calls())
				assert.Equal(t, b.Text("err."+tc.code, nil)[:10], rep.Sections[0].Text[:10])
				return
			}
			require.Equal(t, []string{tc.call}, f.Calls())
			assert.Equal(t, tc.svcText, f.texts[0])
			assert.Equal(t, "t", f.reqs[0].RequestID)
		})
	}
}

func TestLang_GivenOptionsOrRunbook_ThenTheOptionWins(t *testing.T) {
	f := newFake(t, runbook.LangPT)
	assert.Equal(t, runbook.LangPT, New(f, Options{}).Lang())
	assert.Equal(t, runbook.LangEN, New(f, Options{Lang: runbook.LangEN}).Lang())
	f.rb.Lang = ""
	assert.Equal(t, runbook.LangEN, New(f, Options{}).Lang())
}
