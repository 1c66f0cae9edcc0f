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
	if r := e.rb.Revision; r != nil {
		fmt.Fprintf(stdout, "runbook %s in force from commit %s by %s (%s)\n\n", e.rb.File, r.Short(), r.Author, r.When.UTC().Format("2006-01-02 15:04 UTC"))
	}
	freezes, err := svc.Freezes(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "WINDOW (UTC)\tJOB\tSTATE\tAPPROVED BY\tRUN BY\tEXIT\tNOTES")
	for _, o := range os {
		n := notes(o)
		if f := runbook.FreezeAt(freezes, o.Window); f != nil {
			n = strings.TrimSpace(n + " frozen=" + strconv.Quote(f.Reason))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", o.Window.UTC().Format("Mon 2006-01-02 15:04"), o.Job, o.State,
			dash(o.ApprovedBy), dash(o.RunBy), exitText(o.ExitCode), n)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if lead != nil {
		fmt.Fprintf(stdout, "\nleader: %s (epoch %d, lease %.0f s left)\n", dash(lead.Replica), lead.Epoch, max(lead.ExpiresIn, 0))
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

func notes(o runbook.Occurrence) string {
	var n []string
	if o.Reason != "" {
		n = append(n, "reason="+o.Reason)
	}
	if o.LogError != "" {
		n = append(n, "log_incomplete")
	}
	if o.Delayed {
		n = append(n, "delayed")
	}
	if o.Justification != "" {
		n = append(n, "justified")
	}
	if o.IncidentRef != "" {
		n = append(n, "incident="+o.IncidentRef)
	}
	if o.Escalated {
		n = append(n, "escalated")
	}
	return strings.Join(n, " ")
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
		return usageError{"usage: evidence JOB [--window TIME] [--json | --log]"}
	}
	var at time.Time
	if *window != "" {
		t, err := parseWindow(*window)
		if err != nil {
			return usageError{err.Error()}
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
	o := ev.Occurrence
	approved, digest := "—", "—"
	if o.Approved != nil {
		approved, digest = "`"+o.Approved.Command()+"`", o.Approved.Digest
	}
	fmt.Fprintf(stdout, "# Evidence: %s, window %s\n\n", o.Job, o.Window.UTC().Format("2006-01-02 15:04 UTC"))
	fmt.Fprintf(stdout, "- state: %s\n- command: `%s`\n- approved by: %s\n- approved command: %s\n- approval digest: %s\n- run by: %s\n- attempts: %d\n- exit code: %s\n- log SHA-256: %s\n- incident: %s\n- escalated: %v\n- justification: %s\n- learnings: %s\n\n",
		o.State, strings.Join(ev.Job.Command, " "), dash(o.ApprovedBy), approved, digest, dash(o.RunBy), o.Attempts, exitText(o.ExitCode), dash(o.LogSHA256),
		dash(o.IncidentRef), o.Escalated, dash(o.Justification), dash(o.Learnings))
	if o.LogError != "" { // the log SHA-256 is of the part that reached the file
		fmt.Fprintf(stdout, "**log incomplete: %s**\n\n", o.LogError)
	}
	fmt.Fprintln(stdout, "## Audit log")
	fmt.Fprintln(stdout)
	fmt.Fprintln(stdout, "| at (UTC) | event | actor | details |")
	fmt.Fprintln(stdout, "| --- | --- | --- | --- |")
	for _, r := range ev.Records {
		var kv []string
		for k, v := range r.Fields {
			kv = append(kv, k+"="+v)
		}
		fmt.Fprintf(stdout, "| %s | %s | %s | %s |\n", r.At.UTC().Format("2006-01-02 15:04:05"), r.Kind, dash(r.Actor), mdCell(strings.Join(sorted(kv), ", ")))
	}
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
