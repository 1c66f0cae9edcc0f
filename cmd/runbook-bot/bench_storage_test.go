package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/runbook-bot/runbook-bot/runbook"
	"github.com/runbook-bot/runbook-bot/runbook/runner"
	"github.com/runbook-bot/runbook-bot/runbook/sqlite"
)

// Figures of BenchmarkDryRunStorage: dryRuns dry runs of a script printing
// one line of oneLineBytes; the database may grow at most storageTarget.
const (
	dryRuns       = 100
	oneLineBytes  = 10 << 20
	storageTarget = 5 << 20
)

// BenchmarkDryRunStorage measures how much the database grows with the output
// of dryRuns dry runs of a script printing a single 10 MB line, through the
// real runner, redactor, service and SQLite store, the outbox delivered to a
// sink that accepts everything (delivered rows stay: the retention is 30
// days). After each run it checks that the full log on disk is complete (its
// size, its content, and the SHA-256 the audit recorded), then deletes it.
// Contract: the database grows at most 5 MB.
func BenchmarkDryRunStorage(b *testing.B) {
	var growth, perRun float64
	for b.Loop() {
		g := dryRunGrowth(b)
		growth, perRun = max(growth, float64(g)/(1<<20)), max(perRun, float64(g)/dryRuns/1024)
	}
	b.ReportMetric(growth, "db-growth-MB")
	b.ReportMetric(perRun, "db-KiB/run")
	b.ReportMetric(0, "ns/op")
	if growth*(1<<20) > storageTarget {
		b.Errorf("the database grew %.1f MB after %d dry runs: more than the %d MB target", growth, dryRuns, storageTarget>>20)
	}
}

// dryRunGrowth runs the dry runs in a fresh workspace and returns the database's growth in bytes.
func dryRunGrowth(b *testing.B) int64 {
	ctx := context.Background()
	w := benchWorkspace(b, jobRow{window: "Monday 09:00 UTC", freq: "Weekly", script: "scripts/oneline.sh",
		body: "head -c " + strconv.Itoa(oneLineBytes) + " /dev/zero | tr '\\0' q", deps: "`bash`"})
	src, err := os.ReadFile(w.path("docs", "runbook.md"))
	must(b, err)
	rb, problems := runbook.Parse(w.path("docs", "runbook.md"), src, runbook.ParseOptions{DefaultZone: time.UTC})
	if len(problems) > 0 {
		b.Fatal(problems)
	}
	dbPath := w.path("data", "runbook.db")
	size := func() int64 { // the database file once the WAL is checkpointed into it (by the last Close)
		fi, err := os.Stat(dbPath)
		must(b, err)
		return fi.Size()
	}
	db, err := sqlite.Open(ctx, dbPath)
	must(b, err)
	cfg := Config{Workdir: w.dir, DataDir: w.path("data"), RunTimeout: time.Minute, Retention: defaultRetention}
	red := newLiveRedactor(rb)
	newSvc := func(db runbook.Store) *runbook.Service {
		return runbook.NewService(rb, runbook.Settings{Operators: []string{ana}, Retention: cfg.Retention}, runbook.Deps{Store: db,
			Executor: &executor{r: runner.New(), cfg: cfg, redact: red.Redact, cut: red.Cut}, Redact: red.Redact})
	}
	svc := newSvc(db)
	must(b, svc.Materialize(ctx))
	must(b, db.Close())
	before := size()

	db, err = sqlite.Open(ctx, dbPath)
	must(b, err)
	svc = newSvc(db)
	chat := svc.Outbox(runbook.SinkChat, func(context.Context, runbook.Delivery) error { return nil })
	for i := range dryRuns {
		must(b, svc.DryRun(ctx, runbook.Request{User: ana, RequestID: "dry-" + strconv.Itoa(i)}, "oneline"))
		svc.Wait()
		_, err := chat.Drain(ctx)
		must(b, err)
		checkFullLog(b, w, db)
	}
	must(b, db.Close())
	return size() - before
}

// checkFullLog checks that the one run log in the workspace holds the whole
// line (and the newline the end of the output gets), hashed as its latest
// run_finished record says, then deletes it.
func checkFullLog(b *testing.B, w *workspace, db runbook.Store) {
	logs, err := filepath.Glob(w.path("data", "logs", "*.log"))
	must(b, err)
	if len(logs) != 1 {
		b.Fatalf("want one run log, have %d", len(logs))
	}
	f, err := os.Open(logs[0])
	must(b, err)
	h := sha256.New()
	n, err := io.Copy(h, f)
	f.Close()
	must(b, err)
	if n != oneLineBytes+1 {
		b.Fatalf("the log holds %d bytes, not the %d the script printed and a newline", n, oneLineBytes+1)
	}
	var recs []runbook.Record
	must(b, db.View(context.Background(), func(tx runbook.Tx) (err error) { recs, err = tx.Records(0); return }))
	last := recs[len(recs)-1]
	if last.Kind != runbook.RecRunFinished || last.Fields["log_sha256"] != hex.EncodeToString(h.Sum(nil)) || last.Fields["log_error"] != "" {
		b.Fatalf("the audit does not vouch for the log: %+v", last)
	}
	head := make([]byte, 64)
	f, err = os.Open(logs[0])
	must(b, err)
	_, err = io.ReadFull(f, head)
	f.Close()
	must(b, err)
	if strings.Trim(string(head), "q") != "" {
		b.Fatalf("the log starts %q", head)
	}
	must(b, os.Remove(logs[0]))
}
