package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/runbook"
)

func testOccurrenceRoundTrip(t *testing.T, open Opener) {
	db := open(t)
	exit := 3
	full := runbook.Occurrence{
		Job: "pg-backup", Slot: t0, Window: t0.Add(90 * time.Minute), State: runbook.Failed,
		RequestedAt: tp(t0.Add(-24 * time.Hour)), Reschedules: 2,
		ApprovedBy: "U1", ApprovedAt: tp(t0.Add(-time.Hour)),
		DeclinedBy: "U2", DeclineReason: "freeze",
		RunBy: "U3", StartedAt: tp(t0.Add(time.Minute)), FinishedAt: tp(t0.Add(2 * time.Minute)),
		ExitCode: &exit, Reason: runbook.ReasonExit, Attempts: 2, LogSHA256: "abc123", LogError: "write run.log: no space left on device (after 65536 bytes)",
		Delayed: true, Justification: "late ✓ 'quoted'",
		FailedAt: tp(t0.Add(2 * time.Minute)), IncidentDeadline: tp(t0.Add(17 * time.Minute)),
		IncidentRef: "INC-1", IncidentBy: "U4", IncidentAt: tp(t0.Add(5 * time.Minute)), Escalated: true,
		Approved: &runbook.Terms{Argv: []string{"scripts/swap.sh", "--mode", "plan", "a b"}, Owners: []string{"Platform (Ana)", "SRE (Lucas)"},
			Deps: []string{"`psql`", "variáveis `DEV_URL`"}, Digest: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"},
		Learnings: "more disk", Tail: []string{"line 1", "<!channel> line 2"}, RunHandle: "pgid:4242",
		Tickets: &runbook.TicketReport{Total: 2, Tickets: []runbook.Ticket{{Key: "#12", Title: "Seed is slow", URL: "https://github.com/acme/infra/issues/12", Labels: []string{"runbook:pg-backup"}}},
			Blockers: []runbook.Ticket{{Key: "#13", Title: "Broken", Labels: []string{"blocker"}}}, More: 1},
	}
	zeroExit := 0
	minimal := newOcc("minimal", time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
	minimal.ExitCode = &zeroExit

	for name, in := range map[string]runbook.Occurrence{"full": full, "minimal": minimal, "bare": newOcc("bare", t0)} {
		t.Run(name, func(t *testing.T) {
			o := in
			update(t, db, func(tx runbook.Tx) error { return tx.CreateOccurrence(&o) })
			require.NotZero(t, o.ID)
			want := utc(o)
			view(t, db, func(tx runbook.Tx) {
				got, err := tx.Occurrence(o.ID)
				require.NoError(t, err)
				assert.Equal(t, want, got)
				assert.Equal(t, time.UTC, got.Window.Location())
				assert.True(t, got.Slot.Equal(in.Slot))

				got, ok, err := tx.OccurrenceAt(in.Job, in.Slot.In(time.Local))
				require.NoError(t, err)
				require.True(t, ok)
				assert.Equal(t, want, got)
			})
			// Save clears everything back.
			blank := newOcc(o.Job, o.Slot)
			blank.ID = o.ID
			update(t, db, func(tx runbook.Tx) error { return tx.SaveOccurrence(blank) })
			view(t, db, func(tx runbook.Tx) {
				got, err := tx.Occurrence(o.ID)
				require.NoError(t, err)
				assert.Equal(t, utc(blank), got)
			})
		})
	}
}

func testOccurrenceErrors(t *testing.T, open Opener) {
	db := open(t)
	var id int64
	update(t, db, func(tx runbook.Tx) error {
		o := newOcc("backup", t0)
		require.NoError(t, tx.CreateOccurrence(&o))
		other := newOcc("other", t0)
		require.NoError(t, tx.CreateOccurrence(&other))
		id = o.ID
		return nil
	})
	tests := []struct {
		name string
		fn   func(tx runbook.Tx) error
		kind runbook.Kind
		code string
		args map[string]any // nil: not checked
	}{
		{"duplicate job and slot", func(tx runbook.Tx) error {
			o := newOcc("backup", t0.UTC())
			return tx.CreateOccurrence(&o)
		}, runbook.KindConflict, "occurrence_exists", nil},
		{"duplicate id", func(tx runbook.Tx) error {
			o := newOcc("fresh", t0)
			o.ID = id
			return tx.CreateOccurrence(&o)
		}, runbook.KindConflict, "occurrence_exists", nil},
		{"save onto another's job and slot", func(tx runbook.Tx) error {
			o := newOcc("other", t0)
			o.ID = id
			return tx.SaveOccurrence(o)
		}, runbook.KindConflict, "occurrence_exists", nil},
		{"missing", func(tx runbook.Tx) error { _, err := tx.Occurrence(id + 99); return err },
			runbook.KindNotFound, "occurrence_not_found", map[string]any{"id": id + 99}},
		{"save missing", func(tx runbook.Tx) error {
			o := newOcc("x", t0)
			o.ID = id + 99
			return tx.SaveOccurrence(o)
		}, runbook.KindNotFound, "occurrence_not_found", map[string]any{"id": id + 99}},
		{"delete missing", func(tx runbook.Tx) error { return tx.DeleteOccurrence(id + 99) },
			runbook.KindNotFound, "occurrence_not_found", map[string]any{"id": id + 99}},
		{"timer of missing occurrence", func(tx runbook.Tx) error {
			return tx.ArmTimer(&runbook.Timer{Occ: id + 99, Kind: runbook.TimerOpen, Due: t0})
		}, runbook.KindNotFound, "occurrence_not_found", nil},
		{"fire missing timer", func(tx runbook.Tx) error { return tx.FireTimer(99999, t0) },
			runbook.KindNotFound, "timer_not_found", nil},
		{"deliver missing row", func(tx runbook.Tx) error { return tx.MarkDelivered(99999, t0) },
			runbook.KindNotFound, "delivery_not_found", nil},
		{"retry missing row", func(tx runbook.Tx) error { return tx.RetryDelivery(99999, t0, "x") },
			runbook.KindNotFound, "delivery_not_found", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := db.Update(ctx, tc.fn)
			require.Error(t, err)
			var e *runbook.Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, tc.kind, e.Kind)
			assert.Equal(t, tc.code, e.Code)
			if tc.args != nil {
				assert.Equal(t, tc.args, e.Args)
			}
		})
	}
	// Nothing changed.
	view(t, db, func(tx runbook.Tx) {
		_, ok, err := tx.OccurrenceAt("backup", t0.Add(time.Microsecond))
		require.NoError(t, err)
		assert.False(t, ok)
		os, err := tx.Occurrences(runbook.Query{})
		require.NoError(t, err)
		require.Len(t, os, 2)
		assert.Equal(t, "backup", os[0].Job)
		assert.Equal(t, "other", os[1].Job)
	})
}

