package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/runbook-bot/runbook-bot/runbook"
	"github.com/runbook-bot/runbook-bot/runbook/runner"
)

// appEnv is the configuration and the runbook, loaded once per command.
type appEnv struct {
	cfg     Config
	rb      *runbook.Runbook
	redact  *liveRedactor
	log     *slog.Logger
	metrics *loopMetrics
	git     *gitEnv  // nil when the runbook is a local file
	changed lateHook // told after every state change (serve: the App Home)
	// delayLog is the file the delay log is appended to: "" means the runbook
	// itself (cfg.File); the terminal shell may point it at a copy.
	delayLog string

	workers sync.WaitGroup // outbox loops started by startWorkers
}

// shutdown stops everything started on ctx (via stop) and closes the database
// once no loop can touch it any more.
// With replicas, the lease is given up last, once nothing of this replica
// delivers any more, so that another replica takes over at once.
func (e *appEnv) shutdown(stop func(), svc *runbook.Service, db io.Closer, waits ...func()) {
	stop()
	e.workers.Wait()
	svc.WaitLoops()
	for _, w := range waits {
		w()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	svc.Resign(ctx)
	cancel()
	_ = db.Close()
}

// loadEnv reads .env, the configuration and the runbook. Problems are printed to stderr.
// With RUNBOOK_GIT_URL the runbook comes from the repository: run is set for the
// commands that run the bot (they put a commit in force), the others only read.
func loadEnv(stderr io.Writer, run ...bool) (*appEnv, error) {
	if err := loadDotEnv(".env"); err != nil {
		return nil, err
	}
	cfg, err := LoadConfig(os.LookupEnv)
	if err != nil {
		return nil, err
	}
	e := &appEnv{cfg: cfg, metrics: newLoopMetrics(), redact: newLiveRedactor(&runbook.Runbook{})}
	e.log = slog.New(redactingHandler{h: slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}), r: e.redact})
	if cfg.Git.Enabled() {
		if e.git, e.rb, err = openGit(context.Background(), cfg, e.log, stderr, len(run) > 0 && run[0]); err != nil {
			return nil, err
		}
	} else {
		rb, problems, err := readRunbook(cfg.File, cfg.TZ)
		if err != nil {
			return nil, err
		}
		if len(problems) > 0 {
			printProblems(stderr, cliLang(cfg, rb), problems)
			return nil, fmt.Errorf("%s: %d problem(s); fix them and try again", cfg.File, len(problems))
		}
		e.rb = rb
	}
	e.redact.update(e.rb)
	for _, w := range cfg.ReminderWarnings(runbook.EffectivePolicy(e.rb.Policy, settings(cfg)).ConfirmLead) {
		e.log.Warn(w)
	}
	return e, nil
}

// quiet lowers logging to warnings and errors.
func (e *appEnv) quiet(stderr io.Writer) {
	e.log = slog.New(redactingHandler{h: slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}), r: e.redact})
}

// readRunbook parses the runbook file; err is for an unreadable file only.
func readRunbook(path string, loc *time.Location) (*runbook.Runbook, runbook.Problems, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("runbook: %w", err)
	}
	rb, problems := runbook.Parse(path, src, runbook.ParseOptions{DefaultZone: loc})
	return rb, problems, nil
}

// dependencyVars are the environment variables the jobs depend on: their values are masked everywhere.
func dependencyVars(rb *runbook.Runbook) []string {
	var names []string
	for _, j := range rb.Jobs {
		names = append(names, jobDependencyVars(j)...)
	}
	return names
}

// jobDependencyVars are the environment variables j depends on: its script gets them.
func jobDependencyVars(j runbook.Job) []string {
	var names []string
	for _, c := range j.Checks {
		if c.Kind == runbook.CheckEnv {
			names = append(names, c.Names...)
		}
	}
	return names
}

// settings are the service switches from the configuration.
func settings(c Config) runbook.Settings {
	return runbook.Settings{IncidentChannel: c.IncidentChannel, IncidentDeadline: c.IncidentDeadline, DelayThreshold: c.DelayThreshold,
		ConfirmLead: c.ConfirmLead, Reminders: c.Reminders, Autorun: c.Autorun, Operators: c.Operators,
		Responders: c.Responders, ITSM: c.ITSMWebhookURL != "", Retention: c.Retention}
}

// openService opens the database and builds the service with the process runner, pre-flight and ticket source.
func (e *appEnv) openService(ctx context.Context, dir runbook.Directory) (*runbook.Service, stateStore, error) {
	tickets, err := ticketSource(e.cfg)
	if err != nil {
		return nil, nil, err
	}
	db, err := openStore(ctx, e.cfg)
	if err != nil {
		return nil, nil, err
	}
	var lead runbook.Leadership
	if l, ok := db.(runbook.Leadership); ok {
		lead = l // a store replicas share: one of them leads
	}
	x := &executor{r: runner.New(), cfg: e.cfg, redact: e.redact.Redact, cut: e.redact.Cut, dir: e.scriptDir, log: e.log}
	if l, ok := db.(runLogStore); ok {
		x.logs = l // any replica reads the log of a run another executed
	}
	svc := runbook.NewService(e.rb, settings(e.cfg), runbook.Deps{
		Leadership: lead,
		Store:      db,
		Executor:   x,
		Checker:    checker{cfg: e.cfg, dir: e.scriptDir},
		Directory:  dir,
		Redact:     e.redact.Redact,
		Log:        e.log,
		Tickets:    tickets,
		Observer:   e.metrics,
		OnChange:   e.changed.fire,
	})
	return svc, db, nil
}

// parseFlags parses a subcommand's flags; a bad flag is a usage error, -h or
// --help asks for the subcommand's help (helpRequested).
func parseFlags(fs *flag.FlagSet, args []string) error {
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		return helpRequested{fs}
	} else if err != nil {
		return flagError(err)
	}
	return nil
}

// scriptDir is where a job's script runs: RUNBOOK_WORKDIR, or that directory in
// the checkout of the job's commit when the runbook comes from git (kept until
// release is called, so a run in progress keeps its commit's scripts).
func (e *appEnv) scriptDir(j runbook.Job) (dir string, release func(), err error) {
	if e.git == nil {
		return e.cfg.Workdir, func() {}, nil
	}
	return e.git.dir(j.Commit)
}

// lateHook breaks the construction cycle service → hook → Slack adapter → bot
// → service: the service is told of it first, the adapter's method later.
type lateHook struct {
	mu sync.RWMutex
	fn func()
}

func (h *lateHook) set(fn func()) { h.mu.Lock(); h.fn = fn; h.mu.Unlock() }

func (h *lateHook) fire() {
	h.mu.RLock()
	fn := h.fn
	h.mu.RUnlock()
	if fn != nil {
		fn()
	}
}
