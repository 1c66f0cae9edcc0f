package main

import (
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	_ "modernc.org/sqlite" // the bench reads the bot's database file directly

	"github.com/runbook-bot/runbook-bot/bot/slack/slacktest"
)

// The incident path under load (docs/performance.md): how soon a failure is
// announced in the incident channel, and how close to its deadline the
// escalation fires. Both run the real binary against the fake Slack, with
// Slack's pacing of about one post per second per channel in force.

// failureLines is how many lines each failing script prints before it fails.
const failureLines = 20000

// BenchmarkIncidentPost measures failure → incident post latency: 50 jobs
// fail one after another, each after printing 20,000 lines, while another
// job streams output into the same runbook channel. The failure time is
// written by the script itself just before it exits; the post time is when
// the fake Slack received the incident channel's message for that job.
// Target: p99 ≤ 2 s.
func BenchmarkIncidentPost(b *testing.B) {
	const failures = 50
	window := nextWindow(40 * time.Second)
	rows := []jobRow{{window: daily(window), freq: "Daily", script: "scripts/stream.sh", deps: "`bash`",
		body: `i=0; while :; do i=$((i+1)); echo "streaming line $i"; sleep 0.005; done`}}
	for i := 1; i <= failures; i++ {
		name := fmt.Sprintf("fail-%02d", i)
		rows = append(rows, jobRow{window: daily(window), freq: "Daily", script: "scripts/" + name + ".sh", deps: "`bash`",
			body: `seq 1 ` + strconv.Itoa(failureLines) + ` | sed 's/^/output line /'; date +%s%N > data/failed-at-` + name + `; exit 3`})
	}
	w := benchWorkspace(b, rows...)
	srv := newBenchSlack(b)
	proc := startBenchBot(b, w, srv, baseEnv(w, srv, "RUNBOOK_RUN_TIMEOUT=15m", "RUNBOOK_INCIDENT_DEADLINE=10m"))
	confirmAll(b, srv, rows)
	time.Sleep(time.Until(window) + 500*time.Millisecond)
	command(srv, ana, "run stream")

	for b.Loop() {
		var lat []time.Duration
		for i := 1; i <= failures; i++ {
			name := fmt.Sprintf("fail-%02d", i)
			command(srv, ana, "run "+name)
			var post slacktest.Message
			err := srv.WaitFor(2*time.Minute, func(s *slacktest.Server) bool {
				for _, m := range messagesWith(s, incidentChannel, name) {
					if m.ThreadTS == "" {
						post = m
						return true
					}
				}
				return false
			})
			if err != nil {
				b.Fatalf("no incident post for %s: %v\n%s", name, err, proc.out.String())
			}
			failedAt := readNanos(b, w.path("data", "failed-at-"+name))
			lat = append(lat, post.PostedAt.Sub(failedAt))
		}
		s := slacktest.NewLatencyStats(lat)
		b.Logf("failure → incident post, %d failures of %d lines each, another job streaming: %v", failures, failureLines, s)
		b.ReportMetric(ms(s.P50), "p50-ms")
		b.ReportMetric(ms(s.P99), "p99-ms")
		b.ReportMetric(ms(s.Max), "max-ms")
		b.ReportMetric(float64(len(srv.Messages(runbookChannel))), "runbook-channel-posts")
		b.ReportMetric(0, "ns/op")
	}
}

