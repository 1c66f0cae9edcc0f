package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/runbook-bot/runbook-bot/runbook/postgres"
	"github.com/runbook-bot/runbook-bot/runbook/sqlite"
)

// cmdMigrateDB copies an installation's state from its SQLite file into an
// empty PostgreSQL database: every table, ids kept, in one transaction; and,
// with --logs, first the run log files, so that any replica can read them
// (copying a log again changes nothing, so a failed copy can be run again).
func cmdMigrateDB(args []string, _ io.Reader, stdout, _ io.Writer) error {
	fs := flag.NewFlagSet("migrate-db", flag.ContinueOnError)
	from := fs.String("from", "", "the SQLite database file (e.g. data/runbook.db)")
	to := fs.String("to", "", "the PostgreSQL database URL (postgres://…); it must be empty")
	logs := fs.String("logs", "", "optional: the directory of the run log files (RUNBOOK_DATA_DIR/logs) to copy too")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 || *from == "" || *to == "" {
		return usageErr("cli.err.migrate_usage")
	}
	if !postgres.IsURL(*to) {
		return usageErr("cli.err.migrate_to", "url", postgres.Redact(*to))
	}
	if st, err := os.Stat(*from); err != nil || st.IsDir() {
		return fmt.Errorf("--from %s: no SQLite database there", *from)
	}
	ctx := context.Background()
	src, err := sqlite.Open(ctx, *from)
	if err != nil {
		return err
	}
	defer src.Close()
	tables, err := src.Export(ctx)
	if err != nil {
		return err
	}
	dst, err := postgres.Open(ctx, *to)
	if err != nil {
		return err
	}
	defer dst.Close()
	notEmpty := func(err error) error {
		if errors.Is(err, postgres.ErrNotEmpty) {
			return fmt.Errorf("%s: %w: migrate-db copies into an empty database only; nothing was written", dst.Name(), err)
		}
		return err
	}
	if err := dst.CheckEmpty(ctx); err != nil {
		return notEmpty(err)
	}
	if *logs != "" {
		n, err := copyRunLogs(ctx, dst, *logs)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "copied %d run log(s) from %s\n", n, *logs)
	}
	in := make([]postgres.Table, len(tables))
	for i, t := range tables {
		in[i] = postgres.Table(t)
	}
	if err := dst.Import(ctx, in); err != nil {
		return notEmpty(err)
	}
	var counts []string
	for _, t := range tables {
		counts = append(counts, fmt.Sprintf("%s %d", t.Name, len(t.Rows)))
	}
	fmt.Fprintf(stdout, "copied %s into %s: %s\n", *from, dst.Name(), strings.Join(counts, ", "))
	return nil
}

// copyRunLogs stores every *.log file of dir as the log of the run it names.
func copyRunLogs(ctx context.Context, dst runLogStore, dir string) (int, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.log"))
	if err != nil {
		return 0, err
	}
	if len(files) == 0 {
		if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
			return 0, fmt.Errorf("--logs %s: no such directory", dir)
		}
	}
	sort.Strings(files)
	for _, f := range files {
		l := &logShipper{store: dst, run: strings.TrimSuffix(filepath.Base(f), ".log"), path: f}
		if err := l.ship(ctx); err != nil {
			return 0, fmt.Errorf("%s: %w", f, err)
		}
	}
	return len(files), nil
}
