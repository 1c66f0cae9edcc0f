package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/runbook-bot/runbook-bot/runbook"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var ctx = context.Background()

func openTest(t testing.TB) *DB {
	t.Helper()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "data", "runbook.db"))
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return db
}

// update runs fn in a write transaction and fails the test on error.
func update(t testing.TB, db *DB, fn func(runbook.Tx) error) {
	t.Helper()
	require.NoError(t, db.Update(ctx, fn))
}

// t0 has a non-UTC zone and nanoseconds, to check instants round-trip exactly.
var t0 = time.Date(2031, 3, 4, 2, 0, 0, 123456789, time.FixedZone("BRT", -3*3600))

func newOcc(job string, slot time.Time) runbook.Occurrence {
	return runbook.Occurrence{Job: job, Slot: slot, Window: slot, State: runbook.Scheduled}
}

func TestOpenCreatesParentsPragmasAndMeta(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a", "b", "runbook.db")
	db, err := Open(ctx, path)
	require.NoError(t, err)
	defer db.Close()
	assert.Equal(t, path, db.Path())

	for _, pool := range []*sql.DB{db.w, db.r} {
		var mode string
		var sync, fk, busy int
		require.NoError(t, pool.QueryRow("PRAGMA journal_mode").Scan(&mode))
		require.NoError(t, pool.QueryRow("PRAGMA synchronous").Scan(&sync))
		require.NoError(t, pool.QueryRow("PRAGMA foreign_keys").Scan(&fk))
		require.NoError(t, pool.QueryRow("PRAGMA busy_timeout").Scan(&busy))
		assert.Equal(t, "wal", mode)
		assert.Equal(t, 1, fk)
		assert.Equal(t, 5000, busy)
		if pool == db.w {
			assert.Equal(t, 2, sync, "synchronous=FULL on the writer")
		}
	}
	var v int
	require.NoError(t, db.w.QueryRow("PRAGMA user_version").Scan(&v))
	assert.Equal(t, SchemaVersion(), v)

	require.NoError(t, db.View(ctx, func(tx runbook.Tx) error {
		s, ok, err := tx.Meta(MetaCreatedAt)
		require.NoError(t, err)
		require.True(t, ok)
		at, err := time.Parse(time.RFC3339Nano, s)
		require.NoError(t, err)
		assert.WithinDuration(t, time.Now(), at, time.Minute)
		return nil
	}))
}

func TestReopenIsIdempotentAndKeepsCreatedAt(t *testing.T) {
	path := filepath.Join(t.TempDir(), "runbook.db")
	db, err := Open(ctx, path)
	require.NoError(t, err)
	var created string
	update(t, db, func(tx runbook.Tx) error {
		o := newOcc("backup", t0)
		require.NoError(t, tx.CreateOccurrence(&o))
		var ok bool
		created, ok, err = tx.Meta(MetaCreatedAt)
		require.True(t, ok)
		return err
	})
	require.NoError(t, db.Close())

	for range 2 {
		db, err = Open(ctx, path)
		require.NoError(t, err)
		require.NoError(t, db.View(ctx, func(tx runbook.Tx) error {
			got, _, err := tx.Meta(MetaCreatedAt)
			require.NoError(t, err)
			assert.Equal(t, created, got)
			os, err := tx.Occurrences(runbook.Query{})
			require.NoError(t, err)
			assert.Len(t, os, 1)
			return nil
		}))
		var v int
		require.NoError(t, db.w.QueryRow("PRAGMA user_version").Scan(&v))
		assert.Equal(t, SchemaVersion(), v)
		require.NoError(t, db.Close())
	}
}

