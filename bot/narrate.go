package bot

import (
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// The lines of `runbook-bot simulate` besides the messages, in the bot's
// language: what changed, what was recorded, what a simulated person did.

// Who names a Slack user ID as the messages do: "@Name" when the runbook knows it.
func (b *Bot) Who(id string) string { return b.who(id) }

// Stamp is t as the simulation prints it: "2026-12-04 19:00 UTC".
func Stamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }

// StateLine says that o went from one state to another.
func (b *Bot) StateLine(o runbook.Occurrence, from runbook.State) string {
	return b.t("sim.state", "job", o.Job, "window", b.when(o.Window, b.zoneOf(o.Job)), "from", b.state(from), "to", b.state(o.State))
}

// RecordLine is an audit record: its kind, job and window, who, and its fields (sorted).
func (b *Bot) RecordLine(r runbook.Record) string {
	parts := []string{string(r.Kind)}
	if r.Job != "" {
		parts = append(parts, r.Job)
	}
	if !r.Window.IsZero() {
		parts = append(parts, b.t("sim.window", "window", Stamp(r.Window)))
	}
	if r.Actor != "" {
		parts = append(parts, b.t("sim.by", "by", b.who(r.Actor)))
	}
	var kv []string
	for k, v := range r.Fields {
		if v != "" {
			kv = append(kv, k+"="+v)
		}
	}
	sort.Strings(kv)
	parts = append(parts, kv...)
	return b.t("sim.record", "text", strings.Join(parts, " · "))
}

// CheckinLine is the check-in entry an execution gets.
func (b *Bot) CheckinLine(o runbook.Occurrence) string {
	return b.t("sim.checkin", "job", o.Job, "window", Stamp(o.Window), "state", b.state(o.State), "attempt", strconv.Itoa(o.Attempts))
}

// DelayLogLine is a line for the runbook's delay log.
func (b *Bot) DelayLogLine(l runbook.DelayLine) string {
	return b.t("sim.delay_log", "job", l.Job, "window", Stamp(l.Window), "text", l.Text)
}

// ActionLine is what a simulated person typed.
func (b *Bot) ActionLine(user, text string) string {
	return b.t("sim.action", "by", b.who(user), "text", text)
}
