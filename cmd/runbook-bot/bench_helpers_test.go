package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/runbook-bot/runbook-bot/bot/slack/slacktest"
)

// Helpers shared by the benchmarks of the binary: the e2e harness takes a
// *testing.T, these take a testing.TB so a *testing.B can use them.

// clockTick is the unit of utime and stime in /proc/PID/stat (USER_HZ, 100 on Linux).
const clockTick = 10 * time.Millisecond

// benchWorkspace writes the e2e test runbook (Ana primary, Lucas backup) with rows into a temporary directory.
func benchWorkspace(tb testing.TB, rows ...jobRow) *workspace {
	w := newWorkspace(tb, rows...)
	must(tb, os.MkdirAll(w.path("data"), 0o755))
	return w
}

// must fails tb on err.
func must(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

// newBenchSlack starts a fake Slack closed at the end of tb (quiet: no per-call logs).
func newBenchSlack(tb testing.TB) *slacktest.Server {
	srv := slacktest.New()
	tb.Cleanup(srv.Close)
	return srv
}

// benchBot is a running runbook-bot serve process.
type benchBot struct {
	cmd     *exec.Cmd
	out     *syncBuffer
	started time.Time // just before exec
	up      time.Time // when the fake Slack saw its socket connect
}

// startBenchBot execs `runbook-bot serve` in w and waits until its socket is connected.
func startBenchBot(tb testing.TB, w *workspace, srv *slacktest.Server, env []string) *benchBot {
	tb.Helper()
	cmd := exec.Command(binPath, "serve")
	cmd.Dir = w.dir
	cmd.Env = env
	return startConnected(tb, srv, cmd, "bot")
}

// startConnected starts cmd, stopped at the end of tb, and waits until srv sees one more socket.
func startConnected(tb testing.TB, srv *slacktest.Server, cmd *exec.Cmd, name string) *benchBot {
	tb.Helper()
	conns := srv.Connections()
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	p := &benchBot{cmd: cmd, out: out, started: time.Now()}
	must(tb, cmd.Start())
	tb.Cleanup(p.stop)
	if err := srv.WaitConnected(conns+1, 60*time.Second); err != nil {
		tb.Fatalf("%s did not connect: %v\n%s", name, err, out.String())
	}
	p.up = time.Now()
	return p
}

// stop ends the bot with SIGTERM and waits for it (idempotent).
func (p *benchBot) stop() {
	if p.cmd.ProcessState != nil {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	_ = p.cmd.Wait()
}

// memCPU is a process's memory and CPU figures read from /proc.
type memCPU struct {
	RSSKiB int64         // VmRSS
	HWMKiB int64         // VmHWM, the peak resident set
	CPU    time.Duration // utime + stime
}

// readMemCPU reads /proc/PID/status and /proc/PID/stat.
func readMemCPU(pid int) (memCPU, error) {
	var m memCPU
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return m, err
	}
	for line := range strings.SplitSeq(string(status), "\n") {
		name, val, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		f := strings.Fields(val)
		if len(f) == 0 {
			continue
		}
		n, _ := strconv.ParseInt(f[0], 10, 64)
		switch name {
		case "VmRSS":
			m.RSSKiB = n
		case "VmHWM":
			m.HWMKiB = n
		}
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return m, err
	}
	// Fields after the command name (which may hold spaces) start at field 3 (state);
	// utime and stime are fields 14 and 15.
	i := strings.LastIndex(string(stat), ") ")
	var f []string
	if i >= 0 {
		f = strings.Fields(string(stat)[i+2:])
	}
	if len(f) < 13 {
		return m, fmt.Errorf("unexpected /proc/%d/stat: %q", pid, stat)
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	m.CPU = time.Duration(ut+st) * clockTick
	return m, nil
}

// schedCPU is the on-CPU time of pid's live threads, summed from
// /proc/PID/task/*/schedstat (nanoseconds, finer than the 10 ms of /proc/PID/stat).
func schedCPU(pid int) (time.Duration, error) {
	tasks, err := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/schedstat", pid))
	if err != nil || len(tasks) == 0 {
		return 0, fmt.Errorf("no tasks for pid %d: %v", pid, err)
	}
	var sum time.Duration
	for _, t := range tasks {
		b, err := os.ReadFile(t)
		if err != nil {
			continue // the thread exited
		}
		f := strings.Fields(string(b))
		if len(f) == 0 {
			continue
		}
		ns, _ := strconv.ParseInt(f[0], 10, 64)
		sum += time.Duration(ns)
	}
	return sum, nil
}

// mib converts KiB to MiB.
func mib(kib int64) float64 { return float64(kib) / 1024 }
