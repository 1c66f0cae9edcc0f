package sqlite

import (
	"database/sql"
	"fmt"
	"time"

	"github.com/runbook-bot/runbook-bot/runbook"
	sqlite3 "modernc.org/sqlite/lib"
)

// OwnRun records that owner runs attempt of occ, beating now (this process's clock).
func (t *tx) OwnRun(occ int64, attempt int, owner string) error {
	_, err := t.exec(`INSERT INTO run_beats (occ, attempt, owner, beat_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (occ) DO UPDATE SET attempt = excluded.attempt, owner = excluded.owner, beat_at = excluded.beat_at`,
		occ, attempt, owner, fmtTime(time.Now()))
	if err != nil {
		if sqliteCode(err) == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY {
			return notFound("occurrence_not_found", occ)
		}
		return fmt.Errorf("sqlite: own run of %d: %w", occ, err)
	}
	return nil
}

// BeatRun records that owner still runs attempt of occ; false when it does
// not (another owner or attempt, or the occurrence is no longer running).
func (t *tx) BeatRun(occ int64, attempt int, owner string) (bool, error) {
	res, err := t.exec(`UPDATE run_beats SET beat_at = ? WHERE occ = ? AND attempt = ? AND owner = ?
		AND EXISTS (SELECT 1 FROM occurrences WHERE id = run_beats.occ AND state = ? AND attempts = run_beats.attempt)`,
		fmtTime(time.Now()), occ, attempt, owner, string(runbook.Running))
	if err != nil {
		return false, fmt.Errorf("sqlite: beat run of %d: %w", occ, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// StaleRuns returns the running occurrences whose latest attempt's beat is older than age, or missing.
func (t *tx) StaleRuns(age time.Duration) ([]runbook.RunOwner, error) {
	rows, err := t.query(`SELECT o.id, o.attempts, coalesce(b.owner, ''), b.beat_at FROM occurrences o
		LEFT JOIN run_beats b ON b.occ = o.id AND b.attempt = o.attempts
		WHERE o.state = ? AND (b.occ IS NULL OR b.beat_at < ?) ORDER BY o.id`,
		string(runbook.Running), fmtTime(time.Now().Add(-age)))
	if err != nil {
		return nil, fmt.Errorf("sqlite: stale runs: %w", err)
	}
	defer rows.Close()
	var out []runbook.RunOwner
	for rows.Next() {
		var (
			r    runbook.RunOwner
			beat sql.NullString
		)
		if err := rows.Scan(&r.Occ, &r.Attempt, &r.Owner, &beat); err != nil {
			return nil, fmt.Errorf("sqlite: stale runs: %w", err)
		}
		if at, err := parseNullTime(beat); err != nil {
			return nil, err
		} else if at != nil {
			r.Beat = *at
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: stale runs: %w", err)
	}
	return out, nil
}
