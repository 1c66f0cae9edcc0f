package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/runbook-bot/runbook-bot/bot"
	"github.com/runbook-bot/runbook-bot/runbook"
)

// policyRow is one line of the effective policy validate prints.
type policyRow struct {
	covers []string // the runbook.Policy and runbook.Settings fields it shows
	label  string   // catalogue id of its name
	value  string
	from   string // "runbook", the variable that set it, or the catalogue's "default"
}

// policyRows is the whole effective policy of rb under cfg: the runbook's
// escalation section and confirmation lead, overridden or not by the
// environment, and every setting of the service the environment gives (the
// runbook channel, reminders, autorun, who may do what, the ITSM webhook, the
// run timeout, the retention). lookup tells which variables are set.
func policyRows(rb *runbook.Runbook, cfg Config, lookup func(string) (string, bool), lang runbook.Lang) []policyRow {
	t := func(id string, kv ...string) string { return bot.CLIText(lang, id, kv...) }
	pol := runbook.EffectivePolicy(rb.Policy, settings(cfg))
	src := func(s runbook.Source, env string) string {
		switch s {
		case runbook.FromRunbook:
			return t("cli.policy.from_runbook")
		case runbook.FromEnv:
			return env
		}
		return t("cli.policy.from_default")
	}
	byEnv := func(env string) string {
		if v, ok := lookup(env); ok && strings.TrimSpace(v) != "" {
			return env
		}
		return t("cli.policy.from_default")
	}
	list := func(ids []string, none string) string {
		if len(ids) == 0 {
			return t(none)
		}
		return strings.Join(ids, ", ")
	}
	yesNo := func(b bool, yes, no string) string {
		if b {
			return t(yes)
		}
		return t(no)
	}
	return []policyRow{
		{nil, "cli.policy.channel", cfg.Channel, byEnv(envChannel)},
		{[]string{"IncidentChannel"}, "cli.policy.incident_channel", pol.IncidentChannel, src(pol.IncidentChannelSource, envIncidentChannel)},
		{[]string{"IncidentDeadline"}, "cli.policy.incident_deadline", formatDuration(pol.IncidentDeadline), src(pol.IncidentDeadlineSrc, envIncidentDeadline)},
		{[]string{"DelayThreshold"}, "cli.policy.delay_threshold", formatDuration(pol.DelayThreshold), src(pol.DelayThresholdSrc, envDelayThreshold)},
		{[]string{"ConfirmLead"}, "cli.policy.confirm_lead", formatDuration(pol.ConfirmLead), src(pol.ConfirmLeadSrc, envConfirmLead)},
		{[]string{"Reminders"}, "cli.policy.reminders", remindersText(cfg.Reminders, t("cli.policy.none")), byEnv(envReminders)},
		{[]string{"Autorun"}, "cli.policy.autorun", yesNo(cfg.Autorun, "cli.policy.autorun_on", "cli.policy.autorun_off"), byEnv(envAutorun)},
		{[]string{"Operators"}, "cli.policy.operators", list(cfg.Operators, "cli.policy.none"), byEnv(envOperators)},
		{[]string{"Responders"}, "cli.policy.responders", list(cfg.Responders, "cli.policy.responders_channel"), byEnv(envResponders)},
		{[]string{"ITSM"}, "cli.policy.itsm", yesNo(cfg.ITSMWebhookURL != "", "cli.policy.set", "cli.policy.unset"), byEnv(envITSMWebhookURL)},
		{nil, "cli.policy.run_timeout", formatDuration(cfg.RunTimeout), byEnv(envRunTimeout)},
		{[]string{"Retention"}, "cli.policy.retention", formatDuration(cfg.Retention), byEnv(envRetention)},
	}
}

// remindersText is "4h, 1h", or none when there are no reminders.
func remindersText(rs []time.Duration, none string) string {
	if len(rs) == 0 {
		return none
	}
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = formatDuration(r)
	}
	return strings.Join(parts, ", ")
}

// printPolicy prints the policy rows as a table with a heading.
func printPolicy(w io.Writer, rows []policyRow, lang runbook.Lang) {
	t := func(id string) string { return bot.CLIText(lang, id) }
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "%s\t%s\t%s\n", t("cli.policy.heading"), t("cli.policy.value"), t("cli.policy.from"))
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", t(r.label), r.value, r.from)
	}
	_ = tw.Flush()
}
