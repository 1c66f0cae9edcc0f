package gitrepo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// Change is one record to commit. Apply turns the file's content at the
// branch's head (nil when the file is missing) into its new content and says
// what the record is, for the commit message; it must be idempotent: applied to
// content that already holds the record, it returns that content unchanged.
type Change struct {
	Path  string
	Apply func(old []byte) (data []byte, message string, err error)
	// ID identifies the record for good (e.g. the outbox row): it is the commit's
	// "Runbook-Record:" trailer, by which a record that landed is found again.
	ID string
}

// Result is where a record is.
type Result struct {
	Commit string // the commit that added it (or, when it was already there and no commit of the bot says so, the head that has it)
	Branch string // the branch that has it
	Landed bool   // false when the branch already had the record: nothing was committed
}

// ErrRefused is a push the remote refused for another reason than a concurrent
// push: a protected branch, a hook. Its message holds what the remote said.
var ErrRefused = errors.New("git: the remote refused the push")

// ErrBadRecord is a record its Apply refused: trying again cannot help.
var ErrBadRecord = errors.New("git: the record cannot be written")

// maxRaces is how often a record is applied again on a newer head before giving up for now.
const maxRaces = 5

// trailer is the commit message line naming the record.
const trailer = "Runbook-Record: "

// outgoingRef points at the commit being pushed.
const outgoingRef = plumbing.ReferenceName("refs/runbook-bot/outgoing")

// Record commits ch on top of the branch's head and pushes it. The head is
// fetched first, and a push that loses a race with someone else's is applied
// again on the new head (the records are appends to known sections: no textual
// rebase), so a human commit is kept and the record lands once. A record the
// branch already has is not committed again.
//
// After UsePullRequests, records go to RecordsBranch instead (see recordPR).
// A push the remote refuses otherwise (a protected branch) is an ErrRefused.
func (rp *Repo) Record(ctx context.Context, ch Change) (Result, error) {
	rp.mu.Lock()
	defer rp.mu.Unlock()
	if rp.pullRequests {
		return rp.recordPR(ctx, ch)
	}
	return rp.recordOn(ctx, ch, rp.opts.Branch)
}

// recordOn is Record onto branch.
func (rp *Repo) recordOn(ctx context.Context, ch Change, branch string) (Result, error) {
	path := cleanPath(ch.Path)
	for range maxRaces {
		headHash, err := rp.fetchLocked(ctx, branch)
		if err != nil {
			return Result{}, err
		}
		head, err := rp.r.CommitObject(headHash)
		if err != nil {
			return Result{}, fmt.Errorf("git: %w", err)
		}
		old, exists, err := readFile(head, path)
		if err != nil {
			return Result{}, err
		}
		data, msg, err := ch.Apply(old)
		if err != nil {
			return Result{}, fmt.Errorf("%w: %s: %v", ErrBadRecord, path, err)
		}
		if exists && bytes.Equal(data, old) {
			return Result{Commit: rp.findRecord(head, ch.ID), Branch: branch}, nil
		}
		commit, err := rp.commitFile(head, path, data, msg+"\n\n"+trailer+ch.ID+"\n")
		if err != nil {
			return Result{}, err
		}
		if rp.beforePush != nil {
			rp.beforePush(commit.String())
		}
		err = rp.push(ctx, commit, branch, false)
		switch {
		case err == nil:
			return Result{Commit: commit.String(), Branch: branch, Landed: true}, nil
		case errors.Is(err, errRace):
			rp.log.Info("git: someone pushed first; applying the record again on the new head", "branch", branch)
			continue
		default:
			return Result{}, err
		}
	}
	return Result{}, fmt.Errorf("git: the branch %s kept moving; will try again", branch)
}

// errRace is a push rejected because the branch moved since it was fetched.
var errRace = errors.New("git: the branch moved")

// push sends commit to branch (force only for the bot's own branch) and, on
// success, moves the tracking ref there.
func (rp *Repo) push(ctx context.Context, commit plumbing.Hash, branch string, force bool) error {
	if err := rp.r.Storer.SetReference(plumbing.NewHashReference(outgoingRef, commit)); err != nil {
		return fmt.Errorf("git: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, fetchTimeout)
	defer cancel()
	spec := outgoingRef.String() + ":" + plumbing.NewBranchReferenceName(branch).String()
	if force {
		spec = "+" + spec
	}
	var progress bytes.Buffer
	err := rp.r.PushContext(ctx, &git.PushOptions{RemoteName: remoteName, RefSpecs: []config.RefSpec{config.RefSpec(spec)}, Auth: rp.auth, Progress: &progress})
	if err == nil || errors.Is(err, git.NoErrAlreadyUpToDate) {
		return rp.r.Storer.SetReference(plumbing.NewHashReference(trackingRef(branch), commit))
	}
	said := strings.ToLower(err.Error() + " " + progress.String())
	switch {
	case strings.Contains(said, "non-fast-forward"), strings.Contains(said, "fetch first"), strings.Contains(said, "stale info"),
		strings.Contains(said, "failed to update ref"), strings.Contains(said, "cannot lock ref"), strings.Contains(said, "failed to lock"):
		return errRace
	case strings.Contains(said, "protected"), strings.Contains(said, "declined"), strings.Contains(said, "denied"), strings.Contains(said, "not allowed"):
		return fmt.Errorf("%w: %s", ErrRefused, remoteSaid(err, progress.String()))
	}
	return fmt.Errorf("git push: %w", err)
}

// remoteSaid is the error with the remote's own messages ("remote: …" lines).
func remoteSaid(err error, progress string) string {
	var said []string
	for _, l := range strings.Split(progress, "\n") {
		l = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(l), "remote:"))
		if l != "" && len(said) < 5 {
			said = append(said, l)
		}
	}
	if len(said) == 0 {
		return err.Error()
	}
	return err.Error() + " (" + strings.Join(said, "; ") + ")"
}

