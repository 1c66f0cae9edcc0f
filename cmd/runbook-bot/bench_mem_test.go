package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/runbook-bot/runbook-bot/bot/slack/slacktest"
)

// idleFor is how long BenchmarkMemory/idle leaves the bot alone.
const idleFor = 10 * time.Second

// bigOutput is the script of BenchmarkMemory/output-1GiB: 1 GiB in 10,737,419 lines of 100 bytes (and a short last one).
const bigOutput = `head -c 1073741824 /dev/zero | tr '\0' 'x' | fold -w 100`

// BenchmarkMemory measures the bot process's resident memory (VmRSS, and the
// peak VmHWM) and CPU time from /proc, at idle and while a script prints
// 1 GiB. CPU is utime+stime of /proc/PID/stat (10 ms ticks) for the run, and
// the sum of the threads' /proc/PID/task/*/schedstat (nanoseconds) at idle,
// where ticks are too coarse; start-up CPU is the larger of the two. Only the bot is measured, not the script's processes.
// Bound (docs/spec.md §12.8): under 100 MiB resident.
func BenchmarkMemory(b *testing.B) {
	b.Run("idle", func(b *testing.B) {
		var rss, hwm, startCPU, idleCPU float64
		for b.Loop() {
			w := benchWorkspace(b, jobRow{window: "Monday 09:00 UTC", freq: "Weekly", script: "scripts/ok.sh", body: "echo ok", deps: "`bash`"})
			srv := newBenchSlack(b)
			bot := startBenchBot(b, w, srv, baseEnv(w, srv))
			pid := bot.cmd.Process.Pid
			up, err := readMemCPU(pid)
			must(b, err)
			upSched, err := schedCPU(pid)
			must(b, err)
			time.Sleep(idleFor)
			idle, err := readMemCPU(pid)
			must(b, err)
			idleSched, err := schedCPU(pid)
			must(b, err)
			bot.stop()
			rss, hwm = max(rss, mib(idle.RSSKiB)), max(hwm, mib(idle.HWMKiB))
			startCPU += ms(max(up.CPU, upSched))
			idleCPU += ms(idleSched - upSched)
		}
		n := float64(b.N)
		b.ReportMetric(rss, "rss-MiB")
		b.ReportMetric(hwm, "hwm-MiB")
		b.ReportMetric(startCPU/n, "startup-cpu-ms")
		b.ReportMetric(idleCPU/n, "idle-cpu-ms/10s")
		b.ReportMetric(100*idleCPU/n/ms(idleFor), "idle-cpu-%")
		b.ReportMetric(0, "ns/op")
	})

	b.Run("output-1GiB", func(b *testing.B) {
		var hwm, rss, cpu, wall, logMiB float64
		for b.Loop() {
			r := runBigOutput(b)
			hwm, rss = max(hwm, r.hwm), max(rss, r.rss)
			cpu += r.cpu.Seconds()
			wall += r.wall.Seconds()
			logMiB = r.logMiB
		}
		n := float64(b.N)
		b.ReportMetric(hwm, "hwm-MiB")
		b.ReportMetric(rss, "max-rss-MiB")
		b.ReportMetric(cpu/n, "run-cpu-s")
		b.ReportMetric(wall/n, "run-wall-s")
		b.ReportMetric(logMiB, "log-MiB")
		b.ReportMetric(0, "ns/op")
	})
}

// bigRun is what one 1 GiB run cost the bot.
type bigRun struct {
	hwm, rss float64       // peak VmHWM and highest sampled VmRSS, MiB
	cpu      time.Duration // bot CPU from `run` to the check-in
	wall     time.Duration // from `run` to the check-in
	logMiB   float64       // size of the kept run log
}

// runBigOutput starts the bot with a job printing 1 GiB whose window is the
// next minute, confirms it as its owner, runs it at the window through the fake
// Slack, and samples the bot's memory every 50 ms until the run's check-in is written.
func runBigOutput(b *testing.B) bigRun {
	window := nextWindow(20 * time.Second)
	w := benchWorkspace(b, jobRow{window: daily(window), freq: "Daily", script: "scripts/big.sh", body: bigOutput, deps: "`bash`"})
	srv := newBenchSlack(b)
	bot := startBenchBot(b, w, srv, baseEnv(w, srv, "RUNBOOK_RUN_TIMEOUT=10m", "RUNBOOK_DELAY_THRESHOLD=5m"))
	pid := bot.cmd.Process.Pid

	command(srv, ana, "confirm big")
	if err := srv.WaitFor(20*time.Second, func(s *slacktest.Server) bool { return len(s.Ephemerals(ana)) > 0 }); err != nil {
		b.Fatalf("no answer to confirm: %v\n%s", err, bot.out.String())
	}
	time.Sleep(time.Until(window) + 500*time.Millisecond)
	before, err := readMemCPU(pid)
	must(b, err)
	start := time.Now()
	command(srv, ana, "run big")

	checkins := w.path("docs", "observabilidade", "check-ins.md")
	var r bigRun
	deadline := start.Add(10 * time.Minute)
	for {
		m, err := readMemCPU(pid)
		must(b, err)
		r.hwm, r.rss = max(r.hwm, mib(m.HWMKiB)), max(r.rss, mib(m.RSSKiB))
		if doc, _ := os.ReadFile(checkins); strings.Contains(string(doc), "### ") {
			r.wall = time.Since(start)
			r.cpu = m.CPU - before.CPU
			break
		}
		if time.Now().After(deadline) {
			b.Fatalf("the run did not finish in 10 minutes\n%s", bot.out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if m, err := readMemCPU(pid); err == nil {
		r.hwm = max(r.hwm, mib(m.HWMKiB))
	}
	_ = filepath.Walk(w.path("data"), func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() && strings.HasSuffix(p, ".log") {
			r.logMiB = max(r.logMiB, float64(info.Size())/(1<<20))
		}
		return nil
	})
	b.Logf("1 GiB run: %.1f s wall, %.1f s bot CPU, peak %.1f MiB (VmHWM), log %.0f MiB, %d thread posts",
		r.wall.Seconds(), r.cpu.Seconds(), r.hwm, r.logMiB, len(srv.Calls("chat.postMessage")))
	bot.stop()
	return r
}
