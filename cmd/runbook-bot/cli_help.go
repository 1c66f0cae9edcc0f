package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/runbook-bot/runbook-bot/bot"
	"github.com/runbook-bot/runbook-bot/runbook"
)

// helpRequested is -h or --help given to a subcommand: its help is printed, exit 0.
type helpRequested struct{ fs *flag.FlagSet }

func (h helpRequested) Error() string { return "help requested" }

// printHelp prints the usage, description and flags of the subcommand name,
// in the operator command line's language.
func printHelp(w io.Writer, name string, fs *flag.FlagSet) {
	lang := helpLang()
	t := func(id string, kv ...string) string { return bot.CLIText(lang, id, kv...) }
	fmt.Fprintln(w, t("cli.help.usage", "usage", t("cli.usage."+name)))
	fmt.Fprintln(w)
	fmt.Fprintln(w, t("cli.desc."+name))
	fmt.Fprintln(w)
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	if n == 0 {
		fmt.Fprintln(w, t("cli.help.no_flags"))
		return
	}
	fmt.Fprintln(w, t("cli.help.flags"))
	fs.VisitAll(func(f *flag.Flag) {
		arg, desc := flag.UnquoteUsage(&flag.Flag{Name: f.Name, Usage: t("cli.flag." + name + "." + f.Name), Value: f.Value, DefValue: f.DefValue})
		if isBoolFlag(f) {
			arg = ""
		}
		head := "  --" + f.Name
		if arg != "" {
			head += " " + arg
		}
		if d := f.DefValue; d != "" && d != "0" && d != "false" {
			desc += " " + t("cli.help.default", "value", d)
		}
		fmt.Fprintf(w, "%s\n        %s\n", head, desc)
	})
}

// isBoolFlag reports whether f takes no value (--json).
func isBoolFlag(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// helpLang is the command line's language as far as it can be told without
// failing: RUNBOOK_LANG (environment or .env), else the local runbook's
// language, else English.
func helpLang() runbook.Lang {
	_ = loadDotEnv(".env")
	cfg, err := LoadConfig(os.LookupEnv)
	if err != nil {
		return bot.CLILang(runbook.Lang(strings.TrimSpace(os.Getenv(envLang))), nil)
	}
	var rb *runbook.Runbook
	if cfg.Lang == "" && !cfg.Git.Enabled() {
		rb, _, _ = readRunbook(cfg.File, cfg.TZ)
	}
	return cliLang(cfg, rb)
}

// cliLang is the language of the command line's human output: RUNBOOK_LANG,
// else the runbook's, else English; --json output never changes with it.
func cliLang(cfg Config, rb *runbook.Runbook) runbook.Lang {
	return bot.CLILang(runbook.Lang(cfg.Lang), rb)
}

// cliTime is t as lang writes dates, as the chat does: "Mon 2025-01-13 09:00",
// "seg 13/01/2025 09:00", followed by its zone when zone is set.
func cliTime(lang runbook.Lang, t time.Time, zone bool) string {
	s := bot.Weekday(lang, t) + " " + bot.CLIDate(lang, t) + " " + t.Format("15:04")
	if zone {
		s += " " + runbook.ZoneLabel(t)
	}
	return s
}

// commandOrder is the order commands are listed in the usage.
var commandOrder = []string{"serve", "shell", "validate", "schedule", "status", "evidence", "migrate-db", "simulate", "version"}

// usageText is the command line's usage in lang: every command with what it does.
func usageText(lang runbook.Lang) string {
	var b strings.Builder
	b.WriteString(bot.CLIText(lang, "cli.help.main") + "\n")
	for _, name := range commandOrder {
		fmt.Fprintf(&b, "  %s\n      %s\n", bot.CLIText(lang, "cli.usage."+name), bot.CLIText(lang, "cli.short."+name))
	}
	b.WriteString("\n" + bot.CLIText(lang, "cli.help.more") + "\n")
	return b.String()
}

// flagError is the flag package's complaint as a usage error the catalogue words.
func flagError(err error) usageError {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
		return usageErr("cli.err.unknown_flag", "flag", strings.TrimLeft(name, "-"))
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: "); ok {
		return usageErr("cli.err.flag_argument", "flag", strings.TrimLeft(name, "-"))
	}
	return usageErr("cli.err.flag", "error", msg)
}
