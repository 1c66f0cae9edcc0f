package bot

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/runbook-bot/runbook-bot/runbook"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

func tp(t time.Time) *time.Time { return &t }
func ip(i int) *int             { return &i }

// window is seed-dev-data's window: Friday 19:00 in São Paulo (22:00 UTC).
var window = time.Date(2025, 1, 10, 22, 0, 0, 0, time.UTC)

func seedPreflight(t testing.TB) *runbook.Preflight {
	j, _ := testRunbook(t, runbook.LangEN).Job("seed-dev-data")
	return &runbook.Preflight{Results: []runbook.CheckResult{
		{Check: j.Checks[0], OK: true, Detail: runbook.TextMsg("psql (PostgreSQL) 16.2")},
		{Check: j.Checks[1], OK: true, Detail: runbook.TextMsg("mongosh 2.1")},
		{Check: j.Checks[2], OK: false, Detail: runbook.M(runbook.PfNotSet)},
		{Check: j.Checks[3]},
	}}
}

// seedTickets is a report of seven open tickets of seed-dev-data, one of them a blocker.
func seedTickets() *runbook.TicketReport { return seedTicketsIn(runbook.LangEN) }

// seedTicketsIn is seedTickets with titles and statuses written in lang.
func seedTicketsIn(lang runbook.Lang) *runbook.TicketReport {
	all := []runbook.Ticket{
		{Key: "#41", Title: "Seed fails on empty <users> table", Status: "open", Assignee: "marcos", URL: "https://github.com/acme/infra/issues/41"},
		{Key: "#40", Title: "Blocker: dev database migration pending", Status: "open", URL: "https://github.com/acme/infra/issues/40"},
		{Key: "#39", Title: "Speed up mongoimport", Status: "open", Assignee: "bianca", URL: "https://github.com/acme/infra/issues/39"},
		{Key: "#38", Title: "Document the VPN step", Status: "open", URL: "https://github.com/acme/infra/issues/38"},
		{Key: "#37", Title: "Non-blocker: log colours", Status: "open", URL: "https://github.com/acme/infra/issues/37"},
		{Key: "#36", Title: "Rotate the seed credentials", Status: "open", Labels: []string{"security"}, URL: "https://github.com/acme/infra/issues/36"},
		{Key: "#35", Title: "Old ticket", Status: "open", URL: "https://github.com/acme/infra/issues/35"},
	}
	if lang == runbook.LangPT {
		all = []runbook.Ticket{
			{Key: "#41", Title: "Seed falha com a tabela <users> vazia", Status: "aberto", Assignee: "marcos", URL: "https://github.com/acme/infra/issues/41"},
			{Key: "#40", Title: "Migração do banco de dev pendente", Status: "aberto", Labels: []string{runbook.BlockerLabel}, URL: "https://github.com/acme/infra/issues/40"},
			{Key: "#39", Title: "Acelerar o mongoimport", Status: "aberto", Assignee: "bianca", URL: "https://github.com/acme/infra/issues/39"},
			{Key: "#38", Title: "Documentar o passo da VPN", Status: "aberto", URL: "https://github.com/acme/infra/issues/38"},
			{Key: "#37", Title: "Cores do log", Status: "aberto", URL: "https://github.com/acme/infra/issues/37"},
			{Key: "#36", Title: "Trocar as credenciais do seed", Status: "aberto", Labels: []string{"security"}, URL: "https://github.com/acme/infra/issues/36"},
			{Key: "#35", Title: "Ticket antigo", Status: "aberto", URL: "https://github.com/acme/infra/issues/35"},
		}
	}
	rep := runbook.TicketReport{Total: len(all), More: len(all) - runbook.MaxShownTickets}
	for _, t := range all {
		if runbook.IsBlocker(t) {
			t.Blocker = true
			rep.Blockers = append(rep.Blockers, t)
		}
	}
	rep.Tickets = append(rep.Tickets, rep.Blockers...)
	for _, t := range all {
		if !runbook.IsBlocker(t) && len(rep.Tickets) < runbook.MaxShownTickets {
			rep.Tickets = append(rep.Tickets, t)
		}
	}
	return &rep
}

// notices is one notice of every kind (and the updates worth seeing), at testNow, with English user text.
func notices(t testing.TB) map[string]runbook.Notice { return noticesIn(t, runbook.LangEN) }

