package runner

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// writeScript writes an executable /bin/sh script into dir and returns its name.
func writeScript(t testing.TB, dir, name, body string) string {
	t.Helper()
	require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte("#!/bin/sh\n"+body), 0o755))
	return name
}

// lineSink collects OnLine calls and signals each one.
type lineSink struct {
	mu    sync.Mutex
	lines []string
	ch    chan string
}

func newSink() *lineSink { return &lineSink{ch: make(chan string, 1024)} }

func (s *lineSink) on(l string) {
	s.mu.Lock()
	s.lines = append(s.lines, l)
	s.mu.Unlock()
	select {
	case s.ch <- l:
	default:
	}
}

func (s *lineSink) all() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.lines...)
}

// next waits for the next line, failing the test after a generous deadline.
func (s *lineSink) next(t *testing.T) string {
	t.Helper()
	select {
	case l := <-s.ch:
		return l
	case <-time.After(30 * time.Second):
		t.Fatal("no output line from the script")
		return ""
	}
}

// waitResult waits for the run with a generous deadline so a hang fails instead of blocking the suite.
func waitResult(t *testing.T, run *Run) Result {
	t.Helper()
	select {
	case <-run.Done():
	case <-time.After(60 * time.Second):
		t.Fatal("run did not finish")
	}
	return run.Wait()
}

// processGone reports whether pid no longer runs: absent, or a zombie waiting
// for its (new) parent to reap it — it can neither run nor hold files.
func processGone(pid int) bool {
	if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
		return true
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true
	}
	s := string(b)
	if i := strings.LastIndexByte(s, ')'); i >= 0 && i+2 < len(s) {
		return s[i+2] == 'Z' || s[i+2] == 'X'
	}
	return false
}

