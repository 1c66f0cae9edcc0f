package runner

// ring keeps the last n lines.
type ring struct {
	lines []string
	next  int
	full  bool
}

func newRing(n int) *ring { return &ring{lines: make([]string, n)} }

// add stores a line, dropping the oldest when full.
func (r *ring) add(s string) {
	if len(r.lines) == 0 {
		return
	}
	r.lines[r.next] = s
	r.next++
	if r.next == len(r.lines) {
		r.next = 0
		r.full = true
	}
}

// slice returns the kept lines, oldest first.
func (r *ring) slice() []string {
	if !r.full {
		return append([]string(nil), r.lines[:r.next]...)
	}
	out := make([]string, 0, len(r.lines))
	out = append(out, r.lines[r.next:]...)
	return append(out, r.lines[:r.next]...)
}
