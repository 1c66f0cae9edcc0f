package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/runbook"
)

func (f *fakeService) Freeze(_ context.Context, r runbook.Request, until time.Time, reason string) (runbook.Freeze, error) {
	f.record("freeze", r, reason)
	f.mu.Lock()
	f.at = append(f.at, until)
	f.mu.Unlock()
	return runbook.Freeze{Start: f.now, End: until, Reason: reason, Source: runbook.FreezeChat, By: r.User}, f.err
}

func (f *fakeService) Unfreeze(_ context.Context, r runbook.Request, reason string) ([]runbook.Freeze, error) {
	f.record("unfreeze", r, reason)
	return f.fz, f.err
}

func (f *fakeService) Freezes(context.Context) ([]runbook.Freeze, error) { return f.fz, nil }

func TestCommand_GivenFreezeAndUnfreeze_WhenTyped_ThenTheServiceGetsTheEndInTheRunbooksZoneAndTheReason(t *testing.T) {
	b, f, _ := newTestBot(t, runbook.LangEN)
	f.rb.Zone = mustLoc(t, "America/Sao_Paulo")
	rep := b.Command(context.Background(), in("freeze 2025-01-10 21:00 database migration <!here>"))
	require.Equal(t, []string{"freeze"}, f.Calls())
	assert.Equal(t, "database migration <!here>", f.texts[0])
	require.True(t, f.at[0].Equal(time.Date(2025, 1, 11, 0, 0, 0, 0, time.UTC)), "21:00 in the runbook's zone: %s", f.at[0])
	assert.Contains(t, allText(rep.Message), "Change freeze set until Fri 2025-01-10 21:00 UTC-03 · 2025-01-11 00:00 UTC: database migration <!here>.")

	f.fz = []runbook.Freeze{{Start: testNow, End: testNow.Add(time.Hour), Reason: "database migration", Source: runbook.FreezeChat}}
	rep = b.Command(context.Background(), in("unfreeze done early"))
	assert.Equal(t, "unfreeze", f.Calls()[1])
	assert.Equal(t, "done early", f.texts[1])
	assert.Contains(t, allText(rep.Message), "Change freeze lifted:\n• “database migration” from Fri 2025-01-10 18:00 UTC-03 · 21:00 UTC until Fri 2025-01-10 19:00 UTC-03 · 22:00 UTC")
}

func TestCommand_GivenABadFreeze_WhenTyped_ThenAPreciseErrorAndNothingIsCalled(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"freeze", "The new time is missing."},
		{"freeze 2025-01-10", "The new time is missing."},
		{"freeze tomorrow 21:00 migration", "“tomorrow 21:00” is not a time written as YYYY-MM-DD HH:MM"},
		{"freeze 2025-01-10 21:00", "Text is missing: nothing was done."},
		{"unfreeze", "Text is missing: nothing was done."},
	} {
		t.Run(tc.text, func(t *testing.T) {
			b, f, _ := newTestBot(t, runbook.LangEN)
			rep := b.Command(context.Background(), in(tc.text))
			assert.Empty(t, f.Calls())
			assert.Contains(t, allText(rep.Message), tc.want)
		})
	}
}

func TestCommand_GivenAFreezeRefusal_ThenTheReplySaysWhyWhoMayAndUntilWhen(t *testing.T) {
	until := time.Date(2025, 1, 11, 3, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		lang runbook.Lang
		text string
		err  error
		want string
	}{
		{runbook.LangEN, "confirm seed-dev-data", runbook.NewError(runbook.KindConflict, "frozen", map[string]any{"freeze": "year-end", "until": until, "window": window}),
			"Change freeze in force until Sat 2025-01-11 00:00 UTC-03 · 03:00 UTC (“year-end”): seed-dev-data cannot be confirmed or run until then."},
		{runbook.LangPT, "run seed-dev-data", runbook.NewError(runbook.KindConflict, "frozen", map[string]any{"freeze": "fim de ano", "until": until}),
			"Congelamento de mudanças em vigor até sáb 11/01/2025 00:00 (UTC-03) · 03:00 UTC (“fim de ano”)"},
		{runbook.LangEN, "confirm seed-dev-data", runbook.NewError(runbook.KindConflict, "window_frozen", map[string]any{"freeze": "year-end", "until": until, "window": window}),
			"The seed-dev-data window of Fri 2025-01-10 19:00 UTC-03 · 22:00 UTC falls in the change freeze “year-end”"},
		{runbook.LangEN, "freeze 2025-01-10 23:00 x", runbook.NewError(runbook.KindNotAllowed, "not_allowed", map[string]any{"action": "freeze"}),
			"Only a runbook operator or whoever owns every job may set a change freeze."},
		{runbook.LangPT, "unfreeze x", runbook.NewError(runbook.KindConflict, "not_frozen", nil), "Nenhum congelamento em vigor"},
	} {
		t.Run(tc.text, func(t *testing.T) {
			b, f, _ := newTestBot(t, tc.lang)
			f.err = tc.err
			rep := b.Command(context.Background(), in(tc.text))
			assert.Contains(t, allText(rep.Message), tc.want)
			assert.NotContains(t, allText(rep.Message), "{")
		})
	}
}

func TestReplies_GivenFreezes_WhenScheduleAndStatusAreAsked_ThenFrozenWindowsAreMarked(t *testing.T) {
	b, f, _ := newTestBot(t, runbook.LangEN)
	next := testNow.Add(time.Hour)
	j, _ := f.rb.Job("seed-dev-data")
	f.sts = []runbook.JobStatus{{Job: j, NextAt: next}}
	f.fz = []runbook.Freeze{
		{Start: testNow.Add(-time.Hour), End: testNow.Add(2 * time.Hour), Reason: "migration", Source: runbook.FreezeChat},
		{Start: testNow.Add(48 * time.Hour), End: testNow.Add(72 * time.Hour), Reason: "year-end", Source: runbook.FreezeRunbook, Line: 42},
	}
	for _, text := range []string{"schedule", "status"} {
		all := allText(b.Command(context.Background(), in(text)).Message)
		assert.Contains(t, all, "❄ Change freeze in force: “migration”", text)
		assert.Contains(t, all, "❄ Change freeze ahead: “year-end”", text)
		assert.Contains(t, all, "(declared in docs/runbook.md, line 42)", text)
		assert.Contains(t, all, "— ❄ frozen (migration)", text)
	}
}

func TestHelp_GivenTheFreezeVerbs_ThenTheyNameTheRunbooksZone(t *testing.T) {
	b, f, _ := newTestBot(t, runbook.LangPT)
	f.rb.Zone = mustLoc(t, "America/Sao_Paulo")
	all := allText(b.Command(context.Background(), in("help freeze")).Message)
	assert.Contains(t, all, "no fuso do runbook, America/Sao_Paulo")
	assert.False(t, strings.Contains(all, "{zone}"))
}

func (f *fakeService) Plan(_ context.Context, from, until time.Time, job string) ([]runbook.Planned, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.plan, f.err
}

func (f *fakeService) Recent(context.Context, int) ([]runbook.Occurrence, error) {
	return f.recent, f.err
}

func (f *fakeService) Allows(_ context.Context, user string, j runbook.Job, act runbook.Action) bool {
	for _, n := range []string{j.Primary.Person, j.Backup.Person} {
		if id := f.ContactID(context.Background(), n); id != "" && id == user {
			return act != runbook.ActFreeze
		}
	}
	return false
}