// noticesIn is notices with the text people type (reasons, justifications,
// tickets) written in lang, as a team working in that language would.
func noticesIn(t testing.TB, lang runbook.Lang) map[string]runbook.Notice {
	tr := func(en, pt string) string {
		if lang == runbook.LangPT {
			return pt
		}
		return en
	}
	base := runbook.Occurrence{ID: 7, Job: "seed-dev-data", Slot: window, Window: window, RequestedAt: tp(window.Add(-24 * time.Hour))}
	occ := func(f func(o *runbook.Occurrence)) runbook.Occurrence { o := base; f(&o); return o }
	failedAt := window.Add(12 * time.Minute)
	failed := occ(func(o *runbook.Occurrence) {
		o.State, o.ApprovedBy, o.ApprovedAt = runbook.Failed, "U03MARCOS", tp(window.Add(-3*time.Hour))
		o.RunBy, o.StartedAt, o.FinishedAt, o.ExitCode, o.Reason, o.Attempts = "U03MARCOS", tp(window.Add(2*time.Minute)), tp(failedAt), ip(2), runbook.ReasonExit, 1
		o.LogSHA256, o.FailedAt, o.IncidentDeadline = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", tp(failedAt), tp(failedAt.Add(15*time.Minute))
	})
	yearEnd := runbook.Freeze{Start: window.Add(-48 * time.Hour), End: window.Add(72 * time.Hour), Reason: tr("year-end freeze", "fim de ano"), Source: runbook.FreezeRunbook, Line: 48}
	tail := []string{"importing users.json", "ERROR: connection refused to postgres://***@db:5432/dev", "<!channel> & done"}
	return map[string]runbook.Notice{
		"confirm_request": {Kind: runbook.NoticeRequest, Key: "occ/7/request/0", Channel: runbook.ChannelRunbook,
			Occ: occ(func(o *runbook.Occurrence) { o.State = runbook.AwaitingConfirmation }), Check: seedPreflight(t), At: testNow},
		"confirm_request_tickets": {Kind: runbook.NoticeRequest, Key: "occ/7/request/0", Channel: runbook.ChannelRunbook,
			Occ: occ(func(o *runbook.Occurrence) { o.State = runbook.AwaitingConfirmation }), Tickets: seedTicketsIn(lang), At: testNow},
		"confirm_request_tickets_unavailable": {Kind: runbook.NoticeRequest, Key: "occ/7/request/0", Channel: runbook.ChannelRunbook,
			Occ:     occ(func(o *runbook.Occurrence) { o.State = runbook.AwaitingConfirmation }),
			Tickets: &runbook.TicketReport{Unavailable: runbook.M(runbook.TkUnauthorized, "service", "GitHub", "vars", "RUNBOOK_GITHUB_TOKEN")}, At: testNow},
		"confirm_request_confirmed": {Kind: runbook.NoticeRequest, Key: "occ/7/request/0", Update: true, Channel: runbook.ChannelRunbook,
			Occ: occ(func(o *runbook.Occurrence) {
				o.State, o.ApprovedBy, o.ApprovedAt = runbook.Confirmed, "U04BIANCA", tp(window.Add(-3*time.Hour))
			}), At: testNow},
		"confirm_request_confirmed_tickets": {Kind: runbook.NoticeRequest, Key: "occ/7/request/0", Update: true, Channel: runbook.ChannelRunbook,
			Occ: occ(func(o *runbook.Occurrence) {
				o.State, o.ApprovedBy, o.ApprovedAt = runbook.Confirmed, "U04BIANCA", tp(window.Add(-3*time.Hour))
			}), Tickets: seedTicketsIn(lang), At: testNow},
		"confirm_request_confirmed_early": {Kind: runbook.NoticeRequest, Key: "occ/7/request/0", Channel: runbook.ChannelRunbook,
			Occ: occ(func(o *runbook.Occurrence) {
				o.State, o.ApprovedBy, o.ApprovedAt = runbook.Confirmed, "U04BIANCA", tp(window.Add(-48*time.Hour))
			}), Check: seedPreflight(t), At: testNow},
		"confirm_request_declined": {Kind: runbook.NoticeRequest, Key: "occ/7/request/0", Update: true, Channel: runbook.ChannelRunbook,
			Occ: occ(func(o *runbook.Occurrence) {
				o.State, o.DeclinedBy, o.DeclineReason = runbook.Declined, "U03MARCOS", tr("staging freeze <!here>", "congelamento do staging <!here>")
			}), At: testNow},
		"reminder": {Kind: runbook.NoticeReminder, Key: "occ/7/request/0/reminder/0", Thread: "occ/7/request/0", Channel: runbook.ChannelRunbook,
			Occ: occ(func(o *runbook.Occurrence) { o.State = runbook.AwaitingConfirmation }), At: testNow},
		"reminder_last": {Kind: runbook.NoticeReminder, Key: "occ/7/request/0/reminder/1", Thread: "occ/7/request/0", Channel: runbook.ChannelRunbook, Last: true, Late: true,
			Occ: occ(func(o *runbook.Occurrence) { o.State = runbook.AwaitingConfirmation }), At: testNow},
		"window_open": {Kind: runbook.NoticeWindowOpen, Key: "occ/7/request/0/open", Channel: runbook.ChannelRunbook,
			Occ: occ(func(o *runbook.Occurrence) { o.State, o.ApprovedBy = runbook.Confirmed, "U03MARCOS" }), At: window},
		"window_open_unconfirmed": {Kind: runbook.NoticeWindowOpen, Key: "occ/7/request/0/open", Channel: runbook.ChannelRunbook,
			Occ: occ(func(o *runbook.Occurrence) { o.State = runbook.AwaitingConfirmation }), At: window},
		"run_started": {Kind: runbook.NoticeRunStarted, Key: "occ/7/run/1", Channel: runbook.ChannelRunbook, Actor: "U03MARCOS", Check: seedPreflight(t),
			Occ: occ(func(o *runbook.Occurrence) {
				o.State, o.RunBy, o.Attempts, o.StartedAt = runbook.Running, "U03MARCOS", 1, tp(window.Add(2*time.Minute))
			}), At: window},
		"run_started_dry": {Kind: runbook.NoticeRunStarted, Key: "dry/41", Channel: runbook.ChannelRunbook, Actor: "U02LUCAS", Text: "dry-run",
			Occ: runbook.Occurrence{Job: "seed-dev-data"}, At: testNow},
		"run_output": {Kind: runbook.NoticeRunOutput, Key: "occ/7/run/1/out/1", Thread: "occ/7/run/1", Channel: runbook.ChannelRunbook,
			Occ: failed, Lines: []string{"[seed] connecting", "[seed] <@U999> & <!channel> are text", "[seed] 120 rows"}, At: window},
		"run_output_merged": {Kind: runbook.NoticeRunOutput, Key: "occ/7/run/1/out/1", Thread: "occ/7/run/1", Channel: runbook.ChannelRunbook,
			Occ: failed, Lines: []string{"[seed] 19 of 20 collections", "[seed] done"}, Omitted: 760, At: window},
		"run_result": {Kind: runbook.NoticeRunResult, Key: "occ/7/run/1", Update: true, Channel: runbook.ChannelRunbook, Occ: failed, Tail: tail, At: failedAt},
		"run_result_log_incomplete": {Kind: runbook.NoticeRunResult, Key: "occ/7/run/1", Update: true, Channel: runbook.ChannelRunbook,
			Occ: func() runbook.Occurrence {
				o := failed
				o.State, o.Reason, o.ExitCode, o.LogError = runbook.Succeeded, "", ip(0), fullDisk
				return o
			}(), At: failedAt},
		"run_result_dry_log_incomplete": {Kind: runbook.NoticeRunResult, Key: "dry/41", Update: true, Channel: runbook.ChannelRunbook, Text: "dry-run", Actor: "U02LUCAS",
			Occ: runbook.Occurrence{Job: "seed-dev-data", State: runbook.Succeeded, ExitCode: ip(0), LogError: fullDisk}, At: testNow},
		"run_result_dry": {Kind: runbook.NoticeRunResult, Key: "dry/41", Update: true, Channel: runbook.ChannelRunbook, Text: "dry-run", Actor: "U02LUCAS",
			Occ: runbook.Occurrence{Job: "seed-dev-data", State: runbook.Succeeded, ExitCode: ip(0)}, Tail: []string{"plan: 3 collections"}, At: testNow},
		"delay_alert": {Kind: runbook.NoticeDelay, Key: "occ/7/request/0/delay/1", Channel: runbook.ChannelRunbook,
			Occ: occ(func(o *runbook.Occurrence) { o.State, o.Delayed = runbook.AwaitingConfirmation, true }), At: window.Add(30 * time.Minute)},
		"incident": {Kind: runbook.NoticeIncident, Key: "occ/7/incident", Channel: runbook.ChannelIncident, Occ: failed, Tail: tail, At: failedAt},
		"incident_recorded": {Kind: runbook.NoticeIncident, Key: "occ/7/incident", Update: true, Channel: runbook.ChannelIncident,
			Occ: func() runbook.Occurrence {
				o := failed
				o.IncidentRef, o.IncidentBy, o.IncidentAt = "INC-4321", "U01ANA", tp(failedAt.Add(9*time.Minute))
				return o
			}(), At: testNow},
		"incident_replaced": {Kind: runbook.NoticeIncident, Key: "occ/7/incident", Update: true, Channel: runbook.ChannelIncident,
			Text: "INC-4321", Actor: "U04BIANCA", Occ: func() runbook.Occurrence {
				o := failed
				o.IncidentRef, o.IncidentBy, o.IncidentAt = "https://itsm.example.com/incidents/INC-4322", "U01ANA", tp(failedAt.Add(9*time.Minute))
				return o
			}(), At: failedAt.Add(40 * time.Minute)},
		"incident_escalated": {Kind: runbook.NoticeIncident, Key: "occ/7/incident", Update: true, Channel: runbook.ChannelIncident,
			Occ: func() runbook.Occurrence { o := failed; o.Escalated = true; return o }(), At: testNow},
		"escalation": {Kind: runbook.NoticeEscalation, Key: "occ/7/incident/escalation", Channel: runbook.ChannelIncident,
			Occ: func() runbook.Occurrence { o := failed; o.Escalated = true; return o }(), At: testNow},
		"rescheduled": {Kind: runbook.NoticeRescheduled, Key: "occ/7/request/0/rescheduled", Channel: runbook.ChannelRunbook, Actor: "U03MARCOS",
			Text: tr("platform asked for 21:00", "a plataforma pediu 21:00"), Occ: occ(func(o *runbook.Occurrence) {
				o.Window, o.State, o.Reschedules, o.Justification = window.Add(2*time.Hour), runbook.Scheduled, 1, tr("platform asked for 21:00", "a plataforma pediu 21:00")
			}), At: testNow},
		"confirm_request_frozen": {Kind: runbook.NoticeRequest, Key: "occ/7/request/0", Channel: runbook.ChannelRunbook,
			Occ: occ(func(o *runbook.Occurrence) { o.State = runbook.AwaitingConfirmation }), Freeze: &yearEnd, At: testNow},
		"reminder_frozen": {Kind: runbook.NoticeReminder, Key: "occ/7/request/0/reminder/0", Thread: "occ/7/request/0", Channel: runbook.ChannelRunbook,
			Occ: occ(func(o *runbook.Occurrence) { o.State = runbook.AwaitingConfirmation }), Freeze: &yearEnd, At: testNow},
		"window_open_frozen": {Kind: runbook.NoticeWindowOpen, Key: "occ/7/request/0/open", Channel: runbook.ChannelRunbook,
			Occ: occ(func(o *runbook.Occurrence) { o.State = runbook.AwaitingConfirmation }), Freeze: &yearEnd, At: window},
		"freeze": {Kind: runbook.NoticeFreeze, Key: "freeze/freeze_set/1", Channel: runbook.ChannelRunbook, Actor: "U02LUCAS", Text: tr("cluster migration <!channel>", "migração do cluster <!channel>"),
			Freeze: &runbook.Freeze{Start: testNow, End: testNow.Add(6 * time.Hour), Reason: tr("cluster migration <!channel>", "migração do cluster <!channel>"), Source: runbook.FreezeChat, By: "U02LUCAS"}, At: testNow},
		"unfreeze": {Kind: runbook.NoticeFreeze, Key: "freeze/freeze_lifted/1", Channel: runbook.ChannelRunbook, Actor: "U02LUCAS", Text: tr("migration done", "migração concluída"),
			Freeze: &runbook.Freeze{Start: testNow, End: testNow.Add(time.Hour), Reason: tr("cluster migration", "migração do cluster"), Source: runbook.FreezeChat, Lifted: true, By: "U02LUCAS"}, At: testNow},
		"approval_withdrawn": {Kind: runbook.NoticeWithdrawn, Key: "occ/7/request/0/withdrawn/1", Thread: "occ/7/request/0", Channel: runbook.ChannelRunbook,
			Occ: occ(func(o *runbook.Occurrence) { o.State = runbook.AwaitingConfirmation }), Change: seedChange(t), At: testNow},
		"confirm_request_reasked": {Kind: runbook.NoticeRequest, Key: "occ/7/request/0", Update: true, Channel: runbook.ChannelRunbook,
			Occ: occ(func(o *runbook.Occurrence) { o.State = runbook.AwaitingConfirmation }), Change: seedChange(t), At: testNow},
		"runbook_invalid": {Kind: runbook.NoticeRunbookBroken, Key: "runbook/invalid/ab", Channel: runbook.ChannelRunbook, Text: "docs/runbook.md",
			Problems: runbook.Problems{{File: "docs/runbook.md", Line: 9, Msg: runbook.M(runbook.ProbWeekdayUnknown, "day", "Sextou")},
				{File: "docs/runbook.md", Line: 31, Msg: runbook.M(runbook.ProbNoContact, "name", "Bianca Ramos", "table", "Contatos")}}, At: testNow},
		"runbook_invalid_old_row": {Kind: runbook.NoticeRunbookBroken, Key: "runbook/invalid/ab", Channel: runbook.ChannelRunbook, Text: "docs/runbook.md",
			Lines: []string{"docs/runbook.md:9: unknown weekday \"Sextou\"", "docs/runbook.md:31: no contact for \"Bianca Ramos\""}, At: testNow},
		"runbook_invalid_commit": {Kind: runbook.NoticeRunbookBroken, Key: "runbook/invalid/cd", Channel: runbook.ChannelRunbook, Text: "docs/runbook.md",
			Revision: &runbook.Revision{Commit: "9f3c2e1d0b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e", Author: "Bianca Ramos <bianca@example.com>", When: testNow},
			InForce:  "4d5e6f7", Problems: runbook.Problems{{File: "docs/runbook.md", Line: 9, Msg: runbook.M(runbook.ProbWeekdayUnknown, "day", "Sextou")}}, At: testNow},
		"records_pull_request": {Kind: runbook.NoticeRecordsPR, Key: "git/records-pull-request/x", Channel: runbook.ChannelRunbook,
			Text: "https://github.com/acme/platform/pull/7", Lines: []string{"runbook-bot/records", "main is protected"}, At: testNow},
		"records_pull_request_none": {Kind: runbook.NoticeRecordsPR, Key: "git/records-pull-request/y", Channel: runbook.ChannelRunbook,
			Lines: []string{"runbook-bot/records", "RUNBOOK_GIT_RECORDS=pull-request"}, At: testNow},
	}
}

