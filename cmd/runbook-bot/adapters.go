package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/runbook-bot/runbook-bot/runbook"
	"github.com/runbook-bot/runbook-bot/runbook/runner"
)

// executor runs scripts through the process runner: argv from the workdir,
// no shell, an allow-listed environment (jobEnv) with the run's own variables,
// a timeout and a redacted log.
type executor struct {
	r      *runner.Runner
	cfg    Config
	redact func(string) string
	cut    func(string) int                          // where an over-long line is cut without splitting a secret
	dir    func(runbook.Job) (string, func(), error) // where the job's script runs, kept until released
	logs   runLogStore                               // nil: the log stays in its file; else it is copied to the database as it grows
	log    *slog.Logger
}

// Execute implements runbook.Executor.
func (x *executor) Execute(ctx context.Context, j runbook.Job, window time.Time, argv []string, onLine func(string)) (runbook.Execution, error) {
	id := j.ID + "-" + time.Now().UTC().Format("20060102T150405.000000000Z")
	env := append(jobEnv(x.cfg, j), runner.RunIDVar+"="+id, runner.JobVar+"="+j.ID)
	if !window.IsZero() {
		env = append(env, runner.WindowVar+"="+window.UTC().Format(time.RFC3339))
	}
	dir, release := x.cfg.Workdir, func() {}
	if x.dir != nil {
		var err error
		if dir, release, err = x.dir(j); err != nil {
			return nil, err
		}
	}
	run, err := x.r.Start(ctx, runner.Spec{
		Job:     j.ID,
		Argv:    argv,
		Dir:     dir,
		Env:     env,
		Timeout: x.cfg.RunTimeout,
		LogPath: runLogPath(x.cfg, id),
		Redact:  x.redact,
		Cut:     x.cut,
		OnLine:  onLine,
	})
	if err != nil {
		release()
		return nil, err
	}
	ex := execution{run: run, id: id, release: release, redact: x.redact}
	if x.logs != nil {
		ex.ship = newLogShipper(x.logs, id, runLogPath(x.cfg, id), x.log)
	}
	return ex, nil
}

// KillOrphan implements runbook.OrphanKiller: handle is "PGID:RUN_ID".
func (x *executor) KillOrphan(handle string) (bool, error) {
	pgid, id, ok := strings.Cut(handle, ":")
	n, err := strconv.Atoi(pgid)
	if !ok || err != nil {
		return false, fmt.Errorf("bad run handle %q", handle)
	}
	return runner.KillOrphanGroup(n, id)
}

type execution struct {
	run     *runner.Run
	id      string
	release func() // frees the run's working directory once it has ended
	redact  func(string) string
	ship    *logShipper // nil: the log stays in its file
}

func (e execution) Cancel() { e.run.Cancel() }

func (e execution) Handle() string { return fmt.Sprintf("%d:%s", e.run.PGID(), e.id) }

// startNote is the output line that says why a script did not start: the
// error's own explanation (runbook.Explained) or its text, each argument
// redacted when redact is set.
func startNote(err error, redact func(string) string) string {
	m := runbook.M(runbook.RunStartFailed, "error", err.Error())
	var ex runbook.Explained
	if errors.As(err, &ex) {
		m = ex.Explain()
	}
	if redact != nil {
		for k, v := range m.Args {
			m.Args[k] = redact(v)
		}
	}
	return runbook.NoteLine(m)
}

func (e execution) Wait() runbook.RunResult {
	res := e.run.Wait()
	e.release()
	if e.ship != nil {
		e.ship.finish() // the log is in the database before the result is recorded
	}
	out := runbook.RunResult{Reason: res.Reason, LogSHA256: res.LogSHA256, Tail: res.Tail, Duration: res.Finished.Sub(res.Started)}
	if res.ExitCode >= 0 && res.Reason != runner.ReasonStart {
		code := res.ExitCode
		out.ExitCode = &code
	}
	if res.Err != nil && res.Reason == runner.ReasonStart {
		out.Tail = append(out.Tail, startNote(res.Err, e.redact))
	}
	if res.LogError != nil && res.Reason != runner.ReasonStart {
		out.LogError = logProblem(res.LogError, res.LogBytes)
		if e.redact != nil {
			out.LogError = e.redact(out.LogError)
		}
	}
	return out
}

