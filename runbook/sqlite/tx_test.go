package sqlite

import (
	"fmt"
	"testing"
	"time"

	"github.com/runbook-bot/runbook-bot/runbook"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestOccurrenceRoundTrip(t *testing.T) {
	db := openTest(t)
	exit := 3
	full := runbook.Occurrence{
		Job: "pg-backup", Slot: t0, Window: t0.Add(90 * time.Minute), State: runbook.Failed,
		RequestedAt: tp(t0.Add(-24 * time.Hour)), Reschedules: 2,
		ApprovedBy: "U1", ApprovedAt: tp(t0.Add(-time.Hour)),
		DeclinedBy: "U2", DeclineReason: "freeze",
		RunBy: "U3", StartedAt: tp(t0.Add(time.Minute)), FinishedAt: tp(t0.Add(2 * time.Minute)),
		ExitCode: &exit, Reason: runbook.ReasonExit, Attempts: 2, LogSHA256: "abc123",
		Delayed: true, Justification: "late ✓ 'quoted'",
		FailedAt: tp(t0.Add(2 * time.Minute)), IncidentDeadline: tp(t0.Add(17 * time.Minute)),
		IncidentRef: "INC-1", IncidentBy: "U4", IncidentAt: tp(t0.Add(5 * time.Minute)), Escalated: true,
		Learnings: "more disk", Tail: []string{"line 1", "<!channel> line 2"},
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
			require.NoError(t, db.View(ctx, func(tx runbook.Tx) error {
				got, err := tx.Occurrence(o.ID)
				require.NoError(t, err)
				assert.Equal(t, want, got)
				assert.Equal(t, time.UTC, got.Window.Location())
				assert.True(t, got.Slot.Equal(in.Slot))

				got, ok, err := tx.OccurrenceAt(in.Job, in.Slot.In(time.Local))
				require.NoError(t, err)
				require.True(t, ok)
				assert.Equal(t, want, got)
				return nil
			}))
			// Save clears everything back.
			blank := newOcc(o.Job, o.Slot)
			blank.ID = o.ID
			update(t, db, func(tx runbook.Tx) error { return tx.SaveOccurrence(blank) })
			require.NoError(t, db.View(ctx, func(tx runbook.Tx) error {
				got, err := tx.Occurrence(o.ID)
				require.NoError(t, err)
				assert.Equal(t, utc(blank), got)
				return nil
			}))
		})
	}
}

// utc returns o with every time in UTC, as the store returns them.
func utc(o runbook.Occurrence) runbook.Occurrence {
	o.Slot, o.Window = o.Slot.UTC(), o.Window.UTC()
	for _, p := range []**time.Time{&o.RequestedAt, &o.ApprovedAt, &o.StartedAt, &o.FinishedAt, &o.FailedAt, &o.IncidentDeadline, &o.IncidentAt} {
		if *p != nil {
			*p = tp((**p).UTC())
		}
	}
	return o
}

func TestOccurrenceErrors(t *testing.T) {
	db := openTest(t)
	var id int64
	update(t, db, func(tx runbook.Tx) error {
		o := newOcc("backup", t0)
		require.NoError(t, tx.CreateOccurrence(&o))
		id = o.ID
		return nil
	})
	tests := []struct {
		name string
		fn   func(tx runbook.Tx) error
		kind runbook.Kind
		code string
	}{
		{"duplicate job and slot", func(tx runbook.Tx) error {
			o := newOcc("backup", t0.UTC())
			return tx.CreateOccurrence(&o)
		}, runbook.KindConflict, "occurrence_exists"},
		{"missing", func(tx runbook.Tx) error { _, err := tx.Occurrence(id + 99); return err }, runbook.KindNotFound, "occurrence_not_found"},
		{"save missing", func(tx runbook.Tx) error {
			o := newOcc("x", t0)
			o.ID = id + 99
			return tx.SaveOccurrence(o)
		}, runbook.KindNotFound, "occurrence_not_found"},
		{"delete missing", func(tx runbook.Tx) error { return tx.DeleteOccurrence(id + 99) }, runbook.KindNotFound, "occurrence_not_found"},
		{"timer of missing occurrence", func(tx runbook.Tx) error {
			return tx.ArmTimer(&runbook.Timer{Occ: id + 99, Kind: runbook.TimerOpen, Due: t0})
		}, runbook.KindNotFound, "occurrence_not_found"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := db.Update(ctx, tc.fn)
			require.Error(t, err)
			var e *runbook.Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, tc.kind, e.Kind)
			assert.Equal(t, tc.code, e.Code)
			if tc.kind == runbook.KindNotFound && tc.code == "occurrence_not_found" && tc.name != "timer of missing occurrence" {
				assert.Equal(t, map[string]any{"id": id + 99}, e.Args)
			}
		})
	}
	require.NoError(t, db.View(ctx, func(tx runbook.Tx) error {
		_, ok, err := tx.OccurrenceAt("backup", t0.Add(time.Nanosecond))
		require.NoError(t, err)
		assert.False(t, ok)
		return nil
	}))
}

