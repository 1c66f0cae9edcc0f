package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"time"

	"github.com/runbook-bot/runbook-bot/runbook"
	"github.com/runbook-bot/runbook-bot/runbook/ical"
)

// calendarView turns the plan into calendar events in the bot's language (*bot.Bot).
type calendarView interface {
	CalendarEvents(ps []runbook.Planned, now time.Time) []ical.Event
	CalendarName() string
}

// calendarDays is how far ahead the calendar feed goes.
const calendarDays = 90

// calendarMaxAge is how long clients may keep the feed without asking again.
const calendarMaxAge = "private, max-age=300"

// calendar serves GET /api/v1/calendar.ics: every window of the next 90 days
// (?job=ID: of one job) as an RFC 5545 feed, with an ETag (a matching
// If-None-Match gets 304) and Cache-Control.
func (s *opsServer) calendar(w http.ResponseWriter, r *http.Request) {
	if s.cal == nil {
		http.NotFound(w, r)
		return
	}
	job := r.URL.Query().Get("job")
	now := s.svc.Now()
	ps, err := s.svc.Plan(r.Context(), now, now.Add(calendarDays*24*time.Hour), job)
	if runbook.KindOf(err) == runbook.KindNotFound {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		_ = json.NewEncoder(w).Encode(map[string]any{"error": "unknown_job", "jobs": s.svc.Runbook().JobIDs()})
		return
	}
	if err != nil {
		s.log.Error("calendar feed", "err", err)
		http.Error(w, `{"error":"internal"}`, http.StatusInternalServerError)
		return
	}
	var body bytes.Buffer
	name := s.cal.CalendarName()
	if job != "" {
		name += " — " + job
	}
	if err := ical.Write(&body, ical.Calendar{ProdID: "-//runbook-bot//runbook-bot " + version + "//EN", Name: name}, s.cal.CalendarEvents(ps, now)); err != nil {
		s.log.Error("calendar feed", "err", err)
		http.Error(w, `{"error":"internal"}`, http.StatusInternalServerError)
		return
	}
	sum := sha256.Sum256(body.Bytes())
	etag := `"` + hex.EncodeToString(sum[:16]) + `"`
	w.Header().Set("ETag", etag)
	w.Header().Set("Cache-Control", calendarMaxAge)
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Content-Disposition", `inline; filename="runbook.ics"`)
	_, _ = w.Write(body.Bytes())
}
