package runbook

import (
	"container/heap"
	"fmt"
	"sort"
	"strings"
	"time"
)

// searchDays bounds the day-by-day search for a window (a week plus slack).
const searchDays = 9

// Next returns the first window strictly after after, in w.Location.
//
// Wall times are read in w.Location, day by day, so they follow DST changes:
//   - a wall time skipped by a spring-forward gap is read with the offset in force
//     before the gap, as Go's time.Date normalises it, so it lands as far past the
//     gap as it was into it (a daily 02:30 in America/New_York on 2026-03-08 is
//     03:30 EDT, 07:30 UTC);
//   - a wall time that occurs twice at a fall-back change is its first occurrence
//     (01:30 in America/New_York on 2026-11-01 is 01:30 EDT, 05:30 UTC).
func (w Window) Next(after time.Time) time.Time {
	loc := w.loc()
	a := after.In(loc)
	for d := 0; d < searchDays; d++ {
		day := time.Date(a.Year(), a.Month(), a.Day()+d, 12, 0, 0, 0, loc)
		if !w.Daily && day.Weekday() != w.weekday() {
			continue
		}
		if t := w.on(day); t.After(after) {
			return t
		}
	}
	panic("runbook: no window within a week") // unreachable: every week has the weekday
}

// Previous returns the latest window at or before at, in w.Location (same DST
// rules as Next).
func (w Window) Previous(at time.Time) time.Time {
	loc := w.loc()
	a := at.In(loc)
	for d := 0; d < searchDays; d++ {
		day := time.Date(a.Year(), a.Month(), a.Day()-d, 12, 0, 0, 0, loc)
		if !w.Daily && day.Weekday() != w.weekday() {
			continue
		}
		if t := w.on(day); !t.After(at) {
			return t
		}
	}
	panic("runbook: no window within a week") // unreachable: every week has the weekday
}

// String shows the window as "Monday 09:00 UTC" or "daily 05:00 America/Sao_Paulo".
func (w Window) String() string {
	day := "daily"
	if !w.Daily {
		day = w.weekday().String()
	}
	return fmt.Sprintf("%s %02d:%02d %s", day, w.Hour, w.Minute, w.loc())
}

// ZoneLabel names t's zone as people read it: its abbreviation ("UTC",
// "CET"), or "UTC-03" for a zone known only by its offset.
func ZoneLabel(t time.Time) string {
	abbr := t.Format("MST")
	if strings.HasPrefix(abbr, "+") || strings.HasPrefix(abbr, "-") {
		return "UTC" + abbr
	}
	return abbr
}

// Day is the window's weekday, Sunday…Saturday (meaningless for a daily window).
func (w Window) Day() time.Weekday { return w.weekday() }

// Zone is the window's time zone, UTC when none was given.
func (w Window) Zone() *time.Location { return w.loc() }

// weekday is w.Weekday folded into Sunday…Saturday, so the search always ends.
func (w Window) weekday() time.Weekday { return (w.Weekday%7 + 7) % 7 }

func (w Window) loc() *time.Location {
	if w.Location == nil {
		return time.UTC
	}
	return w.Location
}

// on returns the window's instant on the calendar day of day (a time in w.loc()).
func (w Window) on(day time.Time) time.Time {
	loc := w.loc()
	y, m, d := day.Date()
	naive := time.Date(y, m, d, w.Hour, w.Minute, 0, 0, time.UTC)
	// The zone's offsets around that day: before, during and after any change.
	var best time.Time
	offsets := zoneOffsets(naive, loc)
	for _, off := range offsets {
		t := naive.Add(-time.Duration(off) * time.Second).In(loc)
		if sameWall(t, y, m, d, w.Hour, w.Minute) && (best.IsZero() || t.Before(best)) {
			best = t
		}
	}
	if !best.IsZero() {
		return best
	}
	// Skipped by a gap: read it with the offset in force before the change.
	return naive.Add(-time.Duration(offsets[0]) * time.Second).In(loc)
}