func TestOccurrencesQuery(t *testing.T) {
	db := openTest(t)
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
		return nil
	})
	day := func(i int) time.Time { return base.Add(time.Duration(i) * 24 * time.Hour) }
	tests := []struct {
		name string
		q    runbook.Query
		want []string
	}{
		{"all by window", runbook.Query{}, []string{"a0", "b1", "a2", "b3", "a4", "c5"}},
		{"desc", runbook.Query{Desc: true}, []string{"c5", "a4", "b3", "a2", "b1", "a0"}},
		{"job", runbook.Query{Job: "a"}, []string{"a0", "a2", "a4"}},
		{"job desc limit", runbook.Query{Job: "a", Desc: true, Limit: 1}, []string{"a4"}},
		{"states", runbook.Query{States: []runbook.State{runbook.Failed, runbook.Cancelled}}, []string{"b1", "a4", "c5"}},
		{"one state", runbook.Query{States: []runbook.State{runbook.Running}}, []string{"b3"}},
		{"window range", runbook.Query{WindowFrom: day(1), WindowUntil: day(4)}, []string{"b1", "a2", "b3"}},
		{"window from in another zone", runbook.Query{WindowFrom: day(4).In(time.FixedZone("X", 5*3600))}, []string{"a4", "c5"}},
		{"combined", runbook.Query{Job: "a", States: []runbook.State{runbook.Failed, runbook.Succeeded}, WindowUntil: day(5), Desc: true, Limit: 5}, []string{"a4", "a0"}},
		{"none", runbook.Query{Job: "zzz"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.NoError(t, db.View(ctx, func(tx runbook.Tx) error {
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
				return nil
			}))
		})
	}
}

func TestDeleteOccurrenceDropsTimers(t *testing.T) {
	db := openTest(t)
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
	require.NoError(t, db.View(ctx, func(tx runbook.Tx) error {
		ts, err := tx.PendingTimers()
		require.NoError(t, err)
		require.Len(t, ts, 2)
		for _, tm := range ts {
			assert.Equal(t, keep.ID, tm.Occ)
		}
		_, err = tx.Occurrence(gone.ID)
		assert.Equal(t, runbook.KindNotFound, runbook.KindOf(err))
		return nil
	}))
}

