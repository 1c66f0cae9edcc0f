package runbook_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/runbook"
	"github.com/runbook-bot/runbook-bot/runbook/webhook"
)

// allRecordKinds are the audited kinds, each an ITSM webhook event kind.
var allRecordKinds = []runbook.RecordKind{
	runbook.RecConfirmRequested, runbook.RecApproved, runbook.RecDeclined, runbook.RecRefused, runbook.RecPreflight,
	runbook.RecRunStarted, runbook.RecRunFinished, runbook.RecDryRun, runbook.RecCancelled, runbook.RecDelayed,
	runbook.RecJustified, runbook.RecRescheduled, runbook.RecIncident, runbook.RecIncidentReplaced, runbook.RecEscalated,
	runbook.RecLearnings, runbook.RecInterrupted, runbook.RecCommitted, runbook.RecFreeze, runbook.RecUnfreeze,
	runbook.RecFrozen, runbook.RecWithdrawn,
}

const itsmOperator = "U0OPERATOR" // RUNBOOK_OPERATORS of the ITSM scenarios

// itsmHarness is a harness whose service sends audit records to the ITSM
// outbox and runs scripts with a fakeExec, the clock at start.
func itsmHarness(t *testing.T, start time.Time) (*harness, *fakeExec, runbook.Settings) {
	t.Helper()
	set := runbook.Settings{ITSM: true, Operators: []string{itsmOperator}}
	h := newHarness(t, start, set)
	exec := &fakeExec{}
	h.svc = runbook.NewService(h.rb, set, runbook.Deps{Store: h.db, Clock: h.clock, Executor: exec, Checker: okChecker{}})
	return h, exec, set
}

// finishRun ends the nth run of exec (1 for the first) with res, once it has
// started, and waits for it to be recorded.
func (h *harness) finishRun(exec *fakeExec, n int, res runbook.RunResult) {
	require.Eventually(h.t, func() bool { exec.mu.Lock(); defer exec.mu.Unlock(); return len(exec.runs) >= n }, 5*time.Second, time.Millisecond)
	exec.mu.Lock()
	run := exec.runs[n-1]
	exec.mu.Unlock()
	run.done <- res
	h.svc.Wait()
}

// sentEvents sends every event of the ITSM outbox, in order, with the real
// webhook client to a server that keeps each request's body.
func (h *harness) sentEvents() []map[string]any {
	var mu sync.Mutex
	var bodies [][]byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		require.NoError(h.t, err)
		mu.Lock()
		bodies = append(bodies, b)
		mu.Unlock()
	}))
	defer srv.Close()
	c := &webhook.Client{URL: srv.URL}
	for _, d := range h.deliveries(runbook.SinkITSM) {
		var r runbook.Record
		require.NoError(h.t, json.Unmarshal(d.Payload, &r))
		require.NoError(h.t, c.Send(context.Background(), r))
	}
	var out []map[string]any
	for _, b := range bodies {
		var ev map[string]any
		require.NoError(h.t, json.Unmarshal(b, &ev))
		out = append(out, ev)
	}
	return out
}

