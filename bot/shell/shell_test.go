package shell

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/runbook-bot/runbook-bot/bot"
	"github.com/runbook-bot/runbook-bot/runbook"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var now = time.Date(2025, 1, 10, 21, 0, 0, 0, time.UTC)

// fake is a bot.Service that accepts everything and records who asked what.
type fake struct {
	mu    sync.Mutex
	rb    *runbook.Runbook
	calls []string
	ids   []string
	reqs  []runbook.Request
}

var _ bot.Service = (*fake)(nil)

func newFake() *fake {
	return &fake{rb: &runbook.Runbook{File: "docs/runbook.md", Lang: runbook.LangEN,
		Jobs: []runbook.Job{{ID: "seed-dev-data", Window: runbook.Window{Weekday: time.Friday, Hour: 22, Location: time.UTC},
			Command: []string{"scripts/infra/seed-dev-data.sh", "--mode", "apply"},
			Primary: runbook.Owner{Team: "DevOps", Person: "Marcos Paulo"}, Backup: runbook.Owner{Person: "Ana Souza"}}},
		Contacts: []runbook.Contact{{Name: "Marcos Paulo", Kind: runbook.ContactUser, Ref: "U03"}, {Name: "Ana Souza", Kind: runbook.ContactUser, Ref: "U01"},
			{Name: "DevOps", Kind: runbook.ContactGroup, Ref: "S03"}},
		Policy: runbook.Policy{IncidentChannel: "#infra-incident", IncidentDeadline: 15 * time.Minute}}}
}

func (f *fake) rec(call string, r runbook.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, call)
	f.ids = append(f.ids, r.RequestID)
	f.reqs = append(f.reqs, r)
}

func (f *fake) Calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

func (f *fake) occ(state runbook.State) runbook.Occurrence {
	return runbook.Occurrence{Job: "seed-dev-data", Window: now.Add(time.Hour), State: state}
}
func (f *fake) Runbook() *runbook.Runbook { return f.rb }
func (f *fake) Policy() runbook.Policy    { return f.rb.Policy }
func (f *fake) Now() time.Time            { return now }
func (f *fake) Status(context.Context, string) ([]runbook.JobStatus, error) {
	return []runbook.JobStatus{{Job: f.rb.Jobs[0], NextAt: now.Add(time.Hour)}}, nil
}
func (f *fake) Check(context.Context, string) (runbook.Job, runbook.Preflight, error) {
	return f.rb.Jobs[0], runbook.Preflight{}, nil
}
func (f *fake) History(context.Context, string, int) ([]runbook.Occurrence, error) { return nil, nil }
func (f *fake) Confirm(_ context.Context, r runbook.Request, job string, _ bool) (runbook.Occurrence, error) {
	f.rec(r.User+" confirm "+job, r)
	if r.User != "U03" {
		return runbook.Occurrence{}, runbook.NewError(runbook.KindNotAllowed, "not_allowed", map[string]any{"action": "confirm"})
	}
	return f.occ(runbook.Confirmed), nil
}
func (f *fake) Decline(_ context.Context, r runbook.Request, job, reason string) (runbook.Occurrence, error) {
	f.rec(r.User+" decline "+job+" "+reason, r)
	o := f.occ(runbook.Declined)
	o.DeclineReason = reason
	return o, nil
}
func (f *fake) Run(_ context.Context, r runbook.Request, job string) (runbook.Occurrence, error) {
	f.rec(r.User+" run "+job, r)
	return runbook.Occurrence{}, errors.New("disk full")
}
func (f *fake) DryRun(_ context.Context, r runbook.Request, job string) error {
	f.rec(r.User+" dry-run "+job, r)
	return nil
}
func (f *fake) Cancel(_ context.Context, r runbook.Request, job string) (runbook.Occurrence, error) {
	f.rec(r.User+" cancel "+job, r)
	return f.occ(runbook.Running), nil
}
func (f *fake) Justify(_ context.Context, r runbook.Request, job, text string) (runbook.Occurrence, error) {
	f.rec(r.User+" delay "+job+" "+text, r)
	return f.occ(runbook.AwaitingConfirmation), nil
}
func (f *fake) Reschedule(_ context.Context, r runbook.Request, job string, to time.Time, text string) (runbook.Occurrence, error) {
	f.rec(r.User+" reschedule "+job+" "+to.Format(time.RFC3339)+" "+text, r)
	return f.occ(runbook.Scheduled), nil
}
func (f *fake) Incident(_ context.Context, r runbook.Request, job, ref string, replace bool) (runbook.Occurrence, error) {
	if replace {
		ref += " --replace"
	}
	f.rec(r.User+" incident "+job+" "+ref, r)
	o := f.occ(runbook.Failed)
	o.IncidentRef = ref
	return o, nil
}
func (f *fake) Reject(_ context.Context, r runbook.Request, job, action, reason, _ string) error {
	f.rec(r.User+" reject "+job+" "+action+" "+reason, r)
	return nil
}

