// Command runbook-bot runs the platform runbook in Slack (serve) or in the
// terminal (shell), and answers operators' questions about it (validate,
// schedule, status, evidence).
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/runbook-bot/runbook-bot/bot"
	"github.com/runbook-bot/runbook-bot/runbook"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// usageError is a bad command line: exit code 2. Its message is the
// catalogue's id with its arguments, printed in the command line's language.
type usageError struct {
	id   string
	args []string // name, value pairs
}

// usageErr is the usage error id with its arguments as name, value pairs.
func usageErr(id string, kv ...string) usageError { return usageError{id: id, args: kv} }

// Error is the message in English.
func (e usageError) Error() string { return e.text(runbook.LangEN) }

func (e usageError) text(lang runbook.Lang) string { return bot.CLIText(lang, e.id, e.args...) }

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usageText(helpLang()))
		return exitUsage
	}
	if args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		if len(args) > 1 && commands()[args[1]] != nil { // help COMMAND: that command's help
			return run([]string{args[1], "--help"}, stdin, stdout, stderr)
		}
		fmt.Fprint(stdout, usageText(helpLang()))
		return exitOK
	}
	cmd, ok := commands()[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "runbook-bot: unknown command %q\n\n%s", args[0], usageText(helpLang()))
		return exitUsage
	}
	err := cmd(args[1:], stdin, stdout, stderr)
	if help := (helpRequested{}); errors.As(err, &help) {
		printHelp(stdout, args[0], help.fs)
		return exitOK
	}
	if use := (usageError{}); errors.As(err, &use) {
		lang := helpLang()
		fmt.Fprintf(stderr, "runbook-bot %s: %s\n%s\n", args[0], use.text(lang), bot.CLIText(lang, "cli.err.hint", "cmd", args[0]))
		return exitUsage
	}
	switch err {
	case nil:
		return exitOK
	default:
		if err != errReported {
			fmt.Fprintf(stderr, "runbook-bot %s: %v\n", args[0], err)
		}
		return exitFailure
	}
}

// commands are the subcommands by name.
func commands() map[string]func([]string, io.Reader, io.Writer, io.Writer) error {
	return map[string]func([]string, io.Reader, io.Writer, io.Writer) error{
		"serve": cmdServe, "shell": cmdShell, "validate": cmdValidate, "schedule": cmdSchedule,
		"status": cmdStatus, "evidence": cmdEvidence, "simulate": cmdSimulate, "migrate-db": cmdMigrateDB,
		"version": cmdVersion,
	}
}

// cmdVersion prints the version.
func cmdVersion(args []string, _ io.Reader, stdout, _ io.Writer) error {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	_, err := fmt.Fprintln(stdout, "runbook-bot", version)
	return err
}

// errReported is a failure whose message was already printed.
var errReported = fmt.Errorf("reported")