func TestRecordsAppendOnly(t *testing.T) {
	db := openTest(t)
	var occ runbook.Occurrence
	recs := []runbook.Record{
		{At: t0, Kind: runbook.RecApproved, Job: "backup", Window: t0, Actor: "U1", Envelope: "env-1"},
		{At: t0.Add(time.Second), Kind: runbook.RecRunFinished, Job: "backup", Window: t0,
			Fields: map[string]string{"result": "failed", "exit_code": "3", "reason": "exit"}},
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
	require.NoError(t, db.View(ctx, func(tx runbook.Tx) error {
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
		return nil
	}))
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

func TestTimers(t *testing.T) {
	db := openTest(t)
	var occ runbook.Occurrence
	update(t, db, func(tx runbook.Tx) error {
		occ = newOcc("backup", t0)
		return tx.CreateOccurrence(&occ)
	})
	var confirm, rem0, rem1, open runbook.Timer
	update(t, db, func(tx runbook.Tx) error {
		confirm = runbook.Timer{Occ: occ.ID, Kind: runbook.TimerConfirm, Due: t0.Add(-24 * time.Hour)}
		rem0 = runbook.Timer{Occ: occ.ID, Kind: runbook.TimerReminder, Seq: 0, Due: t0.Add(-4 * time.Hour)}
		rem1 = runbook.Timer{Occ: occ.ID, Kind: runbook.TimerReminder, Seq: 1, Due: t0.Add(-time.Hour)}
		open = runbook.Timer{Occ: occ.ID, Kind: runbook.TimerOpen, Due: t0}
		for _, tm := range []*runbook.Timer{&open, &rem1, &rem0, &confirm} {
			require.NoError(t, tx.ArmTimer(tm))
			require.NotZero(t, tm.ID)
		}
		return nil
	})

	view := func(fn func(tx runbook.Tx)) {
		t.Helper()
		require.NoError(t, db.View(ctx, func(tx runbook.Tx) error { fn(tx); return nil }))
	}
	ids := func(ts []runbook.Timer) []int64 {
		var out []int64
		for _, tm := range ts {
			out = append(out, tm.ID)
		}
		return out
	}

	view(func(tx runbook.Tx) {
		next, ok, err := tx.NextTimer()
		require.NoError(t, err)
		require.True(t, ok)
		assert.Equal(t, confirm.ID, next.ID)
		assert.True(t, next.Due.Equal(confirm.Due))
		assert.Nil(t, next.Fired)

		due, err := tx.DueTimers(t0.Add(-4*time.Hour), 0)
		require.NoError(t, err)
		assert.Equal(t, []int64{confirm.ID, rem0.ID}, ids(due), "due ≤ now, by due")
		due, err = tx.DueTimers(t0, 1)
		require.NoError(t, err)
		assert.Equal(t, []int64{confirm.ID}, ids(due), "limit")
		all, err := tx.PendingTimers()
		require.NoError(t, err)
		assert.Equal(t, []int64{confirm.ID, rem0.ID, rem1.ID, open.ID}, ids(all))
	})

	// Re-arm an unfired timer: same row, new due.
	update(t, db, func(tx runbook.Tx) error {
		re := runbook.Timer{Occ: occ.ID, Kind: runbook.TimerOpen, Due: t0.Add(time.Hour)}
		require.NoError(t, tx.ArmTimer(&re))
		assert.Equal(t, open.ID, re.ID)
		return nil
	})
	view(func(tx runbook.Tx) {
		all, err := tx.PendingTimers()
		require.NoError(t, err)
		require.Len(t, all, 4)
		assert.Equal(t, open.ID, all[3].ID)
		assert.Equal(t, t0.Add(time.Hour).UTC(), all[3].Due)
	})

	// Fire once; firing again is a conflict; re-arming a fired timer leaves it fired.
	firedAt := t0.Add(-23 * time.Hour)
	update(t, db, func(tx runbook.Tx) error { return tx.FireTimer(confirm.ID, firedAt) })
	err := db.Update(ctx, func(tx runbook.Tx) error { return tx.FireTimer(confirm.ID, firedAt.Add(time.Minute)) })
	var e *runbook.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, runbook.KindConflict, e.Kind)
	assert.Equal(t, "timer_already_fired", e.Code)
	err = db.Update(ctx, func(tx runbook.Tx) error { return tx.FireTimer(99999, firedAt) })
	assert.Equal(t, runbook.KindNotFound, runbook.KindOf(err))

	update(t, db, func(tx runbook.Tx) error {
		re := runbook.Timer{Occ: occ.ID, Kind: runbook.TimerConfirm, Due: t0.Add(time.Hour)}
		require.NoError(t, tx.ArmTimer(&re))
		assert.Equal(t, confirm.ID, re.ID)
		require.NotNil(t, re.Fired)
		assert.Equal(t, firedAt.UTC(), *re.Fired)
		assert.Equal(t, confirm.Due.UTC(), re.Due, "a fired timer keeps its due time")
		return nil
	})
	view(func(tx runbook.Tx) {
		due, err := tx.DueTimers(t0.Add(10*time.Hour), 0)
		require.NoError(t, err)
		assert.Equal(t, []int64{rem0.ID, rem1.ID, open.ID}, ids(due), "a fired timer is never due again")
	})

	// Disarm: no kinds is a no-op; kinds drop only unfired timers of those kinds.
	update(t, db, func(tx runbook.Tx) error {
		require.NoError(t, tx.DisarmTimers(occ.ID))
		return tx.DisarmTimers(occ.ID, runbook.TimerReminder, runbook.TimerConfirm)
	})
	view(func(tx runbook.Tx) {
		all, err := tx.PendingTimers()
		require.NoError(t, err)
		assert.Equal(t, []int64{open.ID}, ids(all))
		var n int
		require.NoError(t, db.w.QueryRow("SELECT count(*) FROM timers WHERE id = ?", confirm.ID).Scan(&n))
		assert.Equal(t, 1, n, "the fired confirm timer stays")
	})

	update(t, db, func(tx runbook.Tx) error { return tx.FireTimer(open.ID, t0) })
	view(func(tx runbook.Tx) {
		_, ok, err := tx.NextTimer()
		require.NoError(t, err)
		assert.False(t, ok)
	})
}

func TestClaim(t *testing.T) {
	db := openTest(t)
	for i, want := range []bool{true, false, false} {
		update(t, db, func(tx runbook.Tx) error {
			fresh, err := tx.Claim("trigger-123", t0.Add(time.Duration(i)*time.Second))
			require.NoError(t, err)
			assert.Equal(t, want, fresh, "claim %d", i)
			return nil
		})
	}
	update(t, db, func(tx runbook.Tx) error {
		fresh, err := tx.Claim("env-9", t0)
		require.NoError(t, err)
		assert.True(t, fresh)
		return nil
	})
	// A rolled-back claim is not remembered.
	_ = db.Update(ctx, func(tx runbook.Tx) error {
		_, err := tx.Claim("rolled-back", t0)
		require.NoError(t, err)
		return fmt.Errorf("abort")
	})
	update(t, db, func(tx runbook.Tx) error {
		fresh, err := tx.Claim("rolled-back", t0)
		require.NoError(t, err)
		assert.True(t, fresh)
		return nil
	})
}

func TestOutbox(t *testing.T) {
	db := openTest(t)
	now := t0
	var c1, c2, c3, i1 runbook.Delivery
	update(t, db, func(tx runbook.Tx) error {
		c1 = runbook.Delivery{Sink: runbook.SinkChat, Key: "occ/1/request/0", Payload: []byte(`{"a":1}`), NextAt: now, CreatedAt: now}
		i1 = runbook.Delivery{Sink: runbook.SinkITSM, Key: "7", Payload: []byte(`{"kind":"approved"}`), NextAt: now, CreatedAt: now}
		c2 = runbook.Delivery{Sink: runbook.SinkChat, Key: "occ/1/run/1", Payload: []byte(`{"b":2}`), NextAt: now.Add(-time.Minute), CreatedAt: now}
		c3 = runbook.Delivery{Sink: runbook.SinkChat, Key: "later", Payload: []byte(`{}`), NextAt: now.Add(time.Hour), CreatedAt: now}
		for _, d := range []*runbook.Delivery{&c1, &i1, &c2, &c3} {
			require.NoError(t, tx.Enqueue(d))
			require.NotZero(t, d.ID)
		}
		return nil
	})
	pending := func(sink string, at time.Time, limit int) []runbook.Delivery {
		t.Helper()
		var out []runbook.Delivery
		require.NoError(t, db.View(ctx, func(tx runbook.Tx) error {
			var err error
			out, err = tx.PendingDeliveries(sink, at, limit)
			return err
		}))
		return out
	}
	keys := func(ds []runbook.Delivery) []string {
		var out []string
		for _, d := range ds {
			out = append(out, d.Key)
		}
		return out
	}

	got := pending(runbook.SinkChat, now, 0)
	assert.Equal(t, []string{c1.Key, c2.Key}, keys(got), "by id, only due")
	assert.Equal(t, []byte(`{"a":1}`), got[0].Payload)
	assert.Equal(t, now.UTC(), got[0].CreatedAt)
	assert.Equal(t, []string{c1.Key}, keys(pending(runbook.SinkChat, now, 1)))
	assert.Equal(t, []string{i1.Key}, keys(pending(runbook.SinkITSM, now, 10)))

	update(t, db, func(tx runbook.Tx) error {
		require.NoError(t, tx.RetryDelivery(c1.ID, now.Add(30*time.Second), "429 rate limited"))
		require.NoError(t, tx.RetryDelivery(c1.ID, now.Add(90*time.Second), "timeout"))
		require.NoError(t, tx.MarkDelivered(c2.ID, now))
		assert.Equal(t, runbook.KindNotFound, runbook.KindOf(tx.MarkDelivered(9999, now)))
		assert.Equal(t, runbook.KindNotFound, runbook.KindOf(tx.RetryDelivery(9999, now, "x")))
		return nil
	})
	assert.Empty(t, pending(runbook.SinkChat, now, 0))
	got = pending(runbook.SinkChat, now.Add(2*time.Hour), 0)
	assert.Equal(t, []string{c1.Key, c3.Key}, keys(got))
	assert.Equal(t, 2, got[0].Attempts)
	assert.Equal(t, "timeout", got[0].LastError)
	assert.Equal(t, now.Add(90*time.Second).UTC(), got[0].NextAt)

	require.NoError(t, db.View(ctx, func(tx runbook.Tx) error {
		bl, err := tx.Backlog()
		require.NoError(t, err)
		assert.Equal(t, map[string]int{runbook.SinkChat: 2, runbook.SinkITSM: 1}, bl)
		return nil
	}))
}

func TestMessageRefsAndMeta(t *testing.T) {
	db := openTest(t)
	update(t, db, func(tx runbook.Tx) error {
		_, _, ok, err := tx.MessageRef("occ/1/request/0")
		require.NoError(t, err)
		assert.False(t, ok)
		require.NoError(t, tx.SetMessageRef("occ/1/request/0", "C1", "1700000000.000100"))
		require.NoError(t, tx.SetMessageRef("occ/1/incident", "C2", "1700000000.000200"))
		require.NoError(t, tx.SetMessageRef("occ/1/incident", "C2", "1700000000.000300"))

		_, ok, err = tx.Meta("runbook_sha")
		require.NoError(t, err)
		assert.False(t, ok)
		require.NoError(t, tx.SetMeta("runbook_sha", "a"))
		return tx.SetMeta("runbook_sha", "b")
	})
	require.NoError(t, db.View(ctx, func(tx runbook.Tx) error {
		ch, ts, ok, err := tx.MessageRef("occ/1/request/0")
		require.NoError(t, err)
		assert.True(t, ok)
		assert.Equal(t, []string{"C1", "1700000000.000100"}, []string{ch, ts})
		ch, ts, ok, err = tx.MessageRef("occ/1/incident")
		require.NoError(t, err)
		assert.True(t, ok)
		assert.Equal(t, []string{"C2", "1700000000.000300"}, []string{ch, ts})
		v, ok, err := tx.Meta("runbook_sha")
		require.NoError(t, err)
		assert.True(t, ok)
		assert.Equal(t, "b", v)
		return nil
	}))
}

func TestTimesOutOfRange(t *testing.T) {
	db := openTest(t)
	err := db.Update(ctx, func(tx runbook.Tx) error {
		o := newOcc("x", time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC))
		return tx.CreateOccurrence(&o)
	})
	assert.Equal(t, runbook.KindInvalid, runbook.KindOf(err))
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
