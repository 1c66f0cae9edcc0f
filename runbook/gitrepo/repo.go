package gitrepo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/transport"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// DefaultBranch is the branch followed when none is configured.
const DefaultBranch = "main"

// remoteName is the only remote of the bot's clone.
const remoteName = "origin"

// inForceRef remembers the commit in force across restarts.
const inForceRef = plumbing.ReferenceName("refs/runbook-bot/in-force")

// fetchTimeout bounds one fetch or push.
const fetchTimeout = 2 * time.Minute

// Options configure a Repo.
type Options struct {
	URL         string           // the remote: https://, ssh://, user@host:path or file://
	Branch      string           // followed and committed to; DefaultBranch when empty
	Dir         string           // the bot's own directory for the clone and the checkouts (e.g. data/git)
	Credentials Credentials      // how to authenticate; never written anywhere
	Author      Signature        // who the record commits are by
	Carry       map[string]Carry // by record file: how its records not merged yet move onto a newer head (pull-request mode)
	Log         *slog.Logger
}

// Signature is a commit author.
type Signature struct {
	Name  string
	Email string
}

// ParseSignature reads "Name <email>".
func ParseSignature(s string) (Signature, error) {
	s = strings.TrimSpace(s)
	i, j := strings.LastIndex(s, "<"), strings.LastIndex(s, ">")
	if i <= 0 || j != len(s)-1 || j < i+2 {
		return Signature{}, errors.New(`is not "Name <email>"`)
	}
	sig := Signature{Name: strings.TrimSpace(s[:i]), Email: strings.TrimSpace(s[i+1 : j])}
	if sig.Name == "" || !strings.Contains(sig.Email, "@") || strings.ContainsAny(sig.Email+sig.Name, "<>\n\r") {
		return Signature{}, errors.New(`is not "Name <email>"`)
	}
	return sig, nil
}

// String renders the signature as "Name <email>".
func (s Signature) String() string { return s.Name + " <" + s.Email + ">" }

// Repo is the bot's clone of the runbook repository. It is safe for concurrent use.
type Repo struct {
	opts Options
	auth transport.AuthMethod
	r    *git.Repository
	log  *slog.Logger

	mu sync.Mutex // serialises fetches, commits and pushes

	pullRequests bool                // records go to RecordsBranch
	beforePush   func(commit string) // tests: runs between a record's commit and its push
}

// Open opens the bot's clone under opts.Dir, creating it (empty: nothing is
// fetched yet) when missing. The remote's URL is kept without credentials.
func Open(opts Options) (*Repo, error) {
	if err := CheckURL(opts.URL); err != nil {
		return nil, fmt.Errorf("git URL %s", err)
	}
	if opts.Branch == "" {
		opts.Branch = DefaultBranch
	}
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	auth, err := authFor(opts.URL, opts.Credentials)
	if err != nil {
		return nil, err
	}
	path := filepath.Join(opts.Dir, "repo.git")
	r, err := git.PlainOpen(path)
	if errors.Is(err, git.ErrRepositoryNotExists) {
		if err := os.MkdirAll(opts.Dir, 0o700); err != nil {
			return nil, fmt.Errorf("git: %w", err)
		}
		r, err = git.PlainInit(path, true)
	}
	if err != nil {
		return nil, fmt.Errorf("git: opening the clone in %s: %w", path, err)
	}
	rp := &Repo{opts: opts, auth: auth, r: r, log: opts.Log}
	if err := rp.setRemote(); err != nil {
		return nil, err
	}
	return rp, nil
}

// setRemote points origin at the configured URL (without credentials).
func (rp *Repo) setRemote() error {
	want := &config.RemoteConfig{Name: remoteName, URLs: []string{strings.TrimSpace(rp.opts.URL)},
		Fetch: []config.RefSpec{config.RefSpec("+refs/heads/*:refs/remotes/" + remoteName + "/*")}}
	if rem, err := rp.r.Remote(remoteName); err == nil {
		c := rem.Config()
		if len(c.URLs) == 1 && c.URLs[0] == want.URLs[0] {
			return nil
		}
		if err := rp.r.DeleteRemote(remoteName); err != nil {
			return fmt.Errorf("git: %w", err)
		}
	}
	if _, err := rp.r.CreateRemote(want); err != nil {
		return fmt.Errorf("git: %w", err)
	}
	return nil
}

// Branch is the followed branch.
func (rp *Repo) Branch() string { return rp.opts.Branch }

// trackingRef is where the fetched head of branch is kept.
func trackingRef(branch string) plumbing.ReferenceName {
	return plumbing.NewRemoteReferenceName(remoteName, branch)
}

// Fetch brings the branch's head from the remote and returns it.
func (rp *Repo) Fetch(ctx context.Context) (string, error) {
	rp.mu.Lock()
	defer rp.mu.Unlock()
	h, err := rp.fetchLocked(ctx, rp.opts.Branch)
	if err != nil {
		return "", err
	}
	return h.String(), nil
}

