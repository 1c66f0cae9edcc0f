package postgres

import (
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/internal/pgtest"
	"github.com/runbook-bot/runbook-bot/internal/schemafiles"
	"github.com/runbook-bot/runbook-bot/runbook"
)

func TestOpen_GivenAnExistingDatabase_WhenReopened_ThenNothingIsMigratedAgainAndDataStays(t *testing.T) {
	u := pgtest.NewDatabase(t)
	db, err := Open(ctx, u)
	require.NoError(t, err)
	var created string
	require.NoError(t, db.Update(ctx, func(tx runbook.Tx) error {
		o := runbook.Occurrence{Job: "backup", Slot: t0, Window: t0, State: runbook.Scheduled}
		if err := tx.CreateOccurrence(&o); err != nil {
			return err
		}
		created, _, err = tx.Meta(MetaCreatedAt)
		return err
	}))
	require.NoError(t, db.Close())

	for range 2 {
		var pending = -1
		db, err := open(ctx, u, openOptions{beforeMigrate: func(n int) { pending = n }})
		require.NoError(t, err)
		assert.Zero(t, pending)
		require.NoError(t, db.View(ctx, func(tx runbook.Tx) error {
			got, _, err := tx.Meta(MetaCreatedAt)
			require.NoError(t, err)
			assert.Equal(t, created, got)
			os, err := tx.Occurrences(runbook.Query{})
			require.NoError(t, err)
			assert.Len(t, os, 1)
			return nil
		}))
		require.NoError(t, db.Close())
	}
}

func TestOpen_GivenTwoProcessesStartingTogether_WhenBothOpen_ThenTheSecondWaitsForTheLockAndMigratesNothing(t *testing.T) {
	u := pgtest.NewDatabase(t)
	admin, err := pgx.Connect(ctx, u)
	require.NoError(t, err)
	defer admin.Close(ctx)

	// The first holds the migration lock and waits in the middle of migrating…
	release := make(chan struct{})
	inside := make(chan int, 1)
	var wg sync.WaitGroup
	var firstErr, secondErr error
	var first, second *DB
	wg.Add(1)
	go func() {
		defer wg.Done()
		first, firstErr = open(ctx, u, openOptions{beforeMigrate: func(n int) { inside <- n; <-release }})
	}()
	require.Equal(t, SchemaVersion(), <-inside, "the first finds every migration to apply")

	// …while the second starts and waits for the lock.
	secondPending := -1
	wg.Add(1)
	go func() {
		defer wg.Done()
		second, secondErr = open(ctx, u, openOptions{beforeMigrate: func(n int) { secondPending = n }})
	}()
	require.Eventually(t, func() bool {
		var waiting int
		err := admin.QueryRow(ctx, `SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database
			WHERE l.locktype = 'advisory' AND NOT l.granted AND d.datname = current_database()`).Scan(&waiting)
		return err == nil && waiting == 1
	}, 30*time.Second, 20*time.Millisecond, "the second waits for the migration lock")

	close(release)
	wg.Wait()
	require.NoError(t, firstErr)
	require.NoError(t, secondErr)
	defer first.Close()
	defer second.Close()
	assert.Zero(t, secondPending, "the second found nothing left to migrate")

	var n, distinct int
	require.NoError(t, admin.QueryRow(ctx, "SELECT count(*), count(DISTINCT version) FROM schema_migrations").Scan(&n, &distinct))
	assert.Equal(t, SchemaVersion(), n)
	assert.Equal(t, SchemaVersion(), distinct)
	// Both work on the one schema.
	require.NoError(t, first.Update(ctx, func(tx runbook.Tx) error { return tx.SetMeta("k", "first") }))
	require.NoError(t, second.View(ctx, func(tx runbook.Tx) error {
		v, _, err := tx.Meta("k")
		assert.Equal(t, "first", v)
		return err
	}))
}

func TestOpen_GivenASchemaNewerThanThisBuild_WhenOpened_ThenTheErrorSaysUpgrade(t *testing.T) {
	db := openTest(t)
	require.NoError(t, sql(t, db, "INSERT INTO schema_migrations (version, name) VALUES ($1, 'future.sql')", SchemaVersion()+1))
	_, err := Open(ctx, db.url)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "newer than this runbook-bot supports")
	assert.NotContains(t, err.Error(), pgtest.Password)
}

func TestSchemaVersion_GivenTheEmbeddedMigrations_WhenRead_ThenNumberedWithoutGaps(t *testing.T) {
	ms, err := schemafiles.Read(migrationFiles)
	require.NoError(t, err)
	require.NotEmpty(t, ms)
	assert.Equal(t, len(ms), SchemaVersion())
}
