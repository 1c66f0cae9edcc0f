package slack

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/bot"
	"github.com/runbook-bot/runbook-bot/bot/slack/slacktest"
	"github.com/runbook-bot/runbook-bot/runbook"
)

// fakeHandler records what the adapter asks of the bot.
type fakeHandler struct {
	mu       sync.Mutex
	commands []bot.Input
	presses  []bot.Press
	render   func(n runbook.Notice) bot.Message
}

func (h *fakeHandler) Command(_ context.Context, in bot.Input) bot.Reply {
	h.mu.Lock()
	h.commands = append(h.commands, in)
	h.mu.Unlock()
	if in.Text == "quiet" {
		return bot.Reply{Quiet: true}
	}
	return bot.Reply{Message: bot.Message{Fallback: "done: " + in.Text, Sections: []bot.Section{{Text: "done: " + in.Text}}}}
}

func (h *fakeHandler) Press(_ context.Context, p bot.Press) bot.Reply {
	h.mu.Lock()
	h.presses = append(h.presses, p)
	h.mu.Unlock()
	return bot.Reply{Message: bot.Message{Fallback: "pressed " + p.ButtonID + " " + p.Job}}
}

func (h *fakeHandler) Render(n runbook.Notice, _ time.Time) bot.Message {
	if h.render != nil {
		return h.render(n)
	}
	m := bot.Message{Channel: slacktest.DefaultChannelID, Fallback: string(n.Kind) + " " + n.Key, Title: string(n.Kind)}
	if len(n.Lines) > 0 {
		m.Sections = []bot.Section{{Lines: n.Lines}}
	}
	if n.Text != "" {
		m.Sections = append(m.Sections, bot.Section{Text: n.Text})
	}
	return m
}

func (h *fakeHandler) Commands() []bot.Input {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]bot.Input(nil), h.commands...)
}

func (h *fakeHandler) Presses() []bot.Press {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]bot.Press(nil), h.presses...)
}

// memStore is an in-memory Store.
type memStore struct {
	mu   sync.Mutex
	refs map[string][2]string
}

func newMemStore() *memStore {
	return &memStore{refs: map[string][2]string{}}
}

func (s *memStore) MessageRef(_ context.Context, key string) (string, string, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.refs[key]
	return r[0], r[1], ok, nil
}

func (s *memStore) SetMessageRef(_ context.Context, key, channel, ts string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refs[key] = [2]string{channel, ts}
	return nil
}

// logBuffer collects log output for assertions.
type logBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// rig is an adapter wired to a fake Slack, a fake bot and a memory store.
type rig struct {
	srv  *slacktest.Server
	ad   *Adapter
	h    *fakeHandler
	st   *memStore
	logs *logBuffer
	ctx  context.Context
}

func newRig(t *testing.T, opts ...slacktest.Option) *rig {
	t.Helper()
	srv := slacktest.NewTB(t, opts...)
	r := &rig{srv: srv, h: &fakeHandler{}, st: newMemStore(), logs: &logBuffer{}}
	ad, err := New(Config{
		BotToken: srv.BotToken(), AppToken: srv.AppToken(), APIURL: srv.APIURL(),
		Log: slog.New(slog.NewTextHandler(r.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}, r.h, r.st)
	require.NoError(t, err)
	ad.pace = newPacer(5 * time.Millisecond)
	r.ad = ad
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	r.ctx = ctx
	return r
}

// start starts the adapter and waits for its socket.
func (r *rig) start(t *testing.T) {
	t.Helper()
	require.NoError(t, r.ad.Start(r.ctx))
	require.NoError(t, r.srv.WaitConnected(1, 10*time.Second))
	r.waitFor(t, "connected", r.ad.Connected)
}

// waitFor waits for cond, re-checking whenever the fake records something.
func (r *rig) waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	err := r.srv.WaitFor(10*time.Second, func(*slacktest.Server) bool { return cond() })
	require.NoError(t, err, "waiting for %s", what)
}

// eventually polls cond for things the fake cannot signal (work the adapter dropped).
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	require.Eventually(t, cond, 10*time.Second, 5*time.Millisecond, "waiting for %s", what)
}