// fetchLocked fetches branch into its tracking ref and returns its head.
func (rp *Repo) fetchLocked(ctx context.Context, branch string) (plumbing.Hash, error) {
	ctx, cancel := context.WithTimeout(ctx, fetchTimeout)
	defer cancel()
	spec := config.RefSpec("+" + plumbing.NewBranchReferenceName(branch).String() + ":" + trackingRef(branch).String())
	err := rp.r.FetchContext(ctx, &git.FetchOptions{RemoteName: remoteName, RefSpecs: []config.RefSpec{spec}, Auth: rp.auth, Tags: git.NoTags, Force: true})
	if err != nil && !errors.Is(err, git.NoErrAlreadyUpToDate) {
		if isMissingRef(err) {
			return plumbing.ZeroHash, fmt.Errorf("%w: %s", ErrNoBranch, branch)
		}
		return plumbing.ZeroHash, fmt.Errorf("git fetch: %w", err)
	}
	ref, err := rp.r.Reference(trackingRef(branch), true)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("%w: %s", ErrNoBranch, branch)
	}
	return ref.Hash(), nil
}

// ErrNoBranch is a branch the remote does not have.
var ErrNoBranch = errors.New("git: the remote has no branch")

func isMissingRef(err error) bool {
	var nm git.NoMatchingRefSpecError
	return errors.As(err, &nm) || strings.Contains(err.Error(), "couldn't find remote ref")
}

// Head is the branch's head as last fetched; ok is false before the first fetch.
func (rp *Repo) Head() (string, bool) {
	ref, err := rp.r.Reference(trackingRef(rp.opts.Branch), true)
	if err != nil {
		return "", false
	}
	return ref.Hash().String(), true
}

// InForce is the commit last put in force (kept across restarts); ok is false when none was.
func (rp *Repo) InForce() (string, bool) {
	ref, err := rp.r.Reference(inForceRef, true)
	if err != nil {
		return "", false
	}
	if _, err := rp.r.CommitObject(ref.Hash()); err != nil {
		return "", false
	}
	return ref.Hash().String(), true
}

// SetInForce remembers commit as the one in force.
func (rp *Repo) SetInForce(commit string) error {
	return rp.r.Storer.SetReference(plumbing.NewHashReference(inForceRef, plumbing.NewHash(commit)))
}

// commitObject finds a commit by full SHA.
func (rp *Repo) commitObject(commit string) (*object.Commit, error) {
	if !plumbing.IsHash(commit) {
		return nil, fmt.Errorf("git: %q is not a commit SHA", commit)
	}
	c, err := rp.r.CommitObject(plumbing.NewHash(commit))
	if err != nil {
		return nil, fmt.Errorf("git: commit %s: %w", short(commit), err)
	}
	return c, nil
}

// ReadFile returns the content of path in commit; ok is false when the commit has no such file.
func (rp *Repo) ReadFile(commit, path string) (data []byte, ok bool, err error) {
	c, err := rp.commitObject(commit)
	if err != nil {
		return nil, false, err
	}
	return readFile(c, path)
}

// readFile returns the content of path in c.
func readFile(c *object.Commit, path string) ([]byte, bool, error) {
	path = cleanPath(path)
	f, err := c.File(path)
	if errors.Is(err, object.ErrFileNotFound) || errors.Is(err, object.ErrDirectoryNotFound) || errors.Is(err, object.ErrEntryNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("git: %s in %s: %w", path, short(c.Hash.String()), err)
	}
	rd, err := f.Reader()
	if err != nil {
		return nil, false, err
	}
	defer rd.Close()
	var b bytes.Buffer
	if _, err := io.Copy(&b, rd); err != nil {
		return nil, false, err
	}
	return b.Bytes(), true, nil
}

// cleanPath turns a configured path ("./docs/runbook.md") into a tree path.
func cleanPath(p string) string {
	return strings.TrimPrefix(filepath.ToSlash(filepath.Clean(p)), "./")
}

// Revision describes commit.
func (rp *Repo) Revision(commit string) (runbook.Revision, error) {
	c, err := rp.commitObject(commit)
	if err != nil {
		return runbook.Revision{}, err
	}
	return revisionOf(c), nil
}

func revisionOf(c *object.Commit) runbook.Revision {
	subject, _, _ := strings.Cut(strings.TrimSpace(c.Message), "\n")
	return runbook.Revision{Commit: c.Hash.String(), Author: c.Author.Name + " <" + c.Author.Email + ">", When: c.Author.When.UTC(), Subject: subject}
}

// short is a commit's abbreviated SHA.
func short(commit string) string {
	if len(commit) > 7 {
		return commit[:7]
	}
	return commit
}
