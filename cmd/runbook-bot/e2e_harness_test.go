package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/bot/slack/slacktest"
	"github.com/runbook-bot/runbook-bot/internal/pgtest"
)

// binPath is the runbook-bot binary built once for the end-to-end tests.
var binPath string

func TestMain(m *testing.M) {
	runBareBotIfAsked()
	flag.Parse()
	if f := flag.Lookup("test.fuzzworker"); f != nil && f.Value.String() == "true" {
		// A fuzz worker runs no test, only the fuzz target: it needs no binary. Building one
		// anyway made every worker (re)start depend on the tree compiling at that moment,
		// and a failed build there ends the fuzzing with "terminated without fuzzing: EOF".
		os.Exit(m.Run())
	}
	dir, err := os.MkdirTemp("", "runbook-bot-e2e")
	if err != nil {
		panic(err)
	}
	binPath = filepath.Join(dir, "runbook-bot")
	if out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building runbook-bot: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	pgtest.Stop() // the PostgreSQL cluster of the tests that asked for one
	os.RemoveAll(dir)
	os.Exit(code)
}

// Example people of the test runbook.
const (
	ana       = "U0ANA"
	lucas     = "U0LUCAS"
	stranger  = "U0STRANGER"
	responder = "U0RESPONDER" // a member of the incident channel, where a test says so
)

// workspace is a temporary RUNBOOK_WORKDIR with a runbook, scripts and data.
type workspace struct {
	dir string
}

// jobRow is one schedule row of the test runbook.
type jobRow struct {
	window string // e.g. "Daily 14:03 UTC"
	freq   string
	script string // path under scripts/
	body   string // the script's body (bash)
	deps   string
}

// newWorkspace writes a runbook whose jobs are owned by Ana (primary) and Lucas (backup).
func newWorkspace(t testing.TB, rows ...jobRow) *workspace {
	t.Helper()
	dir := t.TempDir()
	var table strings.Builder
	table.WriteString("| Window | Frequency | Script | Primary | Backup | Dependencies |\n| --- | --- | --- | --- | --- | --- |\n")
	for _, r := range rows {
		fmt.Fprintf(&table, "| %s | %s | `%s` | Platform (Ana) | SRE (Lucas) | %s |\n", r.window, r.freq, r.script, r.deps)
		path := filepath.Join(dir, r.script)
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte("#!/usr/bin/env bash\n"+r.body+"\n"), 0o755))
	}
	doc := "# Test runbook\n\n## Schedule\n" + table.String() + `
## Preparation
1. Confirm the windows with the platform team 24h before.

## Contacts
| Name | Slack |
| --- | --- |
| Ana | ` + ana + ` |
| Lucas | ` + lucas + ` |
| Platform | S0PLATFORM |
| SRE | S0SRE |

## Escalation
- Critical failures: alert ` + "`#infra-incident`" + ` at once and open an incident within 15 minutes.
- Delays over 30 minutes: renegotiate with the platform team and record a justification here.
`
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "docs", "observabilidade"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "docs", "runbook.md"), []byte(doc), 0o644))
	return &workspace{dir: dir}
}

func (w *workspace) path(p ...string) string { return filepath.Join(append([]string{w.dir}, p...)...) }

// nextWindow is the next minute boundary at least `ahead` from now, in UTC.
func nextWindow(ahead time.Duration) time.Time {
	return time.Now().UTC().Add(ahead).Truncate(time.Minute).Add(time.Minute)
}

// daily is a daily window row text for t.
func daily(t time.Time) string { return "Daily " + t.UTC().Format("15:04") + " UTC" }

// botProc is a running runbook-bot process.
type botProc struct {
	t   testing.TB
	cmd *exec.Cmd
	out *syncBuffer
}

// syncBuffer is a bytes.Buffer safe for concurrent writes and reads.
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

