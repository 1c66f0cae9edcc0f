package sqlite

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/runbook"
	"github.com/runbook-bot/runbook-bot/runbook/storetest"
)

// TestConformance runs the store conformance suite (runbook/storetest) on SQLite.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) runbook.Store { return openTest(t) })
}

func TestRecordsCannotBeChangedEvenWithSQL(t *testing.T) {
	db := openTest(t)
	update(t, db, func(tx runbook.Tx) error {
		return tx.AddRecord(&runbook.Record{At: t0, Kind: runbook.RecApproved, Job: "backup", Window: t0, Actor: "U1"})
	})
	for _, q := range []string{
		"UPDATE records SET actor = 'U9'",
		"DELETE FROM records",
		"DELETE FROM records WHERE id = 1",
	} {
		_, err := db.w.Exec(q)
		require.Error(t, err, q)
		assert.Contains(t, err.Error(), "append-only")
	}
}

func TestTimesKeepNanoseconds(t *testing.T) {
	db := openTest(t)
	o := newOcc("ns", t0)
	update(t, db, func(tx runbook.Tx) error { return tx.CreateOccurrence(&o) })
	require.NoError(t, db.View(ctx, func(tx runbook.Tx) error {
		got, err := tx.Occurrence(o.ID)
		require.NoError(t, err)
		assert.Equal(t, t0.UTC(), got.Slot, "SQLite keeps the nanoseconds")
		return nil
	}))
}

func BenchmarkUpdate(b *testing.B) {
	db := openTest(b)
	payload := []byte(`{"kind":"run_result","key":"occ/1/run/1","channel":"runbook","occ":{"job":"pg-backup"}}`)
	b.ResetTimer()
	start := time.Now()
	for i := range b.N {
		err := db.Update(ctx, func(tx runbook.Tx) error {
			o := newOcc("pg-backup", t0.Add(time.Duration(i)*time.Minute))
			if err := tx.CreateOccurrence(&o); err != nil {
				return err
			}
			o.State = runbook.Succeeded
			if err := tx.SaveOccurrence(o); err != nil {
				return err
			}
			if err := tx.AddRecord(&runbook.Record{Occurrence: o.ID, At: t0, Kind: runbook.RecRunFinished, Job: o.Job,
				Window: o.Window, Fields: map[string]string{"result": "succeeded"}}); err != nil {
				return err
			}
			return tx.Enqueue(&runbook.Delivery{Sink: runbook.SinkChat, Key: o.RunKey(1), Payload: payload, NextAt: t0, CreatedAt: t0})
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "tx/s")
}
