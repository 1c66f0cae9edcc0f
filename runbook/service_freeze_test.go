package runbook_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/runbook"
	"github.com/runbook-bot/runbook-bot/runbook/sqlite"
)

const opsUser = "U09OPERADOR"

// freezeHarness is a harness over src (the Portuguese test runbook, edited by
// edit), with an operator and a fake executor.
func freezeHarness(t *testing.T, start time.Time, edit func(string) string) (*harness, *fakeExec, string) {
	t.Helper()
	raw, err := os.ReadFile("testdata/runbook.pt.md")
	require.NoError(t, err)
	src := string(raw)
	if edit != nil {
		src = edit(src)
	}
	path := filepath.Join(t.TempDir(), "runbook.db")
	rb, problems := runbook.Parse("runbook.md", []byte(src), runbook.ParseOptions{DefaultZone: time.UTC})
	require.Empty(t, problems)
	db, err := sqlite.Open(context.Background(), path)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	clock := clockwork.NewFakeClockAt(start)
	exec := &fakeExec{}
	set := runbook.Settings{Reminders: []time.Duration{4 * time.Hour, time.Hour}, Operators: []string{opsUser}, ITSM: true}
	svc := runbook.NewService(rb, set, runbook.Deps{Store: db, Clock: clock, Executor: exec, Checker: okChecker{}})
	return &harness{t: t, svc: svc, db: db, clock: clock, rb: rb}, exec, path
}

// allRecords is every audit record, in order.
func (h *harness) allRecords() []runbook.Record {
	h.t.Helper()
	var out []runbook.Record
	require.NoError(h.t, h.db.View(context.Background(), func(tx runbook.Tx) error {
		ds, err := tx.PendingDeliveries(runbook.SinkITSM, h.clock.Now().Add(365*24*time.Hour), 100000)
		for _, d := range ds {
			var r runbook.Record
			require.NoError(h.t, json.Unmarshal(d.Payload, &r))
			out = append(out, r)
		}
		return err
	}))
	return out
}

// domainErr is err as a domain error, failing the test when it is not one.
func domainErr(t *testing.T, err error) *runbook.Error {
	t.Helper()
	var e *runbook.Error
	require.True(t, errors.As(err, &e), "a domain error, got %v", err)
	return e
}

// seedWindow is Friday's seed-dev-data window of the test runbook (UTC).
var seedWindow = time.Date(2026, 12, 4, 19, 0, 0, 0, time.UTC)

func TestFreeze_GivenAFreezeSetFromChat_WhenOwnersConfirmOrRun_ThenRefusedWithReasonAndEndWhileCheckStatusAndDryRunWork(t *testing.T) {
	h, exec, _ := freezeHarness(t, seedWindow.Add(-2*time.Hour), nil)
	ctx := context.Background()
	marcos := contactID(t, h.rb, "Marcos Paulo")
	h.advanceTo(seedWindow.Add(-2 * time.Hour))
	until := seedWindow.Add(3 * time.Hour)

	f, err := h.svc.Freeze(ctx, runbook.Request{User: opsUser, RequestID: "f1"}, until, "migração do banco")
	require.NoError(t, err)
	require.Equal(t, runbook.FreezeChat, f.Source)

	_, err = h.svc.Confirm(ctx, runbook.Request{User: marcos, RequestID: "c1"}, "seed-dev-data", false)
	e := domainErr(t, err)
	require.Equal(t, "frozen", e.Code)
	require.Equal(t, "migração do banco", e.Args["freeze"])
	require.True(t, until.Equal(e.Args["until"].(time.Time)))

	_, _, err = h.svc.Check(ctx, "seed-dev-data")
	require.NoError(t, err, "check still works")
	_, err = h.svc.Status(ctx, "")
	require.NoError(t, err, "status still works")
	require.NoError(t, h.svc.DryRun(ctx, runbook.Request{User: marcos, RequestID: "d1"}, "seed-dev-data"), "--dry-run still works")
	exec.last(t).done <- runbook.RunResult{}
	h.svc.Wait()

	// Lifted: confirm works; frozen again at the window: run is refused.
	_, err = h.svc.Unfreeze(ctx, runbook.Request{User: opsUser, RequestID: "u1"}, "migração adiada")
	require.NoError(t, err)
	_, err = h.svc.Confirm(ctx, runbook.Request{User: marcos, RequestID: "c2"}, "seed-dev-data", false)
	require.NoError(t, err)
	h.advanceTo(seedWindow.Add(time.Minute))
	_, err = h.svc.Freeze(ctx, runbook.Request{User: opsUser, RequestID: "f2"}, until, "incidente no cluster")
	require.NoError(t, err)
	_, err = h.svc.Run(ctx, runbook.Request{User: marcos, RequestID: "r1"}, "seed-dev-data")
	e = domainErr(t, err)
	require.Equal(t, "frozen", e.Code)
	require.Equal(t, "incidente no cluster", e.Args["freeze"])

	var kinds, refusedActions []string
	for _, r := range h.allRecords() {
		kinds = append(kinds, string(r.Kind))
		if r.Kind == runbook.RecRefused {
			refusedActions = append(refusedActions, r.Fields["action"]+":"+r.Fields["reason"])
		}
	}
	require.Equal(t, []string{"confirm:frozen", "run:frozen"}, refusedActions, "every refusal audited, and sent to the ITSM webhook")
	require.Contains(t, kinds, string(runbook.RecFreeze))
	require.Contains(t, kinds, string(runbook.RecUnfreeze))
}

