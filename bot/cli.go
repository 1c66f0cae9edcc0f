package bot

import (
	"fmt"
	"strconv"
	"time"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// CLILang is the language of the operator command line: want when there is a
// catalogue for it, else the runbook's language, else English (as Bot.Lang).
func CLILang(want runbook.Lang, rb *runbook.Runbook) runbook.Lang {
	if _, ok := catalogues[want]; ok {
		return want
	}
	if rb != nil {
		if _, ok := catalogues[rb.Lang]; ok {
			return rb.Lang
		}
	}
	return runbook.LangEN
}

// CLIWindow is a job's recurring window as the operator command line shows
// it in lang, with the weekday names dates use: "Mon 09:00 UTC (weekly)", "seg 09:00 UTC (semanal)".
func CLIWindow(lang runbook.Lang, w runbook.Window) string {
	at := fmt.Sprintf("%02d:%02d", w.Hour, w.Minute)
	zone := w.Zone().String()
	if w.Daily {
		return CLIText(lang, "cli.window.daily", "time", at, "zone", zone)
	}
	day := CLIText(lang, "weekday."+strconv.Itoa(int(w.Day())))
	return CLIText(lang, "cli.window.weekly", "day", day, "time", at, "zone", zone)
}

// CLITextN is CLIText for a message that counts n things: the id's ".one"
// or ".other" form as lang counts, with n as the argument "n".
func CLITextN(lang runbook.Lang, id string, n int, kv ...string) string {
	form := pluralOther
	if isOne(lang, n) {
		form = pluralOne
	}
	return CLIText(lang, id+form, append([]string{"n", strconv.Itoa(n)}, kv...)...)
}

// CLIText is the catalogue message id in lang with its arguments given as
// name, value pairs, for the operator command line (which has no Bot).
func CLIText(lang runbook.Lang, id string, kv ...string) string {
	args := make(map[string]string, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		args[kv[i]] = kv[i+1]
	}
	tmpl, _ := lookup(lang, id)
	return expand(tmpl, args)
}

// HasText reports whether the catalogue of lang has the message id.
func HasText(lang runbook.Lang, id string) bool {
	_, ok := catalogues[lang][id]
	return ok
}

// StateName is the name of an occurrence's state in lang, for people.
func StateName(lang runbook.Lang, s runbook.State) string {
	if s == "" {
		return "—"
	}
	return CLIText(lang, "state."+string(s))
}

// CLIDate is t's calendar day as lang writes dates ("13/01/2025", "2025-01-13"), as the chat does.
func CLIDate(lang runbook.Lang, t time.Time) string {
	return CLIText(lang, "fmt.date", "yyyy", t.Format("2006"), "mm", t.Format("01"), "dd", t.Format("02"))
}

// Weekday is the short name of t's weekday in lang ("Mon", "seg").
func Weekday(lang runbook.Lang, t time.Time) string {
	return CLIText(lang, "weekday."+strconv.Itoa(int(t.Weekday())))
}
