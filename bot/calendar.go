package bot

import (
	"strconv"
	"strings"
	"time"

	"github.com/runbook-bot/runbook-bot/runbook"
	"github.com/runbook-bot/runbook-bot/runbook/ical"
)

// CalendarName names the calendar feed.
func (b *Bot) CalendarName() string { return b.t("cal.name") }

// CalendarEvents are the windows of a plan as calendar events, in the bot's
// language: one per job and window (its UID is the job and the schedule slot,
// so it stays when the window is rescheduled, with SEQUENCE counting the
// moves), from the window for the delay threshold (the time it has to start),
// its summary the job and state, its description the owners, command, state
// and freeze. DTSTAMP is the occurrence's latest change, else today (UTC):
// the feed's bytes, and so its ETag, change only when something does.
func (b *Bot) CalendarEvents(ps []runbook.Planned, now time.Time) []ical.Event {
	length := b.svc.Policy().DelayThreshold
	if length <= 0 {
		length = runbook.DefaultDelayThreshold
	}
	today := now.UTC().Truncate(24 * time.Hour)
	out := make([]ical.Event, 0, len(ps))
	for _, p := range ps {
		o, j := p.Occ, p.Job
		loc := b.zoneOf(j.ID)
		summary := b.t("cal.summary", "job", j.ID, "state", b.state(o.State))
		lines := []string{
			b.t("label.window") + ": " + b.when(o.Window, loc),
			b.t("label.state") + ": " + b.state(o.State),
			b.t("label.primary") + ": " + j.Primary.Name(),
			b.t("label.backup") + ": " + j.Backup.Name(),
			b.t("label.command") + ": " + strings.Join(j.Command, " "),
		}
		if o.ApprovedBy != "" {
			lines = append(lines, b.t("label.approved_by")+": "+b.who(o.ApprovedBy))
		}
		status := "TENTATIVE"
		switch o.State {
		case runbook.Confirmed, runbook.Running, runbook.Succeeded, runbook.Failed:
			status = "CONFIRMED"
		case runbook.Declined, runbook.Cancelled:
			status = "CANCELLED"
		}
		if p.Freeze != nil {
			summary += " ❄"
			lines = append(lines, b.t("cal.frozen", "reason", p.Freeze.Reason, "until", b.when(p.Freeze.End, b.zoneOf(""))))
		}
		out = append(out, ical.Event{
			UID:         j.ID + "-" + strconv.FormatInt(o.Slot.Unix(), 10) + "@runbook-bot",
			Start:       o.Window,
			End:         o.Window.Add(length),
			Stamp:       lastChange(o, today),
			Sequence:    o.Reschedules,
			Summary:     summary,
			Description: strings.Join(lines, "\n"),
			Categories:  []string{"runbook", j.ID},
			Status:      status,
		})
	}
	return out
}

// lastChange is the latest time o changed, or dflt when nothing is known.
func lastChange(o runbook.Occurrence, dflt time.Time) time.Time {
	var last time.Time
	for _, t := range []*time.Time{o.RequestedAt, o.ApprovedAt, o.StartedAt, o.FinishedAt, o.FailedAt, o.IncidentAt} {
		if t != nil && t.After(last) {
			last = *t
		}
	}
	if last.IsZero() {
		return dflt
	}
	return last
}
