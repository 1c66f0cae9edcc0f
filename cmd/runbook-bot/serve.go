package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os/signal"
	"sync"
	"syscall"

	"github.com/runbook-bot/runbook-bot/bot"
	"github.com/runbook-bot/runbook-bot/bot/slack"
	"github.com/runbook-bot/runbook-bot/runbook"
	"github.com/runbook-bot/runbook-bot/runbook/records"
	"github.com/runbook-bot/runbook-bot/runbook/webhook"
)

// cmdServe runs the bot in Slack socket mode until SIGINT or SIGTERM.
func cmdServe(args []string, _ io.Reader, _, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	e, err := loadEnv(stderr, true)
	if err != nil {
		return err
	}
	if !e.cfg.SlackMode() {
		return errors.New("serve needs SLACK_BOT_TOKEN and SLACK_APP_TOKEN (see .env.example); without Slack, try `runbook-bot shell`")
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	dir := &lateDirectory{}
	svc, db, err := e.openService(ctx, dir)
	if err != nil {
		return err
	}
	var ad *slack.Adapter
	defer func() {
		e.shutdown(stop, svc, db, func() {
			if ad != nil {
				ad.Wait()
			}
		})
	}()
	b := bot.New(svc, bot.Options{Lang: runbook.Lang(e.cfg.Lang), Channel: e.cfg.Channel, Log: e.log})
	ad, err = slack.New(slack.Config{BotToken: e.cfg.SlackBotToken, AppToken: e.cfg.SlackAppToken, APIURL: e.cfg.SlackAPIURL, Log: e.log, Now: svc.Now}, b, chatStore{db})
	if err != nil {
		return err
	}
	dir.set(ad)
	e.changed.set(ad.HomeChanged)
	if err := ad.Start(ctx); err != nil {
		return err
	}
	if _, err := e.startWorkers(ctx, svc, db, ad.Deliver, ad.Connected, b); err != nil {
		return err
	}
	attrs := []any{"version", version, "jobs", len(e.rb.Jobs), "channel", e.cfg.Channel, "store", storeText(e.cfg)}
	if lead := svc.Leader(); !lead.Sole { // replicas: name the leader
		attrs = append(attrs, "replica", lead.Replica, "role", role(lead), "leader", dash(lead.Leader))
	}
	e.log.Info("runbook-bot serving in Slack", attrs...)
	<-ctx.Done()
	e.log.Info("shutting down")
	return nil
}

// startWorkers starts the outbox sinks, the service's timers and the HTTP server.
// It returns the outboxes, so a caller can drain them before exiting.
func (e *appEnv) startWorkers(ctx context.Context, svc *runbook.Service, db stateStore, chat runbook.SinkFunc, connected func() bool, cal calendarView) ([]*runbook.Outbox, error) {
	lang := e.rb.Lang
	if e.cfg.Lang != "" {
		lang = runbook.Lang(e.cfg.Lang)
	}
	sinks := map[string]runbook.SinkFunc{
		runbook.SinkChat:     chat,
		runbook.SinkCheckin:  checkinSink(&records.Checkins{Path: e.cfg.CheckinsFile, Lang: lang}, readableOf(svc)),
		runbook.SinkDelayLog: delayLogSink(cmp.Or(e.delayLog, e.cfg.File), lang, readableOf(svc), e.log),
	}
	if e.git != nil {
		e.gitSinks(sinks, svc, lang)
	}
	if e.cfg.ITSMWebhookURL != "" {
		sinks[runbook.SinkITSM] = itsmSink(&webhook.Client{URL: e.cfg.ITSMWebhookURL})
	}
	if l, ok := db.(wakeListener); ok { // another replica's commits wake this one's loops
		e.workers.Add(1)
		go func() {
			defer e.workers.Done()
			down := false // log the changes, not every retry
			l.Listen(ctx, svc.Wake, func(err error) {
				switch {
				case err == nil && down:
					e.log.Info("listening to the other replicas' commits again")
				case err != nil && !down:
					e.log.Warn("not listening to the other replicas' commits; looking for work every second meanwhile", "err", err)
				}
				down = err != nil
			})
		}()
	}
	var outs []*runbook.Outbox
	for name, fn := range sinks {
		out := svc.Outbox(name, fn)
		outs = append(outs, out)
		e.workers.Add(1)
		go func() {
			defer e.workers.Done()
			out.Run(ctx)
		}()
	}
	var watch func(context.Context)
	if e.git == nil {
		watch = newRunbookWatcher(e.cfg.File, e.cfg.TZ, svc, e.redact.update).poll
	}
	if err := svc.Start(ctx, watch); err != nil {
		return nil, err
	}
	if e.git != nil {
		e.workers.Add(1)
		go func() {
			defer e.workers.Done()
			e.git.follow(ctx, e.cfg.Git.Poll, svc, e.redact.update)
		}()
	}
	if e.cfg.HTTPAddr != "" {
		ops := &opsServer{svc: svc, db: db, connected: connected, log: e.log, metrics: e.metrics, cal: cal}
		if err := ops.serve(ctx, e.cfg.HTTPAddr); err != nil {
			return nil, fmt.Errorf("RUNBOOK_HTTP_ADDR %s: %w", e.cfg.HTTPAddr, err)
		}
	}
	return outs, nil
}

// wakeListener is a store replicas share that hears of their commits (PostgreSQL's LISTEN).
type wakeListener interface {
	Listen(ctx context.Context, wake func(timers, deliveries bool), listening func(err error))
}

// chatStore gives the chat adapter its slice of the database.
type chatStore struct{ db stateStore }

func (s chatStore) MessageRef(ctx context.Context, key string) (channel, ts string, ok bool, err error) {
	err = s.db.View(ctx, func(tx runbook.Tx) error { channel, ts, ok, err = tx.MessageRef(key); return err })
	return
}

func (s chatStore) SetMessageRef(ctx context.Context, key, channel, ts string) error {
	return s.db.Update(ctx, func(tx runbook.Tx) error { return tx.SetMessageRef(key, channel, ts) })
}

// lateDirectory breaks the construction cycle service → directory → Slack adapter → bot → service.
type lateDirectory struct {
	mu sync.RWMutex
	d  runbook.Directory
}

func (l *lateDirectory) set(d runbook.Directory) { l.mu.Lock(); l.d = d; l.mu.Unlock() }

func (l *lateDirectory) get() runbook.Directory { l.mu.RLock(); defer l.mu.RUnlock(); return l.d }

// UserByEmail implements runbook.Directory.
func (l *lateDirectory) UserByEmail(ctx context.Context, email string) (string, error) {
	if d := l.get(); d != nil {
		return d.UserByEmail(ctx, email)
	}
	return "", errors.New("directory not ready")
}

// InGroup implements runbook.Directory.
func (l *lateDirectory) InGroup(ctx context.Context, user, group string) (bool, error) {
	if d := l.get(); d != nil {
		return d.InGroup(ctx, user, group)
	}
	return false, errors.New("directory not ready")
}

// InChannel implements runbook.Directory.
func (l *lateDirectory) InChannel(ctx context.Context, user, channel string) (bool, error) {
	if d := l.get(); d != nil {
		return d.InChannel(ctx, user, channel)
	}
	return false, errors.New("directory not ready")
}
