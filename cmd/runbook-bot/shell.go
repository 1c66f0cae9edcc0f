package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os/signal"
	"strconv"
	"syscall"

	"github.com/runbook-bot/runbook-bot/bot"
	"github.com/runbook-bot/runbook-bot/bot/shell"
	"github.com/runbook-bot/runbook-bot/runbook"
)

// cmdShell runs the same bot, store and timers in the terminal. It exits 0 at end of input.
func cmdShell(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("shell", flag.ContinueOnError)
	as := fs.String("as", "", "Slack user ID to act as (also :as U123 at the prompt)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	e, err := loadEnv(stderr, true)
	if err != nil {
		return err
	}
	e.quiet(stderr) // the terminal is the chat: only warnings and errors are logged beside it
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	svc, db, err := e.openService(ctx, nil)
	if err != nil {
		return err
	}
	defer e.shutdown(stop, svc, db)
	b := bot.New(svc, bot.Options{Lang: runbook.Lang(e.cfg.Lang), Channel: e.cfg.Channel, Log: e.log})
	user := *as
	if user == "" {
		user = "U0SHELLUSER"
	}
	sh := shell.New(b, stdout, user)
	outs, err := e.startWorkers(ctx, svc, db, sh.Deliver, nil, b)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, b.Text("shell.banner", map[string]string{"version": version, "n": strconv.Itoa(len(e.rb.Jobs)), "file": e.cfg.File}))
	if err := sh.Run(ctx, stdin); err != nil {
		return err
	}
	// End of input: let running scripts finish, then deliver what they left in the outbox.
	svc.Wait()
	for _, out := range outs {
		for n := 1; n > 0; {
			n, _ = out.Drain(context.Background())
		}
	}
	return nil
}