// requireGone polls until pid is gone, with a deadline.
func requireGone(t *testing.T, pid int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !processGone(pid) {
		if time.Now().After(deadline) {
			t.Fatalf("process %d still alive", pid)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestRunSuccess(t *testing.T) {
	dir := t.TempDir()
	writeScript(t, dir, "ok.sh", `echo "one"
echo "two" >&2
printf 'three\r\n'
echo "arg=$1 cwd=$(pwd)"
printf 'no newline at end'
`)
	logPath := filepath.Join(t.TempDir(), "logs", "nested", "ok.log")
	sink := newSink()
	run, err := New().Start(context.Background(), Spec{
		Job: "ok", Argv: []string{"ok.sh", "--mode", "apply"}, Dir: dir, Env: []string{"PATH=/usr/bin:/bin"},
		LogPath: logPath, OnLine: sink.on, TailLines: 3,
	})
	require.NoError(t, err)
	assert.Equal(t, "ok", run.Job())
	res := waitResult(t, run)

	want := []string{"one", "two", "three", "arg=--mode cwd=" + dir, "no newline at end"}
	assert.Equal(t, want, sink.all())
	assert.Equal(t, 0, res.ExitCode)
	assert.Equal(t, ReasonOK, res.Reason)
	assert.NoError(t, res.Err)
	assert.Equal(t, int64(5), res.Lines)
	assert.Equal(t, want[2:], res.Tail)
	assert.False(t, res.Finished.Before(res.Started))

	data, err := os.ReadFile(logPath)
	require.NoError(t, err)
	assert.Equal(t, strings.Join(want, "\n")+"\n", string(data))
	sum := sha256.Sum256(data)
	assert.Equal(t, hex.EncodeToString(sum[:]), res.LogSHA256)
	assert.Equal(t, int64(len(data)), res.LogBytes)
	fi, err := os.Stat(logPath)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
}

func TestRunNonZeroExit(t *testing.T) {
	dir := t.TempDir()
	writeScript(t, dir, "fail.sh", "echo boom\nexit 3\n")
	run, err := New().Start(context.Background(), Spec{Job: "fail", Argv: []string{"fail.sh"}, Dir: dir})
	require.NoError(t, err)
	res := waitResult(t, run)
	assert.Equal(t, ReasonExit, res.Reason)
	assert.Equal(t, 3, res.ExitCode)
	assert.Equal(t, []string{"boom"}, res.Tail)
}

// startBackgrounded starts a script that forks `sleep 1000 &`, prints its pid
// and never exits; it returns the run and the sleep's pid.
func startBackgrounded(t *testing.T, r *Runner, ctx context.Context, s Spec, body string) (*Run, int) {
	t.Helper()
	dir := t.TempDir()
	writeScript(t, dir, "hang.sh", body)
	sink := newSink()
	s.Argv, s.Dir, s.OnLine = []string{"hang.sh"}, dir, sink.on
	run, err := r.Start(ctx, s)
	require.NoError(t, err)
	pid, err := strconv.Atoi(sink.next(t))
	require.NoError(t, err)
	require.False(t, processGone(pid), "background sleep should run")
	return run, pid
}

const hangScript = "sleep 1000 &\necho $!\nwait\n"

// ignoresTERM: the script and its children ignore SIGTERM, so only SIGKILL after Grace ends them.
const ignoresTERM = "trap '' TERM\nsleep 1000 &\necho $!\nwhile :; do sleep 1; done\n"

func TestRunTimeoutKillsGroup(t *testing.T) {
	for name, body := range map[string]string{"sigterm": hangScript, "sigkill after grace": ignoresTERM} {
		t.Run(name, func(t *testing.T) {
			run, pid := startBackgrounded(t, New(), context.Background(),
				Spec{Job: "hang", Timeout: 300 * time.Millisecond, Grace: 200 * time.Millisecond}, body)
			res := waitResult(t, run)
			assert.Equal(t, ReasonTimeout, res.Reason)
			assert.Equal(t, -1, res.ExitCode)
			requireGone(t, pid)
		})
	}
}

func TestRunCancelKillsGroup(t *testing.T) {
	for name, body := range map[string]string{"sigterm": hangScript, "sigkill after grace": ignoresTERM} {
		t.Run(name, func(t *testing.T) {
			run, pid := startBackgrounded(t, New(), context.Background(),
				Spec{Job: "hang", Grace: 200 * time.Millisecond}, body)
			run.Cancel()
			run.Cancel() // idempotent
			res := waitResult(t, run)
			assert.Equal(t, ReasonCancelled, res.Reason)
			assert.Equal(t, -1, res.ExitCode)
			requireGone(t, pid)
		})
	}
}

func TestRunContextCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	run, pid := startBackgrounded(t, New(), ctx, Spec{Job: "hang"}, hangScript)
	cancel()
	res := waitResult(t, run)
	assert.Equal(t, ReasonCancelled, res.Reason)
	requireGone(t, pid)
}

func TestRunScriptExitsLeavingChildren(t *testing.T) {
	// The background sleep keeps the output pipe open after the script exits;
	// the runner sweeps the group so Wait returns and the sleep dies.
	// The script exits at once, so the sweep may already have killed the sleep by the
	// time its pid is read: only its end is asserted, not that it was seen running.
	dir := t.TempDir()
	writeScript(t, dir, "leave.sh", "sleep 1000 &\necho $!\nexit 0\n")
	sink := newSink()
	run, err := New().Start(context.Background(), Spec{Job: "leaver", Argv: []string{"leave.sh"}, Dir: dir, OnLine: sink.on})
	require.NoError(t, err)
	pid, err := strconv.Atoi(sink.next(t))
	require.NoError(t, err)
	res := waitResult(t, run)
	assert.Equal(t, ReasonOK, res.Reason)
	assert.Equal(t, 0, res.ExitCode)
	requireGone(t, pid)
}

func TestRunDescendantLeftTheGroup(t *testing.T) {
	// A descendant in its own session escapes the group kill and holds the
	// pipe: Wait must still return (after the drain timeout).
	if _, err := exec.LookPath("setsid"); err != nil {
		t.Skip("no setsid")
	}
	run, pid := startBackgrounded(t, New(), context.Background(), Spec{Job: "escapee"},
		"setsid sh -c 'echo $$ > ready.tmp && mv ready.tmp ready; exec sleep 1000' &\n"+
			"while [ ! -s ready ]; do sleep 0.01; done\ncat ready\nexit 0\n")
	t.Cleanup(func() {
		if pid > 0 {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	})
	res := waitResult(t, run)
	assert.Equal(t, ReasonOK, res.Reason)
}

func TestRunBusy(t *testing.T) {
	r := New()
	run, _ := startBackgrounded(t, r, context.Background(), Spec{Job: "busy"}, hangScript)
	_, err := r.Start(context.Background(), Spec{Job: "busy", Argv: []string{"/bin/true"}})
	require.ErrorIs(t, err, ErrBusy)
	assert.Contains(t, err.Error(), "busy")
	got, ok := r.Running("busy")
	require.True(t, ok)
	assert.Same(t, run, got)
	assert.False(t, got.Started().IsZero())

	other, err := r.Start(context.Background(), Spec{Job: "other", Argv: []string{"/bin/true"}})
	require.NoError(t, err, "another job may run at the same time")
	assert.Equal(t, ReasonOK, waitResult(t, other).Reason)

	run.Cancel()
	waitResult(t, run)
	_, ok = r.Running("busy")
	assert.False(t, ok)
	again, err := r.Start(context.Background(), Spec{Job: "busy", Argv: []string{"/bin/true"}})
	require.NoError(t, err, "the job may run again once finished")
	waitResult(t, again)
}

func TestRunStartFailure(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "noexec.sh"), []byte("#!/bin/sh\necho hi\n"), 0o644))
	writeScript(t, dir, "badinterp.sh", "")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "badinterp.sh"), []byte("#!/nonexistent/interp\n"), 0o755))
	cases := map[string]Spec{
		"missing":         {Argv: []string{"missing.sh"}, Dir: dir},
		"not executable":  {Argv: []string{"noexec.sh"}, Dir: dir},
		"bad interpreter": {Argv: []string{"badinterp.sh"}, Dir: dir},
		"empty argv":      {Dir: dir},
		"not on PATH":     {Argv: []string{"true"}, Dir: dir}, // never searched on PATH
		"log unwritable":  {Argv: []string{"/bin/true"}, Dir: dir, LogPath: filepath.Join(dir, "noexec.sh", "x.log")},
	}
	r := New()
	for name, s := range cases {
		t.Run(name, func(t *testing.T) {
			s.Job = "start"
			run, err := r.Start(context.Background(), s)
			require.NoError(t, err)
			res := waitResult(t, run)
			assert.Equal(t, ReasonStart, res.Reason)
			assert.Equal(t, -1, res.ExitCode)
			assert.Error(t, res.Err)
			_, busy := r.Running("start")
			assert.False(t, busy, "slot released")
		})
	}
}

