package bot

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// homeFake is a fake service with a week to show: Marcos may run the
// reset-staging window that opened and confirm seed-dev-data's; provision-dev's
// window falls in a freeze.
func homeFake(t *testing.T, lang runbook.Lang) (*Bot, *fakeService) {
	b, f, _ := newTestBot(t, lang)
	job := func(id string) runbook.Job { j, _ := f.rb.Job(id); return j }
	reset := testNow.Add(-16 * time.Hour) // 05:00 UTC
	f.sts = []runbook.JobStatus{{Job: job("reset-staging"), Current: &runbook.Occurrence{ID: 5, Job: "reset-staging", Slot: reset, Window: reset,
		State: runbook.Confirmed, ApprovedBy: "U02LUCAS", Attempts: 0}}}
	seed := window
	f.plan = []runbook.Planned{
		{Job: job("seed-dev-data"), Occ: runbook.Occurrence{ID: 7, Job: "seed-dev-data", Slot: seed, Window: seed, State: runbook.AwaitingConfirmation,
			Tickets: &runbook.TicketReport{Total: 3}}, Preflight: &runbook.PreflightNote{Failed: "DEV_RELATIONAL_URL"}},
		{Job: job("reset-staging"), Occ: runbook.Occurrence{Job: "reset-staging", Slot: reset.Add(24 * time.Hour), Window: reset.Add(24 * time.Hour), State: runbook.Scheduled}},
		{Job: job("provision-dev"), Occ: runbook.Occurrence{Job: "provision-dev", Slot: seed.Add(59 * time.Hour), Window: seed.Add(59 * time.Hour), State: runbook.Scheduled},
			Freeze: &runbook.Freeze{Start: seed.Add(48 * time.Hour), End: seed.Add(72 * time.Hour), Reason: "year-end <!channel>", Source: runbook.FreezeRunbook, Line: 40}},
	}
	f.recent = []runbook.Occurrence{
		{ID: 4, Job: "reset-staging", Window: reset.Add(-24 * time.Hour), State: runbook.Succeeded, RunBy: "U02LUCAS", Attempts: 1},
		{ID: 3, Job: "seed-dev-data", Window: seed.Add(-7 * 24 * time.Hour), State: runbook.Failed, RunBy: "U03MARCOS", Attempts: 2, IncidentRef: "INC-9"},
	}
	return b, f
}

func TestHome_GivenAWeek_WhenMarcosOpensHisHome_ThenItMatchesTheGoldenFiles(t *testing.T) {
	for _, lang := range []runbook.Lang{runbook.LangEN, runbook.LangPT} {
		t.Run(string(lang), func(t *testing.T) {
			b, _ := homeFake(t, lang)
			h, err := b.Home(context.Background(), "U03MARCOS", HomeFit{})
			require.NoError(t, err)
			got, err := json.MarshalIndent(h, "", "  ")
			require.NoError(t, err)
			got = append(got, '\n')
			path := filepath.Join("testdata", "golden", "home."+string(lang)+".json")
			if *update {
				require.NoError(t, os.WriteFile(path, got, 0o644))
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "run go test ./bot/ -run TestHome -update")
			assert.Equal(t, string(want), string(got))
		})
	}
}

func TestHome_GivenWhoOpensIt_ThenNeedsYouHoldsOnlyWhatTheyMayDoBoundToTheOccurrence(t *testing.T) {
	b, _ := homeFake(t, runbook.LangEN)
	ctx := context.Background()
	h, err := b.Home(ctx, "U03MARCOS", HomeFit{})
	require.NoError(t, err)
	needs := h.Parts[0].Items
	require.Len(t, needs, 2)
	assert.Equal(t, []string{"run", "check"}, buttonIDs(needs[0].Buttons), "the confirmed window that opened: Run")
	assert.Equal(t, []string{"confirm", "decline", "check"}, buttonIDs(needs[1].Buttons), "the request of seed-dev-data: Confirm, Decline")
	for _, bt := range needs[1].Buttons {
		assert.Equal(t, int64(7), bt.Occ, "bound to its occurrence")
		assert.True(t, bt.Window.Equal(window))
	}
	assert.Len(t, h.Parts[1].Items, 3, "every window of the week")
	for _, it := range h.Parts[1].Items {
		assert.Empty(t, it.Buttons, "the week's list has no buttons")
	}
	assert.Len(t, h.Parts[2].Items, 2)
	assert.Equal(t, "occ/3/run/2", h.Parts[2].Items[1].Links[0].MessageKey, "the result links its run thread")

	h, err = b.Home(ctx, "U0STRANGER", HomeFit{})
	require.NoError(t, err)
	assert.Empty(t, h.Parts[0].Items, "a stranger may do nothing")
	assert.NotEmpty(t, h.Parts[0].Empty)
}

func TestHome_GivenAFreezeInForce_ThenNothingIsOfferedAndTheIntroSaysSo(t *testing.T) {
	b, f := homeFake(t, runbook.LangEN)
	f.fz = []runbook.Freeze{{Start: testNow.Add(-time.Hour), End: testNow.Add(time.Hour), Reason: "db migration", Source: runbook.FreezeChat}}
	h, err := b.Home(context.Background(), "U03MARCOS", HomeFit{})
	require.NoError(t, err)
	assert.Empty(t, h.Parts[0].Items)
	assert.Contains(t, h.Intro, "Change freeze in force: “db migration”")
}

func TestHome_GivenTooMuchForTheChat_WhenFitted_ThenPartsAreCutWithAndNMoreWindows(t *testing.T) {
	b, f := homeFake(t, runbook.LangEN)
	var many []runbook.Planned
	for i := range 300 {
		p := f.plan[1]
		p.Occ.Window = p.Occ.Window.Add(time.Duration(i) * time.Minute)
		many = append(many, p)
	}
	f.plan = many
	h, err := b.Home(context.Background(), "U03MARCOS", HomeFit{Budget: 40, PartCost: 2})
	require.NoError(t, err)
	n := 0
	for _, p := range h.Parts {
		n += len(p.Items) + 2
	}
	assert.LessOrEqual(t, n, 40)
	assert.Len(t, h.Parts[2].Items, 2, "the results are kept")
	assert.Equal(t, "… and 269 more windows (/runbook schedule, the calendar feed).", h.Parts[1].More)
	assert.True(t, strings.HasPrefix(h.Parts[1].Items[0].Text, "reset-staging"))
}

func buttonIDs(bs []Button) []string {
	var out []string
	for _, b := range bs {
		out = append(out, b.ID)
	}
	return out
}