func testOccurrencesQuery(t *testing.T, open Opener) {
	db := open(t)
	base := time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)
	ids := map[string]int64{}
	update(t, db, func(tx runbook.Tx) error {
		for i, spec := range []struct {
			job   string
			state runbook.State
		}{
			{"a", runbook.Succeeded}, {"b", runbook.Failed}, {"a", runbook.Scheduled},
			{"b", runbook.Running}, {"a", runbook.Failed}, {"c", runbook.Cancelled},
		} {
			o := newOcc(spec.job, base.Add(time.Duration(i)*24*time.Hour))
			o.State = spec.state
			require.NoError(t, tx.CreateOccurrence(&o))
			ids[fmt.Sprintf("%s%d", spec.job, i)] = o.ID
		}
		// Same window as a0, later id: ties go by id.
		o := newOcc("d", base)
		o.Slot = base.Add(-time.Hour)
		require.NoError(t, tx.CreateOccurrence(&o))
		ids["d0"] = o.ID
		return nil
	})
	day := func(i int) time.Time { return base.Add(time.Duration(i) * 24 * time.Hour) }
	tests := []struct {
		name string
		q    runbook.Query
		want []string
	}{
		{"all by window then id", runbook.Query{}, []string{"a0", "d0", "b1", "a2", "b3", "a4", "c5"}},
		{"desc", runbook.Query{Desc: true}, []string{"c5", "a4", "b3", "a2", "b1", "d0", "a0"}},
		{"job", runbook.Query{Job: "a"}, []string{"a0", "a2", "a4"}},
		{"job desc limit", runbook.Query{Job: "a", Desc: true, Limit: 1}, []string{"a4"}},
		{"limit", runbook.Query{Limit: 3}, []string{"a0", "d0", "b1"}},
		{"states", runbook.Query{States: []runbook.State{runbook.Failed, runbook.Cancelled}}, []string{"b1", "a4", "c5"}},
		{"one state", runbook.Query{States: []runbook.State{runbook.Running}}, []string{"b3"}},
		{"window range", runbook.Query{WindowFrom: day(1), WindowUntil: day(4)}, []string{"b1", "a2", "b3"}},
		{"window from in another zone", runbook.Query{WindowFrom: day(4).In(time.FixedZone("X", 5*3600))}, []string{"a4", "c5"}},
		{"combined", runbook.Query{Job: "a", States: []runbook.State{runbook.Failed, runbook.Succeeded}, WindowUntil: day(5), Desc: true, Limit: 5}, []string{"a4", "a0"}},
		{"none", runbook.Query{Job: "zzz"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			view(t, db, func(tx runbook.Tx) {
				os, err := tx.Occurrences(tc.q)
				require.NoError(t, err)
				var got []int64
				for _, o := range os {
					got = append(got, o.ID)
				}
				var want []int64
				for _, k := range tc.want {
					want = append(want, ids[k])
				}
				assert.Equal(t, want, got)
			})
		})
	}
}