func TestOpenErrors(t *testing.T) {
	t.Run("future schema", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "runbook.db")
		db, err := Open(ctx, path)
		require.NoError(t, err)
		_, err = db.w.Exec(fmt.Sprintf("PRAGMA user_version = %d", SchemaVersion()+5))
		require.NoError(t, err)
		require.NoError(t, db.Close())
		_, err = Open(ctx, path)
		require.Error(t, err)
		assert.Contains(t, err.Error(), path)
		assert.Contains(t, err.Error(), "newer than this runbook-bot supports")
	})
	t.Run("garbage file", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "runbook.db")
		garbage := make([]byte, 8192)
		for i := range garbage {
			garbage[i] = byte(i*7 + 3)
		}
		require.NoError(t, os.WriteFile(path, garbage, 0o600))
		_, err := Open(ctx, path)
		require.Error(t, err)
		assert.Equal(t, path+": file is not a database", err.Error())
	})
	t.Run("corrupt pages", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "runbook.db")
		db, err := Open(ctx, path)
		require.NoError(t, err)
		update(t, db, func(tx runbook.Tx) error {
			for i := range 200 {
				o := newOcc(fmt.Sprintf("job-%03d", i), t0)
				o.Learnings = fmt.Sprintf("%0500d", i)
				if err := tx.CreateOccurrence(&o); err != nil {
					return err
				}
			}
			return nil
		})
		require.NoError(t, db.Close())
		f, err := os.OpenFile(path, os.O_RDWR, 0)
		require.NoError(t, err)
		fi, err := f.Stat()
		require.NoError(t, err)
		require.Greater(t, fi.Size(), int64(16*4096))
		// Smash pages 3..end-1, keeping the header and schema page intact.
		junk := make([]byte, 4096)
		for i := range junk {
			junk[i] = 0xA5
		}
		for off := int64(2 * 4096); off < fi.Size()-4096; off += 4096 {
			_, err = f.WriteAt(junk, off)
			require.NoError(t, err)
		}
		require.NoError(t, f.Close())
		_, err = Open(ctx, path)
		require.Error(t, err)
		assert.Contains(t, err.Error(), path+": database is corrupt")
	})
	t.Run("directory path", func(t *testing.T) {
		path := t.TempDir()
		_, err := Open(ctx, path)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "is a directory")
	})
	t.Run("parent is a regular file", func(t *testing.T) {
		// Root ignores permission bits; a parent that is a file fails for everyone.
		file := filepath.Join(t.TempDir(), "data")
		require.NoError(t, os.WriteFile(file, []byte("x"), 0o600))
		path := filepath.Join(file, "runbook.db")
		_, err := Open(ctx, path)
		require.Error(t, err)
		assert.Contains(t, err.Error(), path+": cannot create directory")
		assert.Contains(t, err.Error(), "not a directory")
	})
	t.Run("read-only file (mode=ro)", func(t *testing.T) {
		// Simulates a file the process cannot write (works as root too).
		path := filepath.Join(t.TempDir(), "runbook.db")
		db, err := Open(ctx, path)
		require.NoError(t, err)
		require.NoError(t, db.Close())
		_, err = open(ctx, path, openOptions{readOnly: true})
		require.Error(t, err)
		assert.Contains(t, err.Error(), path+": read-only: cannot write state")
	})
	t.Run("read-only directory (non-root only)", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("root ignores permission bits; covered by the mode=ro and parent-is-a-file cases")
		}
		dir := filepath.Join(t.TempDir(), "ro")
		require.NoError(t, os.Mkdir(dir, 0o500))
		t.Cleanup(func() { os.Chmod(dir, 0o700) })
		path := filepath.Join(dir, "runbook.db")
		_, err := Open(ctx, path)
		require.Error(t, err)
		t.Log(err)
		assert.Contains(t, err.Error(), path+": cannot open or create the database")
	})
	t.Run("read-only existing file (non-root only)", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("root ignores permission bits; covered by the mode=ro case")
		}
		path := filepath.Join(t.TempDir(), "runbook.db")
		db, err := Open(ctx, path)
		require.NoError(t, err)
		require.NoError(t, db.Close())
		require.NoError(t, os.Chmod(path, 0o400))
		_, err = Open(ctx, path)
		require.Error(t, err)
		t.Log(err)
		assert.Contains(t, err.Error(), path+": read-only")
	})
}
