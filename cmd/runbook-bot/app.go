package main

import (
	"context"
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

	workers sync.WaitGroup // outbox loops started by startWorkers
}

// shutdown stops everything started on ctx (via stop) and closes the database
// once no loop can touch it any more.
// With replicas, the lease is given up last, once nothing of this replica
// delivers any more, so that another replica takes over at once.
func (e *appEnv) shutdown(stop func(), svc *runbook.Service, db io.Closer, waits ...func()) {
	stop()
	e.workers.Wait()
	svc.Stopped()
	for _, w := range waits {
		w()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	svc.Resign(ctx)
	cancel()
	_ = db.Close()
}

// loadEnv reads .env, the configuration and the runbook. Problems are printed to stderr.
func loadEnv(stderr io.Writer) (*appEnv, error) {
	if err := loadDotEnv(".env"); err != nil {
		return nil, err
	}
	cfg, err := LoadConfig(os.LookupEnv)
	if err != nil {
		return nil, err
	}
	rb, problems, err := readRunbook(cfg.File, cfg.TZ)
	if err != nil {
		return nil, err
	}
	if len(problems) > 0 {
		for _, p := range problems {
			fmt.Fprintln(stderr, p.String())
		}
		return nil, fmt.Errorf("%s: %d problem(s); fix them and try again", cfg.File, len(problems))
	}
	e := &appEnv{cfg: cfg, rb: rb, metrics: newLoopMetrics(), log: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))}
	e.redact = newLiveRedactor(rb)
	e.log = slog.New(redactingHandler{h: e.log.Handler(), r: e.redact})
	for _, w := range cfg.ReminderWarnings(runbook.EffectivePolicy(rb.Policy, settings(cfg)).ConfirmLead) {
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
		Responders: c.Responders, ITSM: c.ITSMWebhookURL != ""}
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
	x := &executor{r: runner.New(), cfg: e.cfg, redact: e.redact.Redact, cut: e.redact.Cut, log: e.log}
	if l, ok := db.(runLogStore); ok {
		x.logs = l // any replica reads the log of a run another executed
	}
	svc := runbook.NewService(e.rb, settings(e.cfg), runbook.Deps{
		Leadership: lead,
		Store:      db,
		Executor:   x,
		Checker:    checker{cfg: e.cfg},
		Directory:  dir,
		Redact:     e.redact.Redact,
		Log:        e.log,
		Tickets:    tickets,
		Observer:   e.metrics,
	})
	return svc, db, nil
}

// parseFlags parses a subcommand's flags; a bad flag is a usage error.
func parseFlags(fs *flag.FlagSet, args []string) error {
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	return nil
}
