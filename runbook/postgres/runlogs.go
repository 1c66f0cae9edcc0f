package postgres

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
)

// AppendRunLog stores chunk, the next part of run's log, as part seq (0, 1,
// …), gzip-compressed. Storing a part again changes nothing, so a chunk whose
// write failed may be written again.
func (db *DB) AppendRunLog(ctx context.Context, run string, seq int, chunk []byte) error {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(chunk); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	_, err := db.pool.Exec(ctx, "INSERT INTO run_logs (run, seq, data) VALUES ($1, $2, $3) ON CONFLICT (run, seq) DO NOTHING",
		run, int32(seq), buf.Bytes())
	if err != nil {
		return fmt.Errorf("postgres: store the log of run %s: %w", run, db.describe(err))
	}
	return nil
}

// RunLog writes run's log to w, its parts in order; found is false when none
// was stored.
func (db *DB) RunLog(ctx context.Context, run string, w io.Writer) (found bool, err error) {
	rows, err := db.pool.Query(ctx, "SELECT data FROM run_logs WHERE run = $1 ORDER BY seq", run)
	if err != nil {
		return false, fmt.Errorf("postgres: read the log of run %s: %w", run, db.describe(err))
	}
	defer rows.Close()
	for rows.Next() {
		var data []byte
		if err := rows.Scan(&data); err != nil {
			return found, err
		}
		found = true
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			return found, fmt.Errorf("postgres: log of run %s: %w", run, err)
		}
		if _, err := io.Copy(w, zr); err != nil {
			return found, err
		}
	}
	if err := rows.Err(); err != nil {
		return found, fmt.Errorf("postgres: read the log of run %s: %w", run, db.describe(err))
	}
	return found, nil
}
