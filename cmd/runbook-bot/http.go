package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/runbook-bot/runbook-bot/runbook"
	"github.com/runbook-bot/runbook-bot/runbook/sqlite"
)

// opsServer serves /healthz, /readyz, /metrics and /api/v1/occurrences.
type opsServer struct {
	svc       *runbook.Service
	db        *sqlite.DB
	connected func() bool // nil when not in Slack mode
	log       *slog.Logger
	metrics   *loopMetrics // nil: no loop metrics

	overdue readyLatch // a due timer more than maxOverdue late
}

// maxOverdue is how late a due timer may be before the bot is not ready.
const maxOverdue = 30 * time.Second

func (s *opsServer) handler() http.Handler {
	reg := prometheus.NewRegistry()
	reg.MustRegister(statsCollector{db: s.db, now: s.svc.Now}, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if s.metrics != nil {
		reg.MustRegister(s.metrics.collectors()...)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	mux.HandleFunc("GET /readyz", s.ready)
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /api/v1/occurrences", s.occurrences)
	return mux
}

func (s *opsServer) ready(w http.ResponseWriter, r *http.Request) {
	checks := map[string]string{"database": "ok", "runbook": "ok"}
	ok := true
	// A write, not a ping: a database that can be read but not written cannot keep state.
	probe := func(tx runbook.Tx) error { return tx.SetMeta("ready_probe_at", s.svc.Now().Format(time.RFC3339Nano)) }
	if err := s.db.Update(r.Context(), probe); err != nil {
		checks["database"], ok = "not writable", false
		s.log.Error("readiness: database write failed", "err", err)
	}
	if s.svc.Runbook() == nil || len(s.svc.Runbook().Jobs) == 0 {
		checks["runbook"], ok = "not loaded", false
	}
	checks["timers"] = "ok"
	if t, by, late, err := s.svc.Overdue(r.Context()); err != nil {
		checks["timers"], ok = "unreadable", false
	} else if late && by > maxOverdue {
		checks["timers"], ok = fmt.Sprintf("%s timer %s overdue", t.Kind, by.Truncate(time.Second)), false
		s.overdue.set(func() {
			s.log.Error("readiness: a due timer has not fired", "timer", t.Kind, "occurrence", t.Occ, "overdue", by.Truncate(time.Second))
		})
	} else {
		s.overdue.clear()
	}
	if s.connected != nil {
		checks["slack"] = "connected"
		if !s.connected() {
			checks["slack"], ok = "disconnected", false
		}
	}
	w.Header().Set("Content-Type", "application/json")
	if !ok {
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	doc := map[string]any{"ready": ok, "checks": checks}
	if rev := s.svc.Runbook().Revision; rev != nil {
		doc["commit"] = rev.Commit // the runbook's commit in force, when it comes from git
	}
	_ = json.NewEncoder(w).Encode(doc)
}

func (s *opsServer) occurrences(w http.ResponseWriter, r *http.Request) {
	os, err := s.svc.Occurrences(r.Context())
	if err != nil {
		s.log.Error("listing occurrences", "err", err)
		http.Error(w, `{"error":"internal"}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	doc := viewsOf(os)
	doc.Commit = s.svc.Runbook().Commit()
	_ = json.NewEncoder(w).Encode(doc)
}

// serve listens on addr until ctx ends. It reports a listen error at once.
func (s *opsServer) serve(ctx context.Context, addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: s.handler(), ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("http server", "err", err)
		}
	}()
	s.log.Info("operations HTTP server listening", "addr", ln.Addr().String())
	return nil
}

// statsCollector reads the database at scrape time.
type statsCollector struct {
	db  *sqlite.DB
	now func() time.Time
}

var (
	descOccurrences = prometheus.NewDesc("runbook_occurrences", "Occurrences by state.", []string{"state"}, nil)
	descTimers      = prometheus.NewDesc("runbook_timers_pending", "Durable timers not fired yet.", nil, nil)
	descLate        = prometheus.NewDesc("runbook_timers_late", "Durable timers already due but not fired.", nil, nil)
	descRuns        = prometheus.NewDesc("runbook_runs_total", "Finished runs by result.", []string{"result"}, nil)
	descBacklog     = prometheus.NewDesc("runbook_outbox_backlog", "Undelivered outbox rows by sink.", []string{"sink"}, nil)
	descEscalations = prometheus.NewDesc("runbook_escalations", "Occurrences escalated for want of an incident reference.", nil, nil)
)

func (c statsCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descOccurrences, descTimers, descLate, descRuns, descBacklog, descEscalations} {
		ch <- d
	}
}

func (c statsCollector) Collect(ch chan<- prometheus.Metric) {
	st, err := c.db.StatsAt(context.Background(), c.now())
	if err != nil {
		ch <- prometheus.NewInvalidMetric(descOccurrences, err)
		return
	}
	for state, n := range st.Occurrences {
		ch <- prometheus.MustNewConstMetric(descOccurrences, prometheus.GaugeValue, float64(n), string(state))
	}
	ch <- prometheus.MustNewConstMetric(descTimers, prometheus.GaugeValue, float64(st.PendingTimers))
	ch <- prometheus.MustNewConstMetric(descLate, prometheus.GaugeValue, float64(st.LateTimers))
	for res, n := range st.Runs {
		ch <- prometheus.MustNewConstMetric(descRuns, prometheus.CounterValue, float64(n), res)
	}
	for sink, n := range st.Backlog {
		ch <- prometheus.MustNewConstMetric(descBacklog, prometheus.GaugeValue, float64(n), sink)
	}
	ch <- prometheus.MustNewConstMetric(descEscalations, prometheus.GaugeValue, float64(st.Escalated))
}

// readyLatch logs a readiness failure once, when it starts, not on every probe.
type readyLatch struct {
	mu  sync.Mutex
	bad bool
}

// set marks the condition failing, calling report if it was not already.
func (l *readyLatch) set(report func()) {
	l.mu.Lock()
	was := l.bad
	l.bad = true
	l.mu.Unlock()
	if !was {
		report()
	}
}

// clear marks the condition met again.
func (l *readyLatch) clear() {
	l.mu.Lock()
	l.bad = false
	l.mu.Unlock()
}
