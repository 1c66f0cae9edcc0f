package bot

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// errorReply turns an error into what the user may see: the catalogue message of
// a domain error, nothing for a duplicate, a generic text with a log reference otherwise.
func (b *Bot) errorReply(err error, v Verb, job string) Reply {
	var e *runbook.Error
	if !errors.As(err, &e) || e.Kind == runbook.KindInternal || e.Kind == "" {
		ref := newRef()
		b.log.Error("command failed", "ref", ref, "verb", string(v), "job", job, "err", err)
		t := b.t("err.internal", "ref", ref)
		return Reply{Message: Message{Fallback: t, Sections: []Section{{Text: t}}}}
	}
	if e.Kind == runbook.KindConflict && e.Code == runbook.ErrDuplicate.Code {
		return Reply{Quiet: true}
	}
	if e.Kind == runbook.KindConflict && e.Code == staleButton {
		return b.staleReply(e, v, job)
	}
	args := b.errorArgs(e, v, job)
	code := e.Code
	if code == "not_allowed" && job == "" { // freeze, unfreeze: about no job
		code = "not_allowed_nojob"
	}
	tmpl, ok := lookup(b.Lang(), "err."+code)
	if !ok {
		b.log.Warn("no catalogue entry for error", "code", e.Code, "err", err)
		tmpl, _ = lookup(b.Lang(), "err.kind."+string(e.Kind))
	}
	t := expand(tmpl, args)
	rep := Reply{Message: Message{Fallback: t, Sections: []Section{{Text: t}}}}
	if e.Code == "not_allowed" {
		if e.Args["unverified"] == "true" {
			t += "\n" + b.t("err.not_allowed.unverified")
			rep.Fallback, rep.Sections[0].Text = t, t
		}
		if j, ok := b.runbook().Job(job); ok {
			rep.Mentions = b.mentions(j.Primary.Person, j.Backup.Person)
		}
	}
	return rep
}

// errorArgs formats an error's arguments for its template, adding what the
// templates name: job, jobs, usage, hint, who, zone.
func (b *Bot) errorArgs(e *runbook.Error, v Verb, job string) map[string]string {
	rb := b.runbook()
	if j, ok := e.Args["job"].(string); ok && job == "" {
		job = j
	}
	loc := b.zoneOf(job)
	args := map[string]string{"job": job, "jobs": strings.Join(rb.JobIDs(), ", "), "zone": loc.String()}
	if vs, ok := e.Args["verb"].(string); ok && v == "" {
		v = Verb(vs)
	}
	if v != "" {
		args["usage"] = b.t("usage."+string(v), "job", job)
	}
	for k, val := range e.Args {
		switch x := val.(type) {
		case string:
			args[k] = x
		case time.Time:
			args[k] = b.when(x, loc)
		case []string:
			args[k] = strings.Join(x, ", ")
		case nil:
		default:
			args[k] = fmt.Sprint(x)
		}
	}
	args["job"] = echo(args["job"]) // a job the service did not know is repeated short too
	if by, ok := e.Args["by"].(string); ok {
		args["by"] = b.who(by)
	}
	if s, ok := e.Args["state"].(string); ok && s != "" {
		args["state"] = b.state(runbook.State(s))
	}
	if a, ok := e.Args["action"].(string); ok {
		args["action"] = b.t("action." + a)
		channel, _ := e.Args["channel"].(string)
		args["who"] = b.whoMay(job, runbook.Action(a), channel)
	}
	args["hint"] = ""
	if s, _ := e.Args["suggestion"].(string); s != "" {
		args["hint"] = b.t("hint.did_you_mean", "suggestion", s)
	}
	return args
}

// whoMay names who may do the action on the job, for refusals, from the
// domain's rule table; channel is the incident channel when its members count
// as responders.
func (b *Bot) whoMay(job string, act runbook.Action, channel string) string {
	j, _ := b.runbook().Job(job)
	primary, backup := j.Primary.Name(), j.Backup.Name()
	if m, ok := b.mention(j.Primary.Person); ok {
		primary = "@" + m.Name
	}
	if m, ok := b.mention(j.Backup.Person); ok {
		backup = "@" + m.Name
	}
	roles := runbook.MayDo(act)
	switch {
	case act == runbook.ActFreeze || act == runbook.ActUnfreeze:
		return b.t("who.freeze")
	case roles.Has(runbook.RoleResponder) && channel != "":
		return b.t("who.owners_operators_channel", "primary", primary, "backup", backup, "channel", channel)
	case roles.Has(runbook.RoleResponder):
		return b.t("who.owners_operators_responders", "primary", primary, "backup", backup)
	case roles.Has(runbook.RoleOperator):
		return b.t("who.owners_operators", "primary", primary, "backup", backup)
	}
	return b.t("who.owners", "primary", primary, "backup", backup)
}

// newRef is a short random reference tying a generic error reply to its log line.
func newRef() string {
	var buf [4]byte
	_, _ = rand.Read(buf[:])
	return hex.EncodeToString(buf[:])
}
