package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/runbook"
	"github.com/runbook-bot/runbook-bot/runbook/sqlite"
)

func TestOps_GivenADueTimerNotFired_WhenItIsOver30sLate_ThenNotReadyLoggedOnceAndItsLatenessMeasuredWhenItFires(t *testing.T) {
	// Given: the shipped runbook's occurrences, with nobody firing their timers.
	src, err := os.ReadFile("../../docs/runbook.md")
	require.NoError(t, err)
	rb, problems := runbook.Parse("docs/runbook.md", src, runbook.ParseOptions{DefaultZone: time.UTC})
	require.Empty(t, problems)
	db, err := sqlite.Open(context.Background(), t.TempDir()+"/runbook.db")
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	clock := clockwork.NewFakeClockAt(time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC))
	metrics := newLoopMetrics()
	svc := runbook.NewService(rb, runbook.Settings{}, runbook.Deps{Store: db, Clock: clock, Observer: metrics})
	require.NoError(t, svc.Materialize(context.Background()))
	var logs bytes.Buffer
	ops := &opsServer{svc: svc, db: db, log: slog.New(slog.NewTextHandler(&logs, nil)), metrics: metrics}
	h := ops.handler()
	probe := func() (int, map[string]any) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
		var body map[string]any
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &body))
		return rec.Code, body
	}
	code, _ := probe()
	require.Equal(t, http.StatusOK, code, "nothing due yet")

	var next runbook.Timer
	require.NoError(t, db.View(context.Background(), func(tx runbook.Tx) (err error) { next, _, err = tx.NextTimer(); return }))

	// When: the earliest timer is 29 s, then 31 s past due, probed twice.
	clock.Advance(next.Due.Add(29 * time.Second).Sub(clock.Now()))
	code, _ = probe()
	require.Equal(t, http.StatusOK, code, "29 s late is still ready")
	clock.Advance(2 * time.Second)
	code, body := probe()
	probe()

	// Then: not ready, naming the timer; one error logged for the two probes.
	require.Equal(t, http.StatusServiceUnavailable, code)
	require.Contains(t, body["checks"].(map[string]any)["timers"], "overdue")
	require.Equal(t, 1, strings.Count(logs.String(), "a due timer has not fired after 30 s"), logs.String())

	// When it fires, the bot is ready again and the lateness is in the histogram.
	_, err = svc.FireDue(context.Background())
	require.NoError(t, err)
	code, _ = probe()
	require.Equal(t, http.StatusOK, code)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	kind := `{kind="` + string(next.Kind) + `"`
	require.Contains(t, rec.Body.String(), `runbook_timer_lateness_seconds_bucket`+kind+`,le="30"} 0`, "fired 31 s late")
	require.Regexp(t, `runbook_timer_lateness_seconds_bucket`+regexp.QuoteMeta(kind)+`,le="60"} [1-9]`, rec.Body.String())
}
