package runbook_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/runbook"
)

func TestPlan_GivenARescheduledWindowAndAFreeze_WhenPlanned_ThenEachWindowOnceAtItsNewTimeWithItsFreeze(t *testing.T) {
	declared := func(s string) string {
		return s + "\n## Congelamentos\n\n| Início | Fim | Motivo |\n| --- | --- | --- |\n| 2026-12-07 00:00 | 2026-12-08 00:00 | Segunda calma |\n"
	}
	h, _, _ := freezeHarness(t, seedWindow.Add(-2*time.Hour), declared)
	ctx := context.Background()
	marcos := contactID(t, h.rb, "Marcos Paulo")
	h.advanceTo(seedWindow.Add(-time.Hour))
	moved := seedWindow.Add(26 * time.Hour) // Saturday 21:00
	_, err := h.svc.Reschedule(ctx, runbook.Request{User: marcos, RequestID: "r1"}, "seed-dev-data", moved, "plataforma pediu sábado")
	require.NoError(t, err)

	now := h.clock.Now()
	ps, err := h.svc.Plan(ctx, now, now.Add(7*24*time.Hour), "")
	require.NoError(t, err)
	var seed []runbook.Planned
	frozen := map[string]bool{}
	for i, p := range ps {
		if i > 0 {
			require.False(t, p.Occ.Window.Before(ps[i-1].Occ.Window), "by window")
		}
		if p.Job.ID == "seed-dev-data" {
			seed = append(seed, p)
		}
		if p.Freeze != nil {
			frozen[p.Job.ID+" "+p.Occ.Window.Format(time.RFC3339)] = true
		}
	}
	require.Len(t, seed, 1, "the moved window once, not also at its old slot")
	require.True(t, seed[0].Occ.Window.Equal(moved))
	require.True(t, seed[0].Occ.Slot.Equal(seedWindow))
	require.Equal(t, map[string]bool{"provision-dev 2026-12-07T09:00:00Z": true, "reset-staging 2026-12-07T05:00:00Z": true}, frozen)

	only, err := h.svc.Plan(ctx, now, now.Add(7*24*time.Hour), "reset-staging")
	require.NoError(t, err)
	require.Len(t, only, 7)
	_, err = h.svc.Plan(ctx, now, now.Add(time.Hour), "nope")
	require.Equal(t, runbook.KindNotFound, runbook.KindOf(err))
}