// logProblem says why a run's log file is incomplete and how much of it there
// is: "write: no space left on device after 65536 bytes" (the file's path,
// known from the run, is left out).
func logProblem(err error, written int64) string {
	msg := err.Error()
	var pe *fs.PathError
	if errors.As(err, &pe) {
		msg = pe.Op + ": " + pe.Err.Error()
	}
	return fmt.Sprintf("%s after %d bytes", msg, written)
}

// jobEnv is what a script of j gets of the bot's environment: PATH, HOME,
// LANG, LC_*, TZ, TMPDIR, j's dependency variables and those RUNBOOK_SCRIPT_ENV
// names; never SLACK_* nor the trackers' tokens.
func jobEnv(cfg Config, j runbook.Job) []string {
	return scriptEnv(runner.ScriptEnv(os.Environ(), append(jobDependencyVars(j), cfg.ScriptEnv...)))
}

// checker runs pre-flight checks against the environment and the directory the script will get.
type checker struct {
	cfg Config
	dir func(runbook.Job) (string, func(), error) // nil: the workdir
}

// Check implements runbook.Checker.
func (c checker) Check(ctx context.Context, j runbook.Job) runbook.Preflight {
	workdir := c.cfg.Workdir
	if c.dir != nil {
		if d, release, err := c.dir(j); err == nil {
			defer release()
			workdir = d
		}
	}
	return runner.Preflight(ctx, j.Checks, workdir, jobEnv(c.cfg, j))
}

// redactingHandler masks secrets in every log message and string attribute.
type redactingHandler struct {
	h slog.Handler
	r *liveRedactor
}

// liveRedactor is the redactor of the runbook in force: a hot reload that adds
// a job with new dependency variables masks their values from then on, not
// only after a restart (docs/spec.md §12.6).
type liveRedactor struct {
	p atomic.Pointer[runbook.Redactor]
}

// botSecretVars are the bot's own variables whose whole values are secret
// although their names say URL: a webhook's credential is often in its path.
var botSecretVars = []string{envITSMWebhookURL}

// newLiveRedactor masks the environment's secrets, the bot's own and rb's dependency variables.
func newLiveRedactor(rb *runbook.Runbook) *liveRedactor {
	l := &liveRedactor{}
	l.update(rb)
	return l
}

// update rebuilds the redactor for rb, before rb is put in force.
func (l *liveRedactor) update(rb *runbook.Runbook) {
	l.p.Store(runbook.NewRedactor(os.Environ(), append(dependencyVars(rb), botSecretVars...)))
}

// Redact masks the secrets in s.
func (l *liveRedactor) Redact(s string) string { return l.p.Load().Redact(s) }

// Cut tells where an over-long line may be cut without splitting a secret (runbook.Redactor.Cut).
func (l *liveRedactor) Cut(s string) int { return l.p.Load().Cut(s) }

func (h redactingHandler) Enabled(ctx context.Context, l slog.Level) bool { return h.h.Enabled(ctx, l) }

func (h redactingHandler) Handle(ctx context.Context, rec slog.Record) error {
	out := slog.NewRecord(rec.Time, rec.Level, h.r.Redact(rec.Message), rec.PC)
	rec.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(h.attr(a))
		return true
	})
	return h.h.Handle(ctx, out)
}

func (h redactingHandler) attr(a slog.Attr) slog.Attr {
	switch a.Value.Kind() {
	case slog.KindString:
		return slog.String(a.Key, h.r.Redact(a.Value.String()))
	case slog.KindAny:
		if err, ok := a.Value.Any().(error); ok {
			return slog.String(a.Key, h.r.Redact(err.Error()))
		}
		return slog.String(a.Key, h.r.Redact(a.Value.String()))
	}
	return a
}

func (h redactingHandler) WithAttrs(as []slog.Attr) slog.Handler {
	for i := range as {
		as[i] = h.attr(as[i])
	}
	return redactingHandler{h: h.h.WithAttrs(as), r: h.r}
}

func (h redactingHandler) WithGroup(name string) slog.Handler {
	return redactingHandler{h: h.h.WithGroup(name), r: h.r}
}
