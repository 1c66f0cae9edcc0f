package main

import (
	"context"
	"flag"
	"io"
	"strconv"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// parseNoArgs parses the flags of a subcommand that takes no positional argument.
func parseNoArgs(fs *flag.FlagSet, args []string) error {
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErr("cli.err.unexpected_argument", "arg", strconv.Quote(fs.Arg(0)))
	}
	return nil
}

// loadService loads the environment (.env, configuration, runbook) and opens
// the service on its database, for a subcommand that reads the state and
// exits (status, evidence); the caller closes the database.
func loadService(ctx context.Context, stderr io.Writer) (*appEnv, *runbook.Service, stateStore, error) {
	e, err := loadEnv(stderr)
	if err != nil {
		return nil, nil, nil, err
	}
	svc, db, err := e.openService(ctx, nil)
	if err != nil {
		return nil, nil, nil, err
	}
	return e, svc, db, nil
}
