package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/runbook-bot/runbook-bot/bot"
	"github.com/runbook-bot/runbook-bot/runbook"
	"github.com/runbook-bot/runbook-bot/runbook/gitrepo"
	"github.com/runbook-bot/runbook-bot/runbook/runner"
)

// cmdValidate checks the runbook and prints what it understood, or every problem as FILE:LINE: message.
func cmdValidate(args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("validate", flag.ContinueOnError)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 1 {
		return usageErr("cli.err.one_file")
	}
	if err := loadDotEnv(".env"); err != nil {
		return err
	}
	cfg, err := LoadConfig(os.LookupEnv)
	if err != nil {
		return err
	}
	file := cfg.File
	if fs.NArg() == 1 {
		file = fs.Arg(0)
	}
	var (
		rb       *runbook.Runbook
		problems runbook.Problems
		inForce  string
	)
	if cfg.Git.Enabled() && fs.NArg() == 0 {
		// The branch's head, read from the remote in memory: what the bot would put in force next.
		rb, problems, inForce, err = gitrepo.Peek(context.Background(), gitOptions(cfg, nil), cfg.File, func(file string, src []byte) (*runbook.Runbook, runbook.Problems) {
			return runbook.Parse(file, src, runbook.ParseOptions{DefaultZone: cfg.TZ})
		})
		if err != nil {
			return fmt.Errorf("%s: %w", envGitURL, err)
		}
		printCommit(stdout, cfg, rb.Revision, inForce, cliLang(cfg, rb))
	} else if rb, problems, err = readRunbook(file, cfg.TZ); err != nil {
		return err
	}
	if len(problems) > 0 {
		printProblems(stderr, cliLang(cfg, rb), problems)
		fmt.Fprintf(stderr, "%s: %d problem(s)\n", file, len(problems))
		if rb != nil && len(rb.Jobs) > 0 { // what was understood all the same, to help fix the rest
			printRunbook(stdout, rb, cfg, cliLang(cfg, rb), false)
		}
		return errReported
	}
	pol := runbook.EffectivePolicy(rb.Policy, settings(cfg))
	if _, err := ticketSource(cfg); err != nil {
		return err
	}
	lang := cliLang(cfg, rb)
	t := func(id string, kv ...string) string { return bot.CLIText(lang, id, kv...) }
	printRunbook(stdout, rb, cfg, lang, true)
	for _, r := range cfg.NeverSentReminders(pol.ConfirmLead) {
		fmt.Fprintln(stdout, t("cli.validate.warning", "text", t("cli.validate.reminder_never_sent",
			"var", envReminders, "reminder", formatDuration(r), "lead", formatDuration(pol.ConfirmLead))))
	}
	for _, w := range modeWarnings(rb, lang) {
		fmt.Fprintln(stdout, t("cli.validate.warning", "text", w))
	}
	tickets := ticketSourceText(cfg)
	if cfg.Tickets == "" {
		tickets = t("cli.validate.tickets_none")
	}
	fmt.Fprintf(stdout, "\n%s\n", t("cli.validate.tickets", "source", tickets))
	fmt.Fprintln(stdout, t("cli.validate.store", "store", storeText(cfg)))
	return nil
}

