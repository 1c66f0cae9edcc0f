package postgres

import (
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// OwnRun records that owner runs attempt of occ, beating now by the database's clock.
func (t *tx) OwnRun(occ int64, attempt int, owner string) error {
	// Written only when the occurrence exists, so a missing one is not an
	// error of the server (which would end the transaction).
	tag, err := t.exec(`INSERT INTO run_beats (occ, attempt, owner, beat_at)
		SELECT $1, $2, $3, clock_timestamp() WHERE EXISTS (SELECT 1 FROM occurrences WHERE id = $1)
		ON CONFLICT (occ) DO UPDATE SET attempt = excluded.attempt, owner = excluded.owner, beat_at = excluded.beat_at`,
		occ, int32(attempt), owner)
	if err != nil {
		return fmt.Errorf("postgres: own run of %d: %w", occ, err)
	}
	if tag.RowsAffected() == 0 {
		return notFound("occurrence_not_found", occ)
	}
	return nil
}

// BeatRun records that owner still runs attempt of occ; false when it does
// not (another owner or attempt, or the occurrence is no longer running).
func (t *tx) BeatRun(occ int64, attempt int, owner string) (bool, error) {
	tag, err := t.exec(`UPDATE run_beats b SET beat_at = clock_timestamp() WHERE occ = $1 AND attempt = $2 AND owner = $3
		AND EXISTS (SELECT 1 FROM occurrences o WHERE o.id = b.occ AND o.state = $4 AND o.attempts = b.attempt)`,
		occ, int32(attempt), owner, string(runbook.Running))
	if err != nil {
		return false, fmt.Errorf("postgres: beat run of %d: %w", occ, err)
	}
	return tag.RowsAffected() == 1, nil
}

// StaleRuns returns the running occurrences whose latest attempt's beat is
// older than age by the database's clock, or missing.
func (t *tx) StaleRuns(age time.Duration) ([]runbook.RunOwner, error) {
	var out []runbook.RunOwner
	err := t.rows(`SELECT o.id, o.attempts, coalesce(b.owner, ''), b.beat_at FROM occurrences o
		LEFT JOIN run_beats b ON b.occ = o.id AND b.attempt = o.attempts
		WHERE o.state = $1 AND (b.occ IS NULL OR b.beat_at < clock_timestamp() - make_interval(secs => $2))
		ORDER BY o.id`, []any{string(runbook.Running), age.Seconds()}, func(rs pgx.Rows) error {
		var (
			r       runbook.RunOwner
			attempt int32
			beat    *time.Time
		)
		if err := rs.Scan(&r.Occ, &attempt, &r.Owner, &beat); err != nil {
			return err
		}
		r.Attempt = int(attempt)
		if beat != nil {
			r.Beat = beat.UTC()
		}
		out = append(out, r)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: stale runs: %w", err)
	}
	return out, nil
}
