package main

import (
	"context"
	"math"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// leaseReader is a store replicas share, whose clock's lease can be read (PostgreSQL).
type leaseReader interface {
	Leader(ctx context.Context) (runbook.Lease, bool, error)
}

// leaderDoc is the clock's lease in status --json: which replica leads.
type leaderDoc struct {
	Replica string    `json:"replica"` // the holder ("" when the lease ran out and nobody took it yet)
	Epoch   int64     `json:"epoch"`
	Since   time.Time `json:"since"`
	// ExpiresIn is how long the lease lasts without a renewal (renewed every 2 s), in seconds; ≤ 0: expired.
	ExpiresIn float64 `json:"expires_in_seconds"`
}

// leaderOf reads who leads from the database; nil when the store has no lease
// (SQLite: its only replica) or it was never taken.
func leaderOf(ctx context.Context, db stateStore) (*leaderDoc, error) {
	lr, ok := db.(leaseReader)
	if !ok {
		return nil, nil
	}
	l, ok, err := lr.Leader(ctx)
	if err != nil || !ok {
		return nil, err
	}
	d := &leaderDoc{Replica: l.Holder, Epoch: l.Epoch, Since: l.Since, ExpiresIn: math.Round(l.Left.Seconds()*10) / 10}
	if l.Left <= 0 {
		d.Replica = ""
	}
	return d, nil
}

// role is this replica's part: "leader" or "follower".
func role(st runbook.LeaderStatus) string {
	if st.Leading {
		return "leader"
	}
	return "follower"
}

// leaderCollector exports this replica's view of the leadership.
type leaderCollector struct{ svc *runbook.Service }

var (
	descLeader        = prometheus.NewDesc("runbook_leader", "1 while this replica holds the clock's lease (fires timers and delivers), 0 on a follower.", nil, nil)
	descLeaderChanges = prometheus.NewDesc("runbook_leader_changes_total", "Times the clock's lease changed hands since this replica started.", nil, nil)
)

func (c leaderCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- descLeader
	ch <- descLeaderChanges
}

func (c leaderCollector) Collect(ch chan<- prometheus.Metric) {
	st := c.svc.Leader()
	v := 0.0
	if st.Leading {
		v = 1
	}
	ch <- prometheus.MustNewConstMetric(descLeader, prometheus.GaugeValue, v)
	ch <- prometheus.MustNewConstMetric(descLeaderChanges, prometheus.CounterValue, float64(st.Changes))
}
