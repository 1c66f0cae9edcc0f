package runbook

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// daily windows of one job: w1 two days ago, w2 (current for most cases), w3 next.
var (
	w1 = time.Date(2026, 3, 1, 5, 0, 0, 0, time.UTC)
	w2 = w1.Add(24 * time.Hour)
	w3 = w2.Add(24 * time.Hour)
)

func at(w time.Time, s State) Occurrence {
	return Occurrence{Job: "reset-staging", Slot: w, Window: w, State: s}
}

func TestTargets_GivenOccurrences_WhenACommandArrives_ThenItAppliesToTheIntendedWindow(t *testing.T) {
	tests := []struct {
		name   string
		target targeting
		os     []Occurrence
		now    time.Time
		want   time.Time
	}{
		{name: "confirm just after a missed window: the late one", target: targetConfirm,
			os: []Occurrence{at(w2, AwaitingConfirmation), at(w3, AwaitingConfirmation)}, now: w2.Add(35 * time.Minute), want: w2},
		{name: "confirm an hour before the next window: the next one, not the one missed a day ago", target: targetConfirm,
			os: []Occurrence{at(w2, AwaitingConfirmation), at(w3, AwaitingConfirmation)}, now: w3.Add(-time.Hour), want: w3},
		{name: "confirm never reaches a superseded window", target: targetConfirm,
			os: []Occurrence{at(w1, AwaitingConfirmation), at(w2, Succeeded), at(w3, AwaitingConfirmation)}, now: w2.Add(time.Hour), want: w3},
		{name: "confirm when the next is confirmed already: the next (already confirmed), not the far missed one", target: targetConfirm,
			os: []Occurrence{at(w2, AwaitingConfirmation), at(w3, Confirmed)}, now: w3.Add(-time.Hour), want: w3},
		{name: "confirm after a declined window passed: the next one", target: targetConfirm,
			os: []Occurrence{at(w2, Declined), at(w3, AwaitingConfirmation)}, now: w2.Add(10 * time.Minute), want: w3},
		{name: "confirm reverses a decline before its window", target: targetConfirm,
			os: []Occurrence{at(w1, Succeeded), at(w2, Declined)}, now: w2.Add(-time.Hour), want: w2},
		{name: "confirm on the first day: the next one", target: targetConfirm,
			os: []Occurrence{at(w2, AwaitingConfirmation)}, now: w2.Add(-time.Hour), want: w2},
		{name: "decline follows the same rule", target: targetConfirm,
			os: []Occurrence{at(w2, Scheduled), at(w3, AwaitingConfirmation)}, now: w3.Add(-2 * time.Hour), want: w3},

		{name: "run a confirmed window late: the current one", target: targetRun,
			os: []Occurrence{at(w2, Confirmed), at(w3, AwaitingConfirmation)}, now: w3.Add(-time.Hour), want: w2},
		{name: "run an hour before the next window when the missed one was never confirmed: the next (refused before its window)", target: targetRun,
			os: []Occurrence{at(w2, AwaitingConfirmation), at(w3, Confirmed)}, now: w3.Add(-time.Hour), want: w3},
		{name: "run just after an unconfirmed window: the current (refused: confirm first)", target: targetRun,
			os: []Occurrence{at(w2, AwaitingConfirmation), at(w3, AwaitingConfirmation)}, now: w2.Add(10 * time.Minute), want: w2},
		{name: "run again after a failure: the current", target: targetRun,
			os: []Occurrence{at(w2, Failed), at(w3, Confirmed)}, now: w3.Add(-time.Minute), want: w2},
		{name: "run after a success: the next", target: targetRun,
			os: []Occurrence{at(w2, Succeeded), at(w3, Confirmed)}, now: w2.Add(time.Hour), want: w3},
		{name: "run just after a declined window: the current (refused: declined)", target: targetRun,
			os: []Occurrence{at(w2, Declined), at(w3, AwaitingConfirmation)}, now: w2.Add(10 * time.Minute), want: w2},
		{name: "run close to the next window after a declined one: the next", target: targetRun,
			os: []Occurrence{at(w2, Declined), at(w3, Confirmed)}, now: w3.Add(-time.Minute), want: w3},
		{name: "run while running: the running one", target: targetRun,
			os: []Occurrence{at(w2, Running), at(w3, AwaitingConfirmation)}, now: w3.Add(-time.Minute), want: w2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Given the occurrences in any order
			os := append([]Occurrence(nil), tt.os...)
			for i, j := 0, len(os)-1; i < j; i, j = i+1, j-1 {
				os[i], os[j] = os[j], os[i]
			}
			// When the command picks its occurrence
			got, ok := tt.target(os, tt.now)
			// Then it is the intended window
			assert.True(t, ok)
			assert.Equal(t, tt.want, got.Window)
		})
	}
}
