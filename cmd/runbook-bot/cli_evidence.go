package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/runbook-bot/runbook-bot/bot"
	"github.com/runbook-bot/runbook-bot/runbook"
)

// printEvidence prints the evidence bundle of one occurrence as Markdown, in
// lang; the audit log's events and fields keep their stable names.
func printEvidence(w io.Writer, ev runbook.Evidence, lang runbook.Lang) {
	t := func(id string, kv ...string) string { return bot.CLIText(lang, id, kv...) }
	o := ev.Occurrence
	approved, digest := "—", "—"
	if o.Approved != nil {
		approved, digest = "`"+o.Approved.Command()+"`", o.Approved.Digest
	}
	escalated := t("cli.evidence.no")
	if o.Escalated {
		escalated = t("cli.evidence.yes")
	}
	fmt.Fprintf(w, "# %s\n\n", t("cli.evidence.title", "job", o.Job, "window", o.Window.UTC().Format("2006-01-02 15:04 UTC")))
	for _, f := range []struct{ label, value string }{
		{"state", bot.StateName(lang, o.State)},
		{"command", "`" + strings.Join(ev.Job.Command, " ") + "`"},
		{"approved_by", dash(o.ApprovedBy)},
		{"approved_command", approved},
		{"digest", digest},
		{"run_by", dash(o.RunBy)},
		{"attempts", strconv.Itoa(o.Attempts)},
		{"exit_code", exitText(o.ExitCode)},
		{"log_sha", dash(o.LogSHA256)},
		{"incident", dash(o.IncidentRef)},
		{"escalated", escalated},
		{"justification", dash(o.Justification)},
		{"learnings", dash(o.Learnings)},
	} {
		fmt.Fprintf(w, "- %s: %s\n", t("cli.evidence."+f.label), f.value)
	}
	fmt.Fprintln(w)
	if o.LogError != "" { // the log SHA-256 is of the part that reached the file
		fmt.Fprintf(w, "**%s**\n\n", t("cli.evidence.log_incomplete", "error", o.LogError))
	}
	fmt.Fprintf(w, "## %s\n\n", t("cli.evidence.audit"))
	fmt.Fprintf(w, "| %s |\n", t("cli.evidence.audit_header"))
	fmt.Fprintln(w, "| --- | --- | --- | --- |")
	for _, r := range ev.Records {
		var kv []string
		for k, v := range r.Fields {
			kv = append(kv, k+"="+v)
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s |\n", r.At.UTC().Format("2006-01-02 15:04:05"), r.Kind, dash(r.Actor), mdCell(strings.Join(sorted(kv), ", ")))
	}
}
