package postgres

import (
	"context"
	"net/url"
	"os"
	"strings"
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
