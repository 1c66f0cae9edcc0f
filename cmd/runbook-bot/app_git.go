package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/runbook-bot/runbook-bot/runbook"
	"github.com/runbook-bot/runbook-bot/runbook/gitrepo"
	"github.com/runbook-bot/runbook-bot/runbook/records"
)

// gitEnv follows the repository the runbook lives in (RUNBOOK_GIT_URL).
type gitEnv struct {
	repo     *gitrepo.Repo
	trees    *gitrepo.Trees
	follower *gitrepo.Follower
	workdir  string       // RUNBOOK_WORKDIR: a directory inside the repository
	lang     runbook.Lang // of the records, set before the first is written
}

// gitOptions are the repository settings of cfg; the clone lives in DATA_DIR/git.
func gitOptions(cfg Config, log *slog.Logger) gitrepo.Options {
	g := cfg.Git
	return gitrepo.Options{URL: g.URL, Branch: g.Branch, Dir: filepath.Join(cfg.DataDir, "git"),
		Credentials: gitrepo.Credentials{Token: g.Token, SSHKeyFile: g.SSHKeyFile, KnownHostsFile: g.KnownHosts},
		Author:      g.Author, Log: log}
}

// openGit opens the bot's clone and reads the runbook to start with. run is set
// for the commands that run the bot (serve, shell): they put a commit in force
// (fetching the branch when none was); the others only read the commit in force.
// A broken head with no good commit to fall back on prints its problems to stderr.
func openGit(ctx context.Context, cfg Config, log *slog.Logger, stderr io.Writer, run bool) (*gitEnv, *runbook.Runbook, error) {
	g := &gitEnv{workdir: cfg.Workdir}
	opts := gitOptions(cfg, log)
	// Records not merged yet move onto a newer head by their own rules (pull-request mode).
	opts.Carry = map[string]gitrepo.Carry{
		cfg.CheckinsFile: func(base, ours, theirs []byte) ([]byte, error) { return records.CarryCheckins(base, ours, theirs), nil },
		cfg.File: func(base, ours, theirs []byte) ([]byte, error) {
			return records.CarryDelays(base, ours, theirs, g.lang)
		},
	}
	repo, err := gitrepo.Open(opts)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", envGitURL, err)
	}
	if cfg.Git.Records == GitRecordsPullRequest {
		repo.UsePullRequests()
	}
	parse := func(file string, src []byte) (*runbook.Runbook, runbook.Problems) {
		return runbook.Parse(file, src, runbook.ParseOptions{DefaultZone: cfg.TZ})
	}
	g.repo, g.trees = repo, repo.Trees()
	g.follower = repo.Follow(g.trees, cfg.File, parse)
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	var rb *runbook.Runbook
	if run {
		rb, err = g.follower.Start(ctx)
	} else {
		rb, err = g.follower.Current(ctx)
	}
	var broken *gitrepo.BrokenError
	if errors.As(err, &broken) {
		printProblems(stderr, cliLang(cfg, &runbook.Runbook{Lang: broken.Lang}), broken.Problems)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("runbook from %s (branch %s): %w", envGitURL, cfg.Git.Branch, err)
	}
	return g, rb, nil
}

// dir is the working directory of a script of commit (the one in force when
// commit is ""), kept until release is called.
func (g *gitEnv) dir(commit string) (dir string, release func(), err error) {
	if commit == "" {
		c, ok := g.repo.InForce()
		if !ok {
			return "", nil, errors.New("no commit in force")
		}
		commit = c
	}
	root, release, err := g.trees.Acquire(commit)
	if err != nil {
		return "", nil, err
	}
	return filepath.Join(root, filepath.FromSlash(g.workdir)), release, nil
}

// follow fetches the branch every poll until ctx ends, putting each good new
// commit in force and reporting broken ones (the last good commit stays).
func (g *gitEnv) follow(ctx context.Context, poll time.Duration, svc *runbook.Service, onGood func(*runbook.Runbook)) {
	apply := func(ctx context.Context, rb *runbook.Runbook, problems runbook.Problems) {
		if len(problems) == 0 && onGood != nil {
			onGood(rb)
		}
		svc.Reload(ctx, rb, problems)
	}
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		_ = g.follower.Poll(ctx, apply) // a failing fetch is logged once, then again when it works
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
