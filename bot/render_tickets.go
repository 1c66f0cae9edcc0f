package bot

import (
	"context"
	"strconv"
	"strings"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// maxTicketTitle caps a ticket title in a line, in escaped characters.
const maxTicketTitle = 120

// ticketSections shows a ticket report: the shown tickets (blockers marked ⛔, every
// blocker even past the five), "and N more", the --despite-tickets line when blockers
// are open (and the confirmation is still to be given), or why the tickets are unavailable.
func (b *Bot) ticketSections(rep runbook.TicketReport, job string) []Section {
	return b.ticketReport(rep, job, true)
}

// ticketReport is ticketSections, with the --despite-tickets line only when confirming is still open.
func (b *Bot) ticketReport(rep runbook.TicketReport, job string, confirming bool) []Section {
	if !rep.Unavailable.IsZero() {
		return []Section{{Text: b.t("tickets.unavailable", "reason", b.Msg(rep.Unavailable))}}
	}
	if rep.Total == 0 && len(rep.Tickets) == 0 {
		return []Section{{Text: b.t("tickets.none")}}
	}
	shown := append([]runbook.Ticket(nil), rep.Tickets...)
	seen := make(map[string]bool, len(shown))
	for _, t := range shown {
		seen[t.Key] = true
	}
	for _, t := range rep.Blockers {
		if !seen[t.Key] {
			seen[t.Key] = true
			shown = append(shown, t)
		}
	}
	total := max(rep.Total, len(shown))
	list := Section{Text: b.t("tickets.heading", "n", strconv.Itoa(total))}
	for _, t := range shown {
		list.Links = append(list.Links, b.ticketLine(t))
	}
	secs := []Section{list}
	if more := total - len(shown); more > 0 {
		secs = append(secs, Section{Text: b.t("tickets.more", "n", strconv.Itoa(more))})
	}
	if len(rep.Blockers) > 0 && confirming {
		keys := make([]string, len(rep.Blockers))
		for i, t := range rep.Blockers {
			keys[i] = t.Key
		}
		secs = append(secs, Section{Text: b.t("tickets.blockers", "tickets", strings.Join(keys, ", "), "job", job)})
	}
	return secs
}

// ticketLine is one ticket: ⛔ for a blocker, its key linking to it, title, status and assignee.
func (b *Bot) ticketLine(t runbook.Ticket) Link {
	mark := "• "
	if runbook.IsBlocker(t) {
		mark = "⛔ "
	}
	assignee := t.Assignee
	if assignee == "" {
		assignee = b.t("tickets.unassigned")
	}
	status := t.Status
	switch status {
	case "":
		status = "—"
	case runbook.TicketOpen:
		status = b.t("tickets.status.open")
	}
	return Link{Prefix: mark, Label: t.Key, URL: t.URL,
		Suffix: " " + b.t("tickets.line", "title", cut(oneLine(t.Title), maxTicketTitle), "status", status, "assignee", assignee)}
}

// oneLine folds line breaks into spaces.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// tickets answers "/runbook tickets JOB": the job's open tickets, or why none can be listed.
func (b *Bot) tickets(ctx context.Context, job string) Reply {
	if !b.svc.TicketsConfigured() {
		return b.text(b.t("reply.tickets", "job", job))
	}
	rep := b.svc.Tickets(ctx, job)
	title := b.t("reply.tickets.title", "job", job)
	m := Message{Fallback: title, Title: title}
	if rep.Unavailable.IsZero() && rep.Total == 0 && len(rep.Tickets) == 0 {
		m.Sections = []Section{{Text: b.t("reply.tickets.none", "job", job)}}
		return Reply{Message: m}
	}
	m.Sections = b.ticketSections(rep, job)
	return Reply{Message: m}
}

// checkTickets is the pre-flight's warning about open tickets: it never blocks, and
// says nothing when no source is configured or no ticket is open.
func (b *Bot) checkTickets(ctx context.Context, job string) []Section {
	if !b.svc.TicketsConfigured() {
		return nil
	}
	rep := b.svc.Tickets(ctx, job)
	switch {
	case !rep.Unavailable.IsZero():
		return []Section{{Text: b.t("tickets.unavailable", "reason", b.Msg(rep.Unavailable))}}
	case rep.Total > 0:
		return []Section{{Text: b.tn("reply.check.tickets", rep.Total, "job", job)}}
	}
	return nil
}
