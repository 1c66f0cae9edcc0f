//go:build unix

package sqlite

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// Not parallel: the umask belongs to the whole process, and parallel tests
// only start once the sequential ones are done.
func TestOpen_GivenAPermissiveUmaskAndDirectory_WhenTheDatabaseIsCreated_ThenItsFilesAre0600(t *testing.T) {
	for _, tc := range []struct {
		name    string
		umask   int
		dirMode os.FileMode // 0: Open creates the directory
	}{
		{"umask 000, directory 0777", 0o000, 0o777},
		{"umask 000, setgid directory 2777", 0o000, 0o2777 | os.ModeSetgid},
		{"umask 002, directory 0775", 0o002, 0o775},
		{"umask 022, directory created by Open", 0o022, 0},
		{"umask 000, directory created by Open", 0o000, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// given a permissive umask and directory
			old := syscall.Umask(tc.umask)
			defer syscall.Umask(old)
			dir := filepath.Join(t.TempDir(), "data")
			if tc.dirMode != 0 {
				require.NoError(t, os.Mkdir(dir, 0o700))
				require.NoError(t, os.Chmod(dir, tc.dirMode))
			}
			path := filepath.Join(dir, "runbook.db")

			// when the database is created and written (WAL: -wal and -shm exist while open)
			db, err := Open(ctx, path)
			require.NoError(t, err)
			defer db.Close()
			update(t, db, func(tx runbook.Tx) error {
				o := newOcc("backup", t0)
				return tx.CreateOccurrence(&o)
			})

			// then the database and its -wal and -shm files are readable by the owner only
			for _, name := range []string{"runbook.db", "runbook.db-wal", "runbook.db-shm"} {
				fi, err := os.Stat(filepath.Join(dir, name))
				require.NoError(t, err, name)
				assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), name)
			}
		})
	}
}
