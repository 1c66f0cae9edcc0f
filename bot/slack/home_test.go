package slack

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/bot"
	"github.com/runbook-bot/runbook-bot/runbook"
	"github.com/runbook-bot/runbook-bot/runbook/sqlite"
)

// homes counts the Homes the fake handler built.
var homesBuilt atomic.Int32

func (h *fakeHandler) Home(_ context.Context, user string, _ bot.HomeFit) (bot.Home, error) {
	n := homesBuilt.Add(1)
	return bot.Home{Title: "Home of " + user, Intro: fmt.Sprintf("build %d", n), Parts: []bot.HomePart{
		{Heading: "Needs you", Items: []bot.HomeItem{{Text: "seed-dev-data <!channel>", Buttons: []bot.Button{{ID: "confirm", Label: "Confirm", Job: "seed-dev-data", Occ: 7, Window: time.Unix(1796497200, 0)}}}}},
	}}, nil
}

// goldenHome is a Home with every kind of item, hostile text included.
func goldenHome() bot.Home {
	w := time.Date(2026, 12, 4, 22, 0, 0, 0, time.UTC)
	return bot.Home{
		Title: "runbook-bot — your week",
		Intro: "As of Fri 2026-12-04 18:00 UTC: the next 7 days.\n❄ Change freeze in force: “<!channel> & migration”.",
		Parts: []bot.HomePart{
			{Heading: "Needs you", Items: []bot.HomeItem{{
				Text:  "seed-dev-data · Fri 2026-12-04 19:00 UTC-03 · 22:00 UTC · awaiting confirmation",
				Lines: []string{"Primary: Marcos Paulo (DevOps) · Backup: Bianca Ramos", "❌ Pre-flight failed: DEV_RELATIONAL_URL.", "Open tickets: 3."},
				Buttons: []bot.Button{
					{ID: "confirm", Label: "Confirm", Job: "seed-dev-data", Occ: 7, Window: w, Style: "primary"},
					{ID: "decline", Label: "Decline", Job: "seed-dev-data", Occ: 7, Window: w, Style: "danger", Prompt: &bot.Prompt{Title: "Decline the window", Label: "Reason"}},
					{ID: "check", Label: "Check", Job: "seed-dev-data", Occ: 7, Window: w},
				},
			}}},
			{Heading: "The next 7 days", Items: []bot.HomeItem{{Text: "reset-staging · Sat 2026-12-05 05:00 UTC · scheduled", Lines: []string{"Pre-flight: with the confirmation request."}}},
				More: "… and 12 more windows (/runbook schedule, the calendar feed)."},
			{Heading: "Latest results (10)", Items: []bot.HomeItem{{Text: "✅ reset-staging · Fri 2026-12-04 05:00 UTC · succeeded",
				Links: []bot.Link{{Label: "Run thread", URL: "https://slacktest.slack.com/archives/C1/p1"}}}}},
		},
	}
}

func TestHomeView_GivenAHome_ThenTheViewMatchesTheGoldenFile(t *testing.T) {
	raw, err := json.MarshalIndent(HomeView(goldenHome()), "", "  ")
	require.NoError(t, err)
	got := []byte(strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(string(raw)) + "\n")
	path := filepath.Join("testdata", "golden", "home.json")
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./bot/slack -run TestHomeView -update")
	assert.Equal(t, string(want), string(got))
	assert.NotContains(t, string(got), "<!channel>", "text is escaped")
}

func TestHomeView_GivenA200JobRunbook_WhenTheHomeIsBuilt_ThenItKeepsSlacksLimitsAndSaysHowManyMoreWindows(t *testing.T) {
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	rb := &runbook.Runbook{File: "big.md", Lang: runbook.LangEN, Policy: runbook.Policy{ConfirmLead: 24 * time.Hour, DelayThreshold: 30 * time.Minute, IncidentDeadline: 15 * time.Minute}}
	rb.Contacts = []runbook.Contact{{Name: "Ana", Kind: runbook.ContactUser, Ref: "U0ANA"}}
	for i := range 200 {
		rb.Jobs = append(rb.Jobs, runbook.Job{ID: fmt.Sprintf("job-%03d", i), Window: runbook.Window{Daily: true, Hour: i % 24, Minute: i % 60, Location: time.UTC},
			Frequency: runbook.Daily, Command: []string{fmt.Sprintf("scripts/job-%03d.sh", i)}, Primary: runbook.Owner{Person: "Ana"}, Backup: runbook.Owner{Person: "Ana"}})
	}
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "big.db"))
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	svc := runbook.NewService(rb, runbook.Settings{}, runbook.Deps{Store: db, Clock: clockwork.NewFakeClockAt(now)})
	require.NoError(t, svc.Materialize(context.Background()))
	b := bot.New(svc, bot.Options{Channel: "#plataforma"})
	h, err := b.Home(context.Background(), "U0ANA", homeFit)
	require.NoError(t, err)
	view := HomeView(h)
	require.LessOrEqual(t, len(view.Blocks.BlockSet), maxHomeBlocks)
	require.NotEmpty(t, h.Parts[0].Items, "Ana may confirm the requested windows")
	require.Regexp(t, `^… and \d+ more windows`, h.Parts[1].More, "the week is cut with a count")
	raw, err := json.Marshal(view)
	require.NoError(t, err)
	require.Contains(t, string(raw), "more windows")
	require.Less(t, len(raw), 250_000)
}

func TestHome_GivenAppHomeOpened_WhenTheStateChanges_ThenTheHomeIsPublishedAndRepublishedCoalesced(t *testing.T) {
	r := newRig(t)
	r.start(t)
	env := r.srv.SendAppHomeOpened("U0ANA")
	_, err := r.srv.WaitAck(env, 3*time.Second)
	require.NoError(t, err)
	r.waitFor(t, "the Home published", func() bool { return r.srv.Publishes("U0ANA") == 1 })
	v, ok := r.srv.HomeView("U0ANA")
	require.True(t, ok)
	assert.Contains(t, string(v.JSON), `"type":"home"`)
	assert.Contains(t, string(v.JSON), `v1/seed-dev-data/7/1796497200`, "its buttons are bound to their occurrence")

	// Redelivered: nothing more.
	_, err = r.srv.Replay(env)
	require.NoError(t, err)
	// A burst of changes: one more publish.
	for range 5 {
		r.ad.HomeChanged()
	}
	r.waitFor(t, "the Home republished", func() bool { return r.srv.Publishes("U0ANA") == 2 })
	time.Sleep(2 * homeSettle) // the coalesced burst publishes once
	assert.Equal(t, 2, r.srv.Publishes("U0ANA"))
	assert.Zero(t, r.srv.Publishes("U0BOB"), "only those who opened it")
}
