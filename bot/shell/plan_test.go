package shell

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/bot"

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

func (f *fake) Plan(context.Context, time.Time, time.Time, string) ([]runbook.Planned, error) {
	o := f.occ(runbook.AwaitingConfirmation)
	o.ID, o.Slot = 9, o.Window
	return []runbook.Planned{{Job: f.rb.Jobs[0], Occ: o}}, nil
}

func (f *fake) Recent(context.Context, int) ([]runbook.Occurrence, error) { return nil, nil }

func (f *fake) Allows(_ context.Context, user string, _ runbook.Job, _ runbook.Action) bool {
	return user == "U03"
}

func TestShell_GivenHome_WhenTheOwnerTypesIt_ThenTheHomePrintsAndItsButtonsPress(t *testing.T) {
	f := newFake()
	var out syncBuffer
	sh := New(bot.New(f, bot.Options{Channel: "#plataforma", Log: slog.New(slog.DiscardHandler)}), &out, "U99")
	script := strings.Join([]string{":home", ":as U03", ":home", ":press confirm"}, "\n")
	require.NoError(t, sh.Run(context.Background(), strings.NewReader(script)))
	text := out.String()
	assert.Contains(t, text, "runbook-bot — your week")
	assert.Contains(t, text, "== Needs you ==\n  Nothing for you to confirm or run right now.", "U99 may do nothing")
	assert.Contains(t, text, "== Needs you ==\n• seed-dev-data · Fri 2025-01-10 22:00 UTC · awaiting confirmation")
	assert.Contains(t, text, "[Confirm] [Decline] [Check]")
	assert.Contains(t, text, "== The next 7 days ==")
	assert.Contains(t, text, "== Latest results (10) ==\n  No run yet.")
	require.Equal(t, []string{"U03 confirm seed-dev-data"}, f.Calls())
	assert.Equal(t, int64(9), f.reqs[0].Occ, "pressed on the Home: bound to its occurrence")
}
