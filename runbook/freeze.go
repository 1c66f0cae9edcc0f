package runbook

import (
	"slices"
	"time"
)

// A change freeze is a period in which no job is confirmed or run: the
// runbook declares some (section Congelamentos / Change freezes), and
// operators and owners of every job set and lift others from chat
// (service_freeze.go). A window that falls in a freeze still gets its
// confirmation request, which says so; it is not late while frozen (no delay
// alert), and its evidence records that it was frozen.

// Freeze sources.
const (
	FreezeRunbook = "runbook" // declared in the runbook's change freezes table
	FreezeChat    = "chat"    // set with /runbook freeze
)

// Freeze is one change freeze: from Start (inclusive) until End (exclusive).
// A freeze lifted early (unfreeze) ends at the time it was lifted.
type Freeze struct {
	Start  time.Time `json:"start"`
	End    time.Time `json:"end"`
	Reason string    `json:"reason"`           // redacted free text
	Source string    `json:"source"`           // FreezeRunbook or FreezeChat
	Line   int       `json:"line,omitempty"`   // the runbook row, for FreezeRunbook
	By     string    `json:"by,omitempty"`     // who set it from chat, or who lifted it
	Lifted bool      `json:"lifted,omitempty"` // ended early by unfreeze
}

// Covers reports whether t falls in the freeze.
func (f Freeze) Covers(t time.Time) bool { return !t.Before(f.Start) && t.Before(f.End) }

// FreezeAt is the freeze covering t, nil when none does; of several, the one
// that ends last (its end is when t stops being frozen).
func FreezeAt(fs []Freeze, t time.Time) *Freeze {
	var out *Freeze
	for i := range fs {
		if fs[i].Covers(t) && (out == nil || fs[i].End.After(out.End)) {
			f := fs[i]
			out = &f
		}
	}
	return out
}

// freezeLog is what the store keeps about freezes (meta key metaFreezes):
// the freezes set from chat, and the runbook freezes lifted early.
type freezeLog struct {
	Chat   []Freeze       `json:"chat,omitempty"`
	Lifted []liftedFreeze `json:"lifted,omitempty"`
}

// liftedFreeze names a runbook freeze (by its declared start and end) and when unfreeze ended it.
type liftedFreeze struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	At    time.Time `json:"at"`
	By    string    `json:"by,omitempty"`
}

// metaFreezes is the store's meta key holding the freeze log (JSON).
const metaFreezes = "freezes"

// keepFreezes is how long a freeze that ended stays in the log: long enough
// for every window it covered to be past its delay alerts (the next window of a
// weekly job, a rescheduled one).
const keepFreezes = 60 * 24 * time.Hour

// effective merges the runbook's freezes with the log: lifted runbook freezes
// end when they were lifted; the result is sorted by start.
func (l freezeLog) effective(rb []Freeze) []Freeze {
	out := make([]Freeze, 0, len(rb)+len(l.Chat))
	for _, f := range rb {
		for _, x := range l.Lifted {
			if x.Start.Equal(f.Start) && x.End.Equal(f.End) && x.At.Before(f.End) {
				f.End, f.Lifted, f.By = maxTime(x.At, f.Start), true, x.By
			}
		}
		out = append(out, f)
	}
	out = append(out, l.Chat...)
	slices.SortStableFunc(out, func(a, b Freeze) int { return a.Start.Compare(b.Start) })
	return out
}

// prune drops what ended long ago.
func (l *freezeLog) prune(now time.Time) {
	l.Chat = slices.DeleteFunc(l.Chat, func(f Freeze) bool { return now.Sub(f.End) > keepFreezes })
	l.Lifted = slices.DeleteFunc(l.Lifted, func(x liftedFreeze) bool { return now.Sub(x.End) > keepFreezes })
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
