package gitrepo

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// Follower puts the branch's new commits in force, each as a whole: the runbook
// of a commit is parsed from that commit, and only a clean one goes in force.
type Follower struct {
	repo  *Repo
	trees *Trees
	file  string
	parse func(file string, src []byte) (*runbook.Runbook, runbook.Problems)

	mu      sync.Mutex
	seen    string    // the last head handled (put in force or reported)
	failing time.Time // since when fetches fail; zero when the last one worked
}

// Follow returns a follower of rp's branch for the runbook at file (a path in
// the repository), parsed with parse.
func (rp *Repo) Follow(trees *Trees, file string, parse func(file string, src []byte) (*runbook.Runbook, runbook.Problems)) *Follower {
	return &Follower{repo: rp, trees: trees, file: cleanPath(file), parse: parse}
}

// Load reads and parses the runbook of commit, marked with the commit's revision.
func (f *Follower) Load(commit string) (*runbook.Runbook, runbook.Problems, error) {
	rev, err := f.repo.Revision(commit)
	if err != nil {
		return nil, nil, err
	}
	src, ok, err := f.repo.ReadFile(commit, f.file)
	if err != nil {
		return nil, nil, err
	}
	if !ok {
		rb := &runbook.Runbook{File: f.file}
		rb.SetRevision(rev)
		return rb, runbook.Problems{{File: f.file, Msg: runbook.M(runbook.ProbNotInCommit, "commit", rev.Short())}}, nil
	}
	rb, problems := f.parse(f.file, src)
	if rb == nil {
		rb = &runbook.Runbook{File: f.file}
	}
	rb.SetRevision(rev)
	return rb, problems, nil
}

// Start picks the runbook to start with: the commit in force before the restart
// when it is still good, else the branch's head (fetched). It puts that commit in
// force; an error lists the head's problems when there is no good commit at all.
func (f *Follower) Start(ctx context.Context) (*runbook.Runbook, error) {
	if c, ok := f.repo.InForce(); ok {
		if rb, problems, err := f.Load(c); err == nil && len(problems) == 0 {
			return rb, f.putInForce(c)
		}
	}
	head, err := f.repo.Fetch(ctx)
	if err != nil {
		return nil, err
	}
	rb, problems, err := f.Load(head)
	if err != nil {
		return nil, err
	}
	if len(problems) > 0 {
		return rb, &BrokenError{Revision: *rb.Revision, Problems: problems, Lang: rb.Lang}
	}
	f.mu.Lock()
	f.seen = head
	f.mu.Unlock()
	return rb, f.putInForce(head)
}

// BrokenError is a commit whose runbook has problems, when no good one is in force.
type BrokenError struct {
	Revision runbook.Revision
	Problems runbook.Problems
	Lang     runbook.Lang // the broken runbook's language, as far as it was understood
}

// Error names the commit and counts the problems.
func (e *BrokenError) Error() string {
	return fmt.Sprintf("commit %s by %s: %d problem(s) in the runbook; fix them and push again", e.Revision.Short(), e.Revision.Author, len(e.Problems))
}

// putInForce materialises commit and remembers it as the one in force.
func (f *Follower) putInForce(commit string) error {
	if err := f.trees.SetInForce(commit); err != nil {
		return err
	}
	return f.repo.SetInForce(commit)
}

// Poll fetches the branch and hands a new head to apply: a clean runbook after
// its commit was materialised and remembered as in force, or the problems of a
// broken one (the last good commit stays in force). A head is handled once.
func (f *Follower) Poll(ctx context.Context, apply func(context.Context, *runbook.Runbook, runbook.Problems)) error {
	head, err := f.repo.Fetch(ctx)
	f.mu.Lock()
	defer f.mu.Unlock()
	if err != nil {
		if f.failing.IsZero() {
			f.failing = time.Now()
			f.repo.log.Warn("git: fetching the runbook repository failed; the commit in force stays", "err", err)
		}
		return err
	}
	if !f.failing.IsZero() {
		f.repo.log.Info("git: fetching works again", "after", time.Since(f.failing).Round(time.Second))
		f.failing = time.Time{}
	}
	if head == f.seen {
		return nil
	}
	if c, ok := f.repo.InForce(); ok && c == head {
		f.seen = head
		return nil
	}
	rb, problems, err := f.Load(head)
	if err != nil {
		return err
	}
	f.seen = head
	if len(problems) > 0 {
		apply(ctx, rb, problems)
		return nil
	}
	if err := f.putInForce(head); err != nil {
		f.seen = ""
		return err
	}
	apply(ctx, rb, nil)
	return nil
}

// Current is the runbook of the commit in force, read without changing anything
// (for the commands that only look: status, schedule, evidence). Before any
// commit was ever put in force it is Start's.
func (f *Follower) Current(ctx context.Context) (*runbook.Runbook, error) {
	if c, ok := f.repo.InForce(); ok {
		rb, problems, err := f.Load(c)
		if err == nil && len(problems) == 0 {
			return rb, nil
		}
	}
	return f.Start(ctx)
}