func testCreateOccurrenceWithID(t *testing.T, open Opener) {
	db := open(t)
	// An occurrence created with its id (as when copying a database) keeps it,
	// and later ones get ids after it.
	var kept, next runbook.Occurrence
	update(t, db, func(tx runbook.Tx) error {
		kept = newOcc("copied", t0)
		kept.ID = 41
		require.NoError(t, tx.CreateOccurrence(&kept))
		next = newOcc("new", t0)
		return tx.CreateOccurrence(&next)
	})
	assert.Equal(t, int64(41), kept.ID)
	assert.Greater(t, next.ID, int64(41))
	view(t, db, func(tx runbook.Tx) {
		got, err := tx.Occurrence(41)
		require.NoError(t, err)
		assert.Equal(t, "copied", got.Job)
	})
}

func testDeleteOccurrenceDropsTimers(t *testing.T, open Opener) {
	db := open(t)
	var keep, gone runbook.Occurrence
	update(t, db, func(tx runbook.Tx) error {
		keep, gone = newOcc("a", t0), newOcc("b", t0)
		require.NoError(t, tx.CreateOccurrence(&keep))
		require.NoError(t, tx.CreateOccurrence(&gone))
		for _, o := range []runbook.Occurrence{keep, gone} {
			for _, k := range []runbook.TimerKind{runbook.TimerConfirm, runbook.TimerOpen} {
				require.NoError(t, tx.ArmTimer(&runbook.Timer{Occ: o.ID, Kind: k, Due: t0}))
			}
		}
		return tx.DeleteOccurrence(gone.ID)
	})
	view(t, db, func(tx runbook.Tx) {
		ts, err := tx.PendingTimers()
		require.NoError(t, err)
		require.Len(t, ts, 2)
		for _, tm := range ts {
			assert.Equal(t, keep.ID, tm.Occ)
		}
		_, err = tx.Occurrence(gone.ID)
		assert.Equal(t, runbook.KindNotFound, runbook.KindOf(err))
	})
}

