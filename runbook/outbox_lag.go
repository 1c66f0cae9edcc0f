package runbook

import (
	"context"
	"time"
)

// DeliveryLag is how long undelivered outbox rows have waited, for metrics and readiness.
type DeliveryLag struct {
	// Oldest is, by sink and then priority, the age of the oldest undelivered
	// row. Every sink and, for chat, every priority is present (0: none waits).
	Oldest map[string]map[Priority]time.Duration
	// Incident is the age of the oldest undelivered incident or escalation notice (0: none).
	Incident time.Duration
}

// sinks lists every outbox sink.
var sinks = []string{SinkChat, SinkITSM, SinkCheckin, SinkDelayLog}

// DeliveryLag reads, in one read transaction, how long the oldest undelivered
// row of each sink and priority has waited (the priority comes from the
// payload, as the outbox derives it), measured on the service clock.
func (s *Service) DeliveryLag(ctx context.Context) (DeliveryLag, error) {
	now := s.Now()
	lag := DeliveryLag{Oldest: map[string]map[Priority]time.Duration{}}
	for _, sink := range sinks {
		lag.Oldest[sink] = map[Priority]time.Duration{PriorityNormal: 0}
	}
	for _, p := range Priorities {
		lag.Oldest[SinkChat][p] = 0
	}
	err := s.store.View(ctx, func(tx Tx) error {
		for _, sink := range sinks {
			limit := 1 // rows come by id: the first is the oldest
			if sink == SinkChat {
				limit = 0 // every row: the priority is in the payload
			}
			ds, err := tx.PendingDeliveries(sink, now.Add(365*24*time.Hour), limit)
			if err != nil {
				return err
			}
			for _, d := range ds {
				age := max(now.Sub(d.CreatedAt), 0)
				r := routeOf(d)
				lag.Oldest[sink][r.priority] = max(lag.Oldest[sink][r.priority], age)
				if r.kind == NoticeIncident || r.kind == NoticeEscalation {
					lag.Incident = max(lag.Incident, age)
				}
			}
		}
		return nil
	})
	return lag, err
}
