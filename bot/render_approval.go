package bot

import (
	"strings"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// renderWithdrawn tells, in the request's thread, that an approval was
// withdrawn because the runbook's row of the job changed after it: who had
// approved, what changed (the approved command, owners and dependencies next
// to the runbook's now), and that an owner confirms again. It pings the owners.
func (b *Bot) renderWithdrawn(n runbook.Notice) Message {
	o, j := n.Occ, b.job(n.Occ.Job)
	loc := b.zoneOf(o.Job)
	c := n.Change
	if c == nil {
		c = &runbook.TermsChange{Current: runbook.TermsOf(j)}
	}
	title := b.t("notice.withdrawn.title", "job", o.Job)
	return Message{
		Title:    title,
		Fallback: title,
		Mentions: b.ownerMentions(j),
		Sections: []Section{
			{Text: b.t("notice.withdrawn.body", "by", b.who(c.ApprovedBy), "window", b.when(o.Window, loc), "job", o.Job)},
			{Fields: b.termsChanges(c)},
			{Text: b.t("notice.withdrawn.ask", "job", o.Job)},
		},
	}
}

// termsChanges are the approved terms next to the runbook's now, for each of
// command, owners and dependencies that changed (all three when the approval
// kept no terms).
func (b *Bot) termsChanges(c *runbook.TermsChange) []Field {
	was := func(f func(runbook.Terms) string) string {
		if c.Approved == nil {
			return b.t("word.not_recorded")
		}
		return f(*c.Approved)
	}
	parts := []struct {
		approved, now string
		text          func(runbook.Terms) string
	}{
		{"label.approved_command", "label.command_now", func(t runbook.Terms) string { return t.Command() }},
		{"label.approved_owners", "label.owners_now", func(t runbook.Terms) string { return strings.Join(t.Owners, "; ") }},
		{"label.approved_deps", "label.deps_now", func(t runbook.Terms) string { return dashIfEmpty(strings.Join(t.Deps, "; ")) }},
	}
	var fs []Field
	for _, p := range parts {
		old, now := was(p.text), p.text(c.Current)
		if c.Approved != nil && old == now {
			continue
		}
		fs = append(fs, field(b.t(p.approved), old), field(b.t(p.now), now))
	}
	return fs
}

// dashIfEmpty is s, or "—" when it is empty.
func dashIfEmpty(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
