package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/runbook-bot/runbook-bot/runbook"
	"github.com/runbook-bot/runbook-bot/runbook/records"
	"github.com/runbook-bot/runbook-bot/runbook/webhook"
)

// permanentError gives a delivery up: retrying cannot help.
type permanentError struct{ error }

func (permanentError) Permanent() bool { return true }

// readable is what the records people read need from the runbook: names for
// Slack user IDs and the zone of each job.
type readable struct {
	who  func(id string) string          // "@Marcos Paulo" when the runbook's contacts know the ID, else the ID as it is
	zone func(job string) *time.Location // the job's zone; nil: UTC only
}

// readableOf reads names and zones from the runbook in force, as the service resolves them.
func readableOf(svc *runbook.Service) readable {
	return readable{
		who: func(id string) string {
			if name := svc.ContactName(context.Background(), id); name != "" {
				return "@" + name
			}
			return id
		},
		zone: func(job string) *time.Location {
			if j, ok := svc.Runbook().Job(job); ok {
				return j.Window.Location
			}
			return nil
		},
	}
}

// checkinSink puts the check-in entry of an occurrence's latest attempt.
func checkinSink(c *records.Checkins, r readable) runbook.SinkFunc {
	return func(_ context.Context, d runbook.Delivery) error {
		var o runbook.Occurrence
		if err := json.Unmarshal(d.Payload, &o); err != nil {
			return permanentError{fmt.Errorf("check-in payload: %w", err)}
		}
		return c.Put(entryOf(o, r))
	}
}

// entryOf is the check-in entry of an occurrence's latest attempt, people by
// name and times in the job's zone.
func entryOf(o runbook.Occurrence, r readable) records.Entry {
	e := records.Entry{
		Key: fmt.Sprintf("%d-%d", o.ID, o.Attempts), Job: o.Job, Window: o.Window, Result: string(o.State), Reason: o.Reason,
		ExitCode: o.ExitCode, IncidentRef: o.IncidentRef, Learnings: o.Learnings, Zone: r.zone(o.Job),
	}
	if o.ApprovedBy != "" {
		e.ApprovedBy = r.who(o.ApprovedBy)
	}
	if o.RunBy != "" {
		e.RunBy = r.who(o.RunBy)
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
func delayLogSink(path string, lang runbook.Lang, r readable, log *slog.Logger) runbook.SinkFunc {
	return func(_ context.Context, d runbook.Delivery) error {
		var l runbook.DelayLine
		if err := json.Unmarshal(d.Payload, &l); err != nil {
			return permanentError{fmt.Errorf("delay log payload: %w", err)}
		}
		err := records.AppendDelay(path, lang, delayLine(l, lang, r))
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

// delayLine is the delay log's line for a justification: times in the job's
// zone, its author by name.
func delayLine(l runbook.DelayLine, lang runbook.Lang, r readable) string {
	by := ""
	if l.By != "" {
		by = fmt.Sprintf(" (%s %s)", map[runbook.Lang]string{runbook.LangPT: "por", runbook.LangEN: "by"}[lang], r.who(l.By))
	}
	loc := r.zone(l.Job)
	return fmt.Sprintf("%s · %s · %s %s · %s%s", records.When(lang, l.At, loc, "15:04"), l.Job,
		map[runbook.Lang]string{runbook.LangPT: "janela", runbook.LangEN: "window"}[lang], records.When(lang, l.Window, loc, "15:04"), l.Text, by)
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
