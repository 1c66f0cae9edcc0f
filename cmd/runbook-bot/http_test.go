package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/runbook"
	"github.com/runbook-bot/runbook-bot/runbook/sqlite"
)

// opsRig is the operations server over a real database and a fake clock.
type opsRig struct {
	t     *testing.T
	db    *sqlite.DB
	clock *clockwork.FakeClock
	logs  *syncBuffer
	ops   *opsServer
	h     http.Handler
}

func newOpsRig(t *testing.T) *opsRig {
	t.Helper()
	src, err := os.ReadFile("../../runbook/testdata/runbook.pt.md")
	require.NoError(t, err)
	rb, problems := runbook.Parse("runbook.pt.md", src, runbook.ParseOptions{DefaultZone: time.UTC})
	require.Empty(t, problems)
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "runbook.db"))
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	clock := clockwork.NewFakeClockAt(time.Date(2026, 12, 4, 19, 0, 0, 0, time.UTC))
	svc := runbook.NewService(rb, runbook.Settings{}, runbook.Deps{Store: db, Clock: clock})
	logs := &syncBuffer{}
	ops := &opsServer{svc: svc, db: db, log: slog.New(slog.NewTextHandler(logs, nil))}
	return &opsRig{t: t, db: db, clock: clock, logs: logs, ops: ops, h: ops.handler()}
}

// get answers path: its status and body.
func (r *opsRig) get(path string) (int, string) {
	w := httptest.NewRecorder()
	r.h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
	b, err := io.ReadAll(w.Result().Body)
	require.NoError(r.t, err)
	return w.Code, string(b)
}

// queue puts a chat notice in the outbox, created now; it returns the row id.
func (r *opsRig) queue(n runbook.Notice) int64 {
	b, err := json.Marshal(n)
	require.NoError(r.t, err)
	d := runbook.Delivery{Sink: runbook.SinkChat, Key: n.Key, Payload: b, NextAt: r.clock.Now(), CreatedAt: r.clock.Now()}
	require.NoError(r.t, r.db.Update(context.Background(), func(tx runbook.Tx) error { return tx.Enqueue(&d) }))
	return d.ID
}

func TestReadyz_GivenAnIncidentNoticeUndeliveredFor30s_ThenNotReadyLoggedOnceUntilItIsDelivered(t *testing.T) {
	r := newOpsRig(t)
	r.queue(runbook.Notice{Kind: runbook.NoticeRunOutput, Key: "occ/1/run/1/out/1", Thread: "occ/1/run/1", Channel: runbook.ChannelRunbook})
	incident := r.queue(runbook.Notice{Kind: runbook.NoticeIncident, Key: "occ/1/incident", Channel: runbook.ChannelIncident})

	r.clock.Advance(30 * time.Second)
	code, body := r.get("/readyz")
	assert.Equal(t, http.StatusOK, code, "30 s is still in time: %s", body)

	r.clock.Advance(time.Second)
	for range 3 {
		code, body = r.get("/readyz")
		assert.Equal(t, http.StatusServiceUnavailable, code)
		assert.Contains(t, body, `"delivery":"incident notice undelivered for 31s"`)
	}
	assert.Equal(t, 1, strings.Count(r.logs.String(), "level=ERROR"), "logged once, not on every probe: %s", r.logs.String())

	_, metrics := r.get("/metrics")
	assert.Contains(t, metrics, `runbook_delivery_oldest_pending_seconds{priority="critical",sink="chat"} 31`)
	assert.Contains(t, metrics, `runbook_delivery_oldest_pending_seconds{priority="bulk",sink="chat"} 31`)
	assert.Contains(t, metrics, `runbook_delivery_oldest_pending_seconds{priority="normal",sink="chat"} 0`)
	assert.Contains(t, metrics, `runbook_delivery_oldest_pending_seconds{priority="normal",sink="itsm"} 0`)

	require.NoError(t, r.db.Update(context.Background(), func(tx runbook.Tx) error { return tx.MarkDelivered(incident, r.clock.Now()) }))
	code, body = r.get("/readyz")
	assert.Equal(t, http.StatusOK, code, "ready again once it is delivered, though bulk output still waits: %s", body)
	assert.Contains(t, r.logs.String(), "incident notices delivered again")

	// A new episode is logged again.
	r.queue(runbook.Notice{Kind: runbook.NoticeEscalation, Key: "occ/1/incident/escalation", After: "occ/1/incident", Channel: runbook.ChannelIncident})
	r.clock.Advance(time.Minute)
	code, _ = r.get("/readyz")
	assert.Equal(t, http.StatusServiceUnavailable, code)
	assert.Equal(t, 2, strings.Count(r.logs.String(), "level=ERROR"))
}

func TestReadyz_GivenTheOnlyReplicaOnSQLite_ThenItIsTheLeaderAndTheMetricsSaySo(t *testing.T) {
	r := newOpsRig(t)
	code, body := r.get("/readyz")
	require.Equal(t, http.StatusOK, code, body)
	var doc struct {
		Role, Replica, Leader string
	}
	require.NoError(t, json.Unmarshal([]byte(body), &doc))
	assert.Equal(t, "leader", doc.Role)
	assert.Equal(t, doc.Replica, doc.Leader)
	_, metrics := r.get("/metrics")
	assert.Contains(t, metrics, "\nrunbook_leader 1\n")
	assert.Contains(t, metrics, "\nrunbook_leader_changes_total 0\n")
}