func TestScriptEnv_GivenTheBotsEnvironment_ThenOnlyTheAllowListReachesTheScript(t *testing.T) {
	environ := []string{
		"PATH=/usr/bin:/bin", "HOME=/home/bot", "LANG=pt_BR.UTF-8", "LC_ALL=C.UTF-8", "LC_TIME=pt_BR.UTF-8", "TZ=America/Sao_Paulo", "TMPDIR=/tmp/bot",
		"RUNBOOK_ITSM_WEBHOOK_URL=https://itsm.example/hook?key=1", "RUNBOOK_DB=data/runbook.db", "AWS_SECRET_ACCESS_KEY=abc",
		"SLACK_BOT_TOKEN=xoxb-1", "Slack_Weird=x", "DEV_RELATIONAL_URL=postgres://u:p@h/db", "AWS_REGION=sa-east-1",
		"LCX=not a locale", "=odd", "noequals",
	}
	cases := []struct {
		name  string
		allow []string
		want  []string
	}{
		{"nothing allowed: the base variables only", nil,
			[]string{"PATH=/usr/bin:/bin", "HOME=/home/bot", "LANG=pt_BR.UTF-8", "LC_ALL=C.UTF-8", "LC_TIME=pt_BR.UTF-8", "TZ=America/Sao_Paulo", "TMPDIR=/tmp/bot"}},
		{"a dependency and a listed name", []string{"DEV_RELATIONAL_URL", "AWS_REGION", "NOT_SET"},
			[]string{"PATH=/usr/bin:/bin", "HOME=/home/bot", "LANG=pt_BR.UTF-8", "LC_ALL=C.UTF-8", "LC_TIME=pt_BR.UTF-8", "TZ=America/Sao_Paulo", "TMPDIR=/tmp/bot",
				"DEV_RELATIONAL_URL=postgres://u:p@h/db", "AWS_REGION=sa-east-1"}},
		{"SLACK_* never, even when allowed", []string{"SLACK_BOT_TOKEN", "Slack_Weird"},
			[]string{"PATH=/usr/bin:/bin", "HOME=/home/bot", "LANG=pt_BR.UTF-8", "LC_ALL=C.UTF-8", "LC_TIME=pt_BR.UTF-8", "TZ=America/Sao_Paulo", "TMPDIR=/tmp/bot"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, ScriptEnv(environ, tc.allow))
		})
	}
}

