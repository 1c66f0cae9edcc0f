package runbook_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/runbook-bot/runbook-bot/runbook"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// failingExec is an executor that cannot start any script.
type failingExec struct{ err error }

func (f failingExec) Execute(context.Context, runbook.Job, time.Time, []string, func(string)) (runbook.Execution, error) {
	return nil, f.err
}

// explainedErr is a start error that says what to tell people.
type explainedErr struct{}

func (explainedErr) Error() string        { return "a run of this job is already in progress" }
func (explainedErr) Explain() runbook.Msg { return runbook.M(runbook.RunBusy) }

func TestService_GivenAScriptThatCannotStart_WhenRun_ThenTheTailSaysWhyAsANote(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want runbook.Msg
	}{
		{"an error that explains itself", explainedErr{}, runbook.M(runbook.RunBusy)},
		{"any other error: its text", errors.New("fork/exec scripts/a.sh: permission denied"),
			runbook.M(runbook.RunStartFailed, "error", "fork/exec scripts/a.sh: permission denied")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Given a confirmed window and an executor that cannot start the script
			start := time.Date(2026, 12, 4, 18, 0, 0, 0, time.UTC)
			window := time.Date(2026, 12, 4, 19, 0, 0, 0, time.UTC)
			h := newHarness(t, start, runbook.Settings{})
			h.svc = runbook.NewService(h.rb, runbook.Settings{}, runbook.Deps{Store: h.db, Clock: h.clock, Executor: failingExec{tc.err}, Checker: okChecker{}})
			ctx := context.Background()
			marcos := contactID(t, h.rb, "Marcos Paulo")
			h.advanceTo(window.Add(-time.Hour))
			_, err := h.svc.Confirm(ctx, runbook.Request{User: marcos, RequestID: "c1"}, "seed-dev-data", false)
			require.NoError(t, err)

			// When it is run
			h.advanceTo(window.Add(time.Minute))
			_, err = h.svc.Run(ctx, runbook.Request{User: marcos, RequestID: "r1"}, "seed-dev-data")
			require.NoError(t, err)
			h.svc.Wait()

			// Then it failed to start, and its tail is one note saying why
			o := current(t, h.svc)
			require.Equal(t, runbook.Failed, o.State)
			assert.Equal(t, runbook.ReasonStart, o.Reason)
			require.Len(t, o.Tail, 1)
			note, ok := runbook.ParseNoteLine(o.Tail[0])
			require.True(t, ok, "%q", o.Tail[0])
			assert.Equal(t, tc.want, note)
		})
	}
}
