package gitrepo

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// remote is a bare repository on disk and a work clone people commit from, with the git binary.
type remote struct {
	t    *testing.T
	bare string
	work string
}

// newRemote makes a bare repository whose main branch has files, committed by Ana.
func newRemote(t *testing.T, files map[string]string) *remote {
	t.Helper()
	dir := t.TempDir()
	r := &remote{t: t, bare: filepath.Join(dir, "remote.git"), work: filepath.Join(dir, "work")}
	gitCmd(t, dir, "init", "-q", "--bare", "-b", "main", r.bare)
	gitCmd(t, dir, "init", "-q", "-b", "main", r.work)
	r.commit("Ana Souza <ana@example.com>", "first version", files)
	gitCmd(t, r.work, "remote", "add", "origin", r.bare)
	gitCmd(t, r.work, "push", "-q", "origin", "main")
	return r
}

// url is the remote's file URL.
func (r *remote) url() string { return "file://" + r.bare }

// commit writes files (mode 0755 for .sh) in the work clone and commits them as author.
func (r *remote) commit(author, msg string, files map[string]string) string {
	r.t.Helper()
	for name, body := range files {
		p := filepath.Join(r.work, filepath.FromSlash(name))
		require.NoError(r.t, os.MkdirAll(filepath.Dir(p), 0o755))
		mode := os.FileMode(0o644)
		if strings.HasSuffix(name, ".sh") {
			mode = 0o755
		}
		require.NoError(r.t, os.WriteFile(p, []byte(body), mode))
		require.NoError(r.t, os.Chmod(p, mode))
	}
	gitCmd(r.t, r.work, "add", "-A")
	name, email, _ := strings.Cut(strings.TrimSuffix(author, ">"), " <")
	gitCmd(r.t, r.work, "-c", "user.name="+name, "-c", "user.email="+email, "commit", "-q", "-m", msg)
	return strings.TrimSpace(gitCmd(r.t, r.work, "rev-parse", "HEAD"))
}

// push commits files as author and pushes them to the remote's main.
func (r *remote) push(author, msg string, files map[string]string) string {
	r.t.Helper()
	gitCmd(r.t, r.work, "pull", "-q", "--rebase", "origin", "main")
	sha := r.commit(author, msg, files)
	gitCmd(r.t, r.work, "push", "-q", "origin", "main")
	return sha
}

// show is the content of path at rev in the bare repository.
func (r *remote) show(rev, path string) string {
	r.t.Helper()
	return gitCmd(r.t, r.bare, "show", rev+":"+path)
}

// log is the remote branch's history, newest first, one "sha|author|subject" line per commit.
func (r *remote) log(branch string) []string {
	r.t.Helper()
	out := strings.TrimSpace(gitCmd(r.t, r.bare, "log", "--format=%H|%an <%ae>|%s", branch))
	if out == "" {
		return nil
	}
	return strings.Split(out, "\n")
}

// gitCmd runs the git binary in dir and returns its output, failing the test on error.
func gitCmd(t testing.TB, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir, "GIT_TERMINAL_PROMPT=0")
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	require.NoError(t, cmd.Run(), "git %s: %s", strings.Join(args, " "), stderr.String())
	return out.String()
}

// runbookDoc is a valid English runbook with one job at window running script.
func runbookDoc(window, script string) string {
	return "# Runbook\n\n## Schedule\n| Window | Frequency | Script | Primary | Backup | Dependencies |\n| --- | --- | --- | --- | --- | --- |\n" +
		fmt.Sprintf("| %s | Weekly | `%s` | Platform (Ana) | SRE (Lucas) | `bash` |\n", window, script) + `
## Contacts
| Name | Slack |
| --- | --- |
| Ana | U0ANA |
| Lucas | U0LUCAS |
| Platform | S0PLATFORM |
| SRE | S0SRE |

## Escalation
- Critical failures: alert ` + "`#infra-incident`" + ` at once and open an incident within 15 minutes.
- Delays over 30 minutes: renegotiate with the platform team and record a justification here.
`
}

// parse parses a runbook in UTC.
func parse(file string, src []byte) (*runbook.Runbook, runbook.Problems) {
	return runbook.Parse(file, src, runbook.ParseOptions{DefaultZone: time.UTC})
}

// logBuffer is a logger whose output a test can read.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

func (l *logBuffer) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// openRepo opens the bot's clone of url under a new data directory.
func openRepo(t *testing.T, url string, creds Credentials, log *slog.Logger) *Repo {
	t.Helper()
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	rp, err := Open(Options{URL: url, Dir: filepath.Join(t.TempDir(), "git"), Credentials: creds, Author: Signature{Name: "runbook-bot", Email: "runbook-bot@localhost"}, Log: log})
	require.NoError(t, err)
	return rp
}

// smartHTTP serves the repositories under root through `git http-backend` (CGI),
// behind HTTP basic auth with user and password.
func smartHTTP(t *testing.T, root, user, password string) *httptest.Server {
	t.Helper()
	execPath := strings.TrimSpace(gitCmd(t, root, "--exec-path"))
	backend := &cgi.Handler{
		Path: filepath.Join(execPath, "git-http-backend"),
		Env:  []string{"GIT_PROJECT_ROOT=" + root, "GIT_HTTP_EXPORT_ALL=1", "REMOTE_USER=" + user, "GIT_CONFIG_NOSYSTEM=1", "HOME=" + root},
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, p, ok := r.BasicAuth()
		if !ok || u != user || p != password {
			w.Header().Set("WWW-Authenticate", `Basic realm="git"`)
			http.Error(w, "authentication required", http.StatusUnauthorized)
			return
		}
		backend.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

var bg = context.Background()
