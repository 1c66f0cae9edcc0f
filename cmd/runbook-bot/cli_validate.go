package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

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
		return usageError{"at most one FILE"}
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
		printCommit(stdout, cfg, rb.Revision, inForce)
	} else if rb, problems, err = readRunbook(file, cfg.TZ); err != nil {
		return err
	}
	if len(problems) > 0 {
		printProblems(stderr, messageLang(cfg, rb), problems)
		fmt.Fprintf(stderr, "%s: %d problem(s)\n", file, len(problems))
		if rb != nil && len(rb.Jobs) > 0 { // what was understood all the same, to help fix the rest
			printRunbook(stdout, rb, runbook.EffectivePolicy(rb.Policy, settings(cfg)), cfg.ScriptEnv, false)
		}
		return errReported
	}
	pol := runbook.EffectivePolicy(rb.Policy, settings(cfg))
	if _, err := ticketSource(cfg); err != nil {
		return err
	}
	printRunbook(stdout, rb, pol, cfg.ScriptEnv, true)
	for _, w := range cfg.ReminderWarnings(pol.ConfirmLead) {
		fmt.Fprintln(stdout, "warning:", w)
	}
	for _, w := range modeWarnings(rb) {
		fmt.Fprintln(stdout, "warning:", w)
	}
	fmt.Fprintf(stdout, "\nticket source: %s\n", ticketSourceText(cfg))
	fmt.Fprintf(stdout, "state store: %s\n", storeText(cfg))
	return nil
}

// printRunbook prints what was understood of rb: each job with the variables
// its script may get (by name), then the effective policy. scriptEnv is
// RUNBOOK_SCRIPT_ENV; ok is false when rb had problems (then only its good rows are shown).
func printRunbook(w io.Writer, rb *runbook.Runbook, pol runbook.Policy, scriptEnv []string, ok bool) {
	if ok {
		fmt.Fprintf(w, "%s: OK — %d job(s), language %s\n\n", rb.File, len(rb.Jobs), rb.Lang)
	} else {
		fmt.Fprintf(w, "%s: NOT VALID — understood all the same: %d job(s), language %s\n\n", rb.File, len(rb.Jobs), rb.Lang)
	}
	for _, j := range rb.Jobs {
		fmt.Fprintf(w, "%s  (line %d)\n", j.ID, j.Line)
		fmt.Fprintf(w, "  window:    %s (%s)\n", j.Window, j.Frequency)
		fmt.Fprintf(w, "  command:   %s\n", strings.Join(j.Command, " "))
		fmt.Fprintf(w, "  primary:   %s\n", ownerText(rb, j.Primary))
		fmt.Fprintf(w, "  backup:    %s\n", ownerText(rb, j.Backup))
		for _, c := range j.Checks {
			fmt.Fprintf(w, "  check:     %-6s %s\n", c.Kind, checkText(c))
		}
		fmt.Fprintf(w, "  env:       %s\n", strings.Join(runner.AllowedNames(append(jobDependencyVars(j), scriptEnv...)), ", "))
		fmt.Fprintln(w)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "policy\tvalue\tfrom")
	fmt.Fprintf(tw, "incident channel\t%s\t%s\n", pol.IncidentChannel, pol.IncidentChannelSource)
	fmt.Fprintf(tw, "incident deadline\t%s\t%s\n", pol.IncidentDeadline, pol.IncidentDeadlineSrc)
	fmt.Fprintf(tw, "delay threshold\t%s\t%s\n", pol.DelayThreshold, pol.DelayThresholdSrc)
	fmt.Fprintf(tw, "confirmation lead\t%s\t%s\n", pol.ConfirmLead, pol.ConfirmLeadSrc)
	_ = tw.Flush()
	for _, f := range rb.Freezes {
		fmt.Fprintf(w, "change freeze (line %d): %s until %s UTC — %s\n", f.Line, f.Start.UTC().Format("2006-01-02 15:04"), f.End.UTC().Format("2006-01-02 15:04"), f.Reason)
	}
}

// modeWarnings names each job whose command gives the script's mode more than
// once: which one counts is up to the script, so the runbook is ambiguous.
func modeWarnings(rb *runbook.Runbook) []string {
	var out []string
	for _, j := range rb.Jobs {
		if n := runbook.ModeFlags(j.Command); n > 1 {
			out = append(out, fmt.Sprintf("%s (line %d): its command gives --mode %d times (%s); give it once: which one counts is up to the script (a dry run replaces them all with one --mode %s)",
				j.ID, j.Line, n, strings.Join(j.Command, " "), runbook.DryRunMode))
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

func checkText(c runbook.Check) string {
	switch c.Kind {
	case runbook.CheckTool:
		return strings.Join(c.Names, " or ")
	case runbook.CheckManual:
		return "☐ " + c.Text
	}
	return strings.Join(c.Names, ", ")
}

// printCommit says which commit of the branch was validated and which one the bot has in force.
func printCommit(w io.Writer, cfg Config, rev *runbook.Revision, inForce string) {
	fmt.Fprintf(w, "branch %s at commit %s by %s (%s): %s\n", cfg.Git.Branch, rev.Short(), rev.Author, rev.When.UTC().Format("2006-01-02 15:04 UTC"), rev.Subject)
	switch {
	case inForce == "":
		fmt.Fprintln(w, "in force: no commit yet (the bot has not started on this data directory)")
	case inForce == rev.Commit:
		fmt.Fprintf(w, "in force: %s (this commit)\n", rev.Short())
	default:
		fmt.Fprintf(w, "in force: %s (the bot puts a newer good commit in force within %s)\n", inForce[:min(7, len(inForce))], formatDuration(cfg.Git.Poll))
	}
	fmt.Fprintln(w)
}
