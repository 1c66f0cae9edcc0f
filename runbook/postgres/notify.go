package postgres

import (
	"context"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// wakeChannel is the LISTEN/NOTIFY channel on which a committed transaction
// tells every replica's loops that it armed a timer ("t" in the payload) or
// queued a delivery ("o"): a command handled by a follower is seen at once by
// the leader, which alone fires timers and delivers.
const wakeChannel = "runbook_wake"

// listenRetry is how long Listen waits before connecting again.
const listenRetry = time.Second

// notify queues the transaction's notification, sent by PostgreSQL at commit
// (and never if the transaction rolls back).
func (t *tx) notify() error {
	payload := ""
	if t.armed {
		payload += "t"
	}
	if t.queued {
		payload += "o"
	}
	if payload == "" {
		return nil
	}
	_, err := t.exec("SELECT pg_notify($1, $2)", wakeChannel, payload)
	return err
}

// Listen calls wake for every commit of any process on the database that
// armed a timer or queued a delivery, until ctx ends. It listens on a
// connection of its own and, when that breaks, connects again every
// listenRetry; after each (re)connection it calls wake(true, true), since a
// notification may have been missed meanwhile. listening (may be nil) is
// told whenever it starts listening (nil error) and whenever it stops or
// cannot start (the reason, its text free of the password).
func (db *DB) Listen(ctx context.Context, wake func(timers, deliveries bool), listening func(err error)) {
	if listening == nil {
		listening = func(error) {}
	}
	cfg := db.pool.Config().ConnConfig.Copy()
	for ctx.Err() == nil {
		conn, err := pgx.ConnectConfig(ctx, cfg)
		if err == nil {
			_, err = conn.Exec(ctx, "LISTEN "+wakeChannel)
			if err == nil {
				listening(nil)
				wake(true, true)
				err = db.listenOn(ctx, conn, wake)
			}
			cctx, cancel := context.WithTimeout(context.Background(), time.Second)
			_ = conn.Close(cctx)
			cancel()
		}
		if ctx.Err() == nil {
			listening(db.describe(err))
		}
		select {
		case <-ctx.Done():
		case <-time.After(listenRetry):
		}
	}
}

// listenOn passes conn's notifications on to wake until it fails or ctx ends.
func (db *DB) listenOn(ctx context.Context, conn *pgx.Conn, wake func(timers, deliveries bool)) error {
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		wake(strings.Contains(n.Payload, "t"), strings.Contains(n.Payload, "o"))
	}
}
