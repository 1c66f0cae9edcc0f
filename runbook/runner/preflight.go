package runner

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// VersionTimeout bounds each "<tool> --version" call of a tool check.
const VersionTimeout = 2 * time.Second

// maxDetail bounds a version line shown in a check's detail.
const maxDetail = 120

// Preflight evaluates a job's checks against workdir and environ (the
// environment the script will get, see ScriptEnv), and lists the variables the
// script gets (EnvNames). Details name things, never show values; tool checks
// run "<tool> --version" (at most VersionTimeout each).
func Preflight(ctx context.Context, checks []runbook.Check, workdir string, environ []string) runbook.Preflight {
	env := envMap(environ)
	out := runbook.Preflight{Results: make([]runbook.CheckResult, 0, len(checks)), Env: EnvNames(environ)}
	for _, c := range checks {
		var ok bool
		var detail runbook.Msg
		switch c.Kind {
		case runbook.CheckEnv:
			ok, detail = checkEnv(c, env)
		case runbook.CheckTool:
			ok, detail = checkTool(ctx, c, workdir, env, environ)
		case runbook.CheckPath:
			ok, detail = checkPath(c, workdir)
		case runbook.CheckManual:
			ok, detail = false, runbook.M(runbook.PfManual)
		default:
			ok, detail = false, runbook.M(runbook.PfUnknownKind, "kind", string(c.Kind))
		}
		out.Results = append(out.Results, runbook.CheckResult{Check: c, OK: ok, Detail: detail})
	}
	return out
}

// envMap indexes environ; the last definition wins, as in exec.
func envMap(environ []string) map[string]string {
	m := make(map[string]string, len(environ))
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok {
			m[k] = v
		}
	}
	return m
}

func checkEnv(c runbook.Check, env map[string]string) (bool, runbook.Msg) {
	if len(c.Names) == 0 || c.Names[0] == "" {
		return false, runbook.M(runbook.PfNoVariable)
	}
	v, set := env[c.Names[0]]
	switch {
	case !set:
		return false, runbook.M(runbook.PfNotSet)
	case strings.TrimSpace(v) == "":
		return false, runbook.M(runbook.PfEmpty)
	}
	return true, runbook.M(runbook.PfSet)
}

func checkTool(ctx context.Context, c runbook.Check, workdir string, env map[string]string, environ []string) (bool, runbook.Msg) {
	if len(c.Names) == 0 {
		return false, runbook.M(runbook.PfNoTool)
	}
	for _, name := range c.Names {
		path, ok := lookPathIn(name, env["PATH"], workdir)
		if !ok {
			continue
		}
		if v := toolVersion(ctx, path, workdir, environ); v != "" {
			return true, runbook.M(runbook.PfToolVersion, "tool", name, "version", v)
		}
		return true, runbook.M(runbook.PfToolPath, "tool", name, "path", path)
	}
	if len(c.Names) == 1 {
		return false, runbook.M(runbook.PfToolMissing, "tool", c.Names[0])
	}
	return false, runbook.M(runbook.PfToolsMissing, "tools", strings.Join(c.Names, ", "))
}

// lookPathIn finds an executable file called name in the directories of
// pathList (exec.LookPath, but on the script's PATH rather than the bot's).
func lookPathIn(name, pathList, workdir string) (string, bool) {
	if name == "" {
		return "", false
	}
	if strings.Contains(name, "/") { // a path to the tool, relative to the workdir
		if !filepath.IsAbs(name) {
			name = filepath.Join(workdir, name)
		}
		return name, isExecutable(name)
	}
	for _, dir := range filepath.SplitList(pathList) {
		if dir == "" || !filepath.IsAbs(dir) {
			continue // relative PATH entries would depend on the bot's cwd; ignore them
		}
		p := filepath.Join(dir, name)
		if isExecutable(p) {
			return p, true
		}
	}
	return "", false
}

func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0
}

// toolVersion returns the first non-empty line of "<path> --version", or ""
// when the tool fails, prints nothing or takes longer than VersionTimeout.
func toolVersion(ctx context.Context, path, workdir string, environ []string) string {
	ctx, cancel := context.WithTimeout(ctx, VersionTimeout)
	defer cancel()
	var out limitedBuffer
	cmd := exec.CommandContext(ctx, path, "--version")
	cmd.Dir = workdir
	cmd.Env = environ
	cmd.Stdout = &out
	cmd.Stderr = &out
	cmd.SysProcAttr = groupAttr()
	cmd.Cancel = func() error { return signalGroup(cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 500 * time.Millisecond
	if err := cmd.Run(); err != nil {
		return ""
	}
	for _, l := range strings.Split(out.b.String(), "\n") {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		if len(l) > maxDetail {
			l = l[:maxDetail] + "…"
		}
		return strings.ToValidUTF8(l, "?")
	}
	return ""
}

// limitedBuffer keeps the first 4 KiB written to it and discards the rest.
type limitedBuffer struct{ b bytes.Buffer }

func (w *limitedBuffer) Write(p []byte) (int, error) {
	if room := 4096 - w.b.Len(); room > 0 {
		w.b.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}

func checkPath(c runbook.Check, workdir string) (bool, runbook.Msg) {
	if len(c.Names) == 0 || strings.TrimSpace(c.Names[0]) == "" {
		return false, runbook.M(runbook.PfNoPath)
	}
	name := strings.TrimSpace(c.Names[0])
	wantDir := strings.HasSuffix(name, "/")
	if filepath.IsAbs(name) {
		return false, runbook.M(runbook.PfPathAbsolute)
	}
	p := filepath.Clean(name)
	if !filepath.IsLocal(p) {
		return false, runbook.M(runbook.PfPathEscapes)
	}
	root, err := os.OpenRoot(workdir)
	if err != nil {
		return false, runbook.M(runbook.PfWorkdirNoAccess)
	}
	defer root.Close()
	fi, err := root.Stat(p) // follows symlinks, but never out of the workdir
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return false, runbook.M(runbook.PfPathNotFound)
	case err != nil && strings.Contains(err.Error(), "escapes"):
		return false, runbook.M(runbook.PfPathEscapes)
	case err != nil:
		return false, runbook.M(runbook.PfPathNoAccess)
	case wantDir && !fi.IsDir():
		return false, runbook.M(runbook.PfNotADirectory)
	case fi.IsDir():
		return true, runbook.M(runbook.PfDirectoryExists)
	}
	return true, runbook.M(runbook.PfExists)
}