// findRecord is the commit of the bot that added the record id, searched in
// head's recent history; head itself when none says so.
func (rp *Repo) findRecord(head *object.Commit, id string) string {
	want := trailer + id
	it := object.NewCommitPreorderIter(head, nil, nil)
	defer it.Close()
	found := head.Hash.String()
	n := 0
	_ = it.ForEach(func(c *object.Commit) error {
		if n++; n > 1000 {
			return storer.ErrStop
		}
		for _, l := range strings.Split(c.Message, "\n") {
			if strings.TrimSpace(l) == want {
				found = c.Hash.String()
				return storer.ErrStop
			}
		}
		return nil
	})
	return found
}

// commitFile stores a commit on parent whose tree is parent's with path set to data.
func (rp *Repo) commitFile(parent *object.Commit, path string, data []byte, msg string) (plumbing.Hash, error) {
	return rp.commitFiles(parent, map[string][]byte{path: data}, msg)
}

// storeBlob stores data as a blob.
func (rp *Repo) storeBlob(data []byte) (plumbing.Hash, error) {
	blob := rp.r.Storer.NewEncodedObject()
	blob.SetType(plumbing.BlobObject)
	w, err := blob.Writer()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if _, err := w.Write(data); err != nil {
		return plumbing.ZeroHash, err
	}
	if err := w.Close(); err != nil {
		return plumbing.ZeroHash, err
	}
	return rp.r.Storer.SetEncodedObject(blob)
}

// storeCommit stores a commit of tree on parent by the bot's author.
func (rp *Repo) storeCommit(parent *object.Commit, tree plumbing.Hash, msg string) (plumbing.Hash, error) {
	sig := object.Signature{Name: rp.opts.Author.Name, Email: rp.opts.Author.Email, When: time.Now()}
	c := &object.Commit{Author: sig, Committer: sig, Message: msg, TreeHash: tree, ParentHashes: []plumbing.Hash{parent.Hash}}
	obj := rp.r.Storer.NewEncodedObject()
	if err := c.Encode(obj); err != nil {
		return plumbing.ZeroHash, err
	}
	return rp.r.Storer.SetEncodedObject(obj)
}

// putPath stores a copy of tree (nil: an empty one) with the file at parts set
// to blob, and returns the new tree's hash. An existing file keeps its mode.
func (rp *Repo) putPath(tree *object.Tree, parts []string, blob plumbing.Hash) (plumbing.Hash, error) {
	var entries []object.TreeEntry
	if tree != nil {
		entries = append(entries, tree.Entries...)
	}
	name := parts[0]
	i := -1
	for k, e := range entries {
		if e.Name == name {
			i = k
		}
	}
	var entry object.TreeEntry
	if len(parts) == 1 {
		mode := filemode.Regular
		if i >= 0 && (entries[i].Mode == filemode.Executable || entries[i].Mode == filemode.Regular) {
			mode = entries[i].Mode
		}
		entry = object.TreeEntry{Name: name, Mode: mode, Hash: blob}
	} else {
		var sub *object.Tree
		if i >= 0 && entries[i].Mode == filemode.Dir {
			t, err := object.GetTree(rp.r.Storer, entries[i].Hash)
			if err != nil {
				return plumbing.ZeroHash, err
			}
			sub = t
		}
		h, err := rp.putPath(sub, parts[1:], blob)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		entry = object.TreeEntry{Name: name, Mode: filemode.Dir, Hash: h}
	}
	if i >= 0 {
		entries[i] = entry
	} else {
		entries = append(entries, entry)
	}
	// git orders tree entries by name, a directory's name compared as if it ended in "/".
	key := func(e object.TreeEntry) string {
		if e.Mode == filemode.Dir {
			return e.Name + "/"
		}
		return e.Name
	}
	sort.Slice(entries, func(a, b int) bool { return key(entries[a]) < key(entries[b]) })
	obj := rp.r.Storer.NewEncodedObject()
	if err := (&object.Tree{Entries: entries}).Encode(obj); err != nil {
		return plumbing.ZeroHash, err
	}
	return rp.r.Storer.SetEncodedObject(obj)
}