// failureScenario: Friday's seed-dev-data refused, declined, confirmed, its
// approval withdrawn by an edit and given again, dry-run, run, cancelled, run
// again and failed, escalated, its incident recorded and replaced, its
// learnings recorded; reset-staging left late, justified and rescheduled; a
// refused command; a record committed.
func failureScenario(t *testing.T) []map[string]any {
	window := time.Date(2026, 12, 4, 19, 0, 0, 0, time.UTC)
	h, exec, _ := itsmHarness(t, window.Add(-26*time.Hour))
	ctx := context.Background()
	marcos, lucas := contactID(t, h.rb, "Marcos Paulo"), contactID(t, h.rb, "Lucas Lima")
	req := func(user, id string) runbook.Request {
		return runbook.Request{User: user, RequestID: id, Envelope: "env-" + id}
	}
	seed := "seed-dev-data"
	h.advanceTo(window.Add(-2 * time.Hour))

	_, err := h.svc.Confirm(ctx, req("U0STRANGER", "c0"), seed, false)
	require.Equal(t, runbook.KindNotAllowed, runbook.KindOf(err))
	_, err = h.svc.Decline(ctx, req(marcos, "d1"), seed, "sem janela hoje")
	require.NoError(t, err)
	_, err = h.svc.Run(ctx, req(marcos, "r0"), seed)
	require.Equal(t, "declined", codeOf(err))
	_, err = h.svc.Confirm(ctx, req(marcos, "c1"), seed, false)
	require.NoError(t, err)
	h.svc.Reload(ctx, editedRunbook(t, seedApply, seedPlan), nil)
	_, err = h.svc.Confirm(ctx, req(marcos, "c2"), seed, false)
	require.NoError(t, err)
	_, err = h.svc.Run(ctx, req(marcos, "r1"), seed)
	require.Equal(t, "before_window", codeOf(err))
	require.NoError(t, h.svc.Reject(ctx, req(marcos, "x1"), seed, "run", "shell_syntax", "run seed-dev-data; rm -rf /"))

	require.NoError(t, h.svc.DryRun(ctx, req(marcos, "p1"), seed))
	zero := 0
	h.finishRun(exec, 1, runbook.RunResult{ExitCode: &zero, LogSHA256: "ab", Duration: 3 * time.Second})

	_, err = h.svc.Justify(ctx, req(lucas, "j1"), "reset-staging", "cluster em manutenção")
	require.NoError(t, err)
	_, err = h.svc.Reschedule(ctx, req(lucas, "s1"), "reset-staging", window.Add(2*time.Hour), "depois da manutenção")
	require.NoError(t, err)

	h.advanceTo(window.Add(time.Minute))
	_, err = h.svc.Run(ctx, req(marcos, "r2"), seed)
	require.NoError(t, err)
	_, err = h.svc.Cancel(ctx, req(marcos, "k1"), seed)
	require.NoError(t, err)
	h.svc.Wait()
	_, err = h.svc.Run(ctx, req(marcos, "r3"), seed)
	require.NoError(t, err)
	one := 1
	h.finishRun(exec, 3, runbook.RunResult{ExitCode: &one, Reason: runbook.ReasonExit, LogSHA256: "cd", LogError: "write: no space left on device", Duration: time.Minute})
	h.advanceTo(window.Add(30 * time.Minute))
	_, err = h.svc.Incident(ctx, req(marcos, "i1"), seed, "INC-1", false)
	require.NoError(t, err)
	_, err = h.svc.Incident(ctx, req(marcos, "i2"), seed, "INC-2", false)
	require.Equal(t, "incident_already_recorded", codeOf(err))
	_, err = h.svc.Incident(ctx, req(marcos, "i3"), seed, "INC-2", true)
	require.NoError(t, err)
	_, err = h.svc.Learnings(ctx, req(marcos, "l1"), seed, "conferir o disco antes")
	require.NoError(t, err)
	require.NoError(t, h.svc.Committed(ctx, "git/1", 0, seed, window,
		map[string]string{"commit": "0123abc", "branch": "main", "file": "docs/observabilidade/check-ins.md", "record": "checkin", "already": "true"}))
	return h.sentEvents()
}

// freezeScenario: an operator sets a change freeze, replaces it, a window
// opens inside it and a run is refused, then the freezes are lifted; and a run
// interrupted by a restart.
func freezeScenario(t *testing.T) []map[string]any {
	window := time.Date(2026, 12, 4, 19, 0, 0, 0, time.UTC)
	h, _, set := itsmHarness(t, window.Add(-3*time.Hour))
	ctx := context.Background()
	marcos := contactID(t, h.rb, "Marcos Paulo")
	req := func(user, id string) runbook.Request { return runbook.Request{User: user, RequestID: id} }
	h.advanceTo(window.Add(-2 * time.Hour))
	_, err := h.svc.Confirm(ctx, req(marcos, "c1"), "seed-dev-data", false)
	require.NoError(t, err)
	_, err = h.svc.Freeze(ctx, req(itsmOperator, "f1"), window.Add(time.Hour), "migração")
	require.NoError(t, err)
	_, err = h.svc.Freeze(ctx, req(itsmOperator, "f2"), window.Add(2*time.Hour), "migração longa")
	require.NoError(t, err)
	_, err = h.svc.Freeze(ctx, req("U0STRANGER", "f3"), window.Add(2*time.Hour), "?")
	require.Equal(t, runbook.KindNotAllowed, runbook.KindOf(err))
	h.advanceTo(window.Add(time.Minute))
	_, err = h.svc.Run(ctx, req(marcos, "r1"), "seed-dev-data")
	require.Equal(t, runbook.KindConflict, runbook.KindOf(err), "%v", err)
	_, err = h.svc.Unfreeze(ctx, req(itsmOperator, "u1"), "migração concluída")
	require.NoError(t, err)
	_, err = h.svc.Run(ctx, req(marcos, "r2"), "seed-dev-data")
	require.NoError(t, err)

	restarted := runbook.NewService(h.rb, set, runbook.Deps{Store: h.db, Clock: h.clock, Executor: &fakeExec{}, Checker: okChecker{}})
	require.NoError(t, restarted.Recover(ctx))
	return h.sentEvents()
}

