package pgtest

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMain(m *testing.M) {
	code := m.Run()
	Stop()
	os.Exit(code)
}

func TestNewDatabase_GivenTwoTests_WhenEachAsks_ThenEachGetsItsOwnEmptyDatabaseInOneCluster(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var urls []string
	for _, name := range []string{"first", "second"} {
		t.Run(name, func(t *testing.T) {
			u := NewDatabase(t)
			urls = append(urls, u)
			conn, err := pgx.Connect(ctx, u)
			require.NoError(t, err)
			defer conn.Close(ctx)
			var n int
			require.NoError(t, conn.QueryRow(ctx, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").Scan(&n))
			assert.Zero(t, n, "empty")
			_, err = conn.Exec(ctx, "CREATE TABLE x (id int)")
			require.NoError(t, err)
		})
	}
	require.Len(t, urls, 2)
	assert.NotEqual(t, urls[0], urls[1])
	assert.Contains(t, urls[0], Password)

	// Each database is dropped when its test ends.
	conn, err := pgx.Connect(ctx, Shared(t).URL("postgres"))
	require.NoError(t, err)
	defer conn.Close(ctx)
	var n int
	require.NoError(t, conn.QueryRow(ctx, "SELECT count(*) FROM pg_database WHERE datname ~ '^t[0-9]+_'").Scan(&n))
	assert.Zero(t, n)
}

func TestBinDir_GivenNoServerBinaries_WhenLookedUp_ThenTheErrorSaysHowToInstallThem(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	old := serverDirs
	serverDirs = filepath.Join(t.TempDir(), "*", "bin")
	defer func() { serverDirs = old }()
	_, err := BinDir()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "initdb, postgres")
	assert.Contains(t, err.Error(), "bash .ci/scripts-deps.sh")
}

func TestRestart_GivenAConnectedClient_WhenTheClusterRestarts_ThenItsConnectionBreaksAndANewOneFindsTheDataOnTheSamePort(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c, err := Start()
	require.NoError(t, err)
	t.Cleanup(c.Stop) // after the database's own clean-up
	u := c.NewDatabase(t)
	conn, err := pgx.Connect(ctx, u)
	require.NoError(t, err)
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, "CREATE TABLE x (id int); INSERT INTO x VALUES (7)")
	require.NoError(t, err)
	port := c.Port

	require.NoError(t, c.Restart(200*time.Millisecond))
	assert.Equal(t, port, c.Port)
	_, err = conn.Exec(ctx, "SELECT 1")
	assert.Error(t, err, "the old connection was cut")
	again, err := pgx.Connect(ctx, u)
	require.NoError(t, err)
	defer again.Close(ctx)
	var id int
	require.NoError(t, again.QueryRow(ctx, "SELECT id FROM x").Scan(&id))
	assert.Equal(t, 7, id)
}