func TestFreeze_GivenWhoAsks_WhenTheyFreezeOrUnfreeze_ThenOnlyOperatorsAndOwnersOfEveryJobMay(t *testing.T) {
	// Lucas Lima owns every job once he is seed-dev-data's backup too.
	lucasOwnsAll := func(s string) string {
		return strings.Replace(s, "Time de Plataforma (Bianca Ramos)", "Engenharia de Confiabilidade (Lucas Lima)", 1)
	}
	start := seedWindow.Add(-30 * time.Hour)
	for _, tc := range []struct {
		name, who string
		edit      func(string) string
		allowed   bool
	}{
		{"an operator", opsUser, nil, true},
		{"the owner of every job", "Lucas Lima", lucasOwnsAll, true},
		{"an owner of some jobs", "Marcos Paulo", nil, false},
		{"a stranger", "U0STRANGER", nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, _, _ := freezeHarness(t, start, tc.edit)
			user := tc.who
			if !strings.HasPrefix(user, "U0") {
				user = contactID(t, h.rb, tc.who)
			}
			ctx := context.Background()
			_, err := h.svc.Freeze(ctx, runbook.Request{User: user, RequestID: "f1"}, start.Add(time.Hour), "janela de Natal")
			_, uerr := h.svc.Unfreeze(ctx, runbook.Request{User: user, RequestID: "u1"}, "acabou")
			recs := h.allRecords()
			if tc.allowed {
				require.NoError(t, err)
				require.NoError(t, uerr)
				require.Len(t, recs, 2)
				require.Equal(t, runbook.RecFreeze, recs[0].Kind)
				require.Equal(t, user, recs[0].Actor)
				require.Equal(t, "janela de Natal", recs[0].Fields["reason"])
				require.Equal(t, runbook.RecUnfreeze, recs[1].Kind)
				return
			}
			require.Equal(t, runbook.KindNotAllowed, runbook.KindOf(err))
			require.Equal(t, runbook.KindNotAllowed, runbook.KindOf(uerr))
			require.Len(t, recs, 2, "both refusals audited")
			for i, act := range []string{"freeze", "unfreeze"} {
				require.Equal(t, runbook.RecRefused, recs[i].Kind)
				require.Equal(t, act, recs[i].Fields["action"])
				require.Equal(t, "not_allowed", recs[i].Fields["reason"])
			}
			fs, err := h.svc.Freezes(ctx)
			require.NoError(t, err)
			require.Empty(t, fs, "a refused freeze changes nothing")
		})
	}
}

func TestFreeze_GivenBadInput_WhenFreezing_ThenPreciseErrorsAndNothingChanges(t *testing.T) {
	start := seedWindow.Add(-30 * time.Hour)
	h, _, _ := freezeHarness(t, start, nil)
	ctx := context.Background()
	_, err := h.svc.Freeze(ctx, runbook.Request{User: opsUser, RequestID: "f1"}, start.Add(-time.Minute), "tarde demais")
	require.Equal(t, "freeze_in_past", domainErr(t, err).Code)
	_, err = h.svc.Freeze(ctx, runbook.Request{User: opsUser, RequestID: "f2"}, start.Add(time.Hour), "  ")
	require.Equal(t, "freeze_reason_required", domainErr(t, err).Code)
	_, err = h.svc.Unfreeze(ctx, runbook.Request{User: opsUser, RequestID: "u1"}, "nada a levantar")
	require.Equal(t, "not_frozen", domainErr(t, err).Code)
	fs, err := h.svc.Freezes(ctx)
	require.NoError(t, err)
	require.Empty(t, fs)

	_, err = h.svc.Freeze(ctx, runbook.Request{User: opsUser, RequestID: "f3"}, start.Add(time.Hour), "ok")
	require.NoError(t, err)
	_, err = h.svc.Freeze(ctx, runbook.Request{User: opsUser, RequestID: "f3"}, start.Add(5*time.Hour), "redelivered")
	require.ErrorIs(t, err, runbook.ErrDuplicate, "a redelivered freeze changes nothing")
	fs, err = h.svc.Freezes(ctx)
	require.NoError(t, err)
	require.Len(t, fs, 1)
	require.True(t, fs[0].End.Equal(start.Add(time.Hour)))
}

