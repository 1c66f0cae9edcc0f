package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"os"
	"sync"
	"time"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// runbookWatcher re-reads the runbook file when its content changes (polled
// every 2 s by the service's scheduler) and hands the result to the service:
// a broken edit is reported and the last good version stays in force.
type runbookWatcher struct {
	path   string
	loc    *time.Location
	svc    *runbook.Service
	onGood func(*runbook.Runbook) // called with a good version before it is put in force

	mu   sync.Mutex
	last [32]byte
}

func newRunbookWatcher(path string, loc *time.Location, svc *runbook.Service, onGood func(*runbook.Runbook)) *runbookWatcher {
	w := &runbookWatcher{path: path, loc: loc, svc: svc, onGood: onGood}
	if src, err := os.ReadFile(path); err == nil {
		w.last = sha256.Sum256(src)
	}
	return w
}

// poll checks the file once.
func (w *runbookWatcher) poll(ctx context.Context) {
	src, err := os.ReadFile(w.path)
	if err != nil {
		return // a file being replaced; the next poll sees it
	}
	sum := sha256.Sum256(src)
	w.mu.Lock()
	same := bytes.Equal(sum[:], w.last[:])
	w.last = sum
	w.mu.Unlock()
	if same {
		return
	}
	rb, problems := runbook.Parse(w.path, src, runbook.ParseOptions{DefaultZone: w.loc})
	if len(problems) == 0 && w.onGood != nil {
		w.onGood(rb)
	}
	w.svc.Reload(ctx, rb, problems)
}
