package main

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// loopMetrics are what the service's loops report as they work (runbook.Observer).
type loopMetrics struct {
	lateness *prometheus.HistogramVec
}

func newLoopMetrics() *loopMetrics {
	return &loopMetrics{
		lateness: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "runbook_timer_lateness_seconds",
			Help:    "How long after its due time each durable timer fired, by timer kind.",
			Buckets: []float64{0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 3600},
		}, []string{"kind"}),
	}
}

// TimerFired implements runbook.Observer.
func (m *loopMetrics) TimerFired(kind runbook.TimerKind, lateness time.Duration) {
	m.lateness.WithLabelValues(string(kind)).Observe(max(lateness, 0).Seconds())
}

// collectors are the metrics to register with the operations server.
func (m *loopMetrics) collectors() []prometheus.Collector { return []prometheus.Collector{m.lateness} }
