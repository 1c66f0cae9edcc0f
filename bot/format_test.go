package bot

import (
	"testing"
	"time"

	"github.com/runbook-bot/runbook-bot/runbook"
	"github.com/stretchr/testify/assert"
)

func TestWhen_GivenATimeAndAZone_ThenItReadsAsPeopleWriteDatesInTheLanguage(t *testing.T) {
	saoPaulo := time.FixedZone("-03", -3*3600)
	tests := []struct {
		lang runbook.Lang
		at   time.Time
		loc  *time.Location
		want string
	}{
		{runbook.LangPT, time.Date(2026, 12, 2, 2, 5, 0, 0, time.UTC), saoPaulo, "ter 01/12/2026 23:05 (UTC-03) · 02/12/2026 02:05 UTC"},
		{runbook.LangPT, time.Date(2025, 1, 10, 22, 0, 0, 0, time.UTC), saoPaulo, "sex 10/01/2025 19:00 (UTC-03) · 22:00 UTC"},
		{runbook.LangPT, time.Date(2025, 1, 10, 5, 0, 0, 0, time.UTC), time.UTC, "sex 10/01/2025 05:00 UTC"},
		{runbook.LangEN, time.Date(2025, 1, 10, 22, 0, 0, 0, time.UTC), saoPaulo, "Fri 2025-01-10 19:00 UTC-03 · 22:00 UTC"},
		{runbook.LangEN, time.Date(2025, 1, 10, 5, 0, 0, 0, time.UTC), time.UTC, "Fri 2025-01-10 05:00 UTC"},
		{runbook.LangPT, time.Time{}, time.UTC, "—"},
	}
	for _, tt := range tests {
		b, _, _ := newTestBot(t, tt.lang)
		assert.Equal(t, tt.want, b.when(tt.at, tt.loc))
	}
}

func TestClock_GivenATime_ThenTheZoneIsWrittenAsInTheLanguage(t *testing.T) {
	saoPaulo := time.FixedZone("-03", -3*3600)
	at := time.Date(2025, 1, 10, 22, 27, 0, 0, time.UTC)
	pt, _, _ := newTestBot(t, runbook.LangPT)
	en, _, _ := newTestBot(t, runbook.LangEN)
	assert.Equal(t, "19:27 (UTC-03) / 22:27 UTC", pt.clock(at, saoPaulo))
	assert.Equal(t, "19:27 UTC-03 / 22:27 UTC", en.clock(at, saoPaulo))
	assert.Equal(t, "22:27 UTC", pt.clock(at, time.UTC))
}

func TestDuration_GivenSpans_ThenTheyReadInUnitsPeopleUse(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{-time.Second, "0 s"},
		{0, "0 s"},
		{11 * time.Millisecond, "11 ms"},
		{999 * time.Millisecond, "999 ms"},
		{40 * time.Second, "40 s"},
		{90 * time.Second, "1 min 30 s"},
		{12 * time.Minute, "12 min"},
		{time.Hour + 5*time.Minute + 9*time.Second, "1 h 5 min"},
		{2 * time.Hour, "2 h"},
	}
	for _, lang := range []runbook.Lang{runbook.LangPT, runbook.LangEN} {
		b, _, _ := newTestBot(t, lang)
		for _, tt := range tests {
			assert.Equal(t, tt.want, b.duration(tt.d), "%s %v", lang, tt.d)
		}
	}
}