// BenchmarkEscalationLateness measures how late incident deadlines fire:
// 100 jobs fail at random moments over 100 s and nobody records an incident,
// while 1,000 other timers are pending and 50 slash commands per second
// arrive. Lateness is the fired time minus the due time of each deadline
// timer, read from the bot's database; the escalation post's own lateness
// (its arrival in the fake Slack after the deadline) is reported beside it.
// Targets: p99 ≤ 1 s, max ≤ 2 s.
func BenchmarkEscalationLateness(b *testing.B) {
	const (
		failures = 100
		idleJobs = 334 // three timers each: confirmation, window open, delay alert
		spread   = 100 * time.Second
		deadline = 3 * time.Second
	)
	window := nextWindow(45 * time.Second)
	idle := nextWindow(50 * time.Minute)
	var rows, failing []jobRow
	for i := 1; i <= failures; i++ {
		r := jobRow{window: daily(window), freq: "Daily", script: fmt.Sprintf("scripts/esc-%03d.sh", i), deps: "`bash`",
			body: `sleep 0.$((RANDOM % 10)); exit 1`}
		rows, failing = append(rows, r), append(failing, r)
	}
	for i := 1; i <= idleJobs; i++ {
		rows = append(rows, jobRow{window: daily(idle), freq: "Daily", script: fmt.Sprintf("scripts/idle-%03d.sh", i), body: "true", deps: "`bash`"})
	}
	w := benchWorkspace(b, rows...)
	srv := newBenchSlack(b)
	proc := startBenchBot(b, w, srv, baseEnv(w, srv, "RUNBOOK_INCIDENT_DEADLINE="+deadline.String(), "RUNBOOK_DELAY_THRESHOLD=10m"))
	confirmAll(b, srv, failing)
	db, err := sql.Open("sqlite", "file:"+w.path("data", "runbook.db")+"?mode=ro&_pragma=busy_timeout(5000)")
	must(b, err)
	b.Cleanup(func() { db.Close() })
	var pending int
	must(b, db.QueryRow(`SELECT count(*) FROM timers WHERE fired_at IS NULL`).Scan(&pending))
	b.Logf("%d timers pending before the failures", pending)
	time.Sleep(time.Until(window) + 500*time.Millisecond)

	for b.Loop() {
		stop := make(chan struct{})
		var load sync.WaitGroup
		load.Go(func() { // 50 commands per second until the last escalation
			t := time.NewTicker(20 * time.Millisecond)
			defer t.Stop()
			for {
				select {
				case <-stop:
					return
				case <-t.C:
					command(srv, lucas, "status")
				}
			}
		})
		start := time.Now()
		var runs sync.WaitGroup
		for _, r := range failing {
			job := strings.TrimSuffix(strings.TrimPrefix(r.script, "scripts/"), ".sh")
			at := time.Duration(rand.Int64N(int64(spread)))
			runs.Go(func() {
				time.Sleep(time.Until(start.Add(at)))
				command(srv, ana, "run "+job)
			})
		}
		runs.Wait()
		failed, fired := 0, 0
		for end := time.Now().Add(3 * time.Minute); fired < failures && time.Now().Before(end); time.Sleep(200 * time.Millisecond) {
			must(b, db.QueryRow(`SELECT count(*) FROM occurrences WHERE failed_at IS NOT NULL`).Scan(&failed))
			must(b, db.QueryRow(`SELECT count(*) FROM timers WHERE kind = 'deadline' AND fired_at IS NOT NULL`).Scan(&fired))
		}
		close(stop)
		load.Wait()
		answered := len(srv.Ephemerals(ana)) + len(srv.Ephemerals(lucas))
		b.Logf("%d runs failed, %d deadlines fired, %d commands answered in all", failed, fired, answered)
		if fired < failures {
			b.Fatalf("%d of %d deadlines fired (%d runs failed)\n%s", fired, failures, failed, proc.out.String())
		}
		fire, post := deadlineLateness(b, db, srv)
		b.Logf("deadline timers, %d failures over %v with %d timers pending and 50 commands/s: fired %v", failures, spread, pending, fire)
		b.Logf("escalation posts after their deadline: %v", post)
		b.ReportMetric(ms(fire.P50), "fire-p50-ms")
		b.ReportMetric(ms(fire.P99), "fire-p99-ms")
		b.ReportMetric(ms(fire.Max), "fire-max-ms")
		b.ReportMetric(ms(post.P50), "post-p50-ms")
		b.ReportMetric(ms(post.P99), "post-p99-ms")
		b.ReportMetric(ms(post.Max), "post-max-ms")
		b.ReportMetric(0, "ns/op")
	}
}

// confirmAll confirms each row's job as its primary and waits for every answer.
func confirmAll(b *testing.B, srv *slacktest.Server, rows []jobRow) {
	b.Helper()
	before := len(srv.Ephemerals(ana))
	for _, r := range rows {
		command(srv, ana, "confirm "+strings.TrimSuffix(strings.TrimPrefix(r.script, "scripts/"), ".sh"))
	}
	if err := srv.WaitFor(2*time.Minute, func(s *slacktest.Server) bool { return len(s.Ephemerals(ana)) >= before+len(rows) }); err != nil {
		b.Fatalf("confirmations answered: %d of %d: %v", len(srv.Ephemerals(ana))-before, len(rows), err)
	}
}

// deadlineLateness reads every fired deadline timer: how late it fired, and how
// long after its due time the escalation of its job reached the incident channel.
func deadlineLateness(b *testing.B, db *sql.DB, srv *slacktest.Server) (fire, post slacktest.LatencyStats) {
	b.Helper()
	rows, err := db.Query(`SELECT t.due, t.fired_at, o.job FROM timers t JOIN occurrences o ON o.id = t.occ
		WHERE t.kind = 'deadline' AND t.fired_at IS NOT NULL`)
	must(b, err)
	defer rows.Close()
	var fired, posted []time.Duration
	for rows.Next() {
		var due, at, job string
		must(b, rows.Scan(&due, &at, &job))
		d, err1 := time.Parse(time.RFC3339Nano, due)
		f, err2 := time.Parse(time.RFC3339Nano, at)
		if err1 != nil || err2 != nil {
			b.Fatalf("timer times %q %q: %v %v", due, at, err1, err2)
		}
		fired = append(fired, f.Sub(d))
		for _, m := range messagesWith(srv, incidentChannel, job) {
			if strings.Contains(content(m), "<!here>") {
				posted = append(posted, m.PostedAt.Sub(d))
				break
			}
		}
	}
	must(b, rows.Err())
	return slacktest.NewLatencyStats(fired), slacktest.NewLatencyStats(posted)
}

// readNanos reads a file holding a Unix time in nanoseconds (date +%s%N).
func readNanos(b *testing.B, path string) time.Time {
	b.Helper()
	raw, err := os.ReadFile(path)
	must(b, err)
	n, err := strconv.ParseInt(strings.TrimSpace(string(raw)), 10, 64)
	must(b, err)
	return time.Unix(0, n)
}
