package bot

import (
	"context"
	"time"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// Service is what the bot needs from the runbook service (*runbook.Service
// implements it): the sum of the roles below, each declared for the part of
// the bot that uses it.
type Service interface {
	Reads
	Acts
	Freezing
	Planning
	TicketLookup
}

// Reads is what the bot reads to answer questions and render messages
// (replies_read.go, render.go, calendar.go, format.go).
type Reads interface {
	// Runbook returns the runbook in force.
	Runbook() *runbook.Runbook
	// Policy returns the effective escalation policy.
	Policy() runbook.Policy
	// Now is the service clock's time.
	Now() time.Time
	// Status returns the current and next occurrence of one job, or of all when job is empty.
	Status(ctx context.Context, job string) ([]runbook.JobStatus, error)
	// Check runs the job's pre-flight checks now.
	Check(ctx context.Context, job string) (runbook.Job, runbook.Preflight, error)
	// History lists the job's latest n occurrences, newest first.
	History(ctx context.Context, job string, n int) ([]runbook.Occurrence, error)
	// ContactID is the Slack ID of a person or team named in the runbook, empty when unknown.
	ContactID(ctx context.Context, name string) string
	// ContactName is the runbook's name for a Slack user or group ID, empty when unknown.
	ContactName(ctx context.Context, id string) string
}

// Acts is what the bot's acting commands and button presses call
// (commands.go): each is audited by the service.
type Acts interface {
	// Confirm approves the job's next unstarted occurrence.
	Confirm(ctx context.Context, r runbook.Request, job string, despiteTickets bool) (runbook.Occurrence, error)
	// Decline declines the job's next unstarted occurrence.
	Decline(ctx context.Context, r runbook.Request, job, reason string) (runbook.Occurrence, error)
	// Run starts the job's current occurrence.
	Run(ctx context.Context, r runbook.Request, job string) (runbook.Occurrence, error)
	// DryRun runs the job's script in its plan/validate mode.
	DryRun(ctx context.Context, r runbook.Request, job string) error
	// Cancel stops the job's running script.
	Cancel(ctx context.Context, r runbook.Request, job string) (runbook.Occurrence, error)
	// Justify records why the job's current occurrence is late.
	Justify(ctx context.Context, r runbook.Request, job, text string) (runbook.Occurrence, error)
	// Reschedule moves the job's next unstarted occurrence.
	Reschedule(ctx context.Context, r runbook.Request, job string, to time.Time, text string) (runbook.Occurrence, error)
	// Incident records the incident reference of the job's latest failure (replace: replaces the recorded one).
	Incident(ctx context.Context, r runbook.Request, job, ref string, replace bool) (runbook.Occurrence, error)
	// Reject audits an acting command the parser refused: nothing else changes.
	Reject(ctx context.Context, r runbook.Request, job, action, reason, text string) error
	// Learnings adds learnings to the job's latest execution.
	Learnings(ctx context.Context, r runbook.Request, job, text string) (runbook.Occurrence, error)
}

// Freezing sets, lifts and lists change freezes (freeze.go).
type Freezing interface {
	// Freeze sets a change freeze from now until until.
	Freeze(ctx context.Context, r runbook.Request, until time.Time, reason string) (runbook.Freeze, error)
	// Unfreeze lifts the change freezes in force and returns them.
	Unfreeze(ctx context.Context, r runbook.Request, reason string) ([]runbook.Freeze, error)
	// Freezes lists every change freeze known, by start.
	Freezes(ctx context.Context) ([]runbook.Freeze, error)
}

// Planning is what the App Home shows (home.go).
type Planning interface {
	// Plan lists the windows from from until until (of one job when job is set), with their occurrences and freezes.
	Plan(ctx context.Context, from, until time.Time, job string) ([]runbook.Planned, error)
	// Recent lists the n latest finished occurrences, newest first.
	Recent(ctx context.Context, n int) ([]runbook.Occurrence, error)
	// Allows reports whether user may do act on job now.
	Allows(ctx context.Context, user string, j runbook.Job, act runbook.Action) bool
}

// TicketLookup reports a job's related open tickets (render_tickets.go).
type TicketLookup interface {
	// Tickets reports the job's related open tickets; it never fails (see TicketReport.Unavailable).
	Tickets(ctx context.Context, job string) runbook.TicketReport
	// TicketsConfigured reports whether a ticket source is configured.
	TicketsConfigured() bool
}