// renderNow is the time the golden messages are rendered at: 3 minutes after the failure.
var renderNow = window.Add(15 * time.Minute)

func TestRender_GivenEveryNoticeKind_ThenMessagesMatchTheGoldenFiles(t *testing.T) {
	for _, lang := range []runbook.Lang{runbook.LangEN, runbook.LangPT} {
		b, _, _ := newTestBot(t, lang)
		for name, n := range noticesIn(t, lang) {
			t.Run(string(lang)+"/"+name, func(t *testing.T) {
				got, err := json.MarshalIndent(b.Render(n, renderNow), "", "  ")
				require.NoError(t, err)
				got = append(got, '\n')
				path := filepath.Join("testdata", "golden", name+"."+string(lang)+".json")
				if *update {
					require.NoError(t, os.WriteFile(path, got, 0o644))
				}
				want, err := os.ReadFile(path)
				require.NoError(t, err, "run go test ./bot/ -run TestRender -update")
				assert.Equal(t, string(want), string(got))
			})
		}
	}
}

func TestRender_GivenEveryKind_ThenAllKindsAreCovered(t *testing.T) {
	seen := map[runbook.NoticeKind]bool{}
	for _, n := range notices(t) {
		seen[n.Kind] = true
	}
	for _, k := range []runbook.NoticeKind{runbook.NoticeRequest, runbook.NoticeReminder, runbook.NoticeWindowOpen, runbook.NoticeRunStarted,
		runbook.NoticeRunOutput, runbook.NoticeRunResult, runbook.NoticeDelay, runbook.NoticeIncident, runbook.NoticeEscalation,
		runbook.NoticeRescheduled, runbook.NoticeRunbookBroken, runbook.NoticeRecordsPR, runbook.NoticeFreeze, runbook.NoticeWithdrawn} {
		assert.True(t, seen[k], k)
	}
}

