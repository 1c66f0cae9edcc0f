package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// opsServer serves /healthz, /readyz, /metrics, /api/v1/occurrences and /api/v1/calendar.ics.
type opsServer struct {
	svc       *runbook.Service
	db        stateStore
	connected func() bool // nil when not in Slack mode
	log       *slog.Logger
	metrics   *loopMetrics // nil: no loop metrics
	cal       calendarView // nil: no calendar feed

	incidentLate atomic.Bool // an incident notice is late: logged when it starts, not at every probe
	timerLate    atomic.Bool // a due timer is overdue: likewise
}

// incidentLagLimit is how long an incident or escalation notice may wait for delivery before /readyz fails.
const incidentLagLimit = 30 * time.Second

// maxOverdue is how late a due timer may be before /readyz fails.
const maxOverdue = 30 * time.Second

func (s *opsServer) handler() http.Handler {
	reg := prometheus.NewRegistry()
	reg.MustRegister(statsCollector{db: s.db, now: s.svc.Now, lag: s.svc.DeliveryLag}, leaderCollector{svc: s.svc},
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if s.metrics != nil {
		reg.MustRegister(s.metrics.collectors()...)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	mux.HandleFunc("GET /readyz", s.ready)
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /api/v1/occurrences", s.occurrences)
	mux.HandleFunc("GET /api/v1/calendar.ics", s.calendar)
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
	if v, fine := s.timers(r.Context()); !fine {
		checks["timers"], ok = v, false
	} else {
		checks["timers"] = v
	}
	if s.connected != nil {
		checks["slack"] = "connected"
		if !s.connected() {
			checks["slack"], ok = "disconnected", false
		}
	}
	if v, fine := s.delivery(r.Context()); !fine {
		checks["delivery"], ok = v, false
	} else {
		checks["delivery"] = v
	}
	// Leader or follower, both are ready: every replica serves commands.
	lead := s.svc.Leader()
	doc := map[string]any{"ready": ok, "checks": checks, "role": role(lead), "replica": lead.Replica, "leader": lead.Leader}
	w.Header().Set("Content-Type", "application/json")
	if !ok {
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	if rev := s.svc.Runbook().Revision; rev != nil {
		doc["commit"] = rev.Commit // the runbook's commit in force, when it comes from git
	}
	_ = json.NewEncoder(w).Encode(doc)
}

// delivery checks that no incident or escalation notice has waited more than
// incidentLagLimit; the start and the end of such a wait are logged once each.
func (s *opsServer) delivery(ctx context.Context) (string, bool) {
	lag, err := s.svc.DeliveryLag(ctx)
	if err != nil {
		return "unknown", false
	}
	if lag.Incident <= incidentLagLimit {
		if s.incidentLate.CompareAndSwap(true, false) {
			s.log.Info("readiness: incident notices delivered again")
		}
		return "ok", true
	}
	if s.incidentLate.CompareAndSwap(false, true) {
		s.log.Error("readiness: an incident or escalation notice is not delivered after 30 s; not ready until it is",
			"waited", lag.Incident.Round(time.Second))
	}
	return "incident notice undelivered for " + lag.Incident.Round(time.Second).String(), false
}

// timers checks that no due timer is more than maxOverdue late; the start
// and the end of such a delay are logged once each.
func (s *opsServer) timers(ctx context.Context) (string, bool) {
	t, by, late, err := s.svc.Overdue(ctx)
	if err != nil {
		return "unknown", false
	}
	if !late || by <= maxOverdue {
		if s.timerLate.CompareAndSwap(true, false) {
			s.log.Info("readiness: due timers fire again")
		}
		return "ok", true
	}
	by = by.Truncate(time.Second)
	if s.timerLate.CompareAndSwap(false, true) {
		s.log.Error("readiness: a due timer has not fired after 30 s; not ready until it does", "timer", t.Kind, "occurrence", t.Occ, "overdue", by)
	}
	return fmt.Sprintf("%s timer %s overdue", t.Kind, by), false
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
	db  stateStore
	now func() time.Time
	lag func(context.Context) (runbook.DeliveryLag, error)
}

var (
	descOccurrences = prometheus.NewDesc("runbook_occurrences", "Occurrences by state.", []string{"state"}, nil)
	descTimers      = prometheus.NewDesc("runbook_timers_pending", "Durable timers not fired yet.", nil, nil)
	descLate        = prometheus.NewDesc("runbook_timers_late", "Durable timers already due but not fired.", nil, nil)
	descRuns        = prometheus.NewDesc("runbook_runs_total", "Finished runs by result.", []string{"result"}, nil)
	descLogErrors   = prometheus.NewDesc("runbook_run_log_errors_total", "Finished runs (dry runs too) whose log file is incomplete (log_error: a full disk, a file size limit).", nil, nil)
	descBacklog     = prometheus.NewDesc("runbook_outbox_backlog", "Undelivered outbox rows by sink.", []string{"sink"}, nil)
	descEscalations = prometheus.NewDesc("runbook_escalations", "Occurrences escalated for want of an incident reference.", nil, nil)
	descDeliveryLag = prometheus.NewDesc("runbook_delivery_oldest_pending_seconds",
		"Age of the oldest undelivered outbox row by sink and priority (urgent, normal, bulk); 0 when none waits.", []string{"sink", "priority"}, nil)
)

func (c statsCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descOccurrences, descTimers, descLate, descRuns, descLogErrors, descBacklog, descEscalations, descDeliveryLag} {
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
	ch <- prometheus.MustNewConstMetric(descLogErrors, prometheus.CounterValue, float64(st.LogErrors))
	for sink, n := range st.Backlog {
		ch <- prometheus.MustNewConstMetric(descBacklog, prometheus.GaugeValue, float64(n), sink)
	}
	ch <- prometheus.MustNewConstMetric(descEscalations, prometheus.GaugeValue, float64(st.Escalated))
	lag, err := c.lag(context.Background())
	if err != nil {
		ch <- prometheus.NewInvalidMetric(descDeliveryLag, err)
		return
	}
	for sink, byPriority := range lag.Oldest {
		for p, age := range byPriority {
			ch <- prometheus.MustNewConstMetric(descDeliveryLag, prometheus.GaugeValue, age.Seconds(), sink, p.String())
		}
	}
}