// codeOf is the code of a domain error.
func codeOf(err error) string {
	if e, ok := err.(*runbook.Error); ok {
		return e.Code
	}
	return ""
}

func TestITSMEvents_GivenEveryKindTheServiceSends_WhenDecoded_ThenTheyMatchTheDocumentedSchema(t *testing.T) {
	doc := readITSMDoc(t)
	events := append(failureScenario(t), freezeScenario(t)...)

	seen := map[string]bool{}
	for i, ev := range events {
		kind, _ := ev["kind"].(string)
		where := "event " + strconv.Itoa(i) + " (" + kind + ")"
		seen[kind] = true

		// The envelope: exactly the documented keys, each of its documented JSON type.
		require.Len(t, ev, len(doc.envelope), "%s: %v", where, ev)
		for name, f := range doc.envelope {
			v, ok := ev[name]
			require.True(t, ok, "%s lacks %s", where, name)
			require.True(t, jsonTypeIs(v, f.typ), "%s: %s is %T, documented %s", where, name, v, f.typ)
		}
		require.Equal(t, webhook.Schema, ev["schema"])
		require.Contains(t, doc.kinds, kind, "%s: an undocumented kind", where)
		fields := ev["fields"].(map[string]any)
		aboutNoWindow := kind == string(runbook.RecFreeze) || kind == string(runbook.RecUnfreeze) ||
			(kind == string(runbook.RecRefused) && (fields["action"] == "freeze" || fields["action"] == "unfreeze"))
		require.Equal(t, aboutNoWindow, ev["window"] == nil, "%s: window %v (null only for events about no window)", where, ev["window"])

		// The fields: each documented for the kind (or for any kind), a string of its type; the required ones there.
		for name, v := range fields {
			f, ok := doc.kinds[kind][name]
			if !ok {
				f, ok = doc.kinds[""][name]
			}
			require.True(t, ok, "%s: field %s=%v is not documented", where, name, v)
			s, isString := v.(string)
			require.True(t, isString, "%s: field %s is %T, not a string", where, name, v)
			require.True(t, valueIs(s, f.typ), "%s: field %s=%q is not a %s", where, name, s, f.typ)
			if f.typ == "code" {
				require.True(t, f.allows(s), "%s: field %s=%q is not one of the documented codes %q", where, name, s, f.codes)
			}
		}
		for name, f := range doc.kinds[kind] {
			if f.always {
				require.Contains(t, fields, name, "%s: documented as always present", where)
			}
		}
	}
	for _, k := range allRecordKinds {
		require.True(t, seen[string(k)], "the scenarios send no %s event", k)
	}
}

// jsonTypeIs reports whether a decoded JSON value has the documented type.
func jsonTypeIs(v any, typ string) bool {
	switch typ {
	case "string":
		_, ok := v.(string)
		return ok
	case "string or null":
		_, ok := v.(string)
		return ok || v == nil
	case "object":
		_, ok := v.(map[string]any)
		return ok
	}
	return false
}

// valueIs reports whether a field's string holds the documented type.
func valueIs(s, typ string) bool {
	switch typ {
	case "integer":
		_, err := strconv.ParseInt(s, 10, 64)
		return err == nil
	case "boolean":
		return s == "true" || s == "false"
	case "time":
		_, err := time.Parse(time.RFC3339, s)
		return err == nil
	}
	return typ == "text" || typ == "code"
}
