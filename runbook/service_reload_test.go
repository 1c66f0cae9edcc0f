package runbook_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/runbook"
)

func TestService_GivenABrokenEdit_WhenPolledAgainFixedAndBrokenAgain_ThenEachBreakIsReportedOnce(t *testing.T) {
	h := newHarness(t, time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC), runbook.Settings{})
	ctx := context.Background()
	broken := runbook.Problems{{File: "runbook.md", Line: 7, Msg: `unknown weekday "Dayly"`}}
	reports := func() int {
		n := 0
		for _, s := range h.notices() {
			if s.kind == runbook.NoticeRunbookBroken {
				n++
			}
		}
		return n
	}

	// Given a broken edit, polled three times
	for range 3 {
		h.svc.Reload(ctx, nil, broken)
	}
	// Then it is reported once, and the last good runbook stays in force
	require.Equal(t, 1, reports())
	require.Same(t, h.rb, h.svc.Runbook())

	// When it is fixed, then broken the same way again
	h.svc.Reload(ctx, h.rb, nil)
	h.svc.Reload(ctx, nil, broken)
	h.svc.Reload(ctx, nil, broken)
	// Then the new break is reported too, once
	require.Equal(t, 2, reports())

	// And different problems on the same version are a new report
	h.svc.Reload(ctx, nil, runbook.Problems{{File: "runbook.md", Line: 9, Msg: "no contact for Zé"}})
	require.Equal(t, 3, reports())
}
