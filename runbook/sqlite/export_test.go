package sqlite

import (
	"context"
	"path/filepath"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestExport_GivenTheSchema_ThenEveryTableIsExportedWithItsRows(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "x.db"))
	require.NoError(t, err)
	defer db.Close()
	rows, err := db.r.QueryContext(ctx, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
	require.NoError(t, err)
	var schema []string
	for rows.Next() {
		var n string
		require.NoError(t, rows.Scan(&n))
		schema = append(schema, n)
	}
	require.NoError(t, rows.Err())
	tables, err := db.Export(ctx)
	require.NoError(t, err)
	var got []string
	for _, tb := range tables {
		got = append(got, tb.Name)
		if tb.Name == "occurrences" {
			assert.Contains(t, tb.Columns, "window_at", "named as in PostgreSQL")
		}
	}
	sort.Strings(got)
	assert.Equal(t, schema, got, "a table added to the schema must be exported (and imported by runbook/postgres)")
}