// zoneOffsets lists the distinct UTC offsets of loc from a day before to a day
// after naive, the earliest first.
func zoneOffsets(naive time.Time, loc *time.Location) []int {
	var offs []int
	for _, h := range []time.Duration{-36 * time.Hour, 0, 36 * time.Hour} {
		_, off := naive.Add(h).In(loc).Zone()
		if !containsInt(offs, off) {
			offs = append(offs, off)
		}
	}
	return offs
}

func containsInt(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func sameWall(t time.Time, y int, m time.Month, d, hour, minute int) bool {
	ty, tm, td := t.Date()
	return ty == y && tm == m && td == d && t.Hour() == hour && t.Minute() == minute
}

// Occurrences returns the job's next n windows strictly after from, in order.
func (j Job) Occurrences(from time.Time, n int) []time.Time {
	out := make([]time.Time, 0, max(n, 0))
	t := from
	for i := 0; i < n; i++ {
		t = j.Window.Next(t)
		out = append(out, t)
	}
	return out
}

// Previous returns the job's latest window at or before at: its current occurrence.
func (j Job) Previous(at time.Time) time.Time { return j.Window.Previous(at) }

// Slot is one upcoming window of a job with its confirmation and reminder times.
type Slot struct {
	Job       string      // job id
	Window    time.Time   // the window, in UTC
	ConfirmAt time.Time   // Window − lead, when the confirmation request goes out
	Reminders []time.Time // Window − each reminder, only those after ConfirmAt, ascending
}

// Upcoming returns the next n windows strictly after from across all jobs, in time
// order (ties in job table order), each with its confirmation and reminder times.
func (r *Runbook) Upcoming(from time.Time, n int, lead time.Duration, reminders []time.Duration) []Slot {
	if n <= 0 {
		return nil
	}
	// A k-way merge: one pending window per job in a heap, so the cost is
	// O(n log jobs) rather than n windows for every job.
	h := make(windowHeap, 0, len(r.Jobs))
	for i, j := range r.Jobs {
		h = append(h, cand{j.Window.Next(from).UTC(), i})
	}
	heap.Init(&h)
	all := make([]cand, 0, n)
	for len(all) < n && h.Len() > 0 {
		c := h[0]
		all = append(all, c)
		h[0].t = r.Jobs[c.job].Window.Next(c.t).UTC()
		heap.Fix(&h, 0)
	}
	slots := make([]Slot, len(all))
	for i, c := range all {
		slots[i] = Slot{Job: r.Jobs[c.job].ID, Window: c.t, ConfirmAt: c.t.Add(-lead),
			Reminders: ReminderTimes(c.t, lead, reminders)}
	}
	return slots
}

// ReminderTimes returns window − each reminder, keeping only positive reminders
// whose time falls after window − lead, ascending and without duplicates.
func ReminderTimes(window time.Time, lead time.Duration, reminders []time.Duration) []time.Time {
	confirmAt := window.Add(-lead)
	var out []time.Time
	for _, d := range reminders {
		t := window.Add(-d)
		if d <= 0 || !t.After(confirmAt) {
			continue
		}
		dup := false
		for _, x := range out {
			dup = dup || x.Equal(t)
		}
		if !dup {
			out = append(out, t)
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Before(out[b]) })
	return out
}

// cand is a job's pending window in Upcoming's merge.
type cand struct {
	t   time.Time
	job int
}

// windowHeap orders pending windows by time, then by job table order.
type windowHeap []cand

func (h windowHeap) Len() int { return len(h) }
func (h windowHeap) Less(a, b int) bool {
	if !h[a].t.Equal(h[b].t) {
		return h[a].t.Before(h[b].t)
	}
	return h[a].job < h[b].job
}
func (h windowHeap) Swap(a, b int) { h[a], h[b] = h[b], h[a] }
func (h *windowHeap) Push(x any)   { *h = append(*h, x.(cand)) }
func (h *windowHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
