package postgres

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/internal/pgtest"
	"github.com/runbook-bot/runbook-bot/runbook"
	"github.com/runbook-bot/runbook-bot/runbook/storetest"
)

var ctx = context.Background()

func TestMain(m *testing.M) {
	code := m.Run()
	pgtest.Stop()
	os.Exit(code)
}

// openTest opens the store on a new database.
func openTest(t *testing.T) *DB {
	t.Helper()
	db, err := Open(ctx, pgtest.NewDatabase(t))
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return db
}

// sql runs a statement as the superuser on the store's database.
func sql(t *testing.T, db *DB, q string, args ...any) error {
	t.Helper()
	conn, err := pgx.Connect(ctx, db.url)
	require.NoError(t, err)
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, q, args...)
	return err
}

var t0 = time.Date(2031, 3, 4, 2, 0, 0, 123456000, time.UTC)

// TestConformance runs the store conformance suite (runbook/storetest) on PostgreSQL.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) runbook.Store { return openTest(t) })
}

func TestOpen_GivenANewDatabase_WhenOpened_ThenSchemaMetaAndWriteProbe(t *testing.T) {
	db := openTest(t)
	require.NoError(t, db.Ping(ctx))
	assert.NotContains(t, db.Name(), pgtest.Password)
	assert.Contains(t, db.Name(), "xxxxx")

	conn, err := pgx.Connect(ctx, db.url)
	require.NoError(t, err)
	defer conn.Close(ctx)
	var versions []int
	rows, err := conn.Query(ctx, "SELECT version FROM schema_migrations ORDER BY version")
	require.NoError(t, err)
	versions, err = pgx.CollectRows(rows, pgx.RowTo[int])
	require.NoError(t, err)
	require.Len(t, versions, SchemaVersion())
	for i, v := range versions {
		assert.Equal(t, i+1, v)
	}

	require.NoError(t, db.View(ctx, func(tx runbook.Tx) error {
		for _, k := range []string{MetaCreatedAt, MetaOpenedAt} {
			s, ok, err := tx.Meta(k)
			require.NoError(t, err)
			require.True(t, ok, k)
			at, err := time.Parse(time.RFC3339Nano, s)
			require.NoError(t, err)
			assert.WithinDuration(t, time.Now(), at, time.Minute)
		}
		return nil
	}))
}

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

func TestOpen_GivenABadDatabase_WhenOpened_ThenAClearErrorWithoutThePassword(t *testing.T) {
	good := openTest(t).url
	u, err := url.Parse(good)
	require.NoError(t, err)
	wrongPassword := *u
	wrongPassword.User = url.UserPassword(pgtest.Superuser, "Wr0ng-S3cret")
	noDatabase := *u
	noDatabase.Path = "/no_such_database"
	nobodyListens := *u
	nobodyListens.Host = "127.0.0.1:1"

	tests := []struct {
		name string
		url  string
		want string
	}{
		{"wrong password", wrongPassword.String(), "password authentication failed"},
		{"no such database", noDatabase.String(), `database "no_such_database" does not exist`},
		{"nobody listens", nobodyListens.String(), "127.0.0.1"},
		{"bad sslmode", good + "&sslmode=sometimes", "sslmode is invalid"},
		{"not a postgres URL", "mysql://root:Wr0ng-S3cret@db/x", "not a valid PostgreSQL URL"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
			defer cancel()
			_, err := Open(ctx, tc.url)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			for _, secret := range []string{pgtest.Password, "Wr0ng-S3cret"} {
				assert.NotContains(t, err.Error(), secret)
			}
			assert.True(t, strings.Contains(err.Error(), "xxxxx@") || strings.Contains(err.Error(), "://…"), err.Error())
		})
	}
}

func TestRecordsCannotBeChangedEvenWithSQL(t *testing.T) {
	db := openTest(t)
	require.NoError(t, db.Update(ctx, func(tx runbook.Tx) error {
		return tx.AddRecord(&runbook.Record{At: t0, Kind: runbook.RecApproved, Job: "backup", Window: t0, Actor: "U1"})
	}))
	for _, q := range []string{
		"UPDATE records SET actor = 'U9'",
		"DELETE FROM records",
		"DELETE FROM records WHERE id = 1",
		"TRUNCATE records",
	} {
		err := sql(t, db, q)
		require.Error(t, err, q)
		assert.Contains(t, err.Error(), "append-only")
	}
}

func TestText_GivenTheNULCharacter_WhenStored_ThenItComesBackAsTheReplacementCharacter(t *testing.T) {
	db := openTest(t)
	o := runbook.Occurrence{Job: "nul", Slot: t0, Window: t0, State: runbook.Failed, Learnings: "a\x00b", Tail: []string{"out\x00put"}}
	require.NoError(t, db.Update(ctx, func(tx runbook.Tx) error {
		if err := tx.CreateOccurrence(&o); err != nil {
			return err
		}
		return tx.AddRecord(&runbook.Record{Occurrence: o.ID, At: t0, Kind: runbook.RecRefused, Job: "nul", Window: t0,
			Actor: "U\x001", Fields: map[string]string{"text": "x\x00y"}})
	}))
	require.NoError(t, db.View(ctx, func(tx runbook.Tx) error {
		got, err := tx.Occurrence(o.ID)
		require.NoError(t, err)
		assert.Equal(t, "a\uFFFDb", got.Learnings)
		assert.Equal(t, []string{"out\x00put"}, got.Tail, "kept exactly: stored as JSON text")
		recs, err := tx.Records(o.ID)
		require.NoError(t, err)
		require.Len(t, recs, 1)
		assert.Equal(t, "U\uFFFD1", recs[0].Actor)
		assert.Equal(t, "x\uFFFDy", recs[0].Fields["text"])
		return nil
	}))
}

