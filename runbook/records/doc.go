// Package records writes runbook-bot's human-readable evidence into Markdown
// files: the observability check-ins file (one entry per execution) and the
// delay log section of the runbook itself.
//
// Every write is atomic (temporary file in the same directory, fsync, rename,
// same file mode), leaves the rest of the file byte-for-byte as it was, and is
// serialised by a process-wide mutex. Text from users is reduced to one line and
// neutralised so it can neither forge an entry nor change how the document parses.
package records
