package runbook

import "time"

// CheckStoreTime is the stores' rule for a time they keep (see Store): years
// 0 to 9999, else a KindInvalid error "time_out_of_range" naming field.
func CheckStoreTime(field string, t time.Time) error {
	if y := t.UTC().Year(); y < 0 || y > 9999 {
		return NewError(KindInvalid, "time_out_of_range", map[string]any{"field": field, "time": t})
	}
	return nil
}

// CheckStoreTimes checks every time of o a store keeps (CheckStoreTime).
func (o Occurrence) CheckStoreTimes() error {
	if err := CheckStoreTime("slot", o.Slot); err != nil {
		return err
	}
	if err := CheckStoreTime("window", o.Window); err != nil {
		return err
	}
	for _, f := range []struct {
		name string
		t    *time.Time
	}{
		{"requested_at", o.RequestedAt}, {"approved_at", o.ApprovedAt}, {"started_at", o.StartedAt},
		{"finished_at", o.FinishedAt}, {"failed_at", o.FailedAt}, {"incident_deadline", o.IncidentDeadline},
		{"incident_at", o.IncidentAt},
	} {
		if f.t != nil {
			if err := CheckStoreTime(f.name, *f.t); err != nil {
				return err
			}
		}
	}
	return nil
}

// CheckStoreTimes checks every time of d a store keeps (CheckStoreTime).
func (d Delivery) CheckStoreTimes() error {
	if err := CheckStoreTime("next_at", d.NextAt); err != nil {
		return err
	}
	return CheckStoreTime("created_at", d.CreatedAt)
}

// CheckStoreTimes checks every time of r a store keeps (CheckStoreTime).
func (r Record) CheckStoreTimes() error {
	if err := CheckStoreTime("at", r.At); err != nil {
		return err
	}
	return CheckStoreTime("window", r.Window)
}
