package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"time"

	"github.com/runbook-bot/runbook-bot/internal/schemafiles"
)

// migrationFiles are the schema migrations, migrations/NNNN_what.sql, applied
// in order inside one transaction each; PRAGMA user_version is the number
// applied. Append only: never edit a released one.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// SchemaVersion is the schema version this build writes (PRAGMA user_version).
func SchemaVersion() int { return schemafiles.Version(migrationFiles) }

// migrate brings the schema of the writer connection conn up to date.
func (db *DB) migrate(ctx context.Context, conn *sql.Conn) error {
	ms, err := schemafiles.Read(migrationFiles)
	if err != nil {
		return describe(db.path, err)
	}
	var version int
	if err := conn.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return describe(db.path, err)
	}
	if version > len(ms) {
		return fmt.Errorf("%s: schema version %d is newer than this runbook-bot supports (%d): upgrade runbook-bot", db.path, version, len(ms))
	}
	if version < 0 {
		return fmt.Errorf("%s: invalid schema version %d", db.path, version)
	}
	for _, m := range ms[version:] {
		if err := apply(ctx, conn, m); err != nil {
			return describe(db.path, fmt.Errorf("migration %d: %w", m.Version, err))
		}
	}
	return nil
}

// apply applies migration m and sets user_version to its version, in one transaction.
func apply(ctx context.Context, conn *sql.Conn, m schemafiles.Migration) (err error) {
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return err
	}
	defer func() {
		if err != nil {
			conn.ExecContext(context.Background(), "ROLLBACK") //nolint:errcheck // the first error matters
		}
	}()
	// Re-read under the write lock: another process may have migrated meanwhile.
	var cur int
	if err := conn.QueryRowContext(ctx, "PRAGMA user_version").Scan(&cur); err != nil {
		return err
	}
	if cur >= m.Version {
		_, err = conn.ExecContext(ctx, "COMMIT")
		return err
	}
	if _, err := conn.ExecContext(ctx, m.SQL); err != nil {
		return err
	}
	if m.Version == 1 {
		if _, err := conn.ExecContext(ctx, "INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)",
			MetaCreatedAt, time.Now().UTC().Format(time.RFC3339Nano)); err != nil {
			return err
		}
	}
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", m.Version)); err != nil {
		return err
	}
	_, err = conn.ExecContext(ctx, "COMMIT")
	return err
}