func (f *fake) Learnings(_ context.Context, r runbook.Request, job, text string) (runbook.Occurrence, error) {
	f.rec(r.User+" learnings "+job+" "+text, r)
	return f.occ(runbook.Succeeded), nil
}
func (f *fake) Tickets(_ context.Context, _ string) runbook.TicketReport {
	return runbook.TicketReport{}
}
func (f *fake) TicketsConfigured() bool { return false }
func (f *fake) ContactID(_ context.Context, name string) string {
	if c, ok := f.rb.Contact(name); ok {
		return c.Ref
	}
	return ""
}

// ContactName mirrors runbook.Service.ContactName: users and groups by ID, then e-mail contacts.
func (f *fake) ContactName(ctx context.Context, id string) string {
	for _, c := range f.rb.Contacts {
		if (c.Kind == runbook.ContactUser || c.Kind == runbook.ContactGroup) && c.Ref == id {
			return c.Name
		}
	}
	for _, c := range f.rb.Contacts {
		if c.Kind == runbook.ContactEmail && f.ContactID(ctx, c.Name) == id {
			return c.Name
		}
	}
	return ""
}

// syncBuffer is a bytes.Buffer safe for the concurrent reads of the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func delivery(t *testing.T, n runbook.Notice) runbook.Delivery {
	p, err := json.Marshal(n)
	require.NoError(t, err)
	return runbook.Delivery{Sink: runbook.SinkChat, Key: n.Key, Payload: p}
}

func TestShell_GivenAScript_WhenRun_ThenCommandsAndPressesPrintAsText(t *testing.T) {
	f := newFake()
	var out syncBuffer
	sh := New(bot.New(f, bot.Options{Channel: "#plataforma", Log: slog.New(slog.DiscardHandler)}), &out, "U99")
	script := strings.Join([]string{
		"/runbook help",
		"",
		"confirm seed-dev-data",
		":as U03",
		"/RUNBOOK confirm seed-dev-data",
		":press confirm",
		"run seed-dev-data; rm -rf /",
		"run seed-dev-data",
		":nonsense",
		":quit",
		"confirm seed-dev-data",
	}, "\n")
	require.NoError(t, sh.Run(context.Background(), strings.NewReader(script)))
	text := out.String()
	assert.Contains(t, text, "runbook-bot — /runbook commands")
	assert.Contains(t, text, "@Marcos Paulo @Ana Souza\nOnly the job's primary (@Marcos Paulo) or backup (@Ana Souza) may confirm seed-dev-data.")
	assert.Contains(t, text, "now acting as @Marcos Paulo (U03)")
	assert.Contains(t, text, "seed-dev-data confirmed for Fri 2025-01-10 22:00 UTC.\n  Window: Fri 2025-01-10 22:00 UTC\n  State: confirmed")
	assert.Contains(t, text, "no message with buttons yet")
	assert.Contains(t, text, "commands take no shell syntax")
	assert.Contains(t, text, "Something went wrong; it was logged (ref ")
	assert.NotContains(t, text, "disk full")
	assert.Contains(t, text, "unknown shell command :nonsense")
	assert.NotContains(t, text, "runbook-bot (", "no prompt when the input is not a terminal")
	assert.Equal(t, []string{"U99 confirm seed-dev-data", "U03 confirm seed-dev-data", "U03 reject seed-dev-data run shell_syntax", "U03 run seed-dev-data"}, f.Calls(),
		"the refused line runs nothing and is audited")
	assert.Len(t, map[string]bool{f.ids[0]: true, f.ids[1]: true, f.ids[2]: true, f.ids[3]: true}, 4, "a fresh request id per line")
}