func TestRender_GivenTheIncident_ThenTheCountdownAndChannelsAreRight(t *testing.T) {
	b, _, _ := newTestBot(t, runbook.LangEN)
	ns := notices(t)
	inc := b.Render(ns["incident"], renderNow)
	assert.Equal(t, "#infra-incident", inc.Channel)
	assert.False(t, inc.Here, "the first post carries no @here")
	assert.Contains(t, allText(inc), "Open an incident within 12 min — deadline 19:27 UTC-03 / 22:27 UTC.")
	assert.Contains(t, allText(b.Render(ns["incident"], renderNow.Add(30*time.Second))), "within 12 min")
	assert.Contains(t, allText(b.Render(ns["incident"], renderNow.Add(11*time.Minute+1))), "within 1 min")
	require.Len(t, inc.Buttons, 1)
	assert.Equal(t, "incident", inc.Buttons[0].ID)
	assert.NotNil(t, inc.Buttons[0].Prompt)

	rec := b.Render(ns["incident_recorded"], renderNow)
	assert.Contains(t, allText(rec), "Incident INC-4321 recorded by @Ana Souza at 19:21 UTC-03 / 22:21 UTC (9 min after the failure).")
	assert.Empty(t, rec.Buttons)

	esc := b.Render(ns["escalation"], renderNow)
	assert.True(t, esc.Here)
	assert.Equal(t, []Mention{{ID: "U04BIANCA", Name: "Bianca Ramos"}, {ID: "S03DEVOPS", Name: "DevOps"}, {ID: "S01PLAT", Name: "Time de Plataforma"}}, esc.Mentions)
	assert.Equal(t, "#plataforma", b.Render(ns["confirm_request"], renderNow).Channel)
}

