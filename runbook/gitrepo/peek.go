package gitrepo

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/storage/memory"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// Peek reads the runbook at file of the branch's head straight from the remote,
// in memory: nothing is written, so it may run beside a bot using the same
// directory. It also returns the commit the bot has in force ("" when none).
func Peek(ctx context.Context, opts Options, file string, parse func(string, []byte) (*runbook.Runbook, runbook.Problems)) (rb *runbook.Runbook, problems runbook.Problems, inForce string, err error) {
	if err := CheckURL(opts.URL); err != nil {
		return nil, nil, "", fmt.Errorf("git URL %s", err)
	}
	if opts.Branch == "" {
		opts.Branch = DefaultBranch
	}
	auth, err := authFor(opts.URL, opts.Credentials)
	if err != nil {
		return nil, nil, "", err
	}
	if r, err := git.PlainOpen(filepath.Join(opts.Dir, "repo.git")); err == nil {
		if ref, err := r.Reference(inForceRef, true); err == nil {
			inForce = ref.Hash().String()
		}
	}
	ctx, cancel := context.WithTimeout(ctx, fetchTimeout)
	defer cancel()
	r, err := git.CloneContext(ctx, memory.NewStorage(), nil, &git.CloneOptions{URL: opts.URL, Auth: auth,
		ReferenceName: plumbing.NewBranchReferenceName(opts.Branch), SingleBranch: true, Depth: 1, Tags: git.NoTags})
	if err != nil {
		if errors.Is(err, plumbing.ErrReferenceNotFound) || isMissingRef(err) {
			return nil, nil, inForce, fmt.Errorf("%w: %s", ErrNoBranch, opts.Branch)
		}
		return nil, nil, inForce, fmt.Errorf("git clone: %w", err)
	}
	head, err := r.Head()
	if err != nil {
		return nil, nil, inForce, fmt.Errorf("git: %w", err)
	}
	c, err := r.CommitObject(head.Hash())
	if err != nil {
		return nil, nil, inForce, fmt.Errorf("git: %w", err)
	}
	f := &Follower{file: cleanPath(file), parse: parse}
	src, ok, err := readFile(c, f.file)
	if err != nil {
		return nil, nil, inForce, err
	}
	rev := revisionOf(c)
	if !ok {
		rb = &runbook.Runbook{File: f.file}
		rb.SetRevision(rev)
		return rb, runbook.Problems{{File: f.file, Msg: runbook.M(runbook.ProbNotInCommit, "commit", rev.Short())}}, inForce, nil
	}
	rb, problems = parse(f.file, src)
	if rb == nil {
		rb = &runbook.Runbook{File: f.file}
	}
	rb.SetRevision(rev)
	return rb, problems, inForce, nil
}
