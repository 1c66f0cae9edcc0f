package gitrepo

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// Trees materialises commits as read-only directories, trees/<sha>, and removes
// those neither in force nor used by a run. It is safe for concurrent use.
type Trees struct {
	repo *Repo
	dir  string

	mu      sync.Mutex
	inUse   map[string]int // commit → runs using its directory
	inForce string
}

// Trees returns the checkouts of rp's commits, kept under rp's directory.
func (rp *Repo) Trees() *Trees {
	return &Trees{repo: rp, dir: filepath.Join(rp.opts.Dir, "trees"), inUse: map[string]int{}}
}

// Dir is where commit is (or would be) materialised.
func (t *Trees) Dir(commit string) string { return filepath.Join(t.dir, commit) }

// Acquire materialises commit (when it is not already) and keeps its directory
// until release is called.
func (t *Trees) Acquire(commit string) (dir string, release func(), err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := t.materialise(commit); err != nil {
		return "", nil, err
	}
	t.inUse[commit]++
	var once sync.Once
	return t.Dir(commit), func() {
		once.Do(func() {
			t.mu.Lock()
			defer t.mu.Unlock()
			if t.inUse[commit]--; t.inUse[commit] <= 0 {
				delete(t.inUse, commit)
			}
			t.pruneLocked()
		})
	}, nil
}

// SetInForce materialises commit, marks it the one in force and removes the
// directories nobody uses any more.
func (t *Trees) SetInForce(commit string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := t.materialise(commit); err != nil {
		return err
	}
	t.inForce = commit
	t.pruneLocked()
	return nil
}

// pruneLocked removes every directory but the one in force and those in use.
func (t *Trees) pruneLocked() {
	entries, err := os.ReadDir(t.dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		name := e.Name()
		if name == t.inForce || t.inUse[name] > 0 {
			continue
		}
		if err := removeAll(filepath.Join(t.dir, name)); err != nil {
			t.repo.log.Warn("git: removing an old checkout", "dir", name, "err", err)
		}
	}
}

// materialise writes commit's files into trees/<commit>, read-only, unless
// they are there already. The directory appears whole or not at all.
func (t *Trees) materialise(commit string) error {
	dst := t.Dir(commit)
	if fi, err := os.Stat(dst); err == nil && fi.IsDir() {
		return nil
	}
	c, err := t.repo.commitObject(commit)
	if err != nil {
		return err
	}
	tree, err := c.Tree()
	if err != nil {
		return fmt.Errorf("git: tree of %s: %w", short(commit), err)
	}
	if err := os.MkdirAll(t.dir, 0o700); err != nil {
		return fmt.Errorf("git: %w", err)
	}
	tmp, err := os.MkdirTemp(t.dir, ".tmp-"+short(commit)+"-")
	if err != nil {
		return fmt.Errorf("git: %w", err)
	}
	if err := writeTree(tree, tmp); err != nil {
		_ = removeAll(tmp)
		return fmt.Errorf("git: checking out %s: %w", short(commit), err)
	}
	if err := os.Rename(tmp, dst); err != nil {
		_ = removeAll(tmp)
		return fmt.Errorf("git: %w", err)
	}
	return nil
}

// writeTree writes every file of tree under root, then makes it all read-only.
func writeTree(tree *object.Tree, root string) error {
	dirs := map[string]bool{}
	err := tree.Files().ForEach(func(f *object.File) error {
		name := path.Clean(f.Name)
		if name == "." || path.IsAbs(name) || name == ".." || strings.HasPrefix(name, "../") || strings.Contains(name, "/../") || strings.HasPrefix(name, ".git/") {
			return nil // never written outside the checkout, nor a .git directory
		}
		dst := filepath.Join(root, filepath.FromSlash(name))
		for d := filepath.Dir(dst); d != root && !dirs[d]; d = filepath.Dir(d) {
			dirs[d] = true
		}
		if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
			return err
		}
		switch f.Mode {
		case filemode.Symlink:
			target, err := f.Contents()
			if err != nil {
				return err
			}
			return os.Symlink(target, dst)
		case filemode.Regular, filemode.Executable, filemode.Deprecated:
			perm := fs.FileMode(0o444)
			if f.Mode == filemode.Executable {
				perm = 0o555
			}
			return writeBlob(f, dst, perm)
		}
		return nil
	})
	if err != nil {
		return err
	}
	list := make([]string, 0, len(dirs)+1)
	for d := range dirs {
		list = append(list, d)
	}
	sort.Sort(sort.Reverse(sort.StringSlice(list)))
	for _, d := range append(list, root) {
		if err := os.Chmod(d, 0o555); err != nil {
			return err
		}
	}
	return nil
}

func writeBlob(f *object.File, dst string, perm fs.FileMode) error {
	rd, err := f.Reader()
	if err != nil {
		return err
	}
	defer rd.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, rd); err != nil {
		_ = out.Close()
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	return os.Chmod(dst, perm)
}

// removeAll removes a read-only checkout: its directories are made writable first.
func removeAll(dir string) error {
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			_ = os.Chmod(p, 0o700)
		}
		return nil
	})
	err := os.RemoveAll(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}
