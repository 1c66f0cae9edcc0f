package gitrepo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// RecordsBranch is where records go when the followed branch takes no direct
// push from the bot; a pull request brings them in.
const RecordsBranch = "runbook-bot/records"

// Carry brings the records of one file that the records branch has and the
// followed branch does not (not merged yet) onto the followed branch's content:
// base is the file where the branches parted, ours on the records branch,
// theirs on the followed branch (nil when missing).
type Carry func(base, ours, theirs []byte) ([]byte, error)

// UsePullRequests sends every later record to RecordsBranch instead of the followed branch.
func (rp *Repo) UsePullRequests() {
	rp.mu.Lock()
	rp.pullRequests = true
	rp.mu.Unlock()
}

// PullRequests reports whether records go to RecordsBranch.
func (rp *Repo) PullRequests() bool {
	rp.mu.Lock()
	defer rp.mu.Unlock()
	return rp.pullRequests
}

// recordPR commits ch to RecordsBranch. While the records branch contains the
// followed branch's head, the record goes on top of it; once the followed
// branch moved on (a person's commit, or the pull request merged), the records
// branch is made again on its head, with the records it had that are not there
// yet carried over (by the file's Carry), then the record.
func (rp *Repo) recordPR(ctx context.Context, ch Change) (Result, error) {
	path := cleanPath(ch.Path)
	mainHash, err := rp.fetchLocked(ctx, rp.opts.Branch)
	if err != nil {
		return Result{}, err
	}
	main, err := rp.r.CommitObject(mainHash)
	if err != nil {
		return Result{}, fmt.Errorf("git: %w", err)
	}
	parent, edits, force := main, map[string][]byte{}, false
	recHash, err := rp.fetchLocked(ctx, RecordsBranch)
	switch {
	case errors.Is(err, ErrNoBranch):
	case err != nil:
		return Result{}, err
	default:
		rec, err := rp.r.CommitObject(recHash)
		if err != nil {
			return Result{}, fmt.Errorf("git: %w", err)
		}
		if up, err := main.IsAncestor(rec); err == nil && up {
			parent = rec
		} else if edits, err = rp.carry(main, rec); err != nil {
			return Result{}, err
		} else {
			force = true // the bot's own branch, made again on the followed branch's head
		}
	}
	old, exists := edits[path], true
	if _, carried := edits[path]; !carried {
		if old, exists, err = readFile(parent, path); err != nil {
			return Result{}, err
		}
	}
	data, msg, err := ch.Apply(old)
	if err != nil {
		return Result{}, fmt.Errorf("%w: %s: %v", ErrBadRecord, path, err)
	}
	if exists && bytes.Equal(data, old) && len(edits) == 0 {
		return Result{Commit: rp.findRecord(parent, ch.ID), Branch: RecordsBranch}, nil
	}
	edits[path] = data
	if len(edits) > 1 || force {
		msg += fmt.Sprintf("\n\nMade again on %s %s, with the records not merged yet.", rp.opts.Branch, short(main.Hash.String()))
	}
	commit, err := rp.commitFiles(parent, edits, msg+"\n\n"+trailer+ch.ID+"\n")
	if err != nil {
		return Result{}, err
	}
	if rp.beforePush != nil {
		rp.beforePush(commit.String())
	}
	if err := rp.push(ctx, commit, RecordsBranch, force); err != nil {
		return Result{}, err
	}
	return Result{Commit: commit.String(), Branch: RecordsBranch, Landed: true}, nil
}

// carry is what the records branch rec has that main lacks, per record file,
// as the new content of each file on main.
func (rp *Repo) carry(main, rec *object.Commit) (map[string][]byte, error) {
	edits := map[string][]byte{}
	bases, err := rec.MergeBase(main)
	if err != nil {
		return nil, fmt.Errorf("git: %w", err)
	}
	for path, carry := range rp.opts.Carry {
		path = cleanPath(path)
		var base []byte
		if len(bases) > 0 {
			if base, _, err = readFile(bases[0], path); err != nil {
				return nil, err
			}
		}
		ours, _, err := readFile(rec, path)
		if err != nil {
			return nil, err
		}
		if bytes.Equal(base, ours) {
			continue // no record of this file on the records branch
		}
		theirs, _, err := readFile(main, path)
		if err != nil {
			return nil, err
		}
		merged, err := carry(base, ours, theirs)
		if err != nil {
			return nil, fmt.Errorf("git: carrying the records of %s: %w", path, err)
		}
		if !bytes.Equal(merged, theirs) {
			edits[path] = merged
		}
	}
	return edits, nil
}

// commitFiles stores a commit on parent whose tree is parent's with each path set to its data.
func (rp *Repo) commitFiles(parent *object.Commit, files map[string][]byte, msg string) (plumbing.Hash, error) {
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	root, err := parent.Tree()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	for _, p := range paths {
		blob, err := rp.storeBlob(files[p])
		if err != nil {
			return plumbing.ZeroHash, err
		}
		h, err := rp.putPath(root, strings.Split(p, "/"), blob)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		if root, err = object.GetTree(rp.r.Storer, h); err != nil {
			return plumbing.ZeroHash, err
		}
	}
	return rp.storeCommit(parent, root.Hash, msg)
}
