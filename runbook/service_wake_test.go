package runbook_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// slowCommit is the real store whose next write transaction, once armed, waits
// before committing until the timer loop has read the store twice (its due
// timers and its next timer) or a short while has passed: the window in which a
// loop woken too early reads the state without the new timer.
type slowCommit struct {
	runbook.Store
	armed atomic.Bool
	views chan struct{}
}

func (s *slowCommit) View(ctx context.Context, fn func(runbook.Tx) error) error {
	err := s.Store.View(ctx, fn)
	select {
	case s.views <- struct{}{}:
	default:
	}
	return err
}

func (s *slowCommit) Update(ctx context.Context, fn func(runbook.Tx) error) error {
	return s.Store.Update(ctx, func(tx runbook.Tx) error {
		if !s.armed.Load() {
			return fn(tx)
		}
		for len(s.views) > 0 {
			<-s.views
		}
		if err := fn(tx); err != nil {
			return err
		}
		s.armed.Store(false)
		for range 2 {
			select {
			case <-s.views:
			case <-time.After(500 * time.Millisecond):
				return nil
			}
		}
		return nil
	})
}

// TestService_GivenTheTimerLoopSleeps_WhenATransitionArmsASoonerTimer_ThenItFiresOnTime covers
// every way a timer is armed while the loop sleeps: the loop must see the timer
// once it is committed, not read the store before the commit and sleep on.
func TestService_GivenTheTimerLoopSleeps_WhenATransitionArmsASoonerTimer_ThenItFiresOnTime(t *testing.T) {
	window := time.Date(2026, 12, 4, 19, 0, 0, 0, time.UTC)
	cases := []struct {
		name  string
		start time.Time
		arm   func(t *testing.T, h *harness, store *slowCommit, svc *runbook.Service, exec *fakeExec) // a committed change that arms a timer due in under a minute
		fired func(svc *runbook.Service) bool                                                         // the timer's effect is there
		after time.Duration                                                                           // how far to move the clock after arm
	}{
		{
			name:  "a run fails: the incident deadline",
			start: window.Add(-time.Hour),
			arm: func(t *testing.T, h *harness, store *slowCommit, svc *runbook.Service, exec *fakeExec) {
				ctx := context.Background()
				marcos := contactID(t, h.rb, "Marcos Paulo")
				_, err := svc.Confirm(ctx, runbook.Request{User: marcos, RequestID: "c1"}, "seed-dev-data", false)
				require.NoError(t, err)
				h.clock.Advance(window.Sub(h.clock.Now()))
				_, err = svc.Run(ctx, runbook.Request{User: marcos, RequestID: "r1"}, "seed-dev-data")
				require.NoError(t, err)
				one := 1
				store.armed.Store(true)
				exec.last(t).done <- runbook.RunResult{ExitCode: &one, Reason: runbook.ReasonExit}
				svc.Wait()
			},
			after: 21 * time.Second,
			fired: func(svc *runbook.Service) bool {
				st, err := svc.Status(context.Background(), "seed-dev-data")
				return err == nil && st[0].Current != nil && st[0].Current.Escalated
			},
		},
		{
			name:  "materialising: the confirmation request",
			start: window.Add(-24*time.Hour - 30*time.Second - 2*time.Hour),
			arm: func(t *testing.T, h *harness, store *slowCommit, svc *runbook.Service, _ *fakeExec) {
				// The occurrence (and its timers) is created when the confirmation time comes within reach.
				h.clock.Advance(window.Add(-24*time.Hour - 30*time.Second).Sub(h.clock.Now()))
				store.armed.Store(true)
				require.NoError(t, svc.Materialize(context.Background()))
			},
			after: 31 * time.Second,
			fired: func(svc *runbook.Service) bool {
				st, err := svc.Status(context.Background(), "seed-dev-data")
				if err != nil {
					return false
				}
				for _, o := range []*runbook.Occurrence{st[0].Current, st[0].Next} {
					if o != nil && o.Window.Equal(window) {
						return o.State == runbook.AwaitingConfirmation
					}
				}
				return false
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// Given: the timer loop runs and sleeps (nothing due for more than a minute).
			h := newHarness(t, tc.start, runbook.Settings{IncidentDeadline: 20 * time.Second, ConfirmLead: 24 * time.Hour})
			store := &slowCommit{Store: h.db, views: make(chan struct{}, 8)}
			exec := &fakeExec{}
			svc := runbook.NewService(h.rb, runbook.Settings{IncidentDeadline: 20 * time.Second, ConfirmLead: 24 * time.Hour},
				runbook.Deps{Store: store, Clock: h.clock, Executor: exec, Checker: okChecker{}})
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan struct{})
			go func() { defer close(done); svc.RunTimers(ctx) }()
			t.Cleanup(func() { cancel(); <-done })
			require.NoError(t, h.clock.BlockUntilContext(ctx, 1))

			// When: a change arms a timer due sooner than the loop's sleep, and its time comes.
			tc.arm(t, h, store, svc, exec)
			require.NoError(t, h.clock.BlockUntilContext(ctx, 1))
			h.clock.Advance(tc.after)

			// Then: the loop fires it.
			require.Eventually(t, func() bool { return tc.fired(svc) }, 5*time.Second, 5*time.Millisecond,
				"the timer loop slept past a committed timer")
		})
	}
}
