package main

import (
	"flag"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/runbook-bot/runbook-bot/bot"
	"github.com/runbook-bot/runbook-bot/runbook"
)

// cmdSchedule prints the upcoming windows with their local and UTC times, confirmation times and owners.
func cmdSchedule(args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("schedule", flag.ContinueOnError)
	from := fs.String("from", "", "start instant (RFC 3339); default now")
	count := fs.Int("count", 10, "how many windows")
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	start := time.Now()
	if *from != "" {
		t, err := time.Parse(time.RFC3339, *from)
		if err != nil {
			return usageErr("cli.err.from", "value", strconv.Quote(*from))
		}
		start = t
	}
	if *count < 1 || *count > 10000 {
		return usageErr("cli.err.count")
	}
	e, err := loadEnv(stderr)
	if err != nil {
		return err
	}
	pol := runbook.EffectivePolicy(e.rb.Policy, settings(e.cfg))
	lang := cliLang(e.cfg, e.rb)
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	header := bot.CLIText(lang, "cli.schedule.header")
	if len(e.rb.Freezes) > 0 { // the runbook's own freezes (those set from chat: status, /runbook schedule)
		header += "\t" + bot.CLIText(lang, "cli.schedule.freeze")
	}
	fmt.Fprintln(tw, header)
	for _, s := range e.rb.Upcoming(start, *count, pol.ConfirmLead, e.cfg.Reminders) {
		j, _ := e.rb.Job(s.Job)
		local := s.Window.In(j.Window.Location)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s", cliTime(lang, local, true), cliTime(lang, s.Window.UTC(), false),
			s.Job, cliTime(lang, s.ConfirmAt.UTC(), false), j.Primary.Name(), j.Backup.Name())
		if f := runbook.FreezeAt(e.rb.Freezes, s.Window); f != nil {
			fmt.Fprintf(tw, "\t%s", bot.CLIText(lang, "cli.schedule.frozen", "reason", f.Reason))
		}
		fmt.Fprintln(tw)
	}
	return tw.Flush()
}
