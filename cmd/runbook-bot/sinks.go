package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"

	"github.com/runbook-bot/runbook-bot/runbook"
	"github.com/runbook-bot/runbook-bot/runbook/records"
	"github.com/runbook-bot/runbook-bot/runbook/webhook"
)

// permanentError gives a delivery up: retrying cannot help.
type permanentError struct{ error }

func (permanentError) Permanent() bool { return true }

// people names a Slack user ID for the records people read: "@Marcos Paulo"
// when the runbook's contacts know it, else the ID as it is.
type people func(id string) string

// peopleOf names IDs from the runbook's contacts, as the service resolves them.
func peopleOf(svc *runbook.Service) people {
	return func(id string) string {
		if name := svc.ContactName(context.Background(), id); name != "" {
			return "@" + name
		}
		return id
	}
}

// checkinSink puts the check-in entry of an occurrence's latest attempt.
func checkinSink(c *records.Checkins, who people) runbook.SinkFunc {
	return func(_ context.Context, d runbook.Delivery) error {
		var o runbook.Occurrence
		if err := json.Unmarshal(d.Payload, &o); err != nil {
			return permanentError{fmt.Errorf("check-in payload: %w", err)}
		}
		return c.Put(entryOf(o, who))
	}
}

// entryOf is the check-in entry of an occurrence's latest attempt, people by name.
func entryOf(o runbook.Occurrence, who people) records.Entry {
	e := records.Entry{
		Key: fmt.Sprintf("%d-%d", o.ID, o.Attempts), Job: o.Job, Window: o.Window, Result: string(o.State), Reason: o.Reason,
		ExitCode: o.ExitCode, IncidentRef: o.IncidentRef, Learnings: o.Learnings,
	}
	if o.ApprovedBy != "" {
		e.ApprovedBy = who(o.ApprovedBy)
	}
	if o.RunBy != "" {
		e.RunBy = who(o.RunBy)
	}
	if o.FinishedAt != nil {
		e.Date = *o.FinishedAt
		if o.StartedAt != nil {
			e.Duration = o.FinishedAt.Sub(*o.StartedAt)
		}
	}
	return e
}

// delayLogSink appends justifications under the runbook's delay log section.
// A read-only runbook, or a line that would change how the runbook reads, is
// skipped with a warning: the justification is in the audit log.
func delayLogSink(path string, lang runbook.Lang, who people, log *slog.Logger) runbook.SinkFunc {
	return func(_ context.Context, d runbook.Delivery) error {
		var l runbook.DelayLine
		if err := json.Unmarshal(d.Payload, &l); err != nil {
			return permanentError{fmt.Errorf("delay log payload: %w", err)}
		}
		err := records.AppendDelay(path, lang, delayLine(l, lang, who))
		switch {
		case errors.Is(err, records.ErrReadOnly):
			log.Warn("runbook file is read-only; delay justification kept in the audit log only", "file", path, "job", l.Job)
			return nil
		case errors.Is(err, records.ErrChangesRunbook):
			log.Warn("delay justification would change how the runbook reads; kept in the audit log only", "file", path, "job", l.Job)
			return nil
		}
		return err
	}
}

// delayLine is the delay log's line for a justification, its author by name.
func delayLine(l runbook.DelayLine, lang runbook.Lang, who people) string {
	by := ""
	if l.By != "" {
		by = fmt.Sprintf(" (%s %s)", map[runbook.Lang]string{runbook.LangPT: "por", runbook.LangEN: "by"}[lang], who(l.By))
	}
	return fmt.Sprintf("%s · %s · %s %s · %s%s", l.At.UTC().Format("2006-01-02 15:04 UTC"), l.Job,
		map[runbook.Lang]string{runbook.LangPT: "janela", runbook.LangEN: "window"}[lang], l.Window.UTC().Format("2006-01-02 15:04 UTC"), l.Text, by)
}

// itsmSink sends audit records to the ITSM webhook.
func itsmSink(c *webhook.Client) runbook.SinkFunc {
	return func(ctx context.Context, d runbook.Delivery) error {
		var r runbook.Record
		if err := json.Unmarshal(d.Payload, &r); err != nil {
			return permanentError{fmt.Errorf("itsm payload: %w", err)}
		}
		return c.Send(ctx, r)
	}
}
