package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/runbook-bot/runbook-bot/bot"
	"github.com/runbook-bot/runbook-bot/bot/shell"
	"github.com/runbook-bot/runbook-bot/runbook"
)

// cmdShell runs the same bot, store and timers in the terminal. It exits 0 at end of input.
func cmdShell(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("shell", flag.ContinueOnError)
	as := fs.String("as", "", "Slack user ID to act as (also :as U123 at the prompt)")
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	e, err := loadEnv(stderr, true)
	if err != nil {
		return err
	}
	e.quiet(stderr) // the terminal is the chat: only warnings and errors are logged beside it
	copies, err := shellRecordCopies(e, os.LookupEnv)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	svc, db, err := e.openService(ctx, nil)
	if err != nil {
		return err
	}
	defer e.shutdown(stop, svc, db)
	b := bot.New(svc, bot.Options{Lang: runbook.Lang(e.cfg.Lang), Channel: e.cfg.Channel, Log: e.log})
	user, name := *as, ""
	if user == "" {
		user, name = shellUser(e.rb)
	}
	sh := shell.New(b, stdout, user)
	outs, err := e.startWorkers(ctx, svc, db, sh.Deliver, nil, b)
	if err != nil {
		return err
	}
	shellGreeting(stdout, b, e, user, name, copies)
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

// shellGreeting says, in the bot's language, what the shell runs, who the user
// is and how to change it, and where the records go when they go to copies.
func shellGreeting(w io.Writer, b *bot.Bot, e *appEnv, user, name string, copies []recordCopy) {
	t := func(id string, kv ...string) string { return bot.CLIText(b.Lang(), id, kv...) }
	fmt.Fprintln(w, bot.CLITextN(b.Lang(), "cli.shell.start", len(e.rb.Jobs), "version", version, "file", e.cfg.File))
	if e.cfg.SlackBotToken == "" || e.cfg.SlackAppToken == "" {
		fmt.Fprintln(w, t("cli.shell.no_tokens"))
	}
	switch known := b.ContactName(user); {
	case name != "":
		fmt.Fprintln(w, t("cli.shell.as_contact", "name", name, "user", user, "other", otherUser(e.rb, user)))
	case known != "":
		fmt.Fprintln(w, t("cli.shell.as_named", "name", known, "user", user, "other", otherUser(e.rb, user)))
	default:
		fmt.Fprintln(w, t("cli.shell.as", "user", user, "other", otherUser(e.rb, user)))
	}
	if len(copies) == 0 {
		return
	}
	var where []string
	for _, c := range copies {
		where = append(where, t("cli.shell.copy."+c.what, "copy", c.to, "file", c.from))
	}
	fmt.Fprintln(w, t("cli.shell.copies", "file", e.cfg.File, "where", strings.Join(where, "; ")))
}