func TestFreeze_GivenAFreezeDeclaredInTheRunbook_WhenItsWindowComes_ThenTheRequestSaysSoNoDelayAlertsAndTheEvidenceSaysFrozen(t *testing.T) {
	declared := func(s string) string {
		return s + "\n## Congelamentos\n\n| Início | Fim | Motivo |\n| --- | --- | --- |\n| 2026-12-04 12:00 | 2026-12-05 12:00 | Black Friday |\n"
	}
	start := seedWindow.Add(-30 * time.Hour)
	h, _, _ := freezeHarness(t, start, declared)
	ctx := context.Background()
	marcos := contactID(t, h.rb, "Marcos Paulo")
	h.advanceTo(seedWindow.Add(-time.Hour))

	_, err := h.svc.Confirm(ctx, runbook.Request{User: marcos, RequestID: "c1"}, "seed-dev-data", false)
	e := domainErr(t, err)
	require.Equal(t, "frozen", e.Code, "in force now")
	require.Equal(t, "Black Friday", e.Args["freeze"])

	h.advanceTo(seedWindow.Add(6 * time.Hour))
	var seed []runbook.Notice
	require.NoError(t, h.db.View(ctx, func(tx runbook.Tx) error {
		ds, err := tx.PendingDeliveries(runbook.SinkChat, h.clock.Now().Add(time.Hour), 10000)
		for _, d := range ds {
			var n runbook.Notice
			require.NoError(t, json.Unmarshal(d.Payload, &n))
			if n.Occ.Job == "seed-dev-data" && n.Occ.Window.Equal(seedWindow) {
				seed = append(seed, n)
			}
		}
		return err
	}))
	var kinds []runbook.NoticeKind
	for _, n := range seed {
		kinds = append(kinds, n.Kind)
		require.NotNil(t, n.Freeze, "%s says the window is frozen", n.Kind)
		require.Equal(t, "Black Friday", n.Freeze.Reason)
	}
	require.Equal(t, []runbook.NoticeKind{runbook.NoticeRequest, runbook.NoticeReminder, runbook.NoticeReminder, runbook.NoticeWindowOpen}, kinds,
		"the request and reminders still go out; no delay alert: a frozen window is not late")

	o := h.occAt("seed-dev-data", seedWindow)
	require.False(t, o.Delayed)
	ev, err := h.svc.Evidence(ctx, "seed-dev-data", seedWindow)
	require.NoError(t, err)
	var frozen *runbook.Record
	for i, r := range ev.Records {
		if r.Kind == runbook.RecFrozen {
			frozen = &ev.Records[i]
		}
		if r.Kind == runbook.RecConfirmRequested {
			require.Equal(t, "Black Friday", r.Fields["freeze_reason"])
		}
	}
	require.NotNil(t, frozen, "the evidence says the window was frozen")
	require.Equal(t, "Black Friday", frozen.Fields["reason"])
	require.Equal(t, "runbook", frozen.Fields["source"])
	require.Equal(t, "2026-12-05T12:00:00Z", frozen.Fields["until"])
}

func TestFreeze_GivenAWindowAlreadyLate_WhenAFreezeStarts_ThenDelayAlertsAreHeldAndComeBackAfterIt(t *testing.T) {
	h, _, _ := freezeHarness(t, seedWindow.Add(-time.Hour), nil)
	ctx := context.Background()
	h.advanceTo(seedWindow.Add(40 * time.Minute)) // first alert at T+30m
	_, err := h.svc.Freeze(ctx, runbook.Request{User: opsUser, RequestID: "f1"}, seedWindow.Add(90*time.Minute), "rede instável")
	require.NoError(t, err)
	h.advanceTo(seedWindow.Add(5 * time.Hour))
	var delays []time.Time
	for _, n := range h.notices() {
		if n.kind == runbook.NoticeDelay && n.job == "seed-dev-data" {
			delays = append(delays, n.at)
		}
	}
	require.Equal(t, []time.Time{seedWindow.Add(30 * time.Minute), seedWindow.Add(2 * time.Hour), seedWindow.Add(4 * time.Hour)}, delays,
		"the T+1h alert falls in the freeze and is held; the doubling goes on after it")
}

