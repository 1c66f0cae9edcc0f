package records

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"syscall"
)

// ErrReadOnly reports that a records file (or its directory) cannot be written.
var ErrReadOnly = errors.New("records: file is read-only")

// writeMu serialises every writer of this package within the process.
var writeMu sync.Mutex

// target is a file about to be rewritten.
type target struct {
	path   string      // the real path (symlinks resolved)
	mode   fs.FileMode // permission bits to keep
	exists bool
	data   []byte // current content, nil when missing
}

// load reads path for an atomic rewrite. A missing file is reported with
// exists=false (and no error) when allowMissing is set.
func load(path string, allowMissing bool) (*target, error) {
	t := &target{path: path, mode: 0o644}
	if real, err := filepath.EvalSymlinks(path); err == nil {
		t.path = real
	}
	fi, err := os.Stat(t.path)
	switch {
	case err == nil:
		if !fi.Mode().IsRegular() {
			return nil, fmt.Errorf("records: %s is not a regular file", path)
		}
		t.exists = true
		t.mode = fi.Mode().Perm()
		if t.mode&0o222 == 0 {
			return nil, fmt.Errorf("%w: %s", ErrReadOnly, path)
		}
		// Mode bits say nothing of ACLs, ownership or a read-only mount: ask.
		f, err := os.OpenFile(t.path, os.O_WRONLY, 0)
		if err != nil {
			return nil, classify(path, err)
		}
		_ = f.Close()
		if t.data, err = os.ReadFile(t.path); err != nil {
			return nil, fmt.Errorf("records: read %s: %w", path, err)
		}
	case errors.Is(err, fs.ErrNotExist) && allowMissing:
	default:
		return nil, fmt.Errorf("records: %w", err)
	}
	return t, nil
}

// classify turns permission and read-only-filesystem errors into ErrReadOnly.
func classify(path string, err error) error {
	if errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.EROFS) {
		return fmt.Errorf("%w: %s: %v", ErrReadOnly, path, err)
	}
	return fmt.Errorf("records: %s: %w", path, err)
}

// store replaces the file with data atomically: a temporary file in the same
// directory is written, synced, given the original mode and renamed over it.
func (t *target) store(data []byte) (err error) {
	dir := filepath.Dir(t.path)
	if !t.exists {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return classify(dir, err)
		}
	}
	if fi, err := os.Stat(dir); err == nil && fi.Mode().Perm()&0o222 == 0 {
		return fmt.Errorf("%w: directory %s", ErrReadOnly, dir)
	}
	pattern := "." + filepath.Base(t.path) + ".tmp-*"
	// A writer killed between creating its temporary file and renaming it
	// left that file behind; writes are serialised (writeMu) and only one
	// process writes the records, so any such file now is stale.
	if stale, _ := filepath.Glob(filepath.Join(dir, pattern)); len(stale) > 0 {
		for _, f := range stale {
			_ = os.Remove(f)
		}
	}
	tmp, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return classify(dir, err)
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return fmt.Errorf("records: write %s: %w", tmp.Name(), err)
	}
	if err = tmp.Chmod(t.mode); err != nil {
		return fmt.Errorf("records: chmod %s: %w", tmp.Name(), err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("records: sync %s: %w", tmp.Name(), err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("records: close %s: %w", tmp.Name(), err)
	}
	if err = os.Rename(tmp.Name(), t.path); err != nil {
		return classify(t.path, err)
	}
	// Make the rename itself durable; not every platform can sync a directory.
	if d, derr := os.Open(dir); derr == nil {
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}

// newline returns the line ending the file already uses ("\r\n" or "\n").
func newline(data []byte) string {
	for i, c := range data {
		if c == '\n' {
			if i > 0 && data[i-1] == '\r' {
				return "\r\n"
			}
			return "\n"
		}
	}
	return "\n"
}
