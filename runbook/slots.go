package runbook

import "sync"

// What holds a job's execution slot.
const (
	slotRun = "run"     // a run of an occurrence
	slotDry = "dry-run" // a dry run
)

// execSlots allows one execution per job at a time, a run or a dry run
// (docs/spec.md §6.1). A run takes the slot before its occurrence becomes
// running, so a run and a dry run of one job never reach the process runner
// together (which would refuse the second, and a refused run is a failure
// with an incident).
type execSlots struct {
	mu   sync.Mutex
	held map[string]string // job → slotRun or slotDry
}

// acquire takes job's slot for kind; when it is taken, ok is false and holder says by what.
func (e *execSlots) acquire(job, kind string) (holder string, ok bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if h, taken := e.held[job]; taken {
		return h, false
	}
	if e.held == nil {
		e.held = make(map[string]string)
	}
	e.held[job] = kind
	return kind, true
}

// release frees job's slot if kind holds it.
func (e *execSlots) release(job, kind string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.held[job] == kind {
		delete(e.held, job)
	}
}
