package bot

import (
	"context"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// ptCase is one message as a pt-BR reader gets it, for the goldens and the
// English-word check.
type ptCase struct {
	name    string
	msg     Message
	script  bool     // Section.Lines are the script's command or output, shown as they are
	foreign []string // text that came from outside the bot and is shown as it came
}

// problemFixtures are runbook problems as a broken-runbook notice lists them.
var problemFixtures = []runbook.Problem{
	{File: "docs/runbook.md", Line: 9, Msg: runbook.M(runbook.ProbWeekdayUnknown, "day", "Sextou")},
	{File: "docs/runbook.md", Line: 31, Msg: runbook.M(runbook.ProbNoContact, "name", "Bianca Ramos", "table", "Contatos")},
}

// preflightFixtures are pre-flight results with every kind of check and detail.
func preflightFixtures(t testing.TB) runbook.Preflight {
	j, _ := testRunbook(t, runbook.LangPT).Job("seed-dev-data")
	return runbook.Preflight{Results: []runbook.CheckResult{
		{Check: j.Checks[0], OK: true, Detail: runbook.M(runbook.PfToolVersion, "tool", "psql", "version", "psql (PostgreSQL) 16.2")},
		{Check: j.Checks[1], OK: false, Detail: runbook.M(runbook.PfToolsMissing, "tools", "mongoimport, mongosh")},
		{Check: j.Checks[2], OK: false, Detail: runbook.M(runbook.PfNotSet)},
		{Check: j.Checks[3], Detail: runbook.M(runbook.PfManual)},
	}, Env: []string{"DEV_RELATIONAL_URL"}}
}

// ptNoticeCases renders every notice kind, with its variants, in pt-BR.
func ptNoticeCases(t testing.TB) []ptCase {
	b, _, _ := newTestBot(t, runbook.LangPT)
	ns := noticesIn(t, runbook.LangPT)
	failed := ns["run_result"].Occ
	again := ns["incident"]
	again.Occ.Attempts = 2
	ns["incident_again"] = again
	running := ns["confirm_request_confirmed"]
	running.Occ.State, running.Occ.RunBy, running.Occ.StartedAt, running.Occ.Attempts = runbook.Running, "U03MARCOS", tp(window.Add(2*time.Minute)), 1
	ns["confirm_request_running"] = running
	finished := running
	finished.Occ.State, finished.Occ.FinishedAt = runbook.Failed, nil
	ns["confirm_request_finished_no_time"] = finished
	interrupted := ns["run_result"]
	interrupted.Occ.Reason, interrupted.Occ.ExitCode = runbook.ReasonInterrupted, nil
	ns["run_result_interrupted"] = interrupted
	for _, r := range []string{runbook.ReasonTimeout, runbook.ReasonCancelled, runbook.ReasonPreflight, runbook.ReasonStart, runbook.ReasonReplicaLost} {
		n := ns["incident"]
		n.Occ = failed
		n.Occ.Reason = r
		ns["incident_"+r] = n
	}
	problems := ns["runbook_invalid"]
	problems.Problems, problems.Lines = problemFixtures, nil
	ns["runbook_invalid"] = problems
	delete(ns, "runbook_invalid_old_row") // stored before problems had codes: shown as they were written
	pf := preflightFixtures(t)
	withChecks := ns["confirm_request"]
	withChecks.Check = &pf
	ns["confirm_request_preflight_failed"] = withChecks

	var out []ptCase
	for _, name := range sortedKeys(ns) {
		n := ns[name]
		c := ptCase{name: name, msg: b.Render(n, renderNow)}
		switch n.Kind {
		case runbook.NoticeRunOutput, runbook.NoticeRunResult, runbook.NoticeIncident, runbook.NoticeRunStarted:
			c.script = true
		}
		c.foreign = []string{fullDisk, "main is protected"} // the OS's and the git remote's own words
		out = append(out, c)
	}
	return out
}

// refusalArgs are arguments enough for every refusal's template.
func refusalArgs() map[string]any {
	return map[string]any{
		"job": "seed-dev-data", "by": "U04BIANCA", "at": window.Add(-3 * time.Hour), "window": window, "next": window.Add(7 * 24 * time.Hour),
		"state": "awaiting_confirmation", "reason": "congelamento do staging", "decline_reason": "congelamento do staging", "action": "run", "approved": "scripts/infra/seed-dev-data.sh --mode plan",
		"current": "scripts/infra/seed-dev-data.sh --mode apply", "tickets": []string{"#40", "#12"}, "ref": "INC-1234", "max": 200, "length": 1204,
		"value": "amanhã 21:00", "verb": "reschedule", "arg": "--force", "flag": "--force", "to": window.Add(-time.Hour), "until": window.Add(72 * time.Hour),
		"freeze": "fim de ano", "suggestion": "status", "channel": "#infra-incident",
	}
}

// ptRefusalCases is every refusal in pt-BR: each err.* code of the catalogue
// as the service would answer it, and what parsing refuses by itself.
func ptRefusalCases(t testing.TB) []ptCase {
	var out []ptCase
	skip := map[string]bool{"err.duplicate": true, "err.internal": true, "err.not_allowed.unverified": true, "err.not_allowed_nojob": true}
	for _, id := range keys(cataloguePT) {
		if !strings.HasPrefix(id, "err.") || skip[id] || strings.HasPrefix(id, "err.kind.") || strings.HasPrefix(id, "err.stale_button") {
			continue
		}
		code := strings.TrimPrefix(id, "err.")
		b, f, _ := newTestBot(t, runbook.LangPT)
		f.err = runbook.NewError(runbook.KindConflict, code, refusalArgs())
		out = append(out, ptCase{name: "refusal_" + code, msg: b.Command(context.Background(), in("confirm seed-dev-data")).Message})
	}
	for _, kind := range []runbook.Kind{runbook.KindNotFound, runbook.KindInvalid, runbook.KindConflict, runbook.KindNotAllowed} {
		b, f, _ := newTestBot(t, runbook.LangPT)
		f.err = runbook.NewError(kind, "a_code_with_no_entry", nil)
		out = append(out, ptCase{name: "refusal_kind_" + string(kind), msg: b.Command(context.Background(), in("confirm seed-dev-data")).Message})
	}
	b, f, _ := newTestBot(t, runbook.LangPT)
	args := refusalArgs()
	args["unverified"] = "true"
	f.err = runbook.NewError(runbook.KindNotAllowed, "not_allowed", args)
	out = append(out, ptCase{name: "refusal_not_allowed_unverified", msg: b.Command(context.Background(), in("incident seed-dev-data INC-1")).Message})
	f.err = runbook.NewError(runbook.KindNotAllowed, "not_allowed", map[string]any{"action": "freeze"})
	out = append(out, ptCase{name: "refusal_not_allowed_nojob", msg: b.Command(context.Background(), in("freeze 10/01/2025 23:00 migração")).Message})
	f.err = context.DeadlineExceeded
	internal := b.Command(context.Background(), in("confirm seed-dev-data")).Message
	internal.Fallback = strings.Join(strings.Fields(internal.Fallback), " ")
	out = append(out, ptCase{name: "refusal_internal", msg: withRef(internal)})

	for name, a := range map[string]map[string]any{
		"stale_button":         {"window": window.Add(-7 * 24 * time.Hour), "state": "succeeded", "current": window, "current_key": "occ/8/request/0"},
		"stale_button_moved":   {"window": window.Add(-7 * 24 * time.Hour), "state": "scheduled", "moved": window},
		"stale_button_gone":    {"window": window.Add(-7 * 24 * time.Hour), "state": ""},
		"stale_button_no_more": {"window": window.Add(-7 * 24 * time.Hour), "state": "succeeded"},
	} {
		b, f, _ := newTestBot(t, runbook.LangPT)
		a["job"] = "seed-dev-data"
		f.err = runbook.NewError(runbook.KindConflict, "stale_button", a)
		out = append(out, ptCase{name: "refusal_" + name, msg: b.Press(context.Background(), Press{User: "U03MARCOS", ButtonID: "confirm",
			Value: "v1/seed-dev-data/7/1735941600", RequestID: "t"}).Message})
	}
	for name, text := range map[string]string{
		"parse_unknown_verb": "statsu", "parse_job_required": "run", "parse_unknown_job": "run seed-dev", "parse_unexpected_argument": "cancel seed-dev-data agora",
		"parse_unknown_flag": "run seed-dev-data --force", "parse_shell_syntax": "run seed-dev-data;ls", "parse_text_required": "delay seed-dev-data",
		"parse_text_too_long": "delay seed-dev-data " + strings.Repeat("a", MaxText+1), "parse_time_required": "reschedule seed-dev-data",
		"parse_bad_time": "reschedule seed-dev-data amanhã 21:00 a plataforma pediu",
	} {
		b, _, _ := newTestBot(t, runbook.LangPT)
		out = append(out, ptCase{name: "refusal_" + name, msg: b.Command(context.Background(), in(text)).Message})
	}
	b, _, _ = newTestBot(t, runbook.LangPT)
	out = append(out, ptCase{name: "refusal_press_bad_button", msg: b.Press(context.Background(), Press{User: "U03MARCOS", ButtonID: "confirm", Value: "v9/x", RequestID: "t"}).Message})
	out = append(out, ptCase{name: "refusal_press_unknown_button", msg: b.Press(context.Background(), Press{User: "U03MARCOS", ButtonID: "nope", Job: "seed-dev-data", RequestID: "t"}).Message})
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// withRef fixes the random log reference of a generic error, for a golden file.
func withRef(m Message) Message {
	fix := func(s string) string {
		i := strings.Index(s, "(ref ")
		if i < 0 || len(s) < i+13 {
			return s
		}
		return s[:i+5] + "abcd1234" + s[i+13:]
	}
	m.Fallback = fix(m.Fallback)
	for i := range m.Sections {
		m.Sections[i].Text = fix(m.Sections[i].Text)
	}
	return m
}

// ptReplyCases is the answer to every command that succeeds, in pt-BR.
func ptReplyCases(t testing.TB) []ptCase {
	win := window
	j, _ := testRunbook(t, runbook.LangPT).Job("seed-dev-data")
	code := 3
	cur := runbook.Occurrence{Job: j.ID, Window: win.Add(-7 * 24 * time.Hour), State: runbook.Failed, RunBy: "U03MARCOS", ExitCode: &code, Attempts: 2,
		Reason: runbook.ReasonExit, IncidentRef: "INC-9", LogError: fullDisk}
	next := runbook.Occurrence{Job: j.ID, Window: win, State: runbook.Scheduled}
	var out []ptCase
	for _, tc := range []struct {
		name, text string
		occ        runbook.Occurrence
		setup      func(f *fakeService)
	}{
		{name: "help", text: "help"},
		{name: "help_reschedule", text: "help reschedule"},
		{name: "schedule", text: "schedule", setup: func(f *fakeService) {
			f.sts = []runbook.JobStatus{{Job: j, Next: &next, NextAt: win}, {Job: j, NextAt: win}}
		}},
		{name: "status", text: "status seed-dev-data", setup: func(f *fakeService) {
			f.sts = []runbook.JobStatus{{Job: j, Current: &cur, Next: &next, NextAt: win}, {Job: j, NextAt: win}}
		}},
		{name: "check", text: "check seed-dev-data", setup: func(f *fakeService) { f.pf = preflightFixtures(t) }},
		{name: "check_manual_only", text: "check seed-dev-data", setup: func(f *fakeService) {
			f.pf = runbook.Preflight{Results: []runbook.CheckResult{{Check: j.Checks[3]}}}
		}},
		{name: "history", text: "history seed-dev-data", setup: func(f *fakeService) { f.hist = []runbook.Occurrence{next, cur} }},
		{name: "tickets", text: "tickets seed-dev-data", setup: func(f *fakeService) { f.tix = seedTicketsIn(runbook.LangPT) }},
		{name: "tickets_none_configured", text: "tickets seed-dev-data"},
		{name: "confirmed", text: "confirm seed-dev-data", occ: runbook.Occurrence{Window: win, State: runbook.Confirmed}},
		{name: "declined", text: "decline seed-dev-data congelamento do staging", occ: runbook.Occurrence{Window: win, State: runbook.Declined, DeclineReason: "congelamento do staging"}},
		{name: "run_started", text: "run seed-dev-data", occ: runbook.Occurrence{Window: win, State: runbook.Running, Attempts: 2}},
		{name: "run_preflight_failed", text: "run seed-dev-data", occ: runbook.Occurrence{Window: win, State: runbook.Failed, Reason: runbook.ReasonPreflight, Attempts: 1}},
		{name: "dry_run", text: "run seed-dev-data --dry-run"},
		{name: "cancel", text: "cancel seed-dev-data", occ: runbook.Occurrence{Window: win, State: runbook.Running}},
		{name: "delay", text: "delay seed-dev-data aguardando o DBA", occ: runbook.Occurrence{Window: win, State: runbook.AwaitingConfirmation, Delayed: true}},
		{name: "reschedule", text: "reschedule seed-dev-data 10/01/2025 21:30 a plataforma pediu", occ: runbook.Occurrence{Window: win.Add(150 * time.Minute), State: runbook.Scheduled}},
		{name: "incident", text: "incident seed-dev-data INC-7", occ: runbook.Occurrence{Window: win, State: runbook.Failed, IncidentRef: "INC-7"}},
		{name: "incident_replaced", text: "incident seed-dev-data INC-8 --replace", occ: runbook.Occurrence{Window: win, State: runbook.Failed, IncidentRef: "INC-8"}},
		{name: "learnings", text: "learnings seed-dev-data a VPN primeiro", occ: runbook.Occurrence{Window: win, State: runbook.Succeeded}},
	} {
		b, f, _ := newTestBot(t, runbook.LangPT)
		f.occ = tc.occ
		if tc.setup != nil {
			tc.setup(f)
		}
		out = append(out, ptCase{name: "reply_" + tc.name, msg: b.Command(context.Background(), in(tc.text)).Message, foreign: []string{fullDisk}})
	}
	return out
}

// sortedKeys are m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
