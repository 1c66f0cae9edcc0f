package main

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// recordCopy is a record file the terminal shell writes instead of a tracked one.
type recordCopy struct {
	what string // "delay_log" or "checkins": the catalogue's name of what goes there
	from string // the file left as it is
	to   string // its copy under the data directory
}

// shellRecordCopies keeps the terminal shell from editing the repository's own
// files: on the shipped runbook (RUNBOOK_FILE unset, no git), the delay log is
// written to a copy of the runbook under the data directory, and the check-ins
// to a copy of theirs when RUNBOOK_CHECKINS_FILE is unset too. The runbook is
// still read (and its edits followed) from RUNBOOK_FILE. A copy made by an
// earlier session is kept: it holds that session's records, as the database
// holds its state. lookup is os.LookupEnv, after .env.
func shellRecordCopies(e *appEnv, lookup func(string) (string, bool)) ([]recordCopy, error) {
	unset := func(name string) bool {
		v, ok := lookup(name)
		return !ok || strings.TrimSpace(v) == ""
	}
	if e.git != nil || !unset(envFile) {
		return nil, nil
	}
	copies := []recordCopy{{what: "delay_log", from: e.cfg.File, to: filepath.Join(e.cfg.DataDir, "runbook.md")}}
	if unset(envCheckinsFile) {
		copies = append(copies, recordCopy{what: "checkins", from: e.cfg.CheckinsFile, to: filepath.Join(e.cfg.DataDir, "check-ins.md")})
	}
	for _, c := range copies {
		if err := copyOnce(c.from, c.to); err != nil {
			return nil, err
		}
	}
	e.delayLog = copies[0].to
	if len(copies) > 1 {
		e.cfg.CheckinsFile = copies[1].to
	}
	return copies, nil
}

// copyOnce copies from to to unless to exists; a missing from leaves to missing
// too (the check-ins file is created at the first check-in).
func copyOnce(from, to string) error {
	if _, err := os.Stat(to); err == nil {
		return nil
	}
	data, err := os.ReadFile(from)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		return err
	}
	return os.WriteFile(to, data, 0o644)
}

// shellUser is who the terminal shell acts as when --as is not given: the
// runbook's first contact that is a Slack user (so a first confirm is not
// refused), with their name; else a user nobody knows.
func shellUser(rb *runbook.Runbook) (id, name string) {
	for _, c := range rb.Contacts {
		if c.Kind == runbook.ContactUser {
			return c.Ref, c.Name
		}
	}
	return "U0SHELLUSER", ""
}

// otherUser is a user to show in ":as" advice: the next user contact after id, else U123.
func otherUser(rb *runbook.Runbook, id string) string {
	for _, c := range rb.Contacts {
		if c.Kind == runbook.ContactUser && c.Ref != id {
			return c.Ref
		}
	}
	return "U123"
}
