package runbook

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func mustLoad(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	require.NoError(t, err)
	return loc
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestWindowNext_GivenAnInstant_WhenAskedForTheNextWindows_ThenTheyFollowTheZone(t *testing.T) {
	ny, berlin, sp := mustLoad(t, "America/New_York"), mustLoad(t, "Europe/Berlin"), mustLoad(t, "America/Sao_Paulo")
	for _, tc := range []struct {
		name   string
		window Window
		after  string
		want   []string // successive windows, UTC
	}{
		{"weekly UTC, later the same day", Window{Weekday: time.Monday, Hour: 9, Location: time.UTC},
			"2026-03-02T08:00:00Z", []string{"2026-03-02T09:00:00Z", "2026-03-09T09:00:00Z"}},
		{"weekly UTC, exactly at the window is not after it", Window{Weekday: time.Monday, Hour: 9, Location: time.UTC},
			"2026-03-02T09:00:00Z", []string{"2026-03-09T09:00:00Z"}},
		{"weekly on the right weekday from mid-week", Window{Weekday: time.Friday, Hour: 19, Location: time.UTC},
			"2026-03-03T12:00:00Z", []string{"2026-03-06T19:00:00Z", "2026-03-13T19:00:00Z"}},
		{"daily UTC", Window{Daily: true, Hour: 5, Location: time.UTC},
			"2026-03-02T05:00:01Z", []string{"2026-03-03T05:00:00Z", "2026-03-04T05:00:00Z"}},
		{"Friday 19:00 in São Paulo is 22:00 UTC", Window{Weekday: time.Friday, Hour: 19, Location: sp},
			"2026-03-06T21:59:00Z", []string{"2026-03-06T22:00:00Z", "2026-03-13T22:00:00Z"}},
		{"Friday 22:00 in São Paulo is Saturday in UTC", Window{Weekday: time.Friday, Hour: 22, Location: sp},
			"2026-03-06T23:00:00Z", []string{"2026-03-07T01:00:00Z"}},
		{"New York spring forward: 02:30 does not exist, read with EST (03:30 EDT)", Window{Daily: true, Hour: 2, Minute: 30, Location: ny},
			"2026-03-07T12:00:00Z", []string{"2026-03-08T07:30:00Z", "2026-03-09T06:30:00Z"}},
		{"New York fall back: 01:30 happens twice, the first (EDT) counts", Window{Daily: true, Hour: 1, Minute: 30, Location: ny},
			"2026-10-31T12:00:00Z", []string{"2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"}},
		{"New York fall back: after the first 01:30, the second is not another window", Window{Daily: true, Hour: 1, Minute: 30, Location: ny},
			"2026-11-01T05:30:00Z", []string{"2026-11-02T06:30:00Z"}},
		{"New York weekly 09:00 across spring forward", Window{Weekday: time.Monday, Hour: 9, Location: ny},
			"2026-03-02T15:00:00Z", []string{"2026-03-09T13:00:00Z"}},
		{"Berlin spring forward: Sunday 02:30 is 03:30 CEST", Window{Weekday: time.Sunday, Hour: 2, Minute: 30, Location: berlin},
			"2026-03-28T00:00:00Z", []string{"2026-03-29T01:30:00Z", "2026-04-05T00:30:00Z"}},
		{"Berlin fall back: 02:30 happens twice, the first (CEST) counts", Window{Daily: true, Hour: 2, Minute: 30, Location: berlin},
			"2026-10-24T12:00:00Z", []string{"2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"}},
		{"nil location means UTC", Window{Daily: true, Hour: 23, Minute: 59},
			"2026-12-31T23:59:30Z", []string{"2027-01-01T23:59:00Z"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			after := utc(tc.after)
			for _, w := range tc.want {
				next := tc.window.Next(after)
				assert.Equal(t, utc(w), next.UTC(), "after %s", after.UTC())
				assert.True(t, next.After(after))
				after = next
			}
		})
	}
}

func TestWindowNext_GivenEveryHalfHourOfAYear_WhenWalked_ThenWindowsAreIncreasingAndOnePerDay(t *testing.T) {
	for _, zone := range []string{"UTC", "America/New_York", "Europe/Berlin", "America/Sao_Paulo", "Australia/Lord_Howe"} {
		loc := mustLoad(t, zone)
		for _, hm := range [][2]int{{0, 0}, {1, 30}, {2, 0}, {2, 30}, {23, 59}} {
			w := Window{Daily: true, Hour: hm[0], Minute: hm[1], Location: loc}
			prev := w.Next(utc("2025-12-31T00:00:00Z"))
			for i := 0; i < 400; i++ {
				next := w.Next(prev)
				require.True(t, next.After(prev), "%s %v", zone, hm)
				gap := next.Sub(prev)
				require.True(t, gap >= 22*time.Hour && gap <= 26*time.Hour, "%s %v: %s to %s", zone, hm, prev, next)
				require.Equal(t, prev, w.Previous(next.Add(-time.Second)), "%s %v", zone, hm)
				prev = next
			}
		}
	}
}

func TestWindowPrevious_GivenAnInstant_WhenAskedForTheCurrentWindow_ThenTheLatestAtOrBeforeIt(t *testing.T) {
	w := Window{Weekday: time.Monday, Hour: 9, Location: time.UTC}
	for _, tc := range []struct{ at, want string }{
		{"2026-03-02T09:00:00Z", "2026-03-02T09:00:00Z"},
		{"2026-03-02T08:59:59Z", "2026-02-23T09:00:00Z"},
		{"2026-03-08T23:00:00Z", "2026-03-02T09:00:00Z"},
	} {
		assert.Equal(t, utc(tc.want), w.Previous(utc(tc.at)).UTC(), tc.at)
		assert.Equal(t, utc(tc.want), Job{Window: w}.Previous(utc(tc.at)).UTC(), tc.at)
	}
}

func TestJobOccurrences_GivenAWeeklyJob_WhenAskedForThree_ThenAWeekApart(t *testing.T) {
	j := Job{ID: "a", Window: Window{Weekday: time.Wednesday, Hour: 6, Location: time.UTC}}
	got := j.Occurrences(utc("2026-01-01T00:00:00Z"), 3)
	require.Len(t, got, 3)
	assert.Equal(t, utc("2026-01-07T06:00:00Z"), got[0].UTC())
	assert.Equal(t, utc("2026-01-14T06:00:00Z"), got[1].UTC())
	assert.Equal(t, utc("2026-01-21T06:00:00Z"), got[2].UTC())
	assert.Empty(t, j.Occurrences(utc("2026-01-01T00:00:00Z"), 0))
}

func TestUpcoming_GivenTheSeedRunbookInSaoPaulo_WhenAskedForTheNextSlots_ThenMergedWithConfirmAndReminders(t *testing.T) {
	sp := mustLoad(t, "America/Sao_Paulo")
	rb := mustParseFile(t, "testdata/runbook.pt.md", ParseOptions{DefaultZone: sp})
	// Thursday 2026-03-05 12:00 UTC.
	slots := rb.Upcoming(utc("2026-03-05T12:00:00Z"), 5, 24*time.Hour, []time.Duration{time.Hour, 4 * time.Hour})
	type s struct{ job, at string }
	var got []s
	for _, sl := range slots {
		got = append(got, s{sl.Job, sl.Window.Format(time.RFC3339)})
		assert.Equal(t, time.UTC, sl.Window.Location())
		assert.Equal(t, sl.Window.Add(-24*time.Hour), sl.ConfirmAt)
		assert.Equal(t, []time.Time{sl.Window.Add(-4 * time.Hour), sl.Window.Add(-time.Hour)}, sl.Reminders)
	}
	assert.Equal(t, []s{
		{"reset-staging", "2026-03-06T05:00:00Z"},
		{"seed-dev-data", "2026-03-06T22:00:00Z"}, // Friday 19:00 in São Paulo
		{"reset-staging", "2026-03-07T05:00:00Z"},
		{"reset-staging", "2026-03-08T05:00:00Z"},
		{"reset-staging", "2026-03-09T05:00:00Z"},
	}, got)
	assert.Nil(t, rb.Upcoming(utc("2026-03-05T12:00:00Z"), 0, time.Hour, nil))
}

func TestUpcoming_GivenTwoJobsAtTheSameTime_WhenMerged_ThenTableOrderBreaksTheTie(t *testing.T) {
	w := Window{Daily: true, Hour: 5, Location: time.UTC}
	rb := &Runbook{Jobs: []Job{{ID: "b", Window: w}, {ID: "a", Window: w}}}
	slots := rb.Upcoming(utc("2026-03-05T00:00:00Z"), 3, time.Hour, nil)
	require.Len(t, slots, 3)
	assert.Equal(t, []string{"b", "a", "b"}, []string{slots[0].Job, slots[1].Job, slots[2].Job})
	assert.Empty(t, slots[0].Reminders)
}

func TestReminderTimes_GivenALeadShorterThanAReminder_WhenComputed_ThenThatReminderIsSkipped(t *testing.T) {
	T := utc("2026-03-06T22:00:00Z")
	for _, tc := range []struct {
		name      string
		lead      time.Duration
		reminders []time.Duration
		want      []time.Time
	}{
		{"both after the request", 24 * time.Hour, []time.Duration{4 * time.Hour, time.Hour}, []time.Time{T.Add(-4 * time.Hour), T.Add(-time.Hour)}},
		{"4h before a 2h lead is skipped", 2 * time.Hour, []time.Duration{4 * time.Hour, time.Hour}, []time.Time{T.Add(-time.Hour)}},
		{"a reminder at the request time is skipped", time.Hour, []time.Duration{time.Hour}, nil},
		{"duplicates and non-positive values dropped", 24 * time.Hour, []time.Duration{time.Hour, time.Hour, 0}, []time.Time{T.Add(-time.Hour)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, ReminderTimes(T, tc.lead, tc.reminders))
		})
	}
}

func TestWindowString_GivenWindows_WhenShown_ThenDayTimeAndZone(t *testing.T) {
	assert.Equal(t, "Monday 09:00 UTC", Window{Weekday: time.Monday, Hour: 9}.String())
	assert.Equal(t, "daily 05:07 America/Sao_Paulo", Window{Daily: true, Hour: 5, Minute: 7, Location: mustLoad(t, "America/Sao_Paulo")}.String())
}
