// Package ical writes iCalendar (RFC 5545) feeds: a VCALENDAR of VEVENTs with
// UTC times, escaped text and lines folded at 75 octets.
package ical

import (
	"bufio"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Event is one VEVENT.
type Event struct {
	UID         string    // stable identity of the event
	Start, End  time.Time // written in UTC
	Stamp       time.Time // DTSTAMP: when the event last changed
	Sequence    int       // revision: incremented when the start moves
	Summary     string
	Description string
	Categories  []string
	Status      string // TENTATIVE, CONFIRMED or CANCELLED; empty: none
}

// Calendar is a feed's header.
type Calendar struct {
	ProdID string // e.g. "-//runbook-bot//runbook-bot//EN"
	Name   string // X-WR-CALNAME, shown by most clients
}

const utcLayout = "20060102T150405Z"

// Write writes the calendar with its events.
func Write(w io.Writer, c Calendar, events []Event) error {
	bw := bufio.NewWriter(w)
	line := func(name, value string) { writeFolded(bw, name+":"+value) }
	line("BEGIN", "VCALENDAR")
	line("VERSION", "2.0")
	line("PRODID", Text(c.ProdID))
	line("CALSCALE", "GREGORIAN")
	line("METHOD", "PUBLISH")
	if c.Name != "" {
		line("X-WR-CALNAME", Text(c.Name))
	}
	for _, e := range events {
		line("BEGIN", "VEVENT")
		line("UID", Text(e.UID))
		line("DTSTAMP", e.Stamp.UTC().Format(utcLayout))
		line("DTSTART", e.Start.UTC().Format(utcLayout))
		line("DTEND", e.End.UTC().Format(utcLayout))
		line("SEQUENCE", strconv.Itoa(e.Sequence))
		line("SUMMARY", Text(e.Summary))
		if e.Description != "" {
			line("DESCRIPTION", Text(e.Description))
		}
		if len(e.Categories) > 0 {
			cs := make([]string, len(e.Categories))
			for i, c := range e.Categories {
				cs[i] = Text(c)
			}
			line("CATEGORIES", strings.Join(cs, ","))
		}
		if e.Status != "" {
			line("STATUS", e.Status)
		}
		line("END", "VEVENT")
	}
	line("END", "VCALENDAR")
	return bw.Flush()
}

// Text escapes a TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma
// and newlines; other control characters are dropped.
func Text(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\\' || r == ';' || r == ',':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r < 0x20 || r == 0x7f:
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// writeFolded writes a content line folded at 75 octets (never inside a
// UTF-8 sequence), ending in CRLF.
func writeFolded(w *bufio.Writer, s string) {
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		w.WriteString(s[:cut])
		w.WriteString("\r\n ")
		s = s[cut:]
		limit = 74 // the leading space counts
	}
	w.WriteString(s)
	w.WriteString("\r\n")
}
