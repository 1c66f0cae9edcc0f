package bot

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// Command parses and executes one "/runbook …" command from a user.
func (b *Bot) Command(ctx context.Context, in Input) Reply {
	r := runbook.Request{User: in.User, RequestID: in.RequestID, Envelope: in.Envelope}
	cmd, err := ParseCommand(in.Text, b.runbook())
	if err != nil {
		b.auditRejected(ctx, r, cmd, in.Text, err)
		return b.errorReply(err, cmd.Verb, cmd.Job)
	}
	return b.execute(ctx, cmd, r)
}

// actingVerbs change an occurrence or run a script: a refused attempt at one is audited.
var actingVerbs = map[Verb]bool{
	VerbConfirm: true, VerbDecline: true, VerbRun: true, VerbCancel: true,
	VerbDelay: true, VerbReschedule: true, VerbIncident: true, VerbLearnings: true,
}

// auditRejected records an acting command refused by the parser (an
// undocumented flag, shell syntax, an extra argument) against the job it
// names, so the evidence shows the attempt (docs/spec.md §4: every refusal is audited).
func (b *Bot) auditRejected(ctx context.Context, r runbook.Request, cmd Command, text string, err error) {
	var e *runbook.Error
	if !actingVerbs[cmd.Verb] || !errors.As(err, &e) || e.Kind != runbook.KindInvalid {
		return
	}
	job := cmd.Job
	if job == "" {
		job = namedJob(text, b.runbook())
	}
	if job == "" {
		return
	}
	if aerr := b.svc.Reject(ctx, r, job, string(cmd.Verb), e.Code, text); aerr != nil {
		b.log.Error("auditing a refused command failed", "job", job, "verb", string(cmd.Verb), "err", aerr)
	}
}

// namedJob is the first word of text that is a job id, shell characters around it ignored.
func namedJob(text string, rb *runbook.Runbook) string {
	if rb == nil {
		return ""
	}
	for _, w := range strings.Fields(text) {
		if j, ok := rb.Job(strings.Trim(w, shellChars)); ok {
			return j.ID
		}
	}
	return ""
}

// pressVerbs maps a button id to the command it stands for.
var pressVerbs = map[string]Verb{
	"confirm": VerbConfirm, "decline": VerbDecline, "run": VerbRun, "cancel": VerbCancel,
	"incident": VerbIncident, "justify": VerbDelay, "reschedule": VerbReschedule, "learnings": VerbLearnings,
	"check": VerbCheck, // on the App Home: the pre-flight now
}

// Press executes a button: the same command on p.Job, with p.Text as its free
// text, bound to the occurrence the button was posted for (see runbook.Request.Occ).
func (b *Bot) Press(ctx context.Context, p Press) Reply {
	p.Job, p.Text = runbook.CleanText(p.Job), runbook.CleanText(p.Text) // as ParseCommand does for typed commands
	v, ok := pressVerbs[p.ButtonID]
	if !ok {
		return b.errorReply(perr("unknown_button", map[string]any{"button": p.ButtonID}), "", p.Job)
	}
	if p.Value != "" || p.Job == "" {
		var err error
		if p.Job, p.Occ, p.Window, err = ParseButtonValue(p.Value); err != nil {
			return b.errorReply(err, v, "")
		}
	}
	rb := b.runbook()
	job, err := resolveJob(p.Job, rb.JobIDs())
	if err != nil {
		return b.errorReply(err, v, p.Job)
	}
	cmd := Command{Verb: v, Job: job}
	tail := p.Text
	if grammars[v].when {
		cmd.At, tail, err = parseWhen(v, tail, rb, job)
		if err != nil {
			return b.errorReply(err, v, job)
		}
	}
	if grammars[v].text {
		if cmd.Text, err = freeText(v, tail); err != nil {
			return b.errorReply(err, v, job)
		}
	}
	return b.execute(ctx, cmd, runbook.Request{User: p.User, RequestID: p.RequestID, Envelope: p.Envelope, Occ: p.Occ, Window: p.Window})
}