func TestShell_GivenDeliveredNotices_ThenTheyPrintWithChannelAndButtonsCanBePressed(t *testing.T) {
	f := newFake()
	var out syncBuffer
	sh := New(bot.New(f, bot.Options{Channel: "#plataforma"}), &out, "U03")
	ctx := context.Background()
	occ := runbook.Occurrence{ID: 1, Job: "seed-dev-data", Window: now.Add(time.Hour), State: runbook.AwaitingConfirmation}
	require.NoError(t, sh.Deliver(ctx, delivery(t, runbook.Notice{Kind: runbook.NoticeRequest, Key: "occ/1/request/0", Channel: runbook.ChannelRunbook, Occ: occ, At: now})))
	text := out.String()
	assert.Contains(t, text, "[#plataforma] Confirmation needed: seed-dev-data\n  @Marcos Paulo @Ana Souza @DevOps\n")
	assert.Contains(t, text, "  [Confirm] [Decline]   (:press confirm · :press decline <reason>)")

	require.NoError(t, sh.Run(ctx, strings.NewReader(":press decline\n:press DECLINE  not today <!here>\n:press explode\n")))
	text = out.String()
	assert.Contains(t, text, "Decline asks for Reason: :press decline <reason>")
	assert.Contains(t, text, "seed-dev-data declined for Fri 2025-01-10 22:00 UTC. Reason: not today <!here>")
	assert.Contains(t, text, "no such button; the last message offers: confirm, decline")

	failed := occ
	failed.State, failed.RunBy, failed.Reason, failed.FailedAt, failed.IncidentDeadline = runbook.Failed, "U03", runbook.ReasonExit, &now, func() *time.Time { d := now.Add(15 * time.Minute); return &d }()
	require.NoError(t, sh.Deliver(ctx, delivery(t, runbook.Notice{Kind: runbook.NoticeIncident, Key: "occ/1/incident", Channel: runbook.ChannelIncident, Occ: failed, Tail: []string{"boom"}, At: now})))
	require.NoError(t, sh.Deliver(ctx, delivery(t, runbook.Notice{Kind: runbook.NoticeRunOutput, Key: "occ/1/run/1/out/1", Thread: "occ/1/run/1", Channel: runbook.ChannelRunbook, Occ: failed, Lines: []string{"line one"}, At: now})))
	require.NoError(t, sh.Deliver(ctx, delivery(t, runbook.Notice{Kind: runbook.NoticeRequest, Key: "occ/1/request/0", Update: true, Channel: runbook.ChannelRunbook, Occ: failed, At: now})))
	text = out.String()
	assert.Contains(t, text, "[#infra-incident] ❌ seed-dev-data failed")
	assert.Contains(t, text, "Open an incident within 15 min — deadline 21:15 UTC.")
	assert.Contains(t, text, "    ↳ [#plataforma]\n        │ line one\n")
	assert.Contains(t, text, "[#plataforma] (updated) Confirmation needed: seed-dev-data")

	require.NoError(t, sh.Run(ctx, strings.NewReader(":press record incident INC-77\n")))
	assert.Contains(t, f.Calls(), "U03 incident seed-dev-data INC-77")

	err := sh.Deliver(ctx, runbook.Delivery{Key: "bad", Payload: []byte("{")})
	var perm interface{ Permanent() bool }
	require.ErrorAs(t, err, &perm)
	assert.True(t, perm.Permanent())
}

func TestShell_GivenConcurrentDeliveries_ThenOutputIsNotInterleaved(t *testing.T) {
	f := newFake()
	var out syncBuffer
	sh := New(bot.New(f, bot.Options{Channel: "#plataforma"}), &out, "U03")
	ctx := context.Background()
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			_ = sh.Deliver(ctx, delivery(t, runbook.Notice{Kind: runbook.NoticeRunOutput, Key: "k", Thread: "p", Channel: runbook.ChannelRunbook,
				Occ: runbook.Occurrence{Job: "seed-dev-data"}, Lines: []string{"a", "b", "c"}, At: now}))
		})
	}
	require.NoError(t, sh.Run(ctx, strings.NewReader("status\nschedule\n")))
	wg.Wait()
	assert.Equal(t, 20, strings.Count(out.String(), "    ↳ [#plataforma]\n        │ a\n        │ b\n        │ c\n"))
}

func TestShell_GivenACancelledContext_ThenRunReturns(t *testing.T) {
	sh := New(bot.New(newFake(), bot.Options{}), &syncBuffer{}, "U03")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r, w := io.Pipe()
	defer w.Close()
	assert.NoError(t, sh.Run(ctx, r))
}

func TestShell_GivenABotSpeakingPortuguese_WhenItsOwnCommandsRun_ThenItsLinesAreInPortuguese(t *testing.T) {
	// Given a shell whose bot speaks pt-BR, and a request to press
	f := newFake()
	var out syncBuffer
	sh := New(bot.New(f, bot.Options{Channel: "#plataforma", Lang: runbook.LangPT}), &out, "U03")
	ctx := context.Background()
	occ := runbook.Occurrence{ID: 1, Job: "seed-dev-data", Window: now.Add(time.Hour), State: runbook.AwaitingConfirmation}

	// When the shell's own commands run and the request is edited
	require.NoError(t, sh.Run(ctx, strings.NewReader(":press confirm\n:as\n:as U04\n:nonsense\n")))
	require.NoError(t, sh.Deliver(ctx, delivery(t, runbook.Notice{Kind: runbook.NoticeRequest, Key: "occ/1/request/0", Channel: runbook.ChannelRunbook, Occ: occ, At: now})))
	require.NoError(t, sh.Run(ctx, strings.NewReader(":press recusar\n:press explode\n:help\n")))
	require.NoError(t, sh.Deliver(ctx, delivery(t, runbook.Notice{Kind: runbook.NoticeRequest, Key: "occ/1/request/0", Update: true, Channel: runbook.ChannelRunbook, Occ: occ, At: now})))

	// Then every line of the shell's own is in Portuguese
	text := out.String()
	for _, want := range []string{"ainda não há mensagem com botões", "uso: :as U123", "agora agindo como U04", "comando do shell desconhecido :nonsense — experimente :help",
		"Recusar pede Motivo: :press decline <motivo>", "botão inexistente; a última mensagem oferece: confirm, decline",
		"Digite comandos /runbook", "(atualizada) "} {
		assert.Contains(t, text, want)
	}
	for _, english := range []string{"now acting", "asks for", "no such button", "(updated)", "Type /runbook", "unknown shell command"} {
		assert.NotContains(t, text, english)
	}
}
