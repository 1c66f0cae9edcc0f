package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/runbook-bot/runbook-bot/runbook"
	"github.com/runbook-bot/runbook-bot/runbook/sqlite"
)

// pastOccurrences is how many finished occurrences BenchmarkStartup puts in the database.
const pastOccurrences = 10000

// startupJobs are the daily jobs of BenchmarkStartup's runbook; the past
// occurrences are spread over them, one a day each, back from yesterday.
var startupJobs = []string{"backup", "rotate", "reindex", "vacuum", "seed"}

// readyLine is what the bot logs once its service has recovered, materialised and started.
const readyLine = "runbook-bot serving in Slack"

// BenchmarkStartup measures the start-up time of `runbook-bot serve`: from exec
// to the fake Slack seeing the socket connect ("connect"), and to the bot
// logging that it serves, after recovering interrupted runs and materialising
// occurrences ("ready"); on an empty database and on one holding 10,000 past
// occurrences, each with its audit records (4) and fired timers (4). The
// database file is in the page cache (it was just written).
func BenchmarkStartup(b *testing.B) {
	for _, past := range []int{0, pastOccurrences} {
		b.Run(fmt.Sprintf("past=%d", past), func(b *testing.B) {
			var rows []jobRow
			for _, j := range startupJobs {
				rows = append(rows, jobRow{window: "Daily 03:00 UTC", freq: "Daily", script: "scripts/" + j + ".sh", body: "echo ok", deps: "`bash`"})
			}
			w := benchWorkspace(b, rows...)
			if past > 0 {
				fillPast(b, w.path("data", "runbook.db"), past)
			}
			var connect, ready, worst time.Duration
			for b.Loop() {
				srv := newBenchSlack(b)
				bot := startBenchBot(b, w, srv, baseEnv(w, srv))
				for !strings.Contains(bot.out.String(), readyLine) {
					if time.Since(bot.started) > time.Minute {
						b.Fatalf("not ready after a minute:\n%s", bot.out.String())
					}
					time.Sleep(time.Millisecond)
				}
				r := time.Since(bot.started)
				connect += bot.up.Sub(bot.started)
				ready += r
				worst = max(worst, r)
				bot.stop()
				srv.Close()
			}
			n := time.Duration(b.N)
			b.ReportMetric(ms(connect/n), "connect-ms")
			b.ReportMetric(ms(ready/n), "ready-ms")
			b.ReportMetric(ms(worst), "ready-max-ms")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// fillPast writes n finished occurrences of startupJobs into the database at
// path, with the audit records and fired timers a real week leaves behind:
// mostly succeeded, every tenth failed with its incident recorded.
func fillPast(b *testing.B, path string, n int) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, path)
	must(b, err)
	defer db.Close()
	today := time.Now().UTC().Truncate(24 * time.Hour)
	const batch = 1000
	for from := 0; from < n; from += batch {
		err := db.Update(ctx, func(tx runbook.Tx) error {
			for i := from; i < min(from+batch, n); i++ {
				job := startupJobs[i%len(startupJobs)]
				window := today.Add(-time.Duration(i/len(startupJobs)+1)*24*time.Hour + 3*time.Hour)
				if err := pastOccurrence(tx, i, job, window); err != nil {
					return err
				}
			}
			return nil
		})
		must(b, err)
	}
	must(b, db.Update(ctx, func(tx runbook.Tx) error {
		return tx.SetMeta("created_at", today.Add(-time.Duration(n)*24*time.Hour).Format(time.RFC3339Nano))
	}))
}

// pastOccurrence writes one finished occurrence with its records and fired timers.
func pastOccurrence(tx runbook.Tx, i int, job string, window time.Time) error {
	at := func(d time.Duration) *time.Time { t := window.Add(d); return &t }
	code := 0
	o := runbook.Occurrence{Job: job, Slot: window, Window: window, State: runbook.Succeeded,
		RequestedAt: at(-24 * time.Hour), ApprovedBy: ana, ApprovedAt: at(-20 * time.Hour), RunBy: ana,
		StartedAt: at(2 * time.Minute), FinishedAt: at(5 * time.Minute), ExitCode: &code, Attempts: 1,
		LogSHA256: fmt.Sprintf("%064x", i), Tail: []string{"done"}}
	if i%10 == 0 {
		code = 1
		o.State, o.Reason, o.FailedAt, o.IncidentDeadline = runbook.Failed, runbook.ReasonExit, at(5*time.Minute), at(20*time.Minute)
		o.IncidentRef, o.IncidentBy, o.IncidentAt = fmt.Sprintf("INC-%d", i), lucas, at(10*time.Minute)
	}
	if err := tx.CreateOccurrence(&o); err != nil {
		return err
	}
	if err := tx.SaveOccurrence(o); err != nil {
		return err
	}
	recs := []runbook.Record{
		{At: *o.RequestedAt, Kind: runbook.RecConfirmRequested},
		{At: *o.ApprovedAt, Kind: runbook.RecApproved, Actor: ana, Envelope: fmt.Sprintf("E%d-a", i)},
		{At: *o.StartedAt, Kind: runbook.RecRunStarted, Actor: ana, Envelope: fmt.Sprintf("E%d-r", i), Fields: map[string]string{"argv": "scripts/" + job + ".sh"}},
		{At: *o.FinishedAt, Kind: runbook.RecRunFinished, Fields: map[string]string{"exit_code": fmt.Sprint(code), "log_sha256": o.LogSHA256}},
	}
	for _, r := range recs {
		r.Occurrence, r.Job, r.Window = o.ID, job, window
		if err := tx.AddRecord(&r); err != nil {
			return err
		}
	}
	for _, t := range []runbook.Timer{
		{Kind: runbook.TimerConfirm, Due: *o.RequestedAt},
		{Kind: runbook.TimerReminder, Due: window.Add(-4 * time.Hour)},
		{Kind: runbook.TimerOpen, Due: window},
		{Kind: runbook.TimerDelay, Seq: 1, Due: window.Add(30 * time.Minute)},
	} {
		t.Occ = o.ID
		if err := tx.ArmTimer(&t); err != nil {
			return err
		}
		if err := tx.FireTimer(t.ID, t.Due); err != nil {
			return err
		}
	}
	return nil
}
