package main

import (
	"context"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// gitSinks replaces the records sinks when the runbook comes from git.
func (e *appEnv) gitSinks(sinks map[string]runbook.SinkFunc, _ *runbook.Service, _ runbook.Lang) {
	skip := func(_ context.Context, d runbook.Delivery) error {
		e.log.Warn("records are not committed to the repository yet; kept in the audit log", "sink", d.Sink)
		return nil
	}
	sinks[runbook.SinkCheckin], sinks[runbook.SinkDelayLog] = skip, skip
}