func TestScriptEnv_GivenARealScript_WhenItPrintsItsEnvironment_ThenItSeesTheAllowListOnly(t *testing.T) {
	t.Setenv("RUNBOOK_ITSM_WEBHOOK_URL", "https://itsm.example/hook")
	t.Setenv("SLACK_BOT_TOKEN", "xoxb-should-not-leak")
	t.Setenv("SEED_BUCKET", "s3://bucket")
	t.Setenv("UNLISTED_THING", "x")
	t.Setenv("LC_ALL", "C")
	dir := t.TempDir()
	writeScript(t, dir, "env.sh", "env\n")
	for name, env := range map[string][]string{"explicit": ScriptEnv(os.Environ(), []string{"SEED_BUCKET"}), "default": nil} {
		t.Run(name, func(t *testing.T) {
			sink := newSink()
			run, err := New().Start(context.Background(), Spec{Job: "env", Argv: []string{"env.sh"}, Dir: dir, Env: env, OnLine: sink.on})
			require.NoError(t, err)
			require.Equal(t, ReasonOK, waitResult(t, run).Reason)
			var names []string
			for _, l := range sink.all() {
				if n, _, _ := strings.Cut(l, "="); !bashOwn[n] {
					names = append(names, n)
				}
			}
			want := []string{"HOME", "LC_ALL", "PATH"}
			if name == "explicit" {
				want = append(want, "SEED_BUCKET")
			}
			for _, v := range []string{"LANG", "TZ", "TMPDIR"} {
				if _, ok := os.LookupEnv(v); ok {
					want = append(want, v)
				}
			}
			assert.ElementsMatch(t, want, names)
		})
	}
}

func TestAllowedNames_GivenAllowedVariables_ThenTheBaseTheLocalesTheRunsAndThoseSorted(t *testing.T) {
	assert.Equal(t, []string{"PATH", "HOME", "LANG", "TZ", "TMPDIR", "LC_*", "RUNBOOK_RUN_ID", "RUNBOOK_JOB", "RUNBOOK_WINDOW", "AWS_REGION", "DEV_URL"},
		AllowedNames([]string{"DEV_URL", "AWS_REGION", "DEV_URL", "PATH"}))
	assert.Equal(t, []string{"HOME", "LC_ALL", "PATH", "RUNBOOK_JOB", "RUNBOOK_RUN_ID", "RUNBOOK_WINDOW", "X"},
		EnvNames([]string{"PATH=/bin", "X=secret-value", "HOME=/h", "LC_ALL=C", "X=again", "=odd"}))
}

// bashOwn are the variables bash itself exports to what it runs.
var bashOwn = map[string]bool{"PWD": true, "SHLVL": true, "_": true, "OLDPWD": true}

func TestRunRedacts(t *testing.T) {
	env := []string{
		"PATH=/usr/bin:/bin",
		"DB_PASSWORD=pg-S3cret!",
		"SEED_BUCKET=s3://bucket-private-name",
	}
	red := runbook.NewRedactor(env, []string{"SEED_BUCKET"})
	dir := t.TempDir()
	writeScript(t, dir, "leak.sh", `echo "password is $DB_PASSWORD"
echo "bucket $SEED_BUCKET"
echo "dsn postgres://admin:hunter2hunter2@db:5432/x"
echo "token xoxb-1234-5678-abcdef"
echo "<!channel> done"
`)
	logPath := filepath.Join(t.TempDir(), "leak.log")
	sink := newSink()
	run, err := New().Start(context.Background(), Spec{Job: "leak", Argv: []string{"leak.sh"}, Dir: dir, Env: env,
		LogPath: logPath, Redact: red.Redact, OnLine: sink.on})
	require.NoError(t, err)
	res := waitResult(t, run)
	want := []string{
		"password is [DB_PASSWORD]",
		"bucket [SEED_BUCKET]",
		"dsn postgres://admin:***@db:5432/x",
		"token [slack-token]",
		"<!channel> done", // redaction keeps it; escaping for Slack is the Slack layer's job
	}
	assert.Equal(t, want, sink.all())
	assert.Equal(t, want, res.Tail)
	data, err := os.ReadFile(logPath)
	require.NoError(t, err)
	assert.Equal(t, strings.Join(want, "\n")+"\n", string(data))
	for _, secret := range []string{"pg-S3cret!", "bucket-private-name", "hunter2hunter2", "xoxb-1234"} {
		assert.NotContains(t, string(data), secret)
	}
}

