package main

import (
	"context"
	"time"

	"github.com/runbook-bot/runbook-bot/runbook"
	"github.com/runbook-bot/runbook-bot/runbook/postgres"
	"github.com/runbook-bot/runbook-bot/runbook/sqlite"
)

// stateStore is what the commands need of the store RUNBOOK_DB names: the
// port, and the figures the metrics read.
type stateStore interface {
	runbook.Store
	StatsAt(ctx context.Context, now time.Time) (runbook.StoreStats, error)
}

// openStore opens the store RUNBOOK_DB selects: PostgreSQL for a postgres://
// URL, else the SQLite file. Every command opens its store here.
func openStore(ctx context.Context, cfg Config) (stateStore, error) {
	if cfg.StoreKind() == StorePostgres {
		db, err := postgres.Open(ctx, cfg.DB)
		if err != nil {
			return nil, err
		}
		return db, nil
	}
	db, err := sqlite.Open(ctx, cfg.DB)
	if err != nil {
		return nil, err
	}
	return db, nil
}

// storeText names the store for logs and validate, never with a password.
func storeText(cfg Config) string {
	if cfg.StoreKind() == StorePostgres {
		return "PostgreSQL " + postgres.Redact(cfg.DB)
	}
	return "SQLite " + cfg.DB
}
