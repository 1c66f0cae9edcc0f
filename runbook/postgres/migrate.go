package postgres

import (
	"context"
	"embed"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/runbook-bot/runbook-bot/internal/schemafiles"
)

// migrationFiles are the schema migrations, migrations/NNNN_what.sql, applied
// in order, each in its own transaction. Append only: never edit a released one.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// SchemaVersion is the schema version this build writes.
func SchemaVersion() int { return schemafiles.Version(migrationFiles) }

// migrate brings the schema up to date. It holds a session advisory lock
// meanwhile, on one connection: a process starting at the same time waits,
// then finds nothing left to do.
func (db *DB) migrate(ctx context.Context, opt openOptions) error {
	ms, err := schemafiles.Read(migrationFiles)
	if err != nil {
		return db.describe(err)
	}
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		return db.describe(err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", migrateLockKey); err != nil {
		return db.describe(fmt.Errorf("waiting for the migration lock: %w", err))
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if _, err := conn.Exec(ctx, "SELECT pg_advisory_unlock($1)", migrateLockKey); err != nil {
			conn.Conn().Close(ctx) //nolint:errcheck // closing the session releases the lock
		}
	}()
	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    integer     PRIMARY KEY,
		name       text        NOT NULL,
		applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
		return db.describe(fmt.Errorf("creating schema_migrations: %w", err))
	}
	var version int
	if err := conn.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM schema_migrations").Scan(&version); err != nil {
		return db.describe(err)
	}
	if version > len(ms) {
		return fmt.Errorf("%s: schema version %d is newer than this runbook-bot supports (%d): upgrade runbook-bot", db.name, version, len(ms))
	}
	if opt.beforeMigrate != nil {
		opt.beforeMigrate(len(ms) - version)
	}
	for _, m := range ms[version:] {
		if err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, m.SQL); err != nil {
				return err
			}
			if m.Version == 1 {
				if _, err := tx.Exec(ctx, "INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
					MetaCreatedAt, time.Now().UTC().Format(time.RFC3339Nano)); err != nil {
					return err
				}
			}
			_, err := tx.Exec(ctx, "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", m.Version, m.Name)
			return err
		}); err != nil {
			return db.describe(fmt.Errorf("migration %s: %w", m.Name, err))
		}
	}
	return nil
}