// execute calls the service for a parsed command and builds the reply.
func (b *Bot) execute(ctx context.Context, c Command, r runbook.Request) Reply {
	var (
		o   runbook.Occurrence
		err error
	)
	switch c.Verb {
	case VerbHelp:
		return b.help(c.Topic)
	case VerbSchedule:
		return b.schedule(ctx)
	case VerbStatus:
		return b.status(ctx, c.Job)
	case VerbCheck:
		return b.check(ctx, c.Job)
	case VerbHistory:
		return b.history(ctx, c.Job)
	case VerbTickets:
		return b.tickets(ctx, c.Job)
	case VerbFreeze:
		return b.freeze(ctx, c, r)
	case VerbUnfreeze:
		return b.unfreeze(ctx, c, r)
	case VerbConfirm:
		o, err = b.svc.Confirm(ctx, r, c.Job, c.DespiteTickets)
	case VerbDecline:
		o, err = b.svc.Decline(ctx, r, c.Job, c.Text)
	case VerbRun:
		if c.DryRun {
			if err := b.svc.DryRun(ctx, r, c.Job); err != nil {
				return b.errorReply(err, c.Verb, c.Job)
			}
			return b.dryRunReply(c.Job)
		}
		o, err = b.svc.Run(ctx, r, c.Job)
	case VerbCancel:
		o, err = b.svc.Cancel(ctx, r, c.Job)
	case VerbDelay:
		o, err = b.svc.Justify(ctx, r, c.Job, c.Text)
	case VerbReschedule:
		o, err = b.svc.Reschedule(ctx, r, c.Job, c.At, c.Text)
	case VerbIncident:
		o, err = b.svc.Incident(ctx, r, c.Job, c.Text, c.Replace)
	case VerbLearnings:
		o, err = b.svc.Learnings(ctx, r, c.Job, c.Text)
	}
	if err != nil {
		return b.errorReply(err, c.Verb, c.Job)
	}
	return b.changed(c, o)
}

// changed says what a successful command changed.
func (b *Bot) changed(c Command, o runbook.Occurrence) Reply {
	loc := b.zoneOf(c.Job)
	win := b.when(o.Window, loc)
	var text string
	switch c.Verb {
	case VerbConfirm:
		text = b.t("reply.confirmed", "job", c.Job, "window", win)
		switch {
		case c.DespiteTickets && b.svc.TicketsConfigured():
			text += "\n" + b.t("reply.confirmed.despite")
		case c.DespiteTickets:
			text += "\n" + b.t("reply.confirmed.tickets")
		}
	case VerbDecline:
		text = b.t("reply.declined", "job", c.Job, "window", win, "reason", o.DeclineReason)
	case VerbRun:
		switch {
		case o.State == runbook.Failed && o.Reason == runbook.ReasonPreflight:
			text = b.t("reply.run.preflight", "job", c.Job)
		case o.State == runbook.Running:
			text = b.t("reply.run.started", "job", c.Job, "attempt", strconv.Itoa(o.Attempts))
		default:
			text = b.t("reply.run.state", "job", c.Job, "state", b.state(o.State))
		}
	case VerbCancel:
		text = b.t("reply.cancel", "job", c.Job)
	case VerbDelay:
		text = b.t("reply.delay", "job", c.Job, "window", win)
	case VerbReschedule:
		text = b.t("reply.reschedule", "job", c.Job, "window", win)
	case VerbIncident:
		text = b.t("reply.incident", "job", c.Job, "ref", o.IncidentRef)
		if c.Replace {
			text = b.t("reply.incident.replaced", "job", c.Job, "ref", o.IncidentRef)
		}
	case VerbLearnings:
		text = b.t("reply.learnings", "job", c.Job, "window", win)
	}
	rep := b.text(text)
	rep.Fallback = text
	rep.Sections[0].Fields = []Field{b.timeField("label.window", o.Window, loc), field(b.t("label.state"), b.state(o.State))}
	return rep
}

func (b *Bot) dryRunReply(job string) Reply {
	argv := ""
	if j, ok := b.runbook().Job(job); ok {
		argv = strings.Join(runbook.DryRunArgv(j.Command), " ")
	}
	t := b.t("reply.dry_run", "job", job, "argv", argv)
	return Reply{Message: Message{Fallback: t, Sections: []Section{{Text: t}}}}
}

// text is a reply made of one paragraph.
func (b *Bot) text(s string) Reply {
	return Reply{Message: Message{Fallback: firstLine(s), Sections: []Section{{Text: s}}}}
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
