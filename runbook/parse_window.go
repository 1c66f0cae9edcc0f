package runbook

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // IANA zones work even on hosts without a zoneinfo database
)

// windowDays maps folded day names to a weekday; daily names map to -1.
var windowDays = map[string]time.Weekday{
	"segunda-feira": time.Monday, "segunda": time.Monday, "segunda feira": time.Monday,
	"terca-feira": time.Tuesday, "terca": time.Tuesday, "terca feira": time.Tuesday,
	"quarta-feira": time.Wednesday, "quarta": time.Wednesday, "quarta feira": time.Wednesday,
	"quinta-feira": time.Thursday, "quinta": time.Thursday, "quinta feira": time.Thursday,
	"sexta-feira": time.Friday, "sexta": time.Friday, "sexta feira": time.Friday,
	"sabado": time.Saturday, "domingo": time.Sunday,
	"monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday,
	"thursday": time.Thursday, "friday": time.Friday, "saturday": time.Saturday, "sunday": time.Sunday,
	"diaria": -1, "diario": -1, "diariamente": -1, "todos os dias": -1, "todo dia": -1,
	"daily": -1, "every day": -1, "everyday": -1,
}

var (
	clockRE    = regexp.MustCompile(`^(\d{1,2}):(\d{2})$`)
	utcZoneRE  = regexp.MustCompile(`^(?i:UTC|GMT)([+\-−])(\d{1,2})(?::?(\d{2}))?$`)
	looksClock = regexp.MustCompile(`^\d{1,2}[:h.]\d{0,2}$`)
)

// parseWindow reads "<day> HH:MM [zone]".
func (p *parser) parseWindow(c mdCell) (Window, bool) {
	raw := c.text()
	fields := strings.Fields(raw)
	at := -1
	for i, f := range fields {
		if looksClock.MatchString(f) {
			at = i
			break
		}
	}
	if raw == "" {
		p.problem(c.line, ProbWindowEmpty)
		return Window{}, false
	}
	if at < 0 {
		p.problem(c.line, ProbWindowNoTime, "window", raw)
		return Window{}, false
	}
	w := Window{Location: p.opts.DefaultZone}
	ok := true
	if at == 0 {
		p.problem(c.line, ProbWindowNoDay, "window", raw)
		ok = false
	} else if day, found := windowDays[Fold(strings.Join(fields[:at], " "))]; !found {
		p.problem(c.line, ProbWeekdayUnknown, "day", strings.Join(fields[:at], " "))
		ok = false
	} else if day < 0 {
		w.Daily = true
	} else {
		w.Weekday = day
	}
	if h, m, good := parseClock(fields[at]); good {
		w.Hour, w.Minute = h, m
	} else {
		p.problem(c.line, ProbTimeInvalid, "time", fields[at])
		ok = false
	}
	switch zone := fields[at+1:]; len(zone) {
	case 0:
	case 1:
		loc, err := ParseZone(zone[0])
		if err != nil {
			p.problem(c.line, ProbZoneUnknown, "zone", zone[0])
			ok = false
		} else {
			w.Location, w.ZoneText = loc, zone[0]
		}
	default:
		p.problem(c.line, ProbWindowExtra, "text", strings.Join(zone, " "))
		ok = false
	}
	return w, ok
}

// parseClock reads HH:MM on a 24-hour clock.
func parseClock(s string) (hour, minute int, ok bool) {
	m := clockRE.FindStringSubmatch(s)
	if m == nil {
		return 0, 0, false
	}
	hour, _ = strconv.Atoi(m[1])
	minute, _ = strconv.Atoi(m[2])
	return hour, minute, hour < 24 && minute < 60
}

// ParseZone reads a time zone as the runbook and RUNBOOK_TZ write it: UTC (or
// GMT, Z), a fixed offset UTC±H[:MM] (also with the sign "−"), or an IANA name.
func ParseZone(s string) (*time.Location, error) {
	switch strings.ToUpper(s) {
	case "UTC", "GMT", "Z":
		return time.UTC, nil
	}
	if m := utcZoneRE.FindStringSubmatch(s); m != nil {
		h, _ := strconv.Atoi(m[2])
		min := 0
		if m[3] != "" {
			min, _ = strconv.Atoi(m[3])
		}
		if h > 14 || min > 59 {
			return nil, errBadZone
		}
		off, sign := h*3600+min*60, "+"
		if m[1] != "+" {
			off, sign = -off, "-"
		}
		return time.FixedZone(fmt.Sprintf("UTC%s%02d:%02d", sign, h, min), off), nil
	}
	if s == "" || strings.EqualFold(s, "local") {
		return nil, errBadZone
	}
	return time.LoadLocation(s)
}

// errBadZone is returned by ParseZone for names that are not zones.
var errBadZone = &Error{Kind: KindInvalid, Code: "bad_zone"}

// frequencies maps folded frequency names.
var frequencies = map[string]Frequency{
	"semanal": Weekly, "weekly": Weekly,
	"diaria": Daily, "diario": Daily, "diariamente": Daily, "daily": Daily,
}

// parseFrequency reads the frequency and checks that it agrees with the window
// (only when the window itself was understood).
func (p *parser) parseFrequency(c mdCell, w Window, windowOK bool, windowText string) (Frequency, bool) {
	raw := c.text()
	f, found := frequencies[Fold(raw)]
	if !found {
		p.problem(c.line, ProbFrequencyUnknown, "frequency", raw)
		return "", false
	}
	if !windowOK {
		return f, true
	}
	if f == Weekly && w.Daily {
		p.problem(c.line, ProbFrequencyNeedsDay, "frequency", raw)
		return f, false
	}
	if f == Daily && !w.Daily {
		p.problem(c.line, ProbFrequencyNeedsDaily, "frequency", raw, "window", windowText)
		return f, false
	}
	return f, true
}
