package bot

import (
	"strconv"
	"time"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// renderIncident is the failure post in the incident channel: it carries the
// countdown, then who recorded the incident (and which reference it replaced,
// if it was corrected), or that it was escalated. It never pings @here.
func (b *Bot) renderIncident(n runbook.Notice, now time.Time) Message {
	o, j := n.Occ, b.job(n.Occ.Job)
	loc := b.zoneOf(o.Job)
	title := b.t("notice.incident.title", "job", o.Job)
	if n.Thread != "" {
		title = b.t("notice.incident.again", "job", o.Job, "attempt", strconv.Itoa(o.Attempts))
	}
	reason := b.reason(o.Reason)
	if reason == "" {
		reason = "—"
	}
	fields := []Field{b.timeField("label.window", o.Window, loc), field(b.t("label.run_by"), b.who(o.RunBy)), field(b.t("label.reason"), reason)}
	if o.ExitCode != nil {
		fields = append(fields, field(b.t("label.exit_code"), strconv.Itoa(*o.ExitCode)))
	}
	if o.FailedAt != nil {
		fields = append(fields, b.timeField("label.failed_at", *o.FailedAt, loc))
	}
	m := Message{
		Title:    title,
		Mentions: b.mentions(j.Primary.Person, j.Backup.Person),
		Sections: []Section{{Text: b.t("notice.incident.body", "job", o.Job, "window", b.when(o.Window, loc), "by", b.who(o.RunBy), "reason", reason), Fields: fields}},
	}
	if o.Attempts > 0 {
		m.Sections = append(m.Sections, Section{Links: []Link{{Prefix: "🧵 ", Label: b.t("notice.incident.thread", "attempt", strconv.Itoa(o.Attempts)), MessageKey: o.RunKey(o.Attempts)}}})
	}
	m.Sections = append(m.Sections, b.logIncomplete(o)...)
	m = b.withTail(m, n.Tail, "notice.incident.tail")
	switch {
	case o.IncidentRef != "":
		after := "—"
		if o.IncidentAt != nil && o.FailedAt != nil {
			after = strconv.Itoa(int(o.IncidentAt.Sub(*o.FailedAt) / time.Minute))
		}
		at := "—"
		if o.IncidentAt != nil {
			at = b.clock(*o.IncidentAt, loc)
		}
		text := b.t("notice.incident.recorded", "ref", o.IncidentRef, "by", b.who(o.IncidentBy), "at", at, "min", after)
		if n.Text != "" { // the reference replaced another (incident --replace)
			text += "\n" + b.t("notice.incident.replaced", "old", n.Text, "by", b.who(n.Actor), "at", b.clock(n.At, loc))
		}
		m.Sections = append(m.Sections, Section{Text: text})
	case o.Escalated:
		m.Sections = append(m.Sections, Section{Text: b.t("notice.incident.escalated")})
	case o.IncidentDeadline != nil:
		left := minutesCeil(o.IncidentDeadline.Sub(now))
		m.Sections = append(m.Sections, Section{Text: b.t("notice.incident.countdown", "min", strconv.Itoa(left), "deadline", b.clock(*o.IncidentDeadline, loc))})
		m.Buttons = bound(o, Button{ID: "incident", Label: b.t("button.incident"), Style: "primary", Prompt: b.prompt("incident")})
	}
	if n.Update {
		m.Mentions = nil // edits notify nobody
	}
	return m
}

// renderEscalation is a new post: @here, the backup and both owners' teams.
func (b *Bot) renderEscalation(n runbook.Notice) Message {
	o, j := n.Occ, b.job(n.Occ.Job)
	loc := b.zoneOf(o.Job)
	failed, deadline := "—", "—"
	fields := []Field{b.timeField("label.window", o.Window, loc)}
	if o.FailedAt != nil {
		failed = b.clock(*o.FailedAt, loc)
		fields = append(fields, b.timeField("label.failed_at", *o.FailedAt, loc))
	}
	if o.IncidentDeadline != nil {
		deadline = b.clock(*o.IncidentDeadline, loc)
		fields = append(fields, b.timeField("label.deadline", *o.IncidentDeadline, loc))
	}
	return Message{
		Title:    b.t("notice.escalation.title", "job", o.Job),
		Here:     true,
		Mentions: b.mentions(j.Backup.Person, j.Primary.Team, j.Backup.Team),
		Sections: []Section{{Text: b.t("notice.escalation.body", "job", o.Job, "failed", failed, "deadline", deadline), Fields: fields}},
		Buttons:  bound(o, Button{ID: "incident", Label: b.t("button.incident"), Style: "primary", Prompt: b.prompt("incident")}),
	}
}
