package runbook_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// runningOnA has replicas a (follower) and b (leader) with Friday's
// seed-dev-data confirmed and run from a command that reached a: its script
// executes on a.
func runningOnA(t *testing.T) (r *replicas, marcos string) {
	t.Helper()
	ctx := context.Background()
	window := time.Date(2026, 12, 4, 19, 0, 0, 0, time.UTC)
	r = newReplicas(t, window.Add(-2*time.Hour))
	r.b.CampaignOnce(ctx)
	r.a.CampaignOnce(ctx)
	require.NoError(t, r.b.Materialize(ctx))
	marcos = contactID(t, r.h.rb, "Marcos Paulo")
	_, err := r.a.Confirm(ctx, runbook.Request{User: marcos, RequestID: "c1"}, "seed-dev-data", false)
	require.NoError(t, err)
	r.h.clock.Advance(2*time.Hour + time.Minute)
	r.b.CampaignOnce(ctx)
	o, err := r.a.Run(ctx, runbook.Request{User: marcos, RequestID: "r1"}, "seed-dev-data")
	require.NoError(t, err)
	require.Equal(t, runbook.Running, o.State)
	r.execA.last(t)
	require.Eventually(t, func() bool { return r.a.LiveRuns() == 1 }, 5*time.Second, time.Millisecond, "a runs the script")
	return r, marcos
}

func current(t *testing.T, s *runbook.Service) runbook.Occurrence {
	t.Helper()
	st, err := s.Status(context.Background(), "seed-dev-data")
	require.NoError(t, err)
	require.NotNil(t, st[0].Current)
	return *st[0].Current
}

func countNotices(h *harness, kind runbook.NoticeKind) int {
	n := 0
	for _, x := range h.notices() {
		if x.kind == kind {
			n++
		}
	}
	return n
}

func TestRuns_GivenAReplicaThatStoppedBeating_WhenTheLeaderSweepsPast30s_ThenTheRunFailsReplicaLostOnceWithAnIncident(t *testing.T) {
	ctx := context.Background()
	r, _ := runningOnA(t)

	// a beats for a while, then dies: no more beats.
	for range 3 {
		r.h.clock.Advance(runbook.HeartbeatEvery)
		r.a.CheckRuns(ctx, true)
		r.b.CampaignOnce(ctx)
		n, err := r.b.TakeOverLostRuns(ctx)
		require.NoError(t, err)
		require.Zero(t, n, "a live replica's run is never taken")
	}
	r.h.clock.Advance(runbook.RunStaleAfter - time.Second)
	r.b.CampaignOnce(ctx)
	n, err := r.b.TakeOverLostRuns(ctx)
	require.NoError(t, err)
	require.Zero(t, n, "29 s of silence is not yet lost")

	r.h.clock.Advance(2 * time.Second)
	r.b.CampaignOnce(ctx)
	n, err = r.b.TakeOverLostRuns(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	o := current(t, r.b)
	require.Equal(t, runbook.Failed, o.State)
	require.Equal(t, runbook.ReasonReplicaLost, o.Reason)
	require.NotNil(t, o.IncidentDeadline, "the countdown starts as for any failure")
	note, ok := runbook.ParseNoteLine(o.Tail[0])
	require.True(t, ok, "the bot's own line, rendered in the reader's language: %q", o.Tail[0])
	require.Equal(t, runbook.RunReplicaLast, note.Code)
	require.Equal(t, "a", note.Arg("replica"))
	require.Equal(t, 1, countNotices(r.h, runbook.NoticeIncident))

	n, err = r.b.TakeOverLostRuns(ctx)
	require.NoError(t, err)
	require.Zero(t, n, "taken over once")
	require.Empty(t, r.execB.runs, "never re-run by itself")
}

func TestRuns_GivenARunTakenOverAsLost_WhenItsReplicaComesBack_ThenItCancelsTheScriptAndRecordsNothing(t *testing.T) {
	ctx := context.Background()
	r, _ := runningOnA(t)
	r.h.clock.Advance(runbook.RunStaleAfter + time.Second) // a was paused
	r.b.CampaignOnce(ctx)
	n, err := r.b.TakeOverLostRuns(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	before := current(t, r.b)

	// a wakes up: its beat is refused, so it stops the script; its result is not recorded.
	r.a.CheckRuns(ctx, true)
	r.a.Wait()
	after := current(t, r.b)
	require.Equal(t, runbook.ReasonReplicaLost, after.Reason, "the script's end (cancelled) does not overwrite the take-over")
	require.Equal(t, before.FinishedAt, after.FinishedAt)
	require.Equal(t, 1, countNotices(r.h, runbook.NoticeIncident))
}

func TestRuns_GivenARunOnAnotherReplica_WhenCancelled_ThenItsOwnerStopsTheScriptAndRecordsTheCancel(t *testing.T) {
	ctx := context.Background()
	r, marcos := runningOnA(t)
	_, err := r.b.Cancel(ctx, runbook.Request{User: marcos, RequestID: "x1"}, "seed-dev-data")
	require.NoError(t, err)
	require.Equal(t, runbook.Running, current(t, r.b).State, "b has no script to stop")

	r.h.clock.Advance(time.Second)
	r.a.CheckRuns(ctx, false) // the owner looks for cancels every second
	r.a.Wait()
	o := current(t, r.b)
	require.Equal(t, runbook.Cancelled, o.State)
	require.Equal(t, runbook.ReasonCancelled, o.Reason)
}

func TestRuns_GivenReplicas_WhenOneStartsAndRecovers_ThenItTakesOverOnlyLostRunsAsTheLeader(t *testing.T) {
	ctx := context.Background()
	r, _ := runningOnA(t)
	require.NoError(t, r.b.Recover(ctx), "the leader recovering at start")
	require.Equal(t, runbook.Running, current(t, r.b).State, "a's run beats: it is left alone")
	require.NoError(t, r.a.Recover(ctx), "a follower recovering does nothing")
	require.Equal(t, runbook.Running, current(t, r.b).State)

	r.h.clock.Advance(runbook.RunStaleAfter + time.Second)
	r.b.CampaignOnce(ctx)
	require.NoError(t, r.b.Recover(ctx))
	require.Equal(t, runbook.ReasonReplicaLost, current(t, r.b).Reason)
}
