package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/runbook-bot/runbook-bot/bot"
	"github.com/runbook-bot/runbook-bot/runbook"
)

// occurrencesDoc is the JSON of GET /api/v1/occurrences and status --json.
type occurrencesDoc struct {
	Commit      string         `json:"commit,omitempty"` // the runbook's commit in force, when it comes from git
	Occurrences []runbook.View `json:"occurrences"`
	Leader      *leaderDoc     `json:"leader,omitempty"` // status --json on PostgreSQL: the replica that leads
}

func viewsOf(os []runbook.Occurrence) occurrencesDoc {
	doc := occurrencesDoc{Occurrences: make([]runbook.View, 0, len(os))}
	for _, o := range os {
		doc.Occurrences = append(doc.Occurrences, runbook.ViewOf(o))
	}
	return doc
}

// cmdStatus prints the current and next occurrence of every job (and recent ones) from the database.
func cmdStatus(args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("status", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	ctx := context.Background()
	e, svc, db, err := loadService(ctx, stderr)
	if err != nil {
		return err
	}
	defer db.Close()
	os, err := svc.Occurrences(ctx)
	if err != nil {
		return err
	}
	lead, err := leaderOf(ctx, db)
	if err != nil {
		return err
	}
	if *asJSON {
		doc := viewsOf(os)
		doc.Leader = lead
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		doc.Commit = e.rb.Commit()
		return enc.Encode(doc)
	}
	lang := cliLang(e.cfg, e.rb)
	t := func(id string, kv ...string) string { return bot.CLIText(lang, id, kv...) }
	if r := e.rb.Revision; r != nil {
		fmt.Fprintf(stdout, "%s\n\n", t("cli.status.commit", "file", e.rb.File, "commit", r.Short(), "author", r.Author, "when", r.When.UTC().Format("2006-01-02 15:04 UTC")))
	}
	freezes, err := svc.Freezes(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, t("cli.status.header"))
	for _, o := range os {
		n := notes(o, lang)
		if f := runbook.FreezeAt(freezes, o.Window); f != nil {
			n = append(n, t("cli.status.note.frozen", "reason", f.Reason))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", cliTime(lang, o.Window.UTC(), false), o.Job, bot.StateName(lang, o.State),
			dash(o.ApprovedBy), dash(o.RunBy), exitText(o.ExitCode), strings.Join(n, "; "))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if lead != nil {
		fmt.Fprintf(stdout, "\n%s\n", t("cli.status.leader", "replica", dash(lead.Replica), "epoch", strconv.FormatInt(lead.Epoch, 10),
			"left", fmt.Sprintf("%.0f", max(lead.ExpiresIn, 0))))
	}
	return nil
}

func dash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func exitText(c *int) string {
	if c == nil {
		return "—"
	}
	return fmt.Sprint(*c)
}

// notes are what status says of an occurrence besides its state, in lang.
func notes(o runbook.Occurrence, lang runbook.Lang) []string {
	t := func(id string, kv ...string) string { return bot.CLIText(lang, id, kv...) }
	var n []string
	if o.Reason != "" {
		reason := o.Reason
		if bot.HasText(lang, "reason."+o.Reason) {
			reason = t("reason." + o.Reason)
		}
		n = append(n, t("cli.status.note.reason", "reason", reason))
	}
	if o.LogError != "" {
		n = append(n, t("cli.status.note.log_incomplete"))
	}
	if o.Delayed {
		n = append(n, t("cli.status.note.delayed"))
	}
	if o.Justification != "" {
		n = append(n, t("cli.status.note.justified"))
	}
	if o.IncidentRef != "" {
		n = append(n, t("cli.status.note.incident", "ref", o.IncidentRef))
	}
	if o.Escalated {
		n = append(n, t("cli.status.note.escalated"))
	}
	return n
}

// cmdEvidence prints the evidence bundle of one occurrence as Markdown or JSON.
func cmdEvidence(args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("evidence", flag.ContinueOnError)
	window := fs.String("window", "", `occurrence window (RFC 3339 or "YYYY-MM-DD HH:MM" UTC)`)
	asJSON := fs.Bool("json", false, "print JSON")
	withLog := fs.Bool("log", false, "print the full log of the occurrence's latest run instead")
	// Accept flags after the job id too.
	var job string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		job, args = args[0], args[1:]
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if job == "" && fs.NArg() > 0 {
		job = fs.Arg(0)
	}
	if job == "" || fs.NArg() > 1 || (fs.NArg() == 1 && job != fs.Arg(0)) {
		return usageErr("cli.err.evidence_usage")
	}
	var at time.Time
	if *window != "" {
		t, err := parseWindow(*window)
		if err != nil {
			return usageErr("cli.err.window", "value", strconv.Quote(*window))
		}
		at = t
	}
	ctx := context.Background()
	e, svc, db, err := loadService(ctx, stderr)
	if err != nil {
		return err
	}
	defer db.Close()
	ev, err := svc.Evidence(ctx, job, at)
	if err != nil {
		return userError(err)
	}
	if *withLog {
		return writeRunLog(ctx, e.cfg, db, runIDOf(ev.Occurrence.RunHandle), stdout)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Occurrence runbook.View     `json:"occurrence"`
			Command    []string         `json:"command"`
			Approved   *runbook.Terms   `json:"approved"` // what the approval approved: command, owners, dependencies, digest
			Records    []runbook.Record `json:"records"`
		}{runbook.ViewOf(ev.Occurrence), ev.Job.Command, ev.Occurrence.Approved, ev.Records})
	}
	printEvidence(stdout, ev, cliLang(e.cfg, e.rb))
	return nil
}

func parseWindow(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.Parse("2006-01-02 15:04", s); err == nil {
		return t.UTC(), nil
	}
	return time.Time{}, fmt.Errorf("--window %q: use RFC 3339 (2026-12-04T22:00:00Z) or \"YYYY-MM-DD HH:MM\" (UTC)", s)
}

// userError turns a domain error into a message for the command line.
func userError(err error) error {
	var e *runbook.Error
	if de, ok := err.(*runbook.Error); ok {
		e = de
	}
	if e == nil || e.Kind == runbook.KindInternal {
		return err
	}
	switch e.Code {
	case "unknown_job":
		return fmt.Errorf("unknown job %v (jobs: %v)", e.Args["job"], e.Args["jobs"])
	case "no_evidence":
		return fmt.Errorf("no recorded occurrence of %v", e.Args["job"])
	}
	return err
}

func mdCell(s string) string { return strings.ReplaceAll(strings.ReplaceAll(s, "|", `\|`), "\n", " ") }

func sorted(s []string) []string {
	slices.Sort(s)
	return s
}
