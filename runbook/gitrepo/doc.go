// Package gitrepo follows the git repository the runbook lives in and commits the
// runbook's records back to it, with go-git (pure Go: no git binary, and no
// credentials in any command line, environment, URL on disk or git config).
//
// The bot keeps its own bare clone under its data directory. A commit is put in
// force as a whole: its runbook is parsed from the commit, and its tree is
// materialised read-only in a directory of its own (trees/<sha>), where the
// scripts of the runs started under that runbook run; a directory stays while
// a run uses it. Records (check-in entries, delay-log lines) become one commit
// each on top of the branch's head, pushed without force; a push that loses a
// race is applied again on the new head.
package gitrepo
