package runbook

import (
	"strconv"
	"unicode/utf8"
)

// Bounds on the run output the database keeps for chat and for the result
// (outbox rows, the occurrence's tail): the log file on disk keeps every byte.
const (
	ChatLineBytes = 4 << 10  // a line of output posted in the run thread
	BatchBytes    = 12 << 10 // the lines of one output post, about
	TailLines     = 50       // lines of the tail kept with the result
	TailLineBytes = 1 << 10  // a line of that tail
)

// ClipLine returns s when it has at most limit bytes, else its first bytes (cut
// on a rune boundary) followed by "… N bytes cut": limit bytes in all.
func ClipLine(s string, limit int) string { return ClipPrefix(s, int64(len(s)), limit) }

// ClipPrefix is ClipLine of a line of total bytes of which only prefix, its
// start, is at hand (at least limit bytes of it, or all of it): a reader of a
// huge line keeps its first bytes and counts the rest.
func ClipPrefix(prefix string, total int64, limit int) string {
	if total <= int64(limit) && int64(len(prefix)) >= total {
		return prefix[:total]
	}
	marker := func(keep int) string { return "… " + strconv.FormatInt(total-int64(keep), 10) + " bytes cut" }
	keep := limit - len(marker(0)) // the longest marker
	for keep+1 < limit && keep+1+len(marker(keep+1)) <= limit {
		keep++ // a shorter count leaves room for more of the line
	}
	keep = min(max(keep, 0), len(prefix))
	for keep > 0 && keep < len(prefix) && !utf8.RuneStart(prefix[keep]) {
		keep--
	}
	return prefix[:keep] + marker(keep)
}

// ClipTail keeps the last TailLines lines of tail, each clipped to TailLineBytes.
func ClipTail(tail []string) []string {
	if len(tail) == 0 {
		return nil
	}
	tail = tail[max(len(tail)-TailLines, 0):]
	out := make([]string, len(tail))
	for i, l := range tail {
		out[i] = ClipLine(l, TailLineBytes)
	}
	return out
}
