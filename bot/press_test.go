package bot

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/runbook"
)

func TestButtonValue_GivenAButtonBoundToItsOccurrence_ThenItRoundTripsCompactly(t *testing.T) {
	b := Button{ID: "confirm", Job: "seed-dev-data", Occ: 42, Window: window}
	v := ButtonValue(b)
	assert.Equal(t, "v1/seed-dev-data/42/1736546400", v)
	job, occ, w, err := ParseButtonValue(v)
	require.NoError(t, err)
	assert.Equal(t, "seed-dev-data", job)
	assert.Equal(t, int64(42), occ)
	assert.True(t, window.Equal(w))

	long := Button{Job: "j", Occ: 1<<63 - 1, Window: time.Unix(1<<62, 0)}
	assert.LessOrEqual(t, len(ButtonValue(long)), len(long.Job)+43, "the value is the job plus at most 43 characters")
	assert.Equal(t, "seed-dev-data", ButtonValue(Button{Job: "seed-dev-data"}), "no occurrence: the job alone")
}

func TestPress_GivenButtonValues_ThenTheCommandCarriesItsOccurrenceOrIsRefused(t *testing.T) {
	for _, tc := range []struct {
		name   string
		press  Press
		occ    int64
		window time.Time
		code   string // refused before the service with this error
	}{
		{name: "a current value carries its occurrence and window", press: Press{Value: "v1/seed-dev-data/42/1736546400"}, occ: 42, window: window},
		{name: "an old job-only value acts as the typed command", press: Press{Value: "seed-dev-data"}},
		{name: "a shell press gives the fields", press: Press{Job: "seed-dev-data", Occ: 7, Window: window}, occ: 7, window: window},
		{name: "an unknown version", press: Press{Value: "v2/seed-dev-data/42/1736546400"}, code: "bad_button"},
		{name: "a part missing", press: Press{Value: "v1/seed-dev-data/42"}, code: "bad_button"},
		{name: "a part too many", press: Press{Value: "v1/seed-dev-data/42/1736546400/x"}, code: "bad_button"},
		{name: "no job", press: Press{Value: "v1//42/1736546400"}, code: "bad_button"},
		{name: "an occurrence that is no number", press: Press{Value: "v1/seed-dev-data/x/1736546400"}, code: "bad_button"},
		{name: "a negative occurrence", press: Press{Value: "v1/seed-dev-data/-4/1736546400"}, code: "bad_button"},
		{name: "a window that is no number", press: Press{Value: "v1/seed-dev-data/42/tomorrow"}, code: "bad_button"},
		{name: "nothing at all", press: Press{}, code: "bad_button"},
		{name: "an old value naming no job of the runbook", press: Press{Value: "nope"}, code: "unknown_job"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, f, _ := newTestBot(t, runbook.LangEN)
			p := tc.press
			p.User, p.ButtonID, p.RequestID = "U03MARCOS", "confirm", "t"
			rep := b.Press(context.Background(), p)
			if tc.code != "" {
				assert.Empty(t, f.Calls(), "nothing reaches the service")
				want := b.Text("err."+tc.code, nil)
				assert.Equal(t, want[:12], rep.Sections[0].Text[:12], rep.Sections[0].Text)
				return
			}
			require.Equal(t, []string{"confirm seed-dev-data"}, f.Calls())
			assert.Equal(t, tc.occ, f.reqs[0].Occ)
			assert.True(t, tc.window.Equal(f.reqs[0].Window), "window %v", f.reqs[0].Window)
		})
	}
}

func TestPress_GivenAStaleButton_ThenTheReplyNamesItsWindowStateAndTheCurrentMessage(t *testing.T) {
	last, next := window.Add(-7*24*time.Hour), window
	for _, tc := range []struct {
		name string
		lang runbook.Lang
		args map[string]any
		want []string
		key  string
	}{
		{name: "superseded, in English", lang: runbook.LangEN,
			args: map[string]any{"window": last, "state": "succeeded", "current": next, "current_key": "occ/8/request/0"},
			want: []string{
				"This message is about the seed-dev-data window of Fri 2025-01-03 19:00 UTC-03 · 22:00 UTC (state: succeeded); its buttons no longer act on it, so nothing was done.",
				"The window to act on now is Fri 2025-01-10 19:00 UTC-03 · 22:00 UTC",
			}, key: "occ/8/request/0"},
		{name: "superseded, in Portuguese", lang: runbook.LangPT,
			args: map[string]any{"window": last, "state": "succeeded", "current": next, "current_key": "occ/8/request/0"},
			want: []string{
				"Esta mensagem é sobre a janela de seed-dev-data de sex 03/01/2025 19:00 (UTC-03) · 22:00 UTC (estado: sucesso)",
				"A janela sobre a qual agir agora é sex 10/01/2025 19:00 (UTC-03) · 22:00 UTC",
			}, key: "occ/8/request/0"},
		{name: "rescheduled, no window late now", lang: runbook.LangEN,
			args: map[string]any{"window": last, "state": "scheduled", "moved": next},
			want: []string{
				"which was moved to Fri 2025-01-10 19:00 UTC-03 · 22:00 UTC (state: scheduled)",
				"No window of seed-dev-data takes this action now: /runbook status seed-dev-data shows where it stands.",
			}},
		{name: "gone, current message not posted yet", lang: runbook.LangPT,
			args: map[string]any{"window": last, "state": "", "current": next},
			want: []string{"que não existe mais", "A janela sobre a qual agir agora é"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, f, _ := newTestBot(t, tc.lang)
			args := map[string]any{"job": "seed-dev-data"}
			for k, v := range tc.args {
				args[k] = v
			}
			f.err = runbook.NewError(runbook.KindConflict, "stale_button", args)
			rep := b.Press(context.Background(), Press{User: "U03MARCOS", ButtonID: "confirm", Value: "v1/seed-dev-data/7/1735941600", RequestID: "t"})
			require.Len(t, rep.Sections, 1)
			text := rep.Sections[0].Text
			for _, w := range tc.want {
				assert.Contains(t, text, w)
			}
			assert.NotContains(t, text, "{", "every placeholder filled: %s", text)
			assert.Equal(t, firstLine(text), rep.Fallback)
			if tc.key == "" {
				assert.Empty(t, rep.Sections[0].Links)
				return
			}
			require.Len(t, rep.Sections[0].Links, 1)
			assert.Equal(t, tc.key, rep.Sections[0].Links[0].MessageKey, "the adapter links the current message")
			assert.Equal(t, b.t("err.stale_button.link"), rep.Sections[0].Links[0].Label)
		})
	}
}

func TestRender_GivenNoticesWithButtons_ThenEveryButtonIsBoundToTheNoticesOccurrence(t *testing.T) {
	b, _, _ := newTestBot(t, runbook.LangEN)
	withButtons := 0
	for name, n := range notices(t) {
		m := b.Render(n, renderNow)
		for _, btn := range m.Buttons {
			withButtons++
			assert.Equal(t, n.Occ.ID, btn.Occ, "%s: %s", name, btn.ID)
			assert.True(t, n.Occ.Window.Equal(btn.Window), "%s: %s", name, btn.ID)
			assert.Equal(t, n.Occ.Job, btn.Job, "%s: %s", name, btn.ID)
		}
	}
	assert.Greater(t, withButtons, 8)
}