func testRecordsAppendOnly(t *testing.T, open Opener) {
	db := open(t)
	var occ runbook.Occurrence
	recs := []runbook.Record{
		{At: t0, Kind: runbook.RecApproved, Job: "backup", Window: t0, Actor: "U1", Envelope: "env-1"},
		{At: t0.Add(time.Second), Kind: runbook.RecRunFinished, Job: "backup", Window: t0,
			Fields: map[string]string{"result": "failed", "exit_code": "3", "reason": "exit", "text": `"quoted" \ ✓`}},
	}
	update(t, db, func(tx runbook.Tx) error {
		occ = newOcc("backup", t0)
		require.NoError(t, tx.CreateOccurrence(&occ))
		for i := range recs {
			recs[i].Occurrence = occ.ID
			require.NoError(t, tx.AddRecord(&recs[i]))
			require.NotZero(t, recs[i].ID)
		}
		// A record of no occurrence (e.g. a refused dry run of an unknown job).
		return tx.AddRecord(&runbook.Record{At: t0, Kind: runbook.RecRefused, Job: "nope"})
	})
	assert.Less(t, recs[0].ID, recs[1].ID, "ids grow")
	view(t, db, func(tx runbook.Tx) {
		got, err := tx.Records(occ.ID)
		require.NoError(t, err)
		require.Len(t, got, 2)
		for i := range recs {
			want := recs[i]
			want.At, want.Window = want.At.UTC(), want.Window.UTC()
			assert.Equal(t, want, got[i])
		}
		none, err := tx.Records(0)
		require.NoError(t, err)
		require.Len(t, none, 1)
		assert.True(t, none[0].Window.IsZero(), "the zero time round-trips")
		assert.Nil(t, none[0].Fields)
		missing, err := tx.Records(occ.ID + 99)
		require.NoError(t, err)
		assert.Empty(t, missing)
	})
}

func testTimesOutOfRange(t *testing.T, open Opener) {
	db := open(t)
	tests := []struct {
		name string
		fn   func(tx runbook.Tx) error
	}{
		{"slot after 9999", func(tx runbook.Tx) error {
			o := newOcc("x", time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC))
			return tx.CreateOccurrence(&o)
		}},
		{"slot before year 0", func(tx runbook.Tx) error {
			o := newOcc("x", time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC))
			return tx.CreateOccurrence(&o)
		}},
		{"record", func(tx runbook.Tx) error {
			return tx.AddRecord(&runbook.Record{At: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), Kind: runbook.RecRefused})
		}},
		{"delivery", func(tx runbook.Tx) error {
			return tx.Enqueue(&runbook.Delivery{Sink: runbook.SinkChat, NextAt: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), CreatedAt: t0})
		}},
		{"due timers", func(tx runbook.Tx) error {
			_, err := tx.DueTimers(time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), 0)
			return err
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := db.Update(ctx, tc.fn)
			assert.Equal(t, runbook.KindInvalid, runbook.KindOf(err), "%v", err)
		})
	}
	// A lookup at a time no occurrence can have finds none.
	view(t, db, func(tx runbook.Tx) {
		_, ok, err := tx.OccurrenceAt("x", time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC))
		require.NoError(t, err)
		assert.False(t, ok)
	})
}

func testTimesKeepMicroseconds(t *testing.T, open Opener) {
	db := open(t)
	ns := time.Date(2031, 3, 4, 2, 0, 0, 123456789, time.UTC)
	o := newOcc("ns", ns)
	update(t, db, func(tx runbook.Tx) error { return tx.CreateOccurrence(&o) })
	view(t, db, func(tx runbook.Tx) {
		got, err := tx.Occurrence(o.ID)
		require.NoError(t, err)
		assert.False(t, got.Slot.After(ns), "never later than stored")
		assert.Less(t, ns.Sub(got.Slot), time.Microsecond, "exact to the microsecond")
	})
}