// waitingForLock waits until a session of db's database waits for an advisory lock.
func waitingForLock(t *testing.T, db *DB) {
	t.Helper()
	admin, err := pgx.Connect(ctx, db.url)
	require.NoError(t, err)
	defer admin.Close(ctx)
	require.Eventually(t, func() bool {
		var waiting int
		err := admin.QueryRow(ctx, `SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database
			WHERE l.locktype = 'advisory' AND NOT l.granted AND d.datname = current_database()`).Scan(&waiting)
		return err == nil && waiting > 0
	}, 30*time.Second, 10*time.Millisecond, "a writer waits for the write lock")
}

func TestUpdate_GivenAWriterOfAnotherProcessHoldsTheLock_WhenUpdating_ThenItWaitsItsTurnAndIdsFollowCommitOrder(t *testing.T) {
	db := openTest(t)
	other, err := Open(ctx, db.url) // another process on the same database
	require.NoError(t, err)
	defer other.Close()

	holding := make(chan struct{})
	release := make(chan struct{})
	var releaseOnce sync.Once
	let := func() { releaseOnce.Do(func() { close(release) }) }
	defer let() // a failure below must not leave the other writer holding its connection
	var first runbook.Delivery
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		assert.NoError(t, other.Update(ctx, func(tx runbook.Tx) error {
			if err := tx.SetMeta("order", "other"); err != nil {
				return err
			}
			first = runbook.Delivery{Sink: runbook.SinkITSM, Key: runbook.SinkITSM, NextAt: t0, CreatedAt: t0}
			if err := tx.Enqueue(&first); err != nil {
				return err
			}
			close(holding)
			<-release
			return nil
		}))
	}()
	<-holding
	var second runbook.Delivery
	done := make(chan error, 1)
	go func() {
		done <- db.Update(ctx, func(tx runbook.Tx) error {
			v, _, err := tx.Meta("order")
			if err != nil {
				return err
			}
			second = runbook.Delivery{Sink: runbook.SinkITSM, Key: runbook.SinkITSM, NextAt: t0, CreatedAt: t0}
			if err := tx.Enqueue(&second); err != nil {
				return err
			}
			return tx.SetMeta("order", v+",mine")
		})
	}()
	waitingForLock(t, db)
	// Readers do not wait for writers.
	require.NoError(t, db.View(ctx, func(tx runbook.Tx) error { _, _, err := tx.Meta("order"); return err }))
	let()
	wg.Wait()
	require.NoError(t, <-done)
	assert.Greater(t, second.ID, first.ID, "the later commit has the greater id")
	require.NoError(t, db.View(ctx, func(tx runbook.Tx) error {
		v, _, err := tx.Meta("order")
		assert.Equal(t, "other,mine", v, "it saw the other writer's commit")
		return err
	}))
}

func TestUpdate_GivenWritersInTwoProcesses_WhenTheyRace_ThenNoUpdateIsLostAndEachTimerFiresOnce(t *testing.T) {
	db := openTest(t)
	other, err := Open(ctx, db.url)
	require.NoError(t, err)
	defer other.Close()
	var tm runbook.Timer
	require.NoError(t, db.Update(ctx, func(tx runbook.Tx) error {
		o := runbook.Occurrence{Job: "job", Slot: t0, Window: t0, State: runbook.Scheduled}
		if err := tx.CreateOccurrence(&o); err != nil {
			return err
		}
		tm = runbook.Timer{Occ: o.ID, Kind: runbook.TimerOpen, Due: t0}
		return tx.ArmTimer(&tm)
	}))
	var wg sync.WaitGroup
	var fired sync.Map
	start := make(chan struct{})
	for g, store := range []*DB{db, other, db, other} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			for i := range 25 {
				err := store.Update(ctx, func(tx runbook.Tx) error {
					n, _, err := tx.Meta("n")
					if err != nil {
						return err
					}
					var v int
					fmt.Sscan(n, &v)
					return tx.SetMeta("n", fmt.Sprint(v+1))
				})
				assert.NoError(t, err)
				if i == 0 {
					err := store.Update(ctx, func(tx runbook.Tx) error { return tx.FireTimer(tm.ID, t0) })
					if err == nil {
						fired.Store(g, true)
					} else {
						assert.Equal(t, runbook.KindConflict, runbook.KindOf(err), "%v", err)
					}
				}
			}
		}()
	}
	close(start)
	wg.Wait()
	require.NoError(t, db.View(ctx, func(tx runbook.Tx) error {
		n, _, err := tx.Meta("n")
		assert.Equal(t, "100", n)
		return err
	}))
	count := 0
	fired.Range(func(_, _ any) bool { count++; return true })
	assert.Equal(t, 1, count, "the timer fired once")
}

func TestSchemaVersion_GivenTheEmbeddedMigrations_WhenRead_ThenNumberedWithoutGaps(t *testing.T) {
	ms, err := migrations()
	require.NoError(t, err)
	require.NotEmpty(t, ms)
	assert.Equal(t, len(ms), SchemaVersion())
}
