package runbook_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// hugeLines are a 10 MB line, then 200 lines of 64 KiB: what used to reach the database whole.
func hugeLines() []string {
	lines := []string{strings.Repeat("x", 10<<20)}
	for i := range 200 {
		lines = append(lines, strings.Repeat(string(rune('a'+i%26)), 64<<10))
	}
	return lines
}

// requireBoundedOutbox checks every stored outbox row: output posts of lines of
// at most 4 KiB, about 12 KiB each; tails of at most 50 lines of 1 KiB.
func requireBoundedOutbox(t *testing.T, h *harness) (posts int) {
	t.Helper()
	require.NoError(t, h.db.View(context.Background(), func(tx runbook.Tx) error {
		for _, sink := range []string{runbook.SinkChat, runbook.SinkCheckin} {
			ds, err := tx.PendingDeliveries(sink, h.clock.Now().Add(24*365*time.Hour), 0)
			require.NoError(t, err)
			for _, d := range ds {
				require.LessOrEqual(t, len(d.Payload), 64<<10, "%s row %s holds %d bytes", sink, d.Key, len(d.Payload))
				if sink != runbook.SinkChat {
					continue
				}
				var n runbook.Notice
				require.NoError(t, json.Unmarshal(d.Payload, &n))
				size := 0
				for _, l := range n.Lines {
					require.LessOrEqual(t, len(l), runbook.ChatLineBytes)
					size += len(l)
				}
				require.LessOrEqual(t, size, runbook.BatchBytes+len("…"), "a post's lines (the last post of a run says more were left out)")
				require.LessOrEqual(t, len(n.Tail), runbook.TailLines)
				for _, l := range n.Tail {
					require.LessOrEqual(t, len(l), runbook.TailLineBytes)
				}
				if n.Kind == runbook.NoticeRunOutput {
					posts++
				}
			}
		}
		return nil
	}))
	return posts
}

func TestService_GivenADryRunPrintingHugeLines_WhenItsOutputIsStored_ThenEveryLinePostAndTailIsBounded(t *testing.T) {
	h := newHarness(t, time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC), runbook.Settings{})
	exec := &fakeExec{lines: hugeLines()}
	h.svc = runbook.NewService(h.rb, runbook.Settings{}, runbook.Deps{Store: h.db, Clock: h.clock, Executor: exec, Checker: okChecker{}})
	require.NoError(t, h.svc.DryRun(context.Background(), runbook.Request{User: contactID(t, h.rb, "Marcos Paulo")}, "seed-dev-data"))
	exec.last(t).done <- runbook.RunResult{Tail: hugeLines()}
	h.svc.Wait()

	posts := requireBoundedOutbox(t, h)
	require.Positive(t, posts)
	first := h.chatNotices()
	var out []string
	for _, n := range first {
		if n.Kind == runbook.NoticeRunOutput {
			out = append(out, n.Lines...)
		}
	}
	require.True(t, strings.HasPrefix(out[0], "xxxx"))
	require.True(t, strings.HasSuffix(out[0], "bytes cut"), "a long line says how much of it was cut")
}

func TestService_GivenARunWithAHugeTail_WhenItFails_ThenTheOccurrenceTheResultTheIncidentAndTheCheckinKeepABoundedTail(t *testing.T) {
	h, exec, marcos, window := confirmedAtWindow(t)
	ctx := context.Background()
	_, err := h.svc.Run(ctx, runbook.Request{User: marcos, RequestID: "r1"}, "seed-dev-data")
	require.NoError(t, err)
	one := 1
	exec.last(t).done <- runbook.RunResult{ExitCode: &one, Reason: runbook.ReasonExit, Tail: hugeLines()}
	h.svc.Wait()

	o := h.seedWindow(window)
	require.Equal(t, runbook.TailLines, len(o.Tail))
	for _, l := range o.Tail {
		require.LessOrEqual(t, len(l), runbook.TailLineBytes)
	}
	requireBoundedOutbox(t, h)
}
