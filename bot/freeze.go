package bot

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// freeze sets a change freeze; its announcement reaches the channel through the outbox.
func (b *Bot) freeze(ctx context.Context, c Command, r runbook.Request) Reply {
	f, err := b.svc.Freeze(ctx, r, c.At, c.Text)
	if err != nil {
		return b.errorReply(err, c.Verb, "")
	}
	return b.text(b.t("reply.freeze", "until", b.when(f.End, b.zoneOf("")), "reason", f.Reason))
}

// unfreeze lifts the change freezes in force.
func (b *Bot) unfreeze(ctx context.Context, c Command, r runbook.Request) Reply {
	fs, err := b.svc.Unfreeze(ctx, r, c.Text)
	if err != nil {
		return b.errorReply(err, c.Verb, "")
	}
	var lines []string
	for _, f := range fs {
		lines = append(lines, "• "+b.freezeText(f))
	}
	return b.text(b.t("reply.unfreeze") + "\n" + strings.Join(lines, "\n"))
}

// freezeText describes a freeze: "“reason” until <end>" (the runbook's, with its line).
func (b *Bot) freezeText(f runbook.Freeze) string {
	loc := b.zoneOf("")
	t := b.t("freeze.text", "reason", f.Reason, "from", b.when(f.Start, loc), "until", b.when(f.End, loc))
	if f.Source == runbook.FreezeRunbook {
		t += " " + b.t("freeze.declared", "file", b.runbook().File, "line", strconv.Itoa(f.Line))
	}
	return t
}

// frozenLine says that a window falls in a freeze, for its messages.
func (b *Bot) frozenLine(f *runbook.Freeze) string {
	return "❄ " + b.t("notice.frozen", "reason", f.Reason, "until", b.when(f.End, b.zoneOf("")))
}

// renderFreeze announces a freeze set, or the freezes lifted, in the runbook channel.
func (b *Bot) renderFreeze(n runbook.Notice) Message {
	f := n.Freeze
	if f == nil {
		f = &runbook.Freeze{}
	}
	loc := b.zoneOf("")
	if f.Lifted {
		t := b.t("notice.unfreeze.title")
		return Message{Title: t, Fallback: t, Sections: []Section{{Text: b.t("notice.unfreeze.body", "by", b.who(n.Actor), "reason", n.Text)}}}
	}
	t := b.t("notice.freeze.title", "until", b.when(f.End, loc))
	return Message{Title: t, Fallback: t, Sections: []Section{{
		Text:   b.t("notice.freeze.body", "by", b.who(n.Actor), "reason", f.Reason),
		Fields: []Field{b.timeField("label.freeze_until", f.End, loc)},
	}}}
}

// freezesSection lists the freezes in force or to come, for schedule and status; none: no section.
func (b *Bot) freezesSection(fs []runbook.Freeze, now time.Time) []Section {
	var lines []string
	for _, f := range fs {
		switch {
		case f.Covers(now):
			lines = append(lines, "❄ "+b.t("freeze.in_force", "what", b.freezeText(f)))
		case f.Start.After(now):
			lines = append(lines, "❄ "+b.t("freeze.upcoming", "what", b.freezeText(f)))
		}
	}
	if len(lines) == 0 {
		return nil
	}
	return []Section{{Text: strings.Join(lines, "\n")}}
}

// freezes are the service's freezes; a failure to read them is logged and shows none.
func (b *Bot) freezes(ctx context.Context) []runbook.Freeze {
	fs, err := b.svc.Freezes(ctx)
	if err != nil {
		b.log.Error("reading change freezes", "err", err)
	}
	return fs
}

// frozenMark is " — ❄ frozen (reason)" for a window that falls in a freeze, else "".
func (b *Bot) frozenMark(fs []runbook.Freeze, t time.Time) string {
	if f := runbook.FreezeAt(fs, t); f != nil {
		return " — ❄ " + b.t("freeze.mark", "reason", f.Reason)
	}
	return ""
}
