package shell

import (
	"context"
	"time"

	"github.com/runbook-bot/runbook-bot/runbook"
)

func (f *fake) Freeze(_ context.Context, r runbook.Request, until time.Time, reason string) (runbook.Freeze, error) {
	f.rec("freeze", r)
	return runbook.Freeze{Start: now, End: until, Reason: reason, Source: runbook.FreezeChat}, nil
}

func (f *fake) Unfreeze(_ context.Context, r runbook.Request, _ string) ([]runbook.Freeze, error) {
	f.rec("unfreeze", r)
	return nil, nil
}

func (f *fake) Freezes(context.Context) ([]runbook.Freeze, error) { return nil, nil }
