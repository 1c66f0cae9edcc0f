package bot

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// historyLen is how many occurrences "history" shows.
const historyLen = 10

// help lists every verb with one example, or one verb when topic is set.
func (b *Bot) help(topic Verb) Reply {
	rb := b.runbook()
	job := "JOB"
	if ids := rb.JobIDs(); len(ids) > 0 {
		job = ids[len(ids)-1]
	}
	var lines []string
	for _, v := range Verbs {
		if topic != "" && v != topic {
			continue
		}
		lines = append(lines, b.t("help.line", "usage", b.t("usage."+string(v)), "desc", b.t("desc."+string(v), "zone", b.zoneOf("").String()),
			"example", b.t("example."+string(v), "job", job)))
	}
	title := b.t("help.title")
	return Reply{Message: Message{Fallback: title, Title: title, Sections: []Section{
		{Text: b.t("help.intro", "jobs", strings.Join(rb.JobIDs(), ", "))},
		{Text: strings.Join(lines, "\n")},
	}}}
}

// schedule shows the next occurrence of every job with its state.
func (b *Bot) schedule(ctx context.Context) Reply {
	sts, err := b.svc.Status(ctx, "")
	if err != nil {
		return b.errorReply(err, VerbSchedule, "")
	}
	title := b.t("reply.schedule.title")
	m := Message{Fallback: title, Title: title}
	fs := b.freezes(ctx)
	m.Sections = b.freezesSection(fs, b.svc.Now())
	for _, st := range sts {
		state := b.t("reply.schedule.not_created")
		if st.Next != nil {
			state = b.state(st.Next.State)
		}
		loc := b.zoneOf(st.Job.ID)
		m.Sections = append(m.Sections, Section{
			Text: b.t("reply.schedule.line", "job", st.Job.ID, "state", state) + b.frozenMark(fs, st.NextAt),
			Fields: []Field{
				b.timeField("label.window", st.NextAt, loc),
				field(b.t("label.primary"), st.Job.Primary.Name()),
				field(b.t("label.backup"), st.Job.Backup.Name()),
			},
		})
	}
	return Reply{Message: m}
}

// status shows the current and next occurrence of one job or of all.
func (b *Bot) status(ctx context.Context, job string) Reply {
	sts, err := b.svc.Status(ctx, job)
	if err != nil {
		return b.errorReply(err, VerbStatus, job)
	}
	title := b.t("reply.status.title")
	if job != "" {
		title = b.t("reply.status.title_job", "job", job)
	}
	m := Message{Fallback: title, Title: title}
	fs := b.freezes(ctx)
	m.Sections = b.freezesSection(fs, b.svc.Now())
	for _, st := range sts {
		loc := b.zoneOf(st.Job.ID)
		cur := Section{Text: b.t("reply.status.current_none", "job", st.Job.ID)}
		if st.Current != nil {
			cur = Section{Text: b.t("reply.status.current", "job", st.Job.ID, "state", b.state(st.Current.State)) + b.frozenMark(fs, st.Current.Window), Fields: b.occFields(*st.Current, loc)}
		}
		next := Section{Text: b.t("reply.status.next_none", "job", st.Job.ID) + b.frozenMark(fs, st.NextAt),
			Fields: []Field{b.timeField("label.window", st.NextAt, loc)}}
		if st.Next != nil {
			next = Section{Text: b.t("reply.status.next", "job", st.Job.ID, "state", b.state(st.Next.State)) + b.frozenMark(fs, st.Next.Window), Fields: b.occFields(*st.Next, loc)}
		}
		m.Sections = append(m.Sections, cur, next)
	}
	if r := b.runbook().Revision; r != nil {
		m.Context = append(m.Context, b.t("reply.status.commit", "commit", r.Short(), "author", r.Author, "when", b.when(r.When, time.UTC)))
	}
	return Reply{Message: m}
}

// occFields are an occurrence's facts worth showing, only those that are set.
func (b *Bot) occFields(o runbook.Occurrence, loc *time.Location) []Field {
	fs := []Field{b.timeField("label.window", o.Window, loc), field(b.t("label.state"), b.state(o.State))}
	if o.ApprovedBy != "" {
		fs = append(fs, field(b.t("label.approved_by"), b.who(o.ApprovedBy)))
	}
	if o.DeclinedBy != "" {
		fs = append(fs, field(b.t("label.declined_by"), b.who(o.DeclinedBy)), field(b.t("label.reason"), o.DeclineReason))
	}
	if o.RunBy != "" {
		fs = append(fs, field(b.t("label.run_by"), b.who(o.RunBy)))
	}
	if o.Attempts > 0 {
		fs = append(fs, field(b.t("label.attempts"), strconv.Itoa(o.Attempts)))
	}
	if o.ExitCode != nil {
		fs = append(fs, field(b.t("label.exit_code"), strconv.Itoa(*o.ExitCode)))
	}
	if o.Reason != "" {
		fs = append(fs, field(b.t("label.reason"), b.reason(o.Reason)))
	}
	if o.Delayed {
		fs = append(fs, field(b.t("label.delayed"), b.t("word.yes")))
	}
	if o.Justification != "" {
		fs = append(fs, field(b.t("label.justification"), o.Justification))
	}
	if o.IncidentRef != "" {
		fs = append(fs, field(b.t("label.incident"), o.IncidentRef))
	} else if o.IncidentDeadline != nil {
		fs = append(fs, b.timeField("label.deadline", *o.IncidentDeadline, loc))
	}
	if o.Escalated {
		fs = append(fs, field(b.t("label.escalated"), b.t("word.yes")))
	}
	return fs
}