// printRunbook prints what was understood of rb in lang: each job with the
// variables its script may get (by name), then the whole effective policy
// under cfg and the change freezes. ok is false when rb had problems (then
// only its good rows are shown).
func printRunbook(w io.Writer, rb *runbook.Runbook, cfg Config, lang runbook.Lang, ok bool) {
	t := func(id string, kv ...string) string { return bot.CLIText(lang, id, kv...) }
	head := "cli.validate.ok"
	if !ok {
		head = "cli.validate.not_valid"
	}
	fmt.Fprintf(w, "%s\n\n", bot.CLITextN(lang, head, len(rb.Jobs), "file", rb.File, "lang", string(rb.Lang)))
	labels := map[string]string{}
	width := 11
	for _, k := range []string{"window", "command", "primary", "backup", "check", "env"} {
		labels[k] = t("cli.validate." + k)
		width = max(width, utf8.RuneCountInString(labels[k])+2)
	}
	line := func(k, v string) {
		fmt.Fprintf(w, "  %s%s%s\n", labels[k], strings.Repeat(" ", width-utf8.RuneCountInString(labels[k])), v)
	}
	kinds := map[runbook.CheckKind]string{}
	kindWidth := 0
	for _, k := range []runbook.CheckKind{runbook.CheckEnv, runbook.CheckTool, runbook.CheckPath, runbook.CheckManual} {
		kinds[k] = t("cli.validate.check." + string(k))
		kindWidth = max(kindWidth, utf8.RuneCountInString(kinds[k]))
	}
	for _, j := range rb.Jobs {
		fmt.Fprintln(w, t("cli.validate.job", "job", j.ID, "line", strconv.Itoa(j.Line)))
		line("window", bot.CLIWindow(lang, j.Window))
		line("command", strings.Join(j.Command, " "))
		line("primary", ownerText(rb, j.Primary))
		line("backup", ownerText(rb, j.Backup))
		for _, c := range j.Checks {
			k := kinds[c.Kind]
			line("check", k+strings.Repeat(" ", kindWidth-utf8.RuneCountInString(k)+1)+checkText(c, lang))
		}
		line("env", strings.Join(runner.AllowedNames(append(jobDependencyVars(j), cfg.ScriptEnv...)), ", "))
		fmt.Fprintln(w)
	}
	printPolicy(w, policyRows(rb, cfg, os.LookupEnv, lang), lang)
	for _, f := range rb.Freezes {
		fmt.Fprintln(w, t("cli.validate.freeze", "line", strconv.Itoa(f.Line), "from", f.Start.UTC().Format("2006-01-02 15:04"),
			"until", f.End.UTC().Format("2006-01-02 15:04"), "reason", f.Reason))
	}
}

// modeWarnings names each job whose command gives the script's mode more than
// once: which one counts is up to the script, so the runbook is ambiguous.
func modeWarnings(rb *runbook.Runbook, lang runbook.Lang) []string {
	var out []string
	for _, j := range rb.Jobs {
		if n := runbook.ModeFlags(j.Command); n > 1 {
			out = append(out, bot.CLIText(lang, "cli.validate.mode_repeated", "job", j.ID, "line", strconv.Itoa(j.Line), "n", strconv.Itoa(n),
				"command", strings.Join(j.Command, " "), "mode", runbook.DryRunMode))
		}
	}
	return out
}

func ownerText(rb *runbook.Runbook, o runbook.Owner) string {
	var parts []string
	for _, name := range []string{o.Team, o.Person} {
		if name == "" {
			continue
		}
		ref := "?"
		if c, ok := rb.Contact(name); ok {
			ref = c.Ref
		}
		parts = append(parts, fmt.Sprintf("%s <%s>", name, ref))
	}
	return strings.Join(parts, " / ")
}

func checkText(c runbook.Check, lang runbook.Lang) string {
	switch c.Kind {
	case runbook.CheckTool:
		return strings.Join(c.Names, bot.CLIText(lang, "cli.validate.or"))
	case runbook.CheckManual:
		return "☐ " + c.Text
	}
	return strings.Join(c.Names, ", ")
}

// printCommit says which commit of the branch was validated and which one the bot has in force.
func printCommit(w io.Writer, cfg Config, rev *runbook.Revision, inForce string, lang runbook.Lang) {
	t := func(id string, kv ...string) string { return bot.CLIText(lang, id, kv...) }
	fmt.Fprintln(w, t("cli.validate.commit", "branch", cfg.Git.Branch, "commit", rev.Short(), "author", rev.Author,
		"when", rev.When.UTC().Format("2006-01-02 15:04 UTC"), "subject", rev.Subject))
	switch {
	case inForce == "":
		fmt.Fprintln(w, t("cli.validate.in_force_none"))
	case inForce == rev.Commit:
		fmt.Fprintln(w, t("cli.validate.in_force_this", "commit", rev.Short()))
	default:
		fmt.Fprintln(w, t("cli.validate.in_force_other", "commit", inForce[:min(7, len(inForce))], "poll", formatDuration(cfg.Git.Poll)))
	}
	fmt.Fprintln(w)
}
