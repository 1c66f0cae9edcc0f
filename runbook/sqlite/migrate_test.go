package sqlite

import (
	"database/sql"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/runbook-bot/runbook-bot/internal/schemafiles"
	"github.com/runbook-bot/runbook-bot/runbook"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var updateSchema = flag.Bool("update", false, "rewrite testdata/schema.golden")

// atVersion creates a database at path with only the first n migrations
// applied, as a build of that schema version left it, and closes it.
func atVersion(t *testing.T, path string, n int) {
	t.Helper()
	raw, err := sql.Open("sqlite", dsn(path, []string{"_pragma=foreign_keys(1)"}))
	require.NoError(t, err)
	defer raw.Close()
	conn, err := raw.Conn(ctx)
	require.NoError(t, err)
	defer conn.Close()
	ms, err := schemafiles.Read(migrationFiles)
	require.NoError(t, err)
	for _, m := range ms[:n] {
		require.NoError(t, apply(ctx, conn, m), "migration %d", m.Version)
	}
}

// schemaOf returns the schema of the database at path (every table, index and
// trigger as SQLite stores its text) and its user_version.
func schemaOf(t *testing.T, path string) string {
	t.Helper()
	raw, err := sql.Open("sqlite", dsn(path, []string{"mode=ro"}))
	require.NoError(t, err)
	defer raw.Close()
	var b strings.Builder
	var v int
	require.NoError(t, raw.QueryRow("PRAGMA user_version").Scan(&v))
	fmt.Fprintf(&b, "-- user_version %d\n", v)
	rows, err := raw.Query(`SELECT type, name, sql FROM sqlite_master
		WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name`)
	require.NoError(t, err)
	defer rows.Close()
	for rows.Next() {
		var typ, name, text string
		require.NoError(t, rows.Scan(&typ, &name, &text))
		fmt.Fprintf(&b, "-- %s %s\n%s;\n", typ, name, text)
	}
	require.NoError(t, rows.Err())
	return b.String()
}

func TestMigrations_GivenADatabaseAtEachOlderVersion_WhenOpened_ThenItsSchemaEqualsAFreshOne(t *testing.T) {
	dir := t.TempDir()
	fresh := filepath.Join(dir, "fresh.db")
	db, err := Open(ctx, fresh)
	require.NoError(t, err)
	require.NoError(t, db.Close())
	want := schemaOf(t, fresh)

	for n := 1; n < SchemaVersion(); n++ {
		t.Run(fmt.Sprintf("version %d", n), func(t *testing.T) {
			path := filepath.Join(dir, fmt.Sprintf("v%d.db", n))
			atVersion(t, path, n)

			db, err := Open(ctx, path)
			require.NoError(t, err)
			require.NoError(t, db.View(ctx, func(tx runbook.Tx) error {
				_, ok, err := tx.Meta(MetaCreatedAt)
				assert.True(t, ok, "created_at is kept from version 1")
				return err
			}))
			require.NoError(t, db.Close())

			assert.Equal(t, want, schemaOf(t, path))
		})
	}
}

func TestMigrations_GivenEachVersion_ThenItsSchemaIsTheRecordedOne(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	for n := 1; n <= SchemaVersion(); n++ {
		path := filepath.Join(dir, fmt.Sprintf("v%d.db", n))
		atVersion(t, path, n)
		b.WriteString(schemaOf(t, path))
	}
	golden := filepath.Join("testdata", "schema.golden")
	if *updateSchema {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(golden, []byte(b.String()), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err)
	assert.Equal(t, string(want), b.String(), "a released migration changed: append a new one instead (go test -update rewrites the golden file when a new one is added)")
}