// check runs the pre-flight now: automated checks ✅/❌, manual items as a checklist.
func (b *Bot) check(ctx context.Context, job string) Reply {
	_, pf, err := b.svc.Check(ctx, job)
	if err != nil {
		return b.errorReply(err, VerbCheck, job)
	}
	title := b.t("reply.check.title", "job", job)
	m := Message{Fallback: title, Title: title}
	m.Sections = b.preflightSections(pf, b.t("reply.checklist"))
	switch n := len(pf.Failed()); {
	case len(pf.Results) == 0:
		m.Sections = append(m.Sections, Section{Text: b.t("reply.check.none")})
	case n == 0 && !pf.HasAutomated():
		m.Sections = append(m.Sections, Section{Text: b.t("reply.check.manual_only")})
	case n == 0:
		m.Sections = append(m.Sections, Section{Text: b.t("reply.check.ok")})
	default:
		m.Sections = append(m.Sections, Section{Text: b.tn("reply.check.failed", n)})
	}
	if len(pf.Env) > 0 {
		m.Sections = append(m.Sections, Section{Text: b.t("reply.check.env", "names", strings.Join(pf.Env, ", "))})
	}
	m.Sections = append(m.Sections, b.checkTickets(ctx, job)...)
	return Reply{Message: m}
}

// preflightSections are the automated results, then the manual checklist under its heading.
func (b *Bot) preflightSections(pf runbook.Preflight, checklist string) []Section {
	var auto, manual []Check
	for _, r := range pf.Results {
		if r.Check.Kind == runbook.CheckManual {
			manual = append(manual, Check{Manual: true, Text: r.Check.Text})
			continue
		}
		auto = append(auto, Check{OK: r.OK, Text: r.Check.Text, Detail: b.checkDetail(r)})
	}
	var out []Section
	if len(auto) > 0 {
		out = append(out, Section{Checks: auto})
	}
	if len(manual) > 0 {
		out = append(out, Section{Text: checklist, Checks: manual})
	}
	return out
}

// checkDetail is "tool: docker" plus the checker's detail, never a value.
func (b *Bot) checkDetail(r runbook.CheckResult) string {
	d := b.t("check."+string(r.Check.Kind)) + ": " + strings.Join(r.Check.Names, " / ")
	if !r.Detail.IsZero() {
		d += " — " + b.Msg(r.Detail)
	}
	return d
}

// history lists the job's last occurrences, newest first.
func (b *Bot) history(ctx context.Context, job string) Reply {
	os, err := b.svc.History(ctx, job, historyLen)
	if err != nil {
		return b.errorReply(err, VerbHistory, job)
	}
	title := b.t("reply.history.title", "job", job, "n", strconv.Itoa(historyLen))
	m := Message{Fallback: title, Title: title}
	if len(os) == 0 {
		m.Sections = []Section{{Text: b.t("reply.history.empty", "job", job)}}
		return Reply{Message: m}
	}
	loc := b.zoneOf(job)
	commits := b.commits(ctx, os)
	var lines []string
	for _, o := range os {
		parts := []string{b.when(o.Window, loc) + ": " + b.state(o.State)}
		if o.ApprovedBy != "" {
			parts = append(parts, b.t("part.approved_by", "by", b.who(o.ApprovedBy)))
		}
		if o.DeclinedBy != "" {
			parts = append(parts, b.t("part.declined_by", "by", b.who(o.DeclinedBy), "reason", o.DeclineReason))
		}
		if o.RunBy != "" {
			parts = append(parts, b.t("part.run_by", "by", b.who(o.RunBy)))
		}
		if o.ExitCode != nil {
			parts = append(parts, b.t("part.exit", "code", strconv.Itoa(*o.ExitCode)))
		}
		if o.Attempts > 1 {
			parts = append(parts, b.tn("part.attempts", o.Attempts))
		}
		if o.LogError != "" {
			parts = append(parts, b.t("part.log_incomplete", "reason", o.LogError))
		}
		if o.Delayed {
			parts = append(parts, b.t("part.delayed"))
		}
		if o.Justification != "" {
			parts = append(parts, b.t("part.justification", "text", o.Justification))
		}
		if o.IncidentRef != "" {
			parts = append(parts, b.t("part.incident", "ref", o.IncidentRef))
		}
		if o.Escalated {
			parts = append(parts, b.t("part.escalated"))
		}
		if cs := commits[o.ID]; len(cs) > 0 {
			parts = append(parts, b.t("part.commits", "commits", strings.Join(cs, ", ")))
		}
		lines = append(lines, "• "+strings.Join(parts, " · "))
	}
	m.Sections = []Section{{Text: strings.Join(lines, "\n")}}
	return Reply{Message: m}
}

// commitLister tells which commits of the runbook's repository hold each
// occurrence's records (*runbook.Service does, when the runbook comes from git).
type commitLister interface {
	Commits(ctx context.Context, occs []int64) (map[int64][]string, error)
}

// commits are the short SHAs of the commits holding each occurrence's records;
// none when the service keeps no such thing or cannot say.
func (b *Bot) commits(ctx context.Context, os []runbook.Occurrence) map[int64][]string {
	cl, ok := b.svc.(commitLister)
	if !ok {
		return nil
	}
	ids := make([]int64, 0, len(os))
	for _, o := range os {
		ids = append(ids, o.ID)
	}
	all, err := cl.Commits(ctx, ids)
	if err != nil {
		b.log.Warn("listing the commits of the records", "err", err)
		return nil
	}
	for id, cs := range all {
		for i, c := range cs {
			cs[i] = c[:min(7, len(c))]
		}
		all[id] = cs
	}
	return all
}
