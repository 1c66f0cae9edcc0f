package bot

import (
	"strconv"
	"strings"
	"time"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// Render turns a lifecycle notice into a message for its real channel. now is used
// for relative texts (the incident countdown, "opens in").
func (b *Bot) Render(n runbook.Notice, now time.Time) Message {
	var m Message
	switch n.Kind {
	case runbook.NoticeRequest:
		m = b.renderRequest(n)
	case runbook.NoticeReminder:
		m = b.renderReminder(n, now)
	case runbook.NoticeWindowOpen:
		m = b.renderWindowOpen(n)
	case runbook.NoticeRunStarted:
		m = b.renderRunStarted(n)
	case runbook.NoticeRunOutput:
		m = b.renderRunOutput(n)
	case runbook.NoticeRunResult:
		m = b.renderRunResult(n)
	case runbook.NoticeDelay:
		m = b.renderDelay(n)
	case runbook.NoticeIncident:
		m = b.renderIncident(n, now)
	case runbook.NoticeEscalation:
		m = b.renderEscalation(n)
	case runbook.NoticeRescheduled:
		m = b.renderRescheduled(n)
	case runbook.NoticeRunbookBroken:
		m = b.renderBroken(n)
	case runbook.NoticeRecordsPR:
		m = b.renderRecordsPR(n)
	case runbook.NoticeFreeze:
		m = b.renderFreeze(n)
	case runbook.NoticeWithdrawn:
		m = b.renderWithdrawn(n)
	default:
		m = Message{Title: string(n.Kind), Fallback: string(n.Kind)}
	}
	m.Channel = b.channel(n.Channel)
	if n.Late {
		m.Context = append(m.Context, b.t("notice.late"))
	}
	if m.Fallback == "" {
		m.Fallback = m.Title
	}
	return m
}

// channel maps a channel role to the configured channel.
func (b *Bot) channel(role string) string {
	switch role {
	case runbook.ChannelIncident:
		if c := b.svc.Policy().IncidentChannel; c != "" {
			return c
		}
	case runbook.ChannelRunbook:
		if b.opts.Channel != "" {
			return b.opts.Channel
		}
	}
	return role
}

// job is the notice's job (zero when the runbook no longer has it).
func (b *Bot) job(id string) runbook.Job {
	j, _ := b.runbook().Job(id)
	return j
}

// ownerMentions pings primary and backup persons, then their teams.
func (b *Bot) ownerMentions(j runbook.Job) []Mention {
	return b.mentions(j.Primary.Person, j.Backup.Person, j.Primary.Team, j.Backup.Team)
}

// windowSection is the job's window (reader's zone, job's zone, UTC), owners and command.
func (b *Bot) windowSection(j runbook.Job, o runbook.Occurrence) Section {
	loc := b.zoneOf(j.ID)
	return Section{Fields: []Field{
		b.timeField("label.window", o.Window, loc),
		field(b.t("label.primary"), j.Primary.Name()),
		field(b.t("label.backup"), j.Backup.Name()),
		field(b.t("label.command"), command(o, j)),
	}}
}

// command is the command a message about o shows: what was approved, once
// approved (a run starts nothing else), else the runbook's.
func command(o runbook.Occurrence, j runbook.Job) string {
	if o.Approved != nil {
		return o.Approved.Command()
	}
	return strings.Join(j.Command, " ")
}

// bound binds buttons to the occurrence their message is about: pressed once
// the verb acts on another occurrence, they change nothing (runbook.Request.Occ).
func bound(o runbook.Occurrence, bs ...Button) []Button {
	for i := range bs {
		bs[i].Job, bs[i].Occ, bs[i].Window = o.Job, o.ID, o.Window
	}
	return bs
}

func (b *Bot) confirmButtons(o runbook.Occurrence) []Button {
	return bound(o,
		Button{ID: "confirm", Label: b.t("button.confirm"), Style: "primary"},
		Button{ID: "decline", Label: b.t("button.decline"), Style: "danger", Prompt: b.prompt("decline")},
	)
}

func (b *Bot) prompt(kind string) *Prompt {
	return &Prompt{Title: b.t("prompt." + kind + ".title"), Label: b.t("prompt." + kind + ".label"),
		Placeholder: b.t("prompt." + kind + ".hint"), Submit: b.t("prompt.submit"), Empty: b.t("prompt.empty")}
}

// renderRequest is the confirmation request, or its update showing the new state.
func (b *Bot) renderRequest(n runbook.Notice) Message {
	o, j := n.Occ, b.job(n.Occ.Job)
	loc := b.zoneOf(o.Job)
	win := b.when(o.Window, loc)
	m := Message{
		Title:    b.t("notice.request.title", "job", o.Job),
		Fallback: b.t("notice.request.fallback", "job", o.Job, "window", win),
		Mentions: b.ownerMentions(j),
		Sections: []Section{{Text: b.t("notice.request.body", "job", o.Job, "window", win)}, b.windowSection(j, o)},
	}
	confirming := o.State == runbook.Scheduled || o.State == runbook.AwaitingConfirmation
	if n.Tickets != nil {
		m.Sections = append(m.Sections, b.ticketReport(*n.Tickets, o.Job, confirming)...)
	}
	if n.Check != nil {
		pf := b.preflightSections(*n.Check, b.t("reply.checklist"))
		if len(pf) > 0 && len(pf[0].Checks) > 0 && !pf[0].Checks[0].Manual {
			pf[0].Text = b.t("notice.request.preflight")
		}
		m.Sections = append(m.Sections, pf...)
	} else if manual := manualChecklist(j); len(manual) > 0 {
		m.Sections = append(m.Sections, Section{Text: b.t("reply.checklist"), Checks: manual})
	}
	if n.Freeze != nil {
		m.Sections = append(m.Sections, Section{Text: b.frozenLine(n.Freeze)})
	}
	if !n.Update && confirming {
		m.Buttons = b.confirmButtons(o)
		return m
	}
	m.Mentions = nil // edits (and a request already decided when it went out) notify nobody; the state is the news
	// Asked again: the runbook changed after the approval.
	if c := n.Change; c != nil && confirming {
		m.Sections = append(m.Sections, Section{Text: b.t("notice.request.withdrawn", "by", b.who(c.ApprovedBy))})
	}
	m.Sections = append(m.Sections, Section{Text: b.requestState(o, loc)})
	if confirming {
		m.Buttons = b.confirmButtons(o)
	}
	return m
}

// requestState is the line telling what became of a confirmation request.
func (b *Bot) requestState(o runbook.Occurrence, loc *time.Location) string {
	at := func(t *time.Time) string {
		if t == nil {
			return "—"
		}
		return b.when(*t, loc)
	}
	att := strconv.Itoa(o.Attempts)
	switch o.State {
	case runbook.Confirmed:
		return b.t("notice.request.confirmed", "by", b.who(o.ApprovedBy), "at", at(o.ApprovedAt))
	case runbook.Declined:
		return b.t("notice.request.declined", "by", b.who(o.DeclinedBy), "reason", o.DeclineReason)
	case runbook.Running:
		return b.t("notice.request.running", "by", b.who(o.RunBy), "at", at(o.StartedAt), "attempt", att)
	case runbook.Succeeded, runbook.Failed, runbook.Cancelled:
		if o.FinishedAt == nil {
			return b.t("notice.request.finished_noat", "state", b.state(o.State), "attempt", att)
		}
		return b.t("notice.request.finished", "state", b.state(o.State), "at", at(o.FinishedAt), "attempt", att)
	}
	return b.t("notice.request.scheduled", "state", b.state(o.State))
}

// manualChecklist is the job's manual items, when no pre-flight came with the notice.
func manualChecklist(j runbook.Job) []Check {
	var out []Check
	for _, c := range j.Checks {
		if c.Kind == runbook.CheckManual {
			out = append(out, Check{Manual: true, Text: c.Text})
		}
	}
	return out
}

// renderReminder pings the owners again; the last one calls on the backup explicitly.
func (b *Bot) renderReminder(n runbook.Notice, now time.Time) Message {
	o, j := n.Occ, b.job(n.Occ.Job)
	loc := b.zoneOf(o.Job)
	m := Message{
		Title:    b.t("notice.reminder.title", "job", o.Job),
		Mentions: b.mentions(j.Primary.Person, j.Primary.Team),
		Sections: []Section{{Text: b.t("notice.reminder.body", "in", b.duration(o.Window.Sub(now)), "window", b.when(o.Window, loc)),
			Fields: []Field{b.timeField("label.window", o.Window, loc)}}},
		Buttons: b.confirmButtons(o),
	}
	if n.Last {
		m.Mentions = b.mentions(j.Primary.Person, j.Backup.Person, j.Primary.Team, j.Backup.Team)
		backup := j.Backup.Name()
		if mn, ok := b.mention(j.Backup.Person); ok {
			backup = "@" + mn.Name
		}
		m.Sections = append(m.Sections, Section{Text: b.t("notice.reminder.last", "backup", backup)})
	}
	if n.Tickets != nil { // looked up again: a source that was down at the request may answer now
		m.Sections = append(m.Sections, b.ticketSections(*n.Tickets, o.Job)...)
	}
	if n.Freeze != nil {
		m.Sections = append(m.Sections, Section{Text: b.frozenLine(n.Freeze)})
	}
	return m
}

// renderWindowOpen offers Run when confirmed, else says to confirm first.
func (b *Bot) renderWindowOpen(n runbook.Notice) Message {
	o, j := n.Occ, b.job(n.Occ.Job)
	m := Message{Title: b.t("notice.open.title", "job", o.Job), Mentions: b.mentions(j.Primary.Person, j.Backup.Person),
		Sections: []Section{b.windowSection(j, o)}}
	if n.Freeze != nil { // nothing to run while the freeze lasts
		m.Sections = append(m.Sections, Section{Text: b.frozenLine(n.Freeze) + "\n" + b.t("notice.open.frozen", "job", o.Job)})
		return m
	}
	if o.State == runbook.Confirmed {
		m.Sections = append(m.Sections, Section{Text: b.t("notice.open.confirmed", "by", b.who(o.ApprovedBy), "job", o.Job)})
		m.Buttons = bound(o, b.runButton(j, o))
		return m
	}
	m.Sections = append(m.Sections, Section{Text: b.t("notice.open.unconfirmed", "job", o.Job)})
	m.Buttons = b.confirmButtons(o)
	return m
}

func (b *Bot) runButton(j runbook.Job, o runbook.Occurrence) Button {
	return Button{ID: "run", Label: b.t("button.run"), Job: j.ID, Style: "primary", Confirm: b.t("confirm.run", "command", command(o, j))}
}

// renderRunStarted is the run thread's parent: who, attempt, argv (or the dry run's).
func (b *Bot) renderRunStarted(n runbook.Notice) Message {
	o, j := n.Occ, b.job(n.Occ.Job)
	if n.Text == "dry-run" {
		t := b.t("notice.dry.title", "job", o.Job, "by", b.who(n.Actor))
		return Message{Title: t, Fallback: t, Sections: []Section{{Text: b.t("notice.dry.body"), Lines: []string{strings.Join(runbook.DryRunArgv(j.Command), " ")}}}}
	}
	by := o.RunBy
	if by == "" {
		by = n.Actor
	}
	att := strconv.Itoa(o.Attempts)
	m := Message{
		Title:    b.t("notice.run.title", "job", o.Job, "by", b.who(by), "attempt", att),
		Fallback: b.t("notice.run.fallback", "job", o.Job, "by", b.who(by)),
		Sections: []Section{{Lines: []string{command(o, j)}, Fields: []Field{b.timeField("label.window", o.Window, b.zoneOf(o.Job))}}},
	}
	if n.Check != nil {
		m.Sections = append(m.Sections, b.preflightSections(*n.Check, b.t("reply.checklist"))...)
	}
	if o.State == runbook.Running || n.Check == nil || n.Check.OK() {
		m.Buttons = bound(o, Button{ID: "cancel", Label: b.t("button.cancel"), Style: "danger", Confirm: b.t("confirm.cancel", "job", o.Job)})
	}
	return m
}

// renderRunOutput is a batch of script output in the run thread, capped to chat limits.
func (b *Bot) renderRunOutput(n runbook.Notice) Message {
	m := Message{Fallback: b.t("notice.output.fallback", "job", n.Occ.Job)}
	if n.Omitted > 0 { // batches merged by the outbox: say what the thread leaves out
		m.Sections = []Section{{Text: b.tn("notice.output.omitted", n.Omitted)}}
	}
	m.Sections = append(m.Sections, outputSections(b.chatLines(n.Lines), maxBlocks-len(m.Sections))...)
	return m
}

// renderRunResult updates the run message with how it ended.
func (b *Bot) renderRunResult(n runbook.Notice) Message {
	o, j := n.Occ, b.job(n.Occ.Job)
	icon := map[runbook.State]string{runbook.Succeeded: "✅", runbook.Failed: "❌", runbook.Cancelled: "⏹"}[o.State]
	if n.Text == "dry-run" {
		t := b.t("notice.dry_result.title", "icon", icon, "job", o.Job, "state", b.state(o.State))
		m := Message{Title: t, Fallback: t, Sections: []Section{{Lines: []string{strings.Join(runbook.DryRunArgv(j.Command), " ")}, Fields: b.resultFields(o)}}}
		m.Sections = append(m.Sections, b.logIncomplete(o)...)
		return b.withTail(m, n.Tail, "notice.result.tail")
	}
	m := Message{
		Title:    b.t("notice.result.title", "icon", icon, "job", o.Job, "state", b.state(o.State)),
		Fallback: b.t("notice.result.fallback", "job", o.Job, "state", b.state(o.State)),
		Sections: []Section{{Lines: []string{command(o, j)}, Fields: b.resultFields(o)}},
	}
	m.Sections = append(m.Sections, b.logIncomplete(o)...)
	m = b.withTail(m, n.Tail, "notice.result.tail")
	if o.State.Finished() {
		m.Sections = append(m.Sections, Section{Text: b.t("notice.result.learnings", "by", b.who(o.RunBy), "job", o.Job)})
		m.Buttons = bound(o, Button{ID: "learnings", Label: b.t("button.learnings"), Prompt: b.prompt("learnings")})
	}
	return m
}

// resultFields are result, exit code, duration, log hash, runner and attempt.
func (b *Bot) resultFields(o runbook.Occurrence) []Field {
	fs := []Field{field(b.t("label.state"), b.state(o.State))}
	if o.Reason != "" {
		fs = append(fs, field(b.t("label.reason"), b.reason(o.Reason)))
	}
	if o.ExitCode != nil {
		fs = append(fs, field(b.t("label.exit_code"), strconv.Itoa(*o.ExitCode)))
	}
	if o.StartedAt != nil && o.FinishedAt != nil {
		fs = append(fs, field(b.t("label.duration"), b.duration(o.FinishedAt.Sub(*o.StartedAt))))
	}
	if o.RunBy != "" {
		fs = append(fs, field(b.t("label.run_by"), b.who(o.RunBy)))
	}
	if o.Attempts > 0 {
		fs = append(fs, field(b.t("label.attempts"), strconv.Itoa(o.Attempts)))
	}
	if o.LogSHA256 != "" {
		fs = append(fs, field(b.t("label.log_sha256"), o.LogSHA256))
	}
	return fs
}

// logIncomplete says that the run's log file is incomplete, and why, when it is
// (its hash is then of the part that reached the file).
func (b *Bot) logIncomplete(o runbook.Occurrence) []Section {
	if o.LogError == "" {
		return nil
	}
	return []Section{{Text: "⚠ " + b.t("part.log_incomplete", "reason", o.LogError)}}
}

// withTail appends the output tail under its heading, capped like run output.
func (b *Bot) withTail(m Message, tail []string, heading string) Message {
	if len(tail) == 0 {
		return m
	}
	secs := outputSections(b.chatLines(tail), 3)
	if len(secs) == 0 {
		return m
	}
	secs[0].Text = b.t(heading)
	m.Sections = append(m.Sections, secs...)
	return m
}

// renderDelay asks the owners and the platform team to renegotiate and justify.
func (b *Bot) renderDelay(n runbook.Notice) Message {
	o, j := n.Occ, b.job(n.Occ.Job)
	loc := b.zoneOf(o.Job)
	return Message{
		Title:    b.t("notice.delay.title", "job", o.Job),
		Mentions: b.mentions(j.Primary.Person, j.Backup.Person, j.Primary.Team),
		Sections: []Section{{Text: b.t("notice.delay.body", "window", b.when(o.Window, loc), "state", b.state(o.State), "job", o.Job)}, b.windowSection(j, o)},
		Buttons: bound(o,
			Button{ID: "justify", Label: b.t("button.justify"), Style: "primary", Prompt: b.prompt("justify")},
			Button{ID: "reschedule", Label: b.t("button.reschedule"), Prompt: b.prompt("reschedule")},
		),
	}
}

// renderRescheduled announces the new window and why.
func (b *Bot) renderRescheduled(n runbook.Notice) Message {
	o, j := n.Occ, b.job(n.Occ.Job)
	loc := b.zoneOf(o.Job)
	text := n.Text
	if text == "" {
		text = o.Justification
	}
	return Message{
		Title:    b.t("notice.rescheduled.title", "job", o.Job),
		Mentions: b.mentions(j.Primary.Person, j.Backup.Person),
		Sections: []Section{{Text: b.t("notice.rescheduled.body", "window", b.when(o.Window, loc), "by", b.who(n.Actor), "text", text),
			Fields: []Field{b.timeField("label.window", o.Window, loc), field(b.t("label.justification"), text)}}},
	}
}

// renderBroken reports a runbook edit that cannot be used.
func (b *Bot) renderBroken(n runbook.Notice) Message {
	file := n.Text
	if file == "" {
		file = b.runbook().File
	}
	body := b.t("notice.broken.body", "file", file)
	if r := n.Revision; r != nil {
		body = b.t("notice.broken.commit", "file", file, "commit", r.Short(), "author", r.Author, "in_force", n.InForce)
	}
	lines := n.Lines // older rows carry their problems as English text
	if len(n.Problems) > 0 {
		lines = make([]string, len(n.Problems))
		for i, p := range n.Problems {
			lines[i] = RenderProblem(b.Lang(), p)
		}
	}
	return Message{Title: b.t("notice.broken.title"), Sections: []Section{{Text: body}, {Lines: lines}}}
}

// renderRecordsPR says that the records go to a branch and a pull request (Lines: branch, reason).
func (b *Bot) renderRecordsPR(n runbook.Notice) Message {
	branch, reason := "", ""
	if len(n.Lines) > 0 {
		branch = n.Lines[0]
	}
	if len(n.Lines) > 1 {
		reason = n.Lines[1]
	}
	m := Message{Title: b.t("notice.records_pr.title"), Sections: []Section{{Text: b.t("notice.records_pr.body", "branch", branch, "reason", reason)}}}
	if n.Text != "" {
		m.Sections = append(m.Sections, Section{Links: []Link{{Label: b.t("notice.records_pr.link"), URL: n.Text}}})
	} else {
		m.Sections = append(m.Sections, Section{Text: b.t("notice.records_pr.none", "branch", branch)})
	}
	return m
}
