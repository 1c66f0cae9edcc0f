package main

import (
	"bytes"
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
)

// gitRemote is a bare repository on disk and a work clone to commit from, with the git binary.
type gitRemote struct {
	t    testing.TB
	bare string
	work string
}

// newGitRemote makes a bare repository whose main branch holds files (".sh" files executable).
func newGitRemote(t testing.TB, files map[string]string) *gitRemote {
	t.Helper()
	dir := t.TempDir()
	r := &gitRemote{t: t, bare: filepath.Join(dir, "remote.git"), work: filepath.Join(dir, "work")}
	runGit(t, dir, "init", "-q", "--bare", "-b", "main", r.bare)
	runGit(t, dir, "clone", "-q", r.bare, r.work)
	r.push("Ana Souza <ana@example.com>", "first version", files)
	return r
}

// url is the remote's file URL.
func (r *gitRemote) url() string { return "file://" + r.bare }

// push commits files as author on top of the remote's main and pushes them; it returns the commit.
func (r *gitRemote) push(author, msg string, files map[string]string) string {
	r.t.Helper()
	if strings.TrimSpace(runGit(r.t, r.bare, "branch", "--list", "main")) != "" {
		runGit(r.t, r.work, "pull", "-q", "--rebase", "origin", "main")
	}
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
	runGit(r.t, r.work, "add", "-A")
	name, email, _ := strings.Cut(strings.TrimSuffix(author, ">"), " <")
	runGit(r.t, r.work, "-c", "user.name="+name, "-c", "user.email="+email, "commit", "-q", "--allow-empty", "-m", msg)
	runGit(r.t, r.work, "push", "-q", "origin", "HEAD:main")
	return strings.TrimSpace(runGit(r.t, r.work, "rev-parse", "HEAD"))
}

// runGit runs the git binary in dir and returns its output, failing the test on error.
func runGit(t testing.TB, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir, "GIT_TERMINAL_PROMPT=0")
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	require.NoError(t, cmd.Run(), "git %s: %s", strings.Join(args, " "), stderr.String())
	return out.String()
}

// gitHTTP serves the bare repositories under root through `git http-backend`
// (CGI) behind HTTP basic auth; down makes it answer 503, as a remote that is away.
type gitHTTP struct {
	*httptest.Server
	down atomic.Bool
}

// newGitHTTP serves root to user with password.
func newGitHTTP(t testing.TB, root, user, password string) *gitHTTP {
	t.Helper()
	execPath := strings.TrimSpace(runGit(t, root, "--exec-path"))
	backend := &cgi.Handler{Path: filepath.Join(execPath, "git-http-backend"),
		Env: []string{"GIT_PROJECT_ROOT=" + root, "GIT_HTTP_EXPORT_ALL=1", "REMOTE_USER=" + user, "GIT_CONFIG_NOSYSTEM=1", "HOME=" + root}}
	g := &gitHTTP{}
	g.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if g.down.Load() {
			http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
			return
		}
		u, p, ok := r.BasicAuth()
		if !ok || u != user || p != password {
			w.Header().Set("WWW-Authenticate", `Basic realm="git"`)
			http.Error(w, "authentication required", http.StatusUnauthorized)
			return
		}
		backend.ServeHTTP(w, r)
	}))
	t.Cleanup(g.Close)
	return g
}

// botCommits are the commits of branch by the bot ("sha|subject"), oldest first.
func (r *gitRemote) botCommits(branch string) []string {
	r.t.Helper()
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(runGit(r.t, r.bare, "log", "--reverse", "--format=%H|%an|%s", branch)), "\n") {
		if sha, rest, ok := strings.Cut(l, "|runbook-bot|"); ok {
			out = append(out, sha+"|"+rest)
		}
	}
	return out
}