func TestRun_GivenASecretStraddlingTheLineCut_WhenRedacted_ThenNeitherHalfLeaks(t *testing.T) {
	const secret = "Zq7Lm2Xw9Kp4Rt6V"
	env := []string{"PATH=/usr/bin:/bin", "DEPLOY_TOKEN=" + secret}
	red := runbook.NewRedactor(env, nil)
	dir := t.TempDir()
	// 65,528 letters, then the secret across the 64 KiB cut, then more letters, no newline.
	writeScript(t, dir, "straddle.sh", `head -c 65528 /dev/zero | tr '\0' A
printf '%s' "$DEPLOY_TOKEN"
head -c 300 /dev/zero | tr '\0' B
`)
	logPath := filepath.Join(t.TempDir(), "straddle.log")
	sink := newSink()
	run, err := New().Start(context.Background(), Spec{Job: "straddle", Argv: []string{"straddle.sh"}, Dir: dir, Env: env,
		LogPath: logPath, Redact: red.Redact, Cut: red.Cut, OnLine: sink.on})
	require.NoError(t, err)
	require.Equal(t, ReasonOK, waitResult(t, run).Reason)
	data, err := os.ReadFile(logPath)
	require.NoError(t, err)
	assert.Equal(t, 1, strings.Count(string(data), "[DEPLOY_TOKEN]"), "the log file: the secret is masked once")
	assert.Equal(t, 65528+len("[DEPLOY_TOKEN]")+300+1, len(data), "the log file: the line whole, no newline added at the cut")
	lines := sink.all()
	require.Len(t, lines, 1, "one line, clipped for chat")
	assert.LessOrEqual(t, len(lines[0]), runbook.ChatLineBytes)
	for name, text := range map[string]string{"log file": string(data), "line": lines[0]} {
		for _, part := range []string{secret, secret[:8], secret[8:]} {
			assert.False(t, strings.Contains(text, part), "%s: %q leaks", name, part)
		}
	}
}

func TestRun_GivenLongLines_ThenTheLogKeepsThemWholeAndOnLineAndTheTailGetThemClipped(t *testing.T) {
	dir := t.TempDir()
	// 200 000 'a' without blanks, then a line with blanks longer than the read buffer, then a short one.
	writeScript(t, dir, "long.sh", `head -c 200000 /dev/zero | tr '\0' a
echo
i=0; while [ $i -lt 9000 ]; do printf 'word%04d ' $i; i=$((i+1)); done
echo
echo short
`)
	logPath := filepath.Join(t.TempDir(), "long.log")
	sink := newSink()
	run, err := New().Start(context.Background(), Spec{Job: "long", Argv: []string{"long.sh"}, Dir: dir, LogPath: logPath, OnLine: sink.on})
	require.NoError(t, err)
	res := waitResult(t, run)
	require.Equal(t, ReasonOK, res.Reason)

	var words strings.Builder
	for i := range 9000 {
		fmt.Fprintf(&words, "word%04d ", i)
	}
	data, err := os.ReadFile(logPath)
	require.NoError(t, err)
	assert.Equal(t, strings.Repeat("a", 200000)+"\n"+words.String()+"\nshort\n", string(data), "the log keeps every line whole")
	assert.Equal(t, int64(3), res.Lines)

	lines := sink.all()
	require.Len(t, lines, 3)
	assert.Equal(t, runbook.ClipLine(strings.Repeat("a", 200000), runbook.ChatLineBytes), lines[0])
	assert.True(t, strings.HasSuffix(lines[0], "… "+strconv.Itoa(200000-strings.Count(lines[0], "a"))+" bytes cut"), lines[0][len(lines[0])-30:])
	assert.Equal(t, runbook.ClipLine(words.String(), runbook.ChatLineBytes), lines[1])
	assert.Equal(t, "short", lines[2])
	for _, l := range lines {
		assert.LessOrEqual(t, len(l), runbook.ChatLineBytes)
	}
	require.Len(t, res.Tail, 3)
	assert.Equal(t, runbook.ClipLine(strings.Repeat("a", 200000), runbook.TailLineBytes), res.Tail[0])
	assert.Equal(t, "short", res.Tail[2])
}

