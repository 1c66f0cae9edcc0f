package runbook

import (
	"context"
	"slices"
	"time"
)

// View is an occurrence as operators see it: the JSON of GET /api/v1/occurrences and status --json.
type View struct {
	Job              string     `json:"job"`
	Window           time.Time  `json:"window"`
	State            State      `json:"state"`
	ApprovedBy       *string    `json:"approved_by"`
	RunBy            *string    `json:"run_by"`
	ExitCode         *int       `json:"exit_code"`
	Delayed          bool       `json:"delayed"`
	Justification    *string    `json:"justification"`
	IncidentRef      *string    `json:"incident_ref"`
	IncidentDeadline *time.Time `json:"incident_deadline"`
	Escalated        bool       `json:"escalated"`
	Attempts         int        `json:"attempts"`
	Reason           *string    `json:"reason"`
	LogError         *string    `json:"log_error"` // why the latest run's log is incomplete; null when whole
	ID               int64      `json:"id"`
}

// ViewOf converts an occurrence to its operator view.
func ViewOf(o Occurrence) View {
	v := View{Job: o.Job, Window: o.Window.UTC(), State: o.State, ApprovedBy: nonEmpty(o.ApprovedBy), RunBy: nonEmpty(o.RunBy),
		ExitCode: o.ExitCode, Delayed: o.Delayed, Justification: nonEmpty(o.Justification), IncidentRef: nonEmpty(o.IncidentRef),
		Escalated: o.Escalated, Attempts: o.Attempts, Reason: nonEmpty(o.Reason), LogError: nonEmpty(o.LogError), ID: o.ID}
	if o.IncidentDeadline != nil {
		d := o.IncidentDeadline.UTC()
		v.IncidentDeadline = &d
	}
	return v
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// Occurrences lists, by window, the current and next occurrence of every job and
// those finished in the last 7 days.
func (s *Service) Occurrences(ctx context.Context) ([]Occurrence, error) {
	now := s.Now()
	var all []Occurrence
	err := s.store.View(ctx, func(tx Tx) (err error) {
		all, err = tx.Occurrences(Query{WindowFrom: now.Add(-8 * 24 * time.Hour)})
		return
	})
	if err != nil {
		return nil, err
	}
	keep := map[int64]bool{}
	for _, j := range s.Runbook().Jobs {
		var mine []Occurrence
		for _, o := range all {
			if o.Job == j.ID {
				mine = append(mine, o)
			}
		}
		if cur, ok := current(mine, now); ok {
			keep[cur.ID] = true
		}
		hasNext := false
		for _, o := range mine {
			if o.Window.After(now) {
				keep[o.ID] = true
				hasNext = true
				break
			}
		}
		if !hasNext { // not materialised yet: shown as the schedule has it
			next := j.Window.Next(now).UTC()
			all = append(all, Occurrence{Job: j.ID, Slot: next, Window: next, State: Scheduled})
			keep[0] = true
		}
	}
	var out []Occurrence
	for _, o := range all {
		recent := o.FinishedAt != nil && now.Sub(*o.FinishedAt) <= 7*24*time.Hour
		if keep[o.ID] || recent || o.State == Running {
			out = append(out, o)
		}
	}
	slices.SortStableFunc(out, func(a, b Occurrence) int { return a.Window.Compare(b.Window) })
	return out, nil
}

// JobStatus is a job's current and next occurrence.
type JobStatus struct {
	Job     Job
	Current *Occurrence
	Next    *Occurrence
	NextAt  time.Time // the next window by the schedule, even before its occurrence exists
}

// Status returns the status of one job, or of every job when job is empty.
func (s *Service) Status(ctx context.Context, job string) ([]JobStatus, error) {
	rb, now := s.Runbook(), s.Now()
	jobs, err := s.jobsOf(rb, job)
	if err != nil {
		return nil, err
	}
	var out []JobStatus
	err = s.store.View(ctx, func(tx Tx) error {
		// One query for every job: a status of a large runbook holds a read
		// connection for one scan, not one per job.
		all, err := tx.Occurrences(Query{Job: job, WindowFrom: now.Add(-8 * 24 * time.Hour)})
		if err != nil {
			return err
		}
		byJob := map[string][]Occurrence{}
		for _, o := range all {
			byJob[o.Job] = append(byJob[o.Job], o)
		}
		for _, j := range jobs {
			os := byJob[j.ID]
			st := JobStatus{Job: j, NextAt: j.Window.Next(now)}
			if cur, ok := current(os, now); ok {
				st.Current = &cur
			}
			for _, o := range os {
				if o.Window.After(now) {
					st.Next = &o
					st.NextAt = o.Window
					break
				}
			}
			out = append(out, st)
		}
		return nil
	})
	return out, err
}

// History lists the job's latest occurrences, newest first.
func (s *Service) History(ctx context.Context, job string, n int) ([]Occurrence, error) {
	if _, err := s.job(job); err != nil {
		return nil, err
	}
	var os []Occurrence
	err := s.store.View(ctx, func(tx Tx) (err error) {
		os, err = tx.Occurrences(Query{Job: job, WindowUntil: s.Now().Add(time.Second), Desc: true, Limit: n})
		return
	})
	return os, err
}

// Check runs the job's pre-flight checks now.
func (s *Service) Check(ctx context.Context, job string) (Job, Preflight, error) {
	j, err := s.job(job)
	if err != nil || s.checker == nil {
		return j, Preflight{}, err
	}
	return j, s.checker.Check(ctx, j), nil
}

// Evidence is everything recorded about one occurrence.
type Evidence struct {
	Occurrence Occurrence
	Job        Job
	Records    []Record
}

// Evidence returns the evidence of the job's occurrence at window, or of its
// latest occurrence with any record when window is zero.
func (s *Service) Evidence(ctx context.Context, job string, window time.Time) (Evidence, error) {
	j, err := s.job(job)
	if err != nil {
		return Evidence{}, err
	}
	ev := Evidence{Job: j}
	err = s.store.View(ctx, func(tx Tx) error {
		os, err := tx.Occurrences(Query{Job: job, Desc: true})
		if err != nil {
			return err
		}
		for _, o := range os {
			if !window.IsZero() && !o.Window.Equal(window) && !o.Slot.Equal(window) {
				continue
			}
			recs, err := tx.Records(o.ID)
			if err != nil {
				return err
			}
			if len(recs) > 0 || !window.IsZero() {
				ev.Occurrence, ev.Records = o, recs
				return nil
			}
		}
		return NewError(KindNotFound, "no_evidence", map[string]any{"job": job, "window": window})
	})
	return ev, err
}
