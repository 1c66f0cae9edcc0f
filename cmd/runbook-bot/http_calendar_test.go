package main

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/jonboulle/clockwork"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/bot"
	"github.com/runbook-bot/runbook-bot/runbook"
	"github.com/runbook-bot/runbook-bot/runbook/sqlite"
)

// calRig is the operations server with its calendar feed over the Portuguese test runbook.
type calRig struct {
	t     *testing.T
	svc   *runbook.Service
	rb    *runbook.Runbook
	clock *clockwork.FakeClock
	h     http.Handler
}

func newCalRig(t *testing.T, extra string) *calRig {
	t.Helper()
	src, err := os.ReadFile("../../runbook/testdata/runbook.pt.md")
	require.NoError(t, err)
	rb, problems := runbook.Parse("runbook.pt.md", append(src, []byte(extra)...), runbook.ParseOptions{DefaultZone: time.UTC})
	require.Empty(t, problems)
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "runbook.db"))
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	clock := clockwork.NewFakeClockAt(time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC))
	svc := runbook.NewService(rb, runbook.Settings{Operators: []string{"U09OPS"}}, runbook.Deps{Store: db, Clock: clock})
	b := bot.New(svc, bot.Options{Channel: "#plataforma"})
	ops := &opsServer{svc: svc, db: db, log: slog.New(slog.NewTextHandler(&syncBuffer{}, nil)), cal: b}
	return &calRig{t: t, svc: svc, rb: rb, clock: clock, h: ops.handler()}
}

func (r *calRig) get(path string, header ...string) *http.Response {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	r.h.ServeHTTP(w, req)
	return w.Result()
}

// parse reads the feed back with an independent iCalendar library.
func (r *calRig) parse(res *http.Response) []*ics.VEvent {
	r.t.Helper()
	require.Equal(r.t, http.StatusOK, res.StatusCode)
	cal, err := ics.ParseCalendar(res.Body)
	require.NoError(r.t, err)
	return cal.Events()
}

func prop(e *ics.VEvent, p ics.ComponentProperty) string {
	if v := e.GetProperty(p); v != nil {
		return v.Value
	}
	return ""
}

func TestCalendar_GivenTheRunbook_WhenTheFeedIsRead_ThenEveryWindowOfTheNext90DaysMatchesTheSchedule(t *testing.T) {
	r := newCalRig(t, "")
	res := r.get("/api/v1/calendar.ics")
	assert.Equal(t, "text/calendar; charset=utf-8", res.Header.Get("Content-Type"))
	events := r.parse(res)

	now := r.clock.Now()
	var want []string
	for _, s := range r.rb.Upcoming(now, 1000, 24*time.Hour, nil) { // what `schedule` lists
		if s.Window.Before(now.Add(90 * 24 * time.Hour)) {
			want = append(want, s.Job+" "+s.Window.UTC().Format(time.RFC3339))
		}
	}
	var got []string
	uids := map[string]bool{}
	for _, e := range events {
		start, err := e.GetStartAt()
		require.NoError(t, err)
		end, err := e.GetEndAt()
		require.NoError(t, err)
		require.Equal(t, 30*time.Minute, end.Sub(start), "a window lasts until its delay threshold")
		require.Equal(t, time.UTC, start.Location())
		summary := prop(e, ics.ComponentPropertySummary)
		job := strings.Fields(summary)[0]
		got = append(got, job+" "+start.UTC().Format(time.RFC3339))
		uid := e.Id()
		require.False(t, uids[uid], "UID %s is unique", uid)
		uids[uid] = true
		require.Equal(t, job+"-"+itoa64(start.Unix())+"@runbook-bot", uid, "stable per job and window")
		desc := prop(e, ics.ComponentPropertyDescription)
		j, _ := r.rb.Job(job)
		require.Contains(t, desc, j.Primary.Person)
		require.Contains(t, desc, j.Command[0])
		require.Contains(t, summary, "agendado")
	}
	require.Equal(t, want, got)
	require.Greater(t, len(got), 100, "90 days of a daily job and two weekly ones")
}

func TestCalendar_GivenStateAndAFreeze_WhenTheFeedIsRead_ThenSummaryDescriptionAndFilterSaySo(t *testing.T) {
	r := newCalRig(t, "\n## Congelamentos\n\n| Início | Fim | Motivo |\n| --- | --- | --- |\n| 2026-12-24 00:00 | 2026-12-26 00:00 | Natal |\n")
	ctx := context.Background()
	require.NoError(t, r.svc.Materialize(ctx))
	marcos := "U03MARCOSPAULO"
	_, err := r.svc.Confirm(ctx, runbook.Request{User: marcos, RequestID: "c1"}, "seed-dev-data", false)
	require.NoError(t, err)

	events := r.parse(r.get("/api/v1/calendar.ics?job=seed-dev-data"))
	require.NotEmpty(t, events)
	for _, e := range events {
		require.True(t, strings.HasPrefix(prop(e, ics.ComponentPropertySummary), "seed-dev-data"), "only the job asked for")
	}
	first := events[0]
	start, _ := first.GetStartAt()
	require.True(t, start.Equal(time.Date(2026, 12, 4, 19, 0, 0, 0, time.UTC)))
	require.Contains(t, prop(first, ics.ComponentPropertySummary), "confirmado")
	require.Equal(t, "CONFIRMED", prop(first, ics.ComponentPropertyStatus))

	var frozen int
	for _, e := range r.parse(r.get("/api/v1/calendar.ics?job=reset-staging")) {
		if strings.Contains(prop(e, ics.ComponentPropertyDescription), "Natal") {
			frozen++
			require.Contains(t, prop(e, ics.ComponentPropertySummary), "❄")
		}
	}
	require.Equal(t, 2, frozen, "the daily windows of Dec 24 and 25 fall in the freeze")

	res := r.get("/api/v1/calendar.ics?job=nope")
	require.Equal(t, http.StatusNotFound, res.StatusCode)
}

func TestCalendar_GivenAnETag_WhenNothingChanged_Then304AndAfterAChangeANewFeed(t *testing.T) {
	r := newCalRig(t, "")
	res := r.get("/api/v1/calendar.ics")
	etag := res.Header.Get("ETag")
	require.NotEmpty(t, etag)
	require.Contains(t, res.Header.Get("Cache-Control"), "max-age=")
	again := r.get("/api/v1/calendar.ics", "If-None-Match", etag)
	require.Equal(t, http.StatusNotModified, again.StatusCode)

	ctx := context.Background()
	require.NoError(t, r.svc.Materialize(ctx))
	_, err := r.svc.Confirm(ctx, runbook.Request{User: "U03MARCOSPAULO", RequestID: "c1"}, "seed-dev-data", false)
	require.NoError(t, err)
	changed := r.get("/api/v1/calendar.ics", "If-None-Match", etag)
	require.Equal(t, http.StatusOK, changed.StatusCode)
	require.NotEqual(t, etag, changed.Header.Get("ETag"))
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
