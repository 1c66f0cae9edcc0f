// Package storetest is the conformance suite of runbook.Store: the same
// tests run against every store (SQLite, PostgreSQL), so that none drifts
// from the port's contract. A store's package calls Run from one of its tests.
package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// Opener opens a new, empty store for t; the store is closed when t ends.
type Opener func(t *testing.T) runbook.Store

// Statser is what the metrics read besides the port; every store provides it.
type Statser interface {
	StatsAt(ctx context.Context, now time.Time) (runbook.StoreStats, error)
}

// Run runs every conformance test against stores made by open, one store per test.
func Run(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(t *testing.T, open Opener)
	}{
		{"OccurrenceRoundTrip", testOccurrenceRoundTrip},
		{"OccurrenceErrors", testOccurrenceErrors},
		{"OccurrencesQuery", testOccurrencesQuery},
		{"CreateOccurrenceWithID", testCreateOccurrenceWithID},
		{"DeleteOccurrenceDropsTimers", testDeleteOccurrenceDropsTimers},
		{"RecordsAppendOnly", testRecordsAppendOnly},
		{"Timers", testTimers},
		{"Claim", testClaim},
		{"Outbox", testOutbox},
		{"PruneDelivered", testPruneDelivered},
		{"MessageRefsAndMeta", testMessageRefsAndMeta},
		{"TimesOutOfRange", testTimesOutOfRange},
		{"TimesKeepMicroseconds", testTimesKeepMicroseconds},
		{"UpdateRollsBackOnErrorAndPanic", testUpdateRollsBackOnErrorAndPanic},
		{"ViewIsReadOnly", testViewIsReadOnly},
		{"Stats", testStats},
		{"RunOwners", testRunOwners},
		{"ConcurrentReadersDoNotBlockTheWriter", testConcurrentReadersDoNotBlockTheWriter},
		{"ConcurrentWritersSerialize", testConcurrentWritersSerialize},
		{"ConcurrentFireTimerFiresOnce", testConcurrentFireTimerFiresOnce},
		{"ConcurrentClaimsOneFresh", testConcurrentClaimsOneFresh},
		{"ConcurrentEnsureCreatesOnce", testConcurrentEnsureCreatesOnce},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open) })
	}
}

var ctx = context.Background()

// t0 has a non-UTC zone and microseconds, to check instants round-trip exactly.
var t0 = time.Date(2031, 3, 4, 2, 0, 0, 123456000, time.FixedZone("BRT", -3*3600))

func tp(t time.Time) *time.Time { return &t }

func newOcc(job string, slot time.Time) runbook.Occurrence {
	return runbook.Occurrence{Job: job, Slot: slot, Window: slot, State: runbook.Scheduled}
}

// update runs fn in a write transaction and fails the test on error.
func update(t testing.TB, s runbook.Store, fn func(runbook.Tx) error) {
	t.Helper()
	require.NoError(t, s.Update(ctx, fn))
}

// view runs fn in a read transaction and fails the test on error.
func view(t testing.TB, s runbook.Store, fn func(runbook.Tx)) {
	t.Helper()
	require.NoError(t, s.View(ctx, func(tx runbook.Tx) error { fn(tx); return nil }))
}

// utc returns o with every time in UTC, as the store returns them.
func utc(o runbook.Occurrence) runbook.Occurrence {
	o.Slot, o.Window = o.Slot.UTC(), o.Window.UTC()
	for _, p := range []**time.Time{&o.RequestedAt, &o.ApprovedAt, &o.StartedAt, &o.FinishedAt, &o.FailedAt, &o.IncidentDeadline, &o.IncidentAt} {
		if *p != nil {
			*p = tp((**p).UTC())
		}
	}
	return o
}

// kindOf fails the test unless err is a *runbook.Error, and returns its kind and code.
func kindOf(t testing.TB, err error) (runbook.Kind, string) {
	t.Helper()
	var e *runbook.Error
	require.ErrorAs(t, err, &e)
	return e.Kind, e.Code
}
