package slack

import "sync"

// seenCap is how many request ids the adapter remembers. Slack retries an
// unacknowledged envelope within minutes and replays unacknowledged ones after
// a reconnect; 65,536 ids (a few MiB) cover hours of a busy workspace.
const seenCap = 1 << 16

// seenIDs is the adapter's memory of the envelope and trigger ids it has
// handled, oldest forgotten first. It drops redeliveries and replays within
// this process without a database write per envelope. Across a restart the
// service's own claim, committed in the same transaction as the state change,
// keeps a replayed command from changing anything twice (docs/spec.md §12.2); a replayed
// read may then be answered twice, which changes nothing.
type seenIDs struct {
	mu    sync.Mutex
	set   map[string]struct{}
	order []string // ring of the ids in set, oldest at next
	next  int
}

// claim records ids and reports whether none of them was seen before.
func (s *seenIDs) claim(ids ...string) (fresh bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.set == nil {
		s.set = make(map[string]struct{})
	}
	fresh = true
	for _, id := range ids {
		if _, dup := s.set[id]; dup {
			fresh = false
			continue
		}
		if len(s.order) < seenCap {
			s.order = append(s.order, id)
		} else {
			delete(s.set, s.order[s.next])
			s.order[s.next] = id
			s.next = (s.next + 1) % seenCap
		}
		s.set[id] = struct{}{}
	}
	return fresh
}
