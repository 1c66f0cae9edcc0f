package bot

import (
	"context"
	"strconv"
	"time"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// zoneOf is the job's zone; for no job (or an unknown one), the runbook's (RUNBOOK_TZ), else UTC.
func (b *Bot) zoneOf(job string) *time.Location {
	if j, ok := b.runbook().Job(job); ok && j.Window.Location != nil {
		return j.Window.Location
	}
	if z := b.runbook().Zone; z != nil {
		return z
	}
	return time.UTC
}

// when formats t in the job's zone and in UTC, as the language writes dates:
// "sex 10/01/2025 19:00 (UTC-03) · 22:00 UTC", "Fri 2025-01-10 19:00 UTC-03 · 22:00 UTC".
func (b *Bot) when(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return "—"
	}
	lt, ut := t.In(loc), t.UTC()
	day := b.t("weekday." + strconv.Itoa(int(lt.Weekday())))
	if runbook.ZoneLabel(lt) == "UTC" {
		return day + " " + b.date(lt) + " " + lt.Format("15:04") + " UTC"
	}
	local := b.t("fmt.when", "day", day, "date", b.date(lt), "time", lt.Format("15:04"), "zone", runbook.ZoneLabel(lt))
	if lt.Format("2006-01-02") == ut.Format("2006-01-02") {
		return local + " · " + ut.Format("15:04") + " UTC"
	}
	return local + " · " + b.date(ut) + " " + ut.Format("15:04") + " UTC"
}

// date is t's calendar day as the language writes it: "10/01/2025", "2025-01-10".
func (b *Bot) date(t time.Time) string { return CLIDate(b.Lang(), t) }

// clock formats t as "19:27 (UTC-03) / 22:27 UTC" (pt-BR) or "19:27 UTC-03 / 22:27 UTC".
func (b *Bot) clock(t time.Time, loc *time.Location) string {
	lt := t.In(loc)
	if runbook.ZoneLabel(lt) == "UTC" {
		return lt.Format("15:04") + " UTC"
	}
	return b.t("fmt.clock", "time", lt.Format("15:04"), "zone", runbook.ZoneLabel(lt)) + " / " + t.UTC().Format("15:04") + " UTC"
}

// duration formats d as "11 ms", "40 s", "1 min 30 s", "12 min", "1 h 5 min" or "2 h".
func (b *Bot) duration(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	h, m, s := int(d/time.Hour), int(d%time.Hour/time.Minute), int(d%time.Minute/time.Second)
	switch {
	case d >= time.Hour && m == 0:
		return b.t("dur.h", "h", strconv.Itoa(h))
	case d >= time.Hour:
		return b.t("dur.hm", "h", strconv.Itoa(h), "m", strconv.Itoa(m))
	case d >= time.Minute && s == 0:
		return b.t("dur.m", "m", strconv.Itoa(m))
	case d >= time.Minute:
		return b.t("dur.ms", "m", strconv.Itoa(m), "s", strconv.Itoa(s))
	case d > 0 && d < time.Second:
		return b.t("dur.milli", "ms", strconv.Itoa(int(d/time.Millisecond)))
	}
	return b.t("dur.s", "s", strconv.Itoa(s))
}

// minutesCeil is d in whole minutes, rounded up.
func minutesCeil(d time.Duration) int {
	if d <= 0 {
		return 0
	}
	return int((d + time.Minute - 1) / time.Minute)
}

// ContactName is the runbook's name for a Slack user or group ID, "" when it names nobody.
func (b *Bot) ContactName(id string) string { return b.svc.ContactName(context.Background(), id) }

// who names a Slack user ID for text: "@Name" when the runbook knows it, else "@U…".
func (b *Bot) who(id string) string {
	if id == "" {
		return b.t("word.bot")
	}
	if name := b.svc.ContactName(context.Background(), id); name != "" {
		return "@" + name
	}
	return "@" + id
}

// mention is a ping of a person or team named in the runbook, when it has an ID.
func (b *Bot) mention(name string) (Mention, bool) {
	if name == "" {
		return Mention{}, false
	}
	id := b.svc.ContactID(context.Background(), name)
	if id == "" {
		return Mention{}, false
	}
	return Mention{ID: id, Name: name}, true
}

// mentions pings the named people and teams, once each, skipping unknown ones.
func (b *Bot) mentions(names ...string) []Mention {
	var out []Mention
	seen := map[string]bool{}
	for _, n := range names {
		m, ok := b.mention(n)
		if !ok || seen[m.ID] {
			continue
		}
		seen[m.ID] = true
		out = append(out, m)
	}
	return out
}

// state is the localized state name.
func (b *Bot) state(s runbook.State) string { return StateName(b.Lang(), s) }

// reason is the localized failure reason.
func (b *Bot) reason(r string) string {
	if r == "" {
		return ""
	}
	return b.t("reason." + r)
}

// timeField is a window-like field rendered in the reader's zone where the adapter can.
func (b *Bot) timeField(label string, t time.Time, loc *time.Location) Field {
	u := t.UTC()
	return Field{Label: b.t(label), Value: b.when(t, loc), Time: &u}
}

func field(label, value string) Field { return Field{Label: label, Value: value} }
