package runbook

import (
	"context"
	"slices"
	"time"
)

// Planned is one window of the plan: its occurrence — as stored once it
// exists, else as the schedule has it (ID 0, scheduled) — its job, and the
// change freeze its window falls in.
type Planned struct {
	Job       Job
	Occ       Occurrence
	Freeze    *Freeze
	Preflight *PreflightNote // the latest pre-flight recorded for the occurrence; nil: none yet
}

// PreflightNote is what a recorded pre-flight said.
type PreflightNote struct {
	OK     bool
	Failed string // the failed checks, comma-separated
}

// Plan lists every window of the jobs (one job when job is set) from from
// (inclusive) until until, by window then table order: the schedule's slots,
// each with its occurrence when it exists (a rescheduled one at its new
// window), and the freeze each falls in.
func (s *Service) Plan(ctx context.Context, from, until time.Time, job string) ([]Planned, error) {
	rb := s.Runbook()
	jobs, err := s.jobsOf(rb, job)
	if err != nil {
		return nil, err
	}
	var stored []Occurrence
	var freezes []Freeze
	var notes map[int64]*PreflightNote
	err = s.store.View(ctx, func(tx Tx) (err error) {
		// Rescheduled windows may have moved from a slot before from: look a week further back.
		if stored, err = tx.Occurrences(Query{Job: job, WindowFrom: from.Add(-8 * 24 * time.Hour)}); err != nil {
			return err
		}
		if freezes, err = s.freezesIn(tx); err != nil {
			return err
		}
		notes = map[int64]*PreflightNote{}
		for _, o := range stored {
			if o.Window.Before(from) || !o.Window.Before(until) {
				continue
			}
			recs, err := tx.Records(o.ID)
			if err != nil {
				return err
			}
			for _, r := range recs {
				if v, ok := r.Fields["preflight_ok"]; ok {
					notes[o.ID] = &PreflightNote{OK: v == "true", Failed: r.Fields["failed"]}
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	type key struct {
		job  string
		slot int64
	}
	bySlot := map[key]Occurrence{}
	for _, o := range stored {
		bySlot[key{o.Job, o.Slot.Unix()}] = o
	}
	order := map[string]int{}
	var out []Planned
	seen := map[int64]bool{}
	in := func(t time.Time) bool { return !t.Before(from) && t.Before(until) }
	for i, j := range jobs {
		order[j.ID] = i
		for t := j.Window.Next(from.Add(-time.Nanosecond)); t.Before(until); t = j.Window.Next(t) {
			o, ok := bySlot[key{j.ID, t.Unix()}]
			if !ok {
				o = Occurrence{Job: j.ID, Slot: t.UTC(), Window: t.UTC(), State: Scheduled}
			}
			if ok {
				seen[o.ID] = true
			}
			if in(o.Window) {
				out = append(out, Planned{Job: j, Occ: o})
			}
		}
	}
	for _, o := range stored { // rescheduled into the range from a slot outside it
		j, ok := rb.Job(o.Job)
		if ok && !seen[o.ID] && in(o.Window) && (job == "" || o.Job == job) {
			out = append(out, Planned{Job: j, Occ: o})
		}
	}
	for i := range out {
		out[i].Freeze = FreezeAt(freezes, out[i].Occ.Window)
		if out[i].Occ.ID != 0 {
			out[i].Preflight = notes[out[i].Occ.ID]
		}
	}
	slices.SortStableFunc(out, func(a, b Planned) int {
		if c := a.Occ.Window.Compare(b.Occ.Window); c != 0 {
			return c
		}
		return order[a.Job.ID] - order[b.Job.ID]
	})
	return out, nil
}

// Recent lists the n latest finished occurrences of every job (succeeded,
// failed or cancelled), newest window first.
func (s *Service) Recent(ctx context.Context, n int) ([]Occurrence, error) {
	var os []Occurrence
	err := s.store.View(ctx, func(tx Tx) (err error) {
		os, err = tx.Occurrences(Query{States: []State{Succeeded, Failed, Cancelled}, WindowUntil: s.Now().Add(time.Second), Desc: true, Limit: n})
		return
	})
	return os, err
}
