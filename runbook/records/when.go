package records

import (
	"time"

	"github.com/runbook-bot/runbook-bot/runbook"
)

var weekdays = map[runbook.Lang][7]string{
	runbook.LangPT: {"dom", "seg", "ter", "qua", "qui", "sex", "sáb"},
	runbook.LangEN: {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"},
}

// When formats t as the records' readers write dates, in loc (nil: UTC) and in
// UTC: "ter 01/12/2026 23:05 (UTC-03) · 02/12/2026 02:05 UTC" in pt-BR,
// "Tue 2026-12-01 23:05 UTC-03 · 2026-12-02 02:05 UTC" in English; "—" for
// the zero time. clock is the layout of the time of day ("15:04" or "15:04:05").
func When(lang runbook.Lang, t time.Time, loc *time.Location, clock string) string {
	if t.IsZero() {
		return "—"
	}
	lang = langOf(lang)
	if loc == nil {
		loc = time.UTC
	}
	lt, ut := t.In(loc), t.UTC()
	date := func(t time.Time) string {
		if lang == runbook.LangPT {
			return t.Format("02/01/2006")
		}
		return t.Format("2006-01-02")
	}
	day := weekdays[lang][lt.Weekday()]
	zone := runbook.ZoneLabel(lt)
	if zone == "UTC" {
		return day + " " + date(lt) + " " + lt.Format(clock) + " UTC"
	}
	local := day + " " + date(lt) + " " + lt.Format(clock) + " " + zone
	if lang == runbook.LangPT {
		local = day + " " + date(lt) + " " + lt.Format(clock) + " (" + zone + ")"
	}
	if date(lt) == date(ut) {
		return local + " · " + ut.Format(clock) + " UTC"
	}
	return local + " · " + date(ut) + " " + ut.Format(clock) + " UTC"
}