func TestRender_GivenTheRequest_ThenOwnersAreMentionedAndButtonsOffered(t *testing.T) {
	b, _, _ := newTestBot(t, runbook.LangEN)
	m := b.Render(notices(t)["confirm_request"], renderNow)
	assert.Equal(t, []Mention{{ID: "U03MARCOS", Name: "Marcos Paulo"}, {ID: "U04BIANCA", Name: "Bianca Ramos"}, {ID: "S03DEVOPS", Name: "DevOps"}, {ID: "S01PLAT", Name: "Time de Plataforma"}}, m.Mentions)
	require.Len(t, m.Buttons, 2)
	assert.Equal(t, "confirm", m.Buttons[0].ID)
	assert.Equal(t, "decline", m.Buttons[1].ID)
	require.NotNil(t, m.Buttons[1].Prompt)
	assert.LessOrEqual(t, len([]rune(m.Buttons[1].Prompt.Title)), 24)
	upd := b.Render(notices(t)["confirm_request_confirmed"], renderNow)
	assert.Empty(t, upd.Buttons)
	assert.Contains(t, allText(upd), "Confirmed by @Bianca Ramos at Fri 2025-01-10 16:00 UTC-03 · 19:00 UTC.")
}

func TestPrompts_GivenBothLanguages_ThenTitlesFitSlacksLimit(t *testing.T) {
	for _, c := range catalogues {
		for k, v := range c {
			if strings.HasPrefix(k, "prompt.") && strings.HasSuffix(k, ".title") {
				assert.LessOrEqual(t, len([]rune(v)), 24, k)
			}
		}
	}
}

func TestOutputSections_GivenHugeOutput_ThenSectionsAndBlocksAreCapped(t *testing.T) {
	var lines []string
	for range 5000 {
		lines = append(lines, strings.Repeat("<&>", 40))
	}
	lines = append(lines, strings.Repeat("x", 10000))
	secs := outputSections(lines, maxBlocks)
	assert.Len(t, secs, maxBlocks)
	for _, s := range secs {
		assert.LessOrEqual(t, escapedLen(strings.Join(s.Lines, "\n")), maxSectionChars)
	}
	last := secs[len(secs)-1].Lines
	assert.Equal(t, "…", last[len(last)-1])

	one := outputSections([]string{strings.Repeat("y", 5000)}, maxBlocks)
	require.Len(t, one, 1)
	assert.True(t, strings.HasSuffix(one[0].Lines[0], "…"))
	assert.LessOrEqual(t, escapedLen(one[0].Lines[0]), maxSectionChars)
	assert.Equal(t, []Section{{Lines: []string{"a", "b"}}}, outputSections([]string{"a", "b"}, maxBlocks))
	assert.Empty(t, outputSections(nil, maxBlocks))
}