// baseEnv is the environment of a bot under test: the fake Slack, the workspace and short durations.
func baseEnv(w *workspace, srv *slacktest.Server, extra ...string) []string {
	env := []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"),
		"SLACK_API_URL=" + srv.APIURL(), "SLACK_BOT_TOKEN=" + srv.BotToken(), "SLACK_APP_TOKEN=" + srv.AppToken(),
		"RUNBOOK_FILE=" + w.path("docs", "runbook.md"), "RUNBOOK_WORKDIR=" + w.dir,
		"RUNBOOK_CHECKINS_FILE=" + w.path("docs", "observabilidade", "check-ins.md"),
		"RUNBOOK_DB=" + w.path("data", "runbook.db"), "RUNBOOK_DATA_DIR=" + w.path("data"),
		"RUNBOOK_CHANNEL=#plataforma", "RUNBOOK_HTTP_ADDR=",
		"RUNBOOK_CONFIRM_LEAD=2m", "RUNBOOK_REMINDERS=none",
		"RUNBOOK_INCIDENT_DEADLINE=20s", "RUNBOOK_DELAY_THRESHOLD=10s", "RUNBOOK_RUN_TIMEOUT=30s",
	}
	return append(env, extra...)
}

// startBot starts `runbook-bot serve` in the workspace and waits until it is connected.
func startBot(t *testing.T, w *workspace, srv *slacktest.Server, env []string) *botProc {
	t.Helper()
	return startBotCmd(t, w, srv, env, exec.Command(binPath, "serve"))
}

// startBotCmd is startBot with the command that runs `runbook-bot serve` (a shell setting a limit first).
func startBotCmd(t *testing.T, w *workspace, srv *slacktest.Server, env []string, cmd *exec.Cmd) *botProc {
	t.Helper()
	conns := srv.Connections()
	cmd.Dir = w.dir
	cmd.Env = env
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	require.NoError(t, cmd.Start())
	p := &botProc{t: t, cmd: cmd, out: out}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("bot output:\n%s", out.String())
		}
	})
	require.NoError(t, srv.WaitConnected(conns+1, 20*time.Second), "bot connects; output:\n%s", out.String())
	return p
}

// kill9 kills the bot with SIGKILL and waits for it to be gone.
func (p *botProc) kill9() {
	require.NoError(p.t, p.cmd.Process.Signal(syscall.SIGKILL))
	_, _ = p.cmd.Process.Wait()
}

// command sends "/runbook text" from user and returns the envelope id.
func command(srv *slacktest.Server, user, text string, opts ...slacktest.EnvelopeOption) string {
	return srv.SendSlashCommand(slacktest.SlashCommand{Text: text, UserID: user, ChannelID: "C0PLATAFORMA", ChannelName: "plataforma"}, opts...)
}

// waitFor waits for cond on the fake Slack, failing the test after timeout.
func waitFor(t testing.TB, srv *slacktest.Server, timeout time.Duration, what string, cond func(*slacktest.Server) bool) {
	t.Helper()
	require.NoError(t, srv.WaitFor(timeout, cond), "waiting for %s", what)
}

// plain is JSON as text without the \u003c-style escapes of HTML characters, so markup can be searched.
func plain(raw json.RawMessage) string {
	var v any
	if len(raw) == 0 || json.Unmarshal(raw, &v) != nil {
		return string(raw)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	return b.String()
}

// content is a message's text and blocks, searchable.
func content(m slacktest.Message) string { return m.Text + "\n" + plain(m.Blocks) }

// messagesWith returns the messages of a channel whose text or blocks contain s.
func messagesWith(srv *slacktest.Server, channel, s string) []slacktest.Message {
	var out []slacktest.Message
	for _, m := range srv.Messages(channel) {
		if strings.Contains(content(m), s) {
			out = append(out, m)
		}
	}
	return out
}

// ephemeralWith returns the ephemerals to user containing s.
func ephemeralWith(srv *slacktest.Server, user, s string) []slacktest.Ephemeral {
	var out []slacktest.Ephemeral
	for _, e := range srv.Ephemerals(user) {
		if strings.Contains(e.Text+plain(e.Blocks), s) {
			out = append(out, e)
		}
	}
	return out
}
