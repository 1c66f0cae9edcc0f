package runbook

import (
	"encoding/json"
	"time"
)

// Priority orders the rows of one delivery lane: a more urgent row goes first,
// rows of one priority go oldest first. It is derived from the row's payload
// when the row is read, so it needs no column of its own.
type Priority int

// Priorities, most urgent first; the zero value is normal.
const (
	// PriorityCritical: a failure's incident post and an escalation. Never
	// dropped, and never behind the countdown edits of other incidents: with
	// many countdowns running, their edits alone can fill a channel's pace.
	PriorityCritical Priority = iota - 2
	// PriorityUrgent: the edits of incident posts (countdowns), confirmation
	// requests and reminders, approvals withdrawn, and their edits. Never dropped.
	PriorityUrgent
	// PriorityNormal: run started and run result, window open, delay alerts,
	// reschedules, runbook problems; every row of the other sinks. Never dropped.
	PriorityNormal
	// PriorityBulk: run output. A run thread that falls behind is merged into
	// one post naming how many lines it leaves out (the full log keeps them).
	PriorityBulk
)

// Priorities lists every priority, most urgent first.
var Priorities = []Priority{PriorityCritical, PriorityUrgent, PriorityNormal, PriorityBulk}

// String is the priority's name, as in metrics.
func (p Priority) String() string {
	switch p {
	case PriorityCritical:
		return "critical"
	case PriorityUrgent:
		return "urgent"
	case PriorityBulk:
		return "bulk"
	default:
		return "normal"
	}
}

// PriorityOf is the priority of a chat notice of kind k; update is whether it edits its message.
func PriorityOf(k NoticeKind, update bool) Priority {
	switch k {
	case NoticeIncident, NoticeEscalation:
		if !update {
			return PriorityCritical
		}
		return PriorityUrgent
	case NoticeRequest, NoticeReminder, NoticeWithdrawn:
		return PriorityUrgent
	case NoticeRunOutput:
		return PriorityBulk
	default:
		return PriorityNormal
	}
}

// outputBehind is how old a run's oldest undelivered output batch may get
// before the batches waiting behind it are merged into one post.
const outputBehind = 10 * time.Second

// route is where an outbox row goes, derived from its payload.
type route struct {
	lane     string // rows of different lanes never wait for each other: the chat channel (role) of a notice
	priority Priority
	order    string // rows with one order key go in id order: the message key, or a run's thread for its output
	kind     NoticeKind
	update   bool // edits the message of the row's key
}

// routeOf reads a row's route. Rows of sinks other than chat, and payloads
// that do not decode (the sink refuses those), go in one lane at normal priority.
func routeOf(d Delivery) route {
	r := route{priority: PriorityNormal, order: d.Key}
	if d.Sink != SinkChat {
		return r
	}
	var n struct {
		Kind    NoticeKind `json:"kind"`
		Update  bool       `json:"update"`
		Thread  string     `json:"thread"`
		Channel string     `json:"channel"`
	}
	if json.Unmarshal(d.Payload, &n) != nil {
		return r
	}
	r.lane, r.kind, r.update, r.priority = n.Channel, n.Kind, n.Update, PriorityOf(n.Kind, n.Update)
	if n.Kind == NoticeRunOutput && n.Thread != "" {
		r.order = n.Thread + "\x00output" // a run's batches stay in order, whatever their keys
	}
	return r
}

// job is one delivery for a lane: a row to send and rows settled with it.
type job struct {
	lane   string
	send   bool     // false: the job only drops superseded edits
	d      Delivery // the row to send; its payload is the merge when merged is set
	drop   []int64  // superseded edits of this lane: marked delivered before sending, never sent
	merged []int64  // output rows merged into d: delivered (or given up) with it
}

// plan picks the next delivery of every lane not in busy. In a lane, the
// first undelivered row of each order key is a candidate once it is due (a
// row waiting for its retry holds back the later rows of its key); of the
// candidates the most urgent, then the oldest, goes. An edit followed by a
// newer edit of the same message is dropped: only the newest needs to reach
// the chat. next is the earliest time a row of an idle lane becomes due.
func (o *Outbox) plan(rows []Delivery, now time.Time, busy map[string]bool) (jobs []job, next time.Time) {
	type lane struct {
		heads map[string][]int // order key → indexes of its rows, in id order
		keys  []string         // order keys by first row
		drop  []int64
	}
	lanes := map[string]*lane{}
	var names []string
	lastEdit := map[string]int{} // message key → index of its newest pending edit
	for i, d := range rows {
		r := o.route(d)
		if busy[r.lane] {
			continue
		}
		l := lanes[r.lane]
		if l == nil {
			l = &lane{heads: map[string][]int{}}
			lanes[r.lane] = l
			names = append(names, r.lane)
		}
		if _, ok := l.heads[r.order]; !ok {
			l.keys = append(l.keys, r.order)
		}
		l.heads[r.order] = append(l.heads[r.order], i)
		if r.update {
			lastEdit[d.Key] = i
		}
	}
	for _, name := range names {
		l := lanes[name]
		best, bestRoute := -1, route{}
		for _, k := range l.keys {
			idx := l.heads[k]
			for len(idx) > 0 {
				d := rows[idx[0]]
				if d.NextAt.After(now) {
					if next.IsZero() || d.NextAt.Before(next) {
						next = d.NextAt
					}
					break
				}
				r := o.route(d)
				if r.update && lastEdit[d.Key] > idx[0] {
					l.drop = append(l.drop, d.ID)
					idx = idx[1:]
					continue
				}
				if best < 0 || r.priority < bestRoute.priority || (r.priority == bestRoute.priority && idx[0] < best) {
					best, bestRoute = idx[0], r
				}
				break
			}
			l.heads[k] = idx
		}
		if best < 0 {
			if len(l.drop) > 0 {
				jobs = append(jobs, job{lane: name, drop: l.drop})
			}
			continue
		}
		j := job{lane: name, send: true, d: rows[best], drop: l.drop}
		if bestRoute.priority == PriorityBulk && now.Sub(j.d.CreatedAt) >= outputBehind {
			j = merge(j, rows, l.heads[bestRoute.order], now)
		}
		jobs = append(jobs, j)
	}
	return jobs, next
}

// merge makes one post of a run's output batches that are due, when the
// oldest of them has waited outputBehind: it shows the newest batch and counts
// the lines of the others as left out. The post is sent as the oldest batch's
// row (so a failure holds back the run's output as one), and the other rows
// are delivered with it. Batches that do not decode are left to the sink.
func merge(j job, rows []Delivery, idx []int, now time.Time) job {
	var batch []Notice
	var ids []int64
	for _, i := range idx {
		var n Notice
		if rows[i].NextAt.After(now) || json.Unmarshal(rows[i].Payload, &n) != nil {
			break
		}
		batch, ids = append(batch, n), append(ids, rows[i].ID)
	}
	if len(batch) < 2 {
		return j
	}
	post, newest := batch[0], batch[len(batch)-1]
	omitted := 0
	for _, n := range batch[:len(batch)-1] {
		omitted += n.Omitted + len(n.Lines)
	}
	post.Lines, post.Omitted = newest.Lines, newest.Omitted+omitted
	b, err := json.Marshal(post)
	if err != nil {
		return j
	}
	j.d.Payload, j.merged = b, ids[1:]
	return j
}

// route is a row's route, decoded once per row.
func (o *Outbox) route(d Delivery) route {
	if r, ok := o.routes[d.ID]; ok {
		return r
	}
	r := routeOf(d)
	o.routes[d.ID] = r
	return r
}