func TestRun_GivenATenMegabyteLineWithoutANewline_ThenOneClippedLineAndTheWholeLog(t *testing.T) {
	dir := t.TempDir()
	writeScript(t, dir, "one.sh", `head -c 10485760 /dev/zero | tr '\0' q`)
	logPath := filepath.Join(t.TempDir(), "one.log")
	sink := newSink()
	run, err := New().Start(context.Background(), Spec{Job: "one", Argv: []string{"one.sh"}, Dir: dir, LogPath: logPath, OnLine: sink.on})
	require.NoError(t, err)
	res := waitResult(t, run)
	require.Equal(t, ReasonOK, res.Reason)
	fi, err := os.Stat(logPath)
	require.NoError(t, err)
	assert.Equal(t, int64(10485760+1), fi.Size(), "the whole line, and the newline the end of the output gets")
	assert.Equal(t, fi.Size(), res.LogBytes)
	lines := sink.all()
	require.Len(t, lines, 1)
	assert.LessOrEqual(t, len(lines[0]), runbook.ChatLineBytes)
	assert.True(t, strings.HasSuffix(lines[0], " bytes cut"))
	require.Len(t, res.Tail, 1)
	assert.LessOrEqual(t, len(res.Tail[0]), runbook.TailLineBytes)
}

// vmHWM returns the peak resident set size of this process in KiB.
func vmHWM(t testing.TB) int64 {
	t.Helper()
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skip("no /proc/self/status")
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			n, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			require.NoError(t, err)
			return n
		}
	}
	t.Skip("no VmHWM")
	return 0
}

// hugeScript prints n bytes as 100-byte lines.
func hugeScript(t testing.TB, dir string, n int64) string {
	return writeScript(t, dir, "huge.sh", "yes '"+strings.Repeat("x", 99)+"' | head -c "+strconv.FormatInt(n, 10)+"\n")
}

func TestRunHugeOutputFlatMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("200 MB of output")
	}
	const n = 200_000_000
	dir := t.TempDir()
	hugeScript(t, dir, n)
	before := vmHWM(t)
	var seen int64
	run, err := New().Start(context.Background(), Spec{Job: "huge", Argv: []string{"huge.sh"}, Dir: dir,
		LogPath: filepath.Join(t.TempDir(), "huge.log"), OnLine: func(string) { seen++ }})
	require.NoError(t, err)
	res := waitResult(t, run)
	require.Equal(t, ReasonOK, res.Reason)
	assert.Equal(t, int64(n/100), res.Lines)
	assert.Equal(t, int64(n/100), seen)
	assert.Equal(t, int64(n), res.LogBytes)
	assert.Len(t, res.Tail, DefaultTailLines)
	growth := vmHWM(t) - before
	t.Logf("peak RSS growth for %d MB of output: %d KiB", n/1_000_000, growth)
	assert.Less(t, growth, int64(64<<10), "memory must stay flat (KiB)")
}

// BenchmarkRunnerHugeOutput runs a script printing 1 GiB and reports the bot
// process's peak RSS (VmHWM) before and after.
func BenchmarkRunnerHugeOutput(b *testing.B) {
	const n = 1 << 30
	dir := b.TempDir()
	hugeScript(b, dir, n)
	logDir := b.TempDir()
	before := vmHWM(b)
	r := New()
	b.SetBytes(n)
	for b.Loop() {
		run, err := r.Start(context.Background(), Spec{Job: "huge", Argv: []string{"huge.sh"}, Dir: dir,
			LogPath: filepath.Join(logDir, "huge.log"), OnLine: func(string) {}})
		require.NoError(b, err)
		res := run.Wait()
		require.Equal(b, ReasonOK, res.Reason)
		require.GreaterOrEqual(b, res.LogBytes, int64(n)) // +1: the cut last line gets its newline
	}
	after := vmHWM(b)
	b.ReportMetric(float64(before)/1024, "MiB-peakRSS-before")
	b.ReportMetric(float64(after)/1024, "MiB-peakRSS-after")
	b.ReportMetric(float64(after-before)/1024, "MiB-peakRSS-growth")
}

func TestSplitPoint(t *testing.T) {
	assert.Equal(t, 6, splitPoint([]byte("ab cd ef")))
	assert.Equal(t, 4, splitPoint([]byte("abcd")))
	assert.Equal(t, 3, splitPoint([]byte("abc\xc3")), "incomplete rune kept for the next line")
	assert.Equal(t, 5, splitPoint([]byte("abc\xc3\xa9")))
}