func TestFreeze_GivenAFreezeSetFromChat_WhenTheBotRestartsInTheMiddle_ThenItStillHoldsUntilLifted(t *testing.T) {
	h, _, path := freezeHarness(t, seedWindow.Add(-2*time.Hour), nil)
	ctx := context.Background()
	marcos := contactID(t, h.rb, "Marcos Paulo")
	_, err := h.svc.Freeze(ctx, runbook.Request{User: opsUser, RequestID: "f1"}, seedWindow.Add(time.Hour), "deploy do kernel")
	require.NoError(t, err)
	require.NoError(t, h.db.Close())

	// A new process over the same database file.
	db, err := sqlite.Open(ctx, path)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	h.db = db
	h.svc = runbook.NewService(h.rb, runbook.Settings{Operators: []string{opsUser}}, runbook.Deps{Store: db, Clock: h.clock, Checker: okChecker{}})
	h.advanceTo(seedWindow.Add(-time.Hour))
	_, err = h.svc.Confirm(ctx, runbook.Request{User: marcos, RequestID: "c1"}, "seed-dev-data", false)
	require.Equal(t, "frozen", domainErr(t, err).Code, "the freeze survived the restart")
	ended, err := h.svc.Unfreeze(ctx, runbook.Request{User: opsUser, RequestID: "u1"}, "kernel ok")
	require.NoError(t, err)
	require.Len(t, ended, 1)
	require.Equal(t, "deploy do kernel", ended[0].Reason)
	_, err = h.svc.Confirm(ctx, runbook.Request{User: marcos, RequestID: "c2"}, "seed-dev-data", false)
	require.NoError(t, err)
}

func TestFreeze_GivenRunbookFreezes_WhenUnfrozen_ThenOnlyTheOneInForceIsLiftedAndStaysLiftedAfterARestart(t *testing.T) {
	declared := func(s string) string {
		return s + "\n## Change freezes\n\n| Start | End | Reason |\n| --- | --- | --- |\n| 2026-12-03 00:00 | 2026-12-05 00:00 | Black Friday |\n| 2026-12-20 00:00 | 2027-01-04 00:00 | Fim de ano |\n"
	}
	now := seedWindow.Add(-2 * time.Hour)
	h, _, _ := freezeHarness(t, now, declared)
	ctx := context.Background()
	ended, err := h.svc.Unfreeze(ctx, runbook.Request{User: opsUser, RequestID: "u1"}, "liberado pela diretoria")
	require.NoError(t, err)
	require.Len(t, ended, 1)
	require.Equal(t, "Black Friday", ended[0].Reason)

	restarted := runbook.NewService(h.rb, runbook.Settings{}, runbook.Deps{Store: h.db, Clock: h.clock})
	fs, err := restarted.Freezes(ctx)
	require.NoError(t, err)
	require.Len(t, fs, 2)
	require.True(t, fs[0].Lifted)
	require.True(t, fs[0].End.Equal(now), "ends when it was lifted")
	require.Nil(t, runbook.FreezeAt(fs, now.Add(time.Minute)))
	require.False(t, fs[1].Lifted, "the freeze still to come is not touched")
	require.NotNil(t, runbook.FreezeAt(fs, time.Date(2026, 12, 25, 0, 0, 0, 0, time.UTC)))
}

func TestFreeze_GivenAHostileReason_WhenFrozen_ThenItIsStoredCleanedAndRedactedAsText(t *testing.T) {
	start := seedWindow.Add(-30 * time.Hour)
	h, _, _ := freezeHarness(t, start, nil)
	redactor := runbook.NewRedactor([]string{"DEV_RELATIONAL_URL=s3cr3t-valor"}, []string{"DEV_RELATIONAL_URL"})
	h.svc = runbook.NewService(h.rb, runbook.Settings{Operators: []string{opsUser}, ITSM: true},
		runbook.Deps{Store: h.db, Clock: h.clock, Redact: redactor.Redact})
	hostile := "<!channel> \x1b[31mrm -rf /\x1b[0m; `$(curl x)` \u202eevil s3cr3t-valor xoxb-1234-5678-abcdefghijkl"
	f, err := h.svc.Freeze(context.Background(), runbook.Request{User: opsUser, RequestID: "f1"}, start.Add(time.Hour), hostile)
	require.NoError(t, err)
	for _, s := range []string{f.Reason, h.allRecords()[0].Fields["reason"]} {
		require.NotContains(t, s, "\x1b")
		require.NotContains(t, s, "\u202e")
		require.NotContains(t, s, "s3cr3t-valor")
		require.NotContains(t, s, "xoxb-1234")
		require.Contains(t, s, "<!channel>", "kept as text: adapters escape it when they show it")
	}
}
