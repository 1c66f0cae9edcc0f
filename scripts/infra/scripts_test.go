// Package infra_test runs the infrastructure scripts in scripts/infra for
// real: against a PostgreSQL server and a MongoDB-wire-compatible server
// (FerretDB on PostgreSQL) that the tests start themselves on free loopback
// ports, and against the manifests in design/.
//
// The tools come from PATH or their usual install paths (see findTool).
// A missing tool fails the test naming it, unless
// RUNBOOK_SCRIPTS_TESTS_ALLOW_MISSING=1, in which case the test is skipped
// naming it. .ci/scripts-deps.sh installs all of them.
package infra_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The password of the application role, in both database URLs. It must never
// appear in any script output, raw or percent-encoded.
const (
	appPassword  = "Rb-s3cr3t@pw/x:y"
	secretMarker = "s3cr3t"
	superPass    = "Super-pw-0"
)

var (
	repoRoot     string
	allowMissing = os.Getenv("RUNBOOK_SCRIPTS_TESTS_ALLOW_MISSING") == "1"

	toolsOnce sync.Once
	tools     map[string]string // name -> absolute path ("" when not found)

	serversOnce sync.Once
	servers     *dbServers
	serversErr  error
)

func TestMain(m *testing.M) {
	wd, err := os.Getwd()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	repoRoot = filepath.Clean(filepath.Join(wd, "..", ".."))
	code := m.Run()
	if servers != nil {
		servers.stop()
	}
	os.Exit(code)
}

// ------------------------------------------------------------------ tools

func goBinDirs() []string {
	var dirs []string
	if d := os.Getenv("GOBIN"); d != "" {
		dirs = append(dirs, d)
	}
	if d := os.Getenv("GOPATH"); d != "" {
		for _, p := range filepath.SplitList(d) {
			dirs = append(dirs, filepath.Join(p, "bin"))
		}
	}
	if h, err := os.UserHomeDir(); err == nil {
		dirs = append(dirs, filepath.Join(h, "go", "bin"))
	}
	return append(dirs, "/root/go/bin", "/usr/local/go/bin")
}

func pgBinDirs() []string {
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(matches, func(i, j int) bool { // newest major first
		vi, _ := strconv.Atoi(filepath.Base(filepath.Dir(matches[i])))
		vj, _ := strconv.Atoi(filepath.Base(filepath.Dir(matches[j])))
		return vi > vj
	})
	return matches
}

func findTool(name string) string {
	if p, err := exec.LookPath(name); err == nil {
		if abs, err := filepath.Abs(p); err == nil {
			return abs
		}
		return p
	}
	var dirs []string
	switch name {
	case "initdb", "pg_ctl", "postgres", "psql":
		dirs = pgBinDirs()
	case "ferretdb", "kustomize":
		dirs = goBinDirs()
	}
	dirs = append(dirs, "/usr/local/bin", "/usr/bin", "/usr/local/lib/node_modules/.bin", "/opt/homebrew/bin")
	for _, d := range dirs {
		p := filepath.Join(d, name)
		if st, err := os.Stat(p); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
			return p
		}
	}
	return ""
}

func loadTools() {
	toolsOnce.Do(func() {
		tools = map[string]string{}
		for _, n := range []string{"bash", "flock", "psql", "initdb", "pg_ctl", "mongosh", "ferretdb",
			"kubectl", "kustomize", "docker", "docker-compose", "python3", "shellcheck", "runuser"} {
			tools[n] = findTool(n)
		}
	})
}

// need fails (or, with RUNBOOK_SCRIPTS_TESTS_ALLOW_MISSING=1, skips) the test
// when a tool is missing. An entry "a|b" needs either.
func need(t *testing.T, names ...string) {
	t.Helper()
	loadTools()
	var missing []string
	for _, n := range names {
		found := false
		for _, alt := range strings.Split(n, "|") {
			if tools[alt] != "" {
				found = true
			}
		}
		if !found {
			missing = append(missing, strings.ReplaceAll(n, "|", " or "))
		}
	}
	if len(missing) == 0 {
		return
	}
	msg := fmt.Sprintf("required tool(s) not found on PATH or known install paths: %s (install them with: bash .ci/scripts-deps.sh)",
		strings.Join(missing, ", "))
	if allowMissing {
		t.Skipf("%s; skipped because RUNBOOK_SCRIPTS_TESTS_ALLOW_MISSING=1", msg)
	}
	t.Fatal(msg)
}

// toolPATH is PATH plus the directories of every tool found elsewhere.
func toolPATH() string {
	loadTools()
	parts := filepath.SplitList(os.Getenv("PATH"))
	seen := map[string]bool{}
	for _, p := range parts {
		seen[p] = true
	}
	var names []string
	for n := range tools {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if p := tools[n]; p != "" {
			d := filepath.Dir(p)
			if !seen[d] {
				parts = append(parts, d)
				seen[d] = true
			}
		}
	}
	return strings.Join(parts, string(os.PathListSeparator))
}

// ---------------------------------------------------------------- servers

type dbServers struct {
	dir       string
	pgPort    int
	mongoPort int
	ferret    *exec.Cmd
	pgData    string
	asUser    []string // prefix to run a command as the unprivileged user
}

func freePort(t testing.TB) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func waitPort(port int, d time.Duration) error {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), 200*time.Millisecond)
		if err == nil {
			c.Close()
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("nothing listens on 127.0.0.1:%d after %s", port, d)
}

func runQuiet(name string, args ...string) error {
	cmd := exec.Command(name, args...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return nil
}

func startServers(t *testing.T) *dbServers {
	t.Helper()
	need(t, "initdb", "pg_ctl", "psql", "ferretdb", "mongosh")
	serversOnce.Do(func() { servers, serversErr = doStartServers(t) })
	require.NoError(t, serversErr, "starting the test database servers")
	return servers
}

func doStartServers(t *testing.T) (*dbServers, error) {
	s := &dbServers{}
	dir, err := os.MkdirTemp("", "runbook-scripts-db-")
	if err != nil {
		return nil, err
	}
	s.dir = dir
	if err := os.Chmod(dir, 0o755); err != nil {
		return nil, err
	}
	s.pgData = filepath.Join(dir, "pgdata")
	if os.Geteuid() == 0 {
		// initdb and postgres refuse to run as root: use an unprivileged user.
		if tools["runuser"] == "" {
			return nil, errors.New("running as root and runuser (util-linux) not found: cannot start PostgreSQL as an unprivileged user")
		}
		user := os.Getenv("RUNBOOK_SCRIPTS_TESTS_PG_USER")
		if user == "" {
			user = "nobody"
		}
		uid, gid, err := lookupIDs(user)
		if err != nil {
			return nil, err
		}
		if err := os.Chown(dir, uid, gid); err != nil {
			return nil, err
		}
		s.asUser = []string{tools["runuser"], "-u", user, "--"}
	}
	pwFile := filepath.Join(dir, "pw")
	if err := os.WriteFile(pwFile, []byte(superPass+"\n"), 0o600); err != nil {
		return nil, err
	}
	if len(s.asUser) > 0 {
		st, _ := os.Stat(dir)
		sys := st.Sys().(*syscall.Stat_t)
		if err := os.Chown(pwFile, int(sys.Uid), int(sys.Gid)); err != nil {
			return nil, err
		}
	}
	asUser := func(name string, args ...string) error {
		if len(s.asUser) > 0 {
			return runQuiet(s.asUser[0], append(append(append([]string{}, s.asUser[1:]...), name), args...)...)
		}
		return runQuiet(name, args...)
	}
	if err := asUser(tools["initdb"], "-D", s.pgData, "-U", "postgres", "--auth=scram-sha-256",
		"--pwfile="+pwFile, "-E", "UTF8", "--no-sync", "--locale=C"); err != nil {
		return nil, err
	}
	s.pgPort = freePort(t)
	opts := fmt.Sprintf("-c listen_addresses=127.0.0.1 -p %d -k %s -c fsync=off -c synchronous_commit=off -c full_page_writes=off", s.pgPort, dir)
	if err := asUser(tools["pg_ctl"], "-D", s.pgData, "-o", opts, "-l", filepath.Join(dir, "pg.log"), "-w", "-t", "60", "start"); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "pg.log"))
		return nil, fmt.Errorf("%v\n%s", err, log)
	}
	for _, q := range []string{
		fmt.Sprintf("CREATE ROLE app LOGIN PASSWORD '%s'", strings.ReplaceAll(appPassword, "'", "''")),
		"CREATE DATABASE ferretdb OWNER app",
	} {
		if _, err := s.superSQL("postgres", q); err != nil {
			s.stop()
			return nil, err
		}
	}
	// FerretDB on the PostgreSQL backend: a client's PLAIN credentials are
	// checked by PostgreSQL, so the password in the NoSQL URL is real too.
	s.mongoPort = freePort(t)
	fdir := filepath.Join(dir, "ferretdb")
	if err := os.MkdirAll(fdir, 0o700); err != nil {
		return nil, err
	}
	logf, err := os.Create(filepath.Join(fdir, "ferretdb.log"))
	if err != nil {
		return nil, err
	}
	s.ferret = exec.Command(tools["ferretdb"],
		"--handler=postgresql",
		fmt.Sprintf("--postgresql-url=postgres://127.0.0.1:%d/ferretdb", s.pgPort),
		fmt.Sprintf("--listen-addr=127.0.0.1:%d", s.mongoPort),
		"--state-dir="+fdir, "--debug-addr=-", "--telemetry=disable", "--log-level=warn")
	s.ferret.Stdout, s.ferret.Stderr = logf, logf
	if err := s.ferret.Start(); err != nil {
		s.stop()
		return nil, err
	}
	if err := waitPort(s.mongoPort, 30*time.Second); err != nil {
		log, _ := os.ReadFile(filepath.Join(fdir, "ferretdb.log"))
		s.stop()
		return nil, fmt.Errorf("ferretdb: %v\n%s", err, log)
	}
	return s, nil
}

func lookupIDs(user string) (int, int, error) {
	data, err := os.ReadFile("/etc/passwd")
	if err != nil {
		return 0, 0, err
	}
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Split(line, ":")
		if len(f) > 3 && f[0] == user {
			uid, _ := strconv.Atoi(f[2])
			gid, _ := strconv.Atoi(f[3])
			return uid, gid, nil
		}
	}
	return 0, 0, fmt.Errorf("user %q not found in /etc/passwd", user)
}

func (s *dbServers) stop() {
	if s.ferret != nil && s.ferret.Process != nil {
		_ = s.ferret.Process.Kill()
		_ = s.ferret.Wait()
	}
	if s.pgData != "" {
		args := []string{tools["pg_ctl"], "-D", s.pgData, "-m", "immediate", "-w", "stop"}
		if len(s.asUser) > 0 {
			args = append(append([]string{}, s.asUser...), args...)
		}
		_ = runQuiet(args[0], args[1:]...)
	}
	if s.dir != "" {
		_ = os.RemoveAll(s.dir)
	}
}

// superSQL runs SQL as the superuser and returns psql's unaligned output.
func (s *dbServers) superSQL(db, sql string) (string, error) {
	cmd := exec.Command(tools["psql"], "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1",
		"-h", "127.0.0.1", "-p", strconv.Itoa(s.pgPort), "-U", "postgres", "-d", db, "-c", sql)
	cmd.Env = append(os.Environ(), "PGPASSWORD="+superPass, "PGOPTIONS=-c client_min_messages=warning")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("psql %q: %v: %s", sql, err, stderr.String())
	}
	return strings.TrimSpace(string(out)), nil
}

func (s *dbServers) mustSQL(t *testing.T, db, sql string) string {
	t.Helper()
	out, err := s.superSQL(db, sql)
	require.NoError(t, err)
	return out
}

// newDB creates a fresh relational database owned by the app role.
func (s *dbServers) newDB(t *testing.T, name string) {
	t.Helper()
	s.mustSQL(t, "postgres", fmt.Sprintf("DROP DATABASE IF EXISTS %s", name))
	s.mustSQL(t, "postgres", fmt.Sprintf("CREATE DATABASE %s OWNER app", name))
}

func (s *dbServers) relURL(db string) string {
	u := url.URL{Scheme: "postgresql", User: url.UserPassword("app", appPassword),
		Host: fmt.Sprintf("127.0.0.1:%d", s.pgPort), Path: "/" + db, RawQuery: "sslmode=disable"}
	return u.String()
}

func (s *dbServers) docURL(db string) string {
	u := url.URL{Scheme: "mongodb", User: url.UserPassword("app", appPassword),
		Host: fmt.Sprintf("127.0.0.1:%d", s.mongoPort), Path: "/" + db, RawQuery: "authMechanism=PLAIN"}
	return u.String()
}

// tableCounts: rows per table of schema app; nil when the schema is absent.
func (s *dbServers) tableCounts(t *testing.T, db string) map[string]int {
	t.Helper()
	out := s.mustSQL(t, db, `SELECT table_name, (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM app.%I', table_name), false, true, '')))[1]::text
		FROM information_schema.tables WHERE table_schema = 'app' ORDER BY 1`)
	if out == "" {
		return nil
	}
	counts := map[string]int{}
	for _, line := range strings.Split(out, "\n") {
		f := strings.Split(line, "|")
		n, err := strconv.Atoi(f[1])
		require.NoError(t, err)
		counts[f[0]] = n
	}
	return counts
}

// tableFingerprint: a digest of every row of schema app.
func (s *dbServers) tableFingerprint(t *testing.T, db string) string {
	t.Helper()
	return s.mustSQL(t, db, `SELECT md5(coalesce(string_agg(x, '|' ORDER BY x), '')) FROM (
		SELECT 'teams:' || t::text AS x FROM app.teams t UNION ALL
		SELECT 'environments:' || t::text FROM app.environments t UNION ALL
		SELECT 'services:' || t::text FROM app.services t UNION ALL
		SELECT 'feature_flags:' || t::text FROM app.feature_flags t) u`)
}

// docState returns, per collection of the Mongo database, its documents
// sorted by _id as canonical Extended JSON, read with mongosh.
func (s *dbServers) docState(t *testing.T, db string) map[string]string {
	t.Helper()
	js := `const c = connect(process.env.U);
const out = {};
for (const n of c.getCollectionNames().sort()) {
  out[n] = EJSON.stringify(c.getCollection(n).find().sort({_id: 1}).toArray(), {relaxed: false});
}
print(JSON.stringify(out));`
	f := filepath.Join(t.TempDir(), "state.js")
	require.NoError(t, os.WriteFile(f, []byte(js), 0o600))
	cmd := exec.Command(tools["mongosh"], "--nodb", "--quiet", "--norc", "--file", f)
	cmd.Env = append(os.Environ(), "U="+s.docURL(db))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, "mongosh: %s", stderr.String())
	state := map[string]string{}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	require.NoError(t, json.Unmarshal([]byte(lines[len(lines)-1]), &state), "mongosh output: %s", out)
	return state
}

func docCounts(t *testing.T, state map[string]string) map[string]int {
	t.Helper()
	counts := map[string]int{}
	for k, v := range state {
		var docs []any
		require.NoError(t, json.Unmarshal([]byte(v), &docs))
		counts[k] = len(docs)
	}
	return counts
}

// ----------------------------------------------------------- running them

type result struct {
	stdout, stderr string
	code           int
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\n--- stdout\n%s--- stderr\n%s", r.code, r.stdout, r.stderr)
}

// scriptEnv is the environment the scripts get: the test's own minus the
// variables the scripts read, with the tools' directories on PATH and a
// private TMPDIR (so their locks never meet a real run's).
func scriptEnv(t *testing.T, extra ...string) []string {
	t.Helper()
	drop := map[string]bool{"DEV_RELATIONAL_URL": true, "DEV_NOSQL_URL": true, "STAGING_RELATIONAL_URL": true,
		"STAGING_NOSQL_URL": true, "RESET_STAGING_CONFIRM": true, "DESIGN_DIR": true, "K8S_OVERLAY": true,
		"SEED_NOSQL_LOADER": true, "PATH": true, "TMPDIR": true, "PGPASSWORD": true, "KUBECONFIG": true}
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if !drop[k] {
			env = append(env, kv)
		}
	}
	env = append(env, "PATH="+toolPATH(), "TMPDIR="+t.TempDir(), "PGCONNECT_TIMEOUT=5", "MONGO_TIMEOUT_MS=4000")
	return append(env, extra...)
}

var summaryRe = regexp.MustCompile(`^summary: [a-z-]+ mode=\S+ result=\S+ exit=(\d+) duration=\d+s`)

// run runs a script like the bot does (argv, no shell, from the repo root,
// no terminal on stdin) and checks the conventions every run must keep:
// a documented exit code, no secret in the output, the summary line last.
func run(t *testing.T, env []string, script string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join("scripts", "infra", script), args...)
	cmd.Dir = repoRoot
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	started := time.Now()
	err := cmd.Run()
	t.Logf("%s %s: %s", script, strings.Join(args, " "), time.Since(started).Round(10*time.Millisecond))
	r := result{stdout: stdout.String(), stderr: stderr.String()}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	default:
		require.NoError(t, err, "running %s", script)
	}
	require.NoError(t, ctx.Err(), "%s %v timed out\n%s", script, args, r)
	require.Contains(t, []int{0, 1, 2, 3}, r.code, "undocumented exit code\n%s", r)
	for _, secret := range []string{appPassword, url.QueryEscape(appPassword), url.PathEscape(appPassword), secretMarker, superPass} {
		require.NotContains(t, r.stdout, secret, "secret in stdout of %s %v", script, args)
		require.NotContains(t, r.stderr, secret, "secret in stderr of %s %v", script, args)
	}
	if !isHelp(args) {
		lines := strings.Split(strings.TrimRight(r.stdout, "\n"), "\n")
		last := lines[len(lines)-1]
		m := summaryRe.FindStringSubmatch(last)
		require.NotNil(t, m, "last stdout line is not the summary\n%s", r)
		require.Equal(t, strconv.Itoa(r.code), m[1], "summary exit code\n%s", r)
	}
	return r
}

func isHelp(args []string) bool {
	for _, a := range args {
		if a == "--help" || a == "-h" {
			return true
		}
	}
	return false
}

func seedEnv(t *testing.T, s *dbServers, relDB, docDB string, extra ...string) []string {
	return scriptEnv(t, append([]string{"DEV_RELATIONAL_URL=" + s.relURL(relDB), "DEV_NOSQL_URL=" + s.docURL(docDB)}, extra...)...)
}

func stagingEnv(t *testing.T, s *dbServers, relDB, docDB string, extra ...string) []string {
	return scriptEnv(t, append([]string{"STAGING_RELATIONAL_URL=" + s.relURL(relDB), "STAGING_NOSQL_URL=" + s.docURL(docDB)}, extra...)...)
}

// -------------------------------------------------------------- the tests

var seedTables = map[string]int{"teams": 4, "environments": 2, "services": 6, "feature_flags": 6}
var seedCollections = map[string]int{"service_catalog": 6, "deploy_events": 8}

func TestShellcheckClean(t *testing.T) {
	need(t, "shellcheck")
	files, _ := filepath.Glob(filepath.Join(repoRoot, "scripts", "infra", "*.sh"))
	lib, _ := filepath.Glob(filepath.Join(repoRoot, "scripts", "infra", "lib", "*.sh"))
	cmd := exec.Command(tools["shellcheck"], append(files, lib...)...)
	cmd.Dir = repoRoot
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "shellcheck:\n%s", out)
}

func TestHelpAndUsageErrors(t *testing.T) {
	need(t, "bash")
	env := scriptEnv(t)
	for _, script := range []string{"provision-dev.sh", "reset-staging.sh", "seed-dev-data.sh"} {
		r := run(t, env, script, "--help")
		require.Equal(t, 0, r.code, r.String())
		require.Contains(t, r.stdout, "Usage:")
		require.Contains(t, r.stdout, "Exit codes")

		r = run(t, env, script, "--bogus")
		require.Equal(t, 2, r.code, r.String())
		require.Contains(t, r.stderr, "unknown")

		r = run(t, env, script, "docker", "--mode", "nonsense")
		require.Equal(t, 2, r.code, r.String())
	}
	r := run(t, env, "provision-dev.sh", "vm", "--mode", "validate")
	require.Equal(t, 2, r.code, r.String())
	require.Contains(t, r.stderr, "unknown target 'vm'")
	r = run(t, env, "provision-dev.sh")
	require.Equal(t, 2, r.code, r.String())
}

// With PATH holding bash alone and no URL set, --check (and any mode) exits
// 3 listing every missing dependency by name.
func TestMissingDependencies(t *testing.T) {
	need(t, "bash")
	bin := t.TempDir()
	require.NoError(t, os.Symlink(tools["bash"], filepath.Join(bin, "bash")))
	bare := scriptEnv(t)
	for i, kv := range bare {
		if strings.HasPrefix(kv, "PATH=") {
			bare[i] = "PATH=" + bin
		}
	}
	cases := []struct {
		script string
		args   []string
		want   []string
	}{
		{"seed-dev-data.sh", []string{"--check"}, []string{"'psql'", "'mongoimport' or 'mongosh'", "DEV_RELATIONAL_URL", "DEV_NOSQL_URL", "'flock'"}},
		{"seed-dev-data.sh", []string{"--mode", "apply"}, []string{"'psql'", "DEV_NOSQL_URL"}},
		{"reset-staging.sh", []string{"--check"}, []string{"'psql'", "'mongosh'", "STAGING_RELATIONAL_URL", "STAGING_NOSQL_URL"}},
		{"reset-staging.sh", []string{}, []string{"'psql'", "'mongosh'", "STAGING_RELATIONAL_URL"}},
		{"provision-dev.sh", []string{"--check"}, []string{"'docker'", "docker-compose", "'kubectl' or 'kustomize'", "'python3'"}},
		{"provision-dev.sh", []string{"docker/k8s", "--mode", "validate"}, []string{"'docker'", "'kubectl' or 'kustomize'"}},
	}
	for _, c := range cases {
		r := run(t, bare, c.script, c.args...)
		require.Equal(t, 3, r.code, "%s %v\n%s", c.script, c.args, r)
		require.Contains(t, r.stderr, "missing dependencies")
		for _, w := range c.want {
			require.Contains(t, r.stderr, w, "%s %v", c.script, c.args)
		}
	}

	// The manifests are a dependency of provision-dev too.
	need(t, "docker", "docker-compose|kubectl|kustomize", "python3")
	r := run(t, scriptEnv(t, "DESIGN_DIR="+t.TempDir()), "provision-dev.sh", "docker/k8s", "--check")
	require.Equal(t, 3, r.code, r.String())
	require.Contains(t, r.stderr, "compose.yaml")
	require.Contains(t, r.stderr, "kustomization.yaml")

	// psql present but the document tools absent: named precisely.
	need(t, "psql", "flock")
	require.NoError(t, os.Symlink(tools["psql"], filepath.Join(bin, "psql")))
	require.NoError(t, os.Symlink(tools["flock"], filepath.Join(bin, "flock")))
	env := append(bare, "DEV_RELATIONAL_URL=postgresql://app:"+url.PathEscape(appPassword)+"@127.0.0.1:1/app_dev",
		"DEV_NOSQL_URL=mongodb://127.0.0.1:1/app_dev")
	r = run(t, env, "seed-dev-data.sh", "--check")
	require.Equal(t, 3, r.code, r.String())
	require.Contains(t, r.stderr, "'mongoimport' or 'mongosh'")
	require.NotContains(t, r.stderr, "'psql'")
	require.NotContains(t, r.stderr, "DEV_RELATIONAL_URL")
}

func TestCheckPassesWhenEverythingIsThere(t *testing.T) {
	need(t, "psql", "mongosh", "flock", "docker", "docker-compose|docker", "kubectl|kustomize", "python3")
	env := scriptEnv(t, "DEV_RELATIONAL_URL=postgresql://app@127.0.0.1:1/app_dev", "DEV_NOSQL_URL=mongodb://127.0.0.1:1/app_dev",
		"STAGING_RELATIONAL_URL=postgresql://app@127.0.0.1:1/app_staging", "STAGING_NOSQL_URL=mongodb://127.0.0.1:1/app_staging")
	for _, c := range [][]string{{"seed-dev-data.sh", "--check"}, {"reset-staging.sh", "--check"}, {"provision-dev.sh", "docker/k8s", "--check"}} {
		r := run(t, env, c[0], c[1:]...)
		require.Equal(t, 0, r.code, "%v\n%s", c, r)
		require.Contains(t, r.stderr, "all dependencies present")
	}
}

func TestSeedDevDataPlanApplyVerifyIdempotent(t *testing.T) {
	s := startServers(t)
	s.newDB(t, "app_dev_seed")
	env := seedEnv(t, s, "app_dev_seed", "app_dev_seed")

	// plan on empty databases: shows the data set, changes nothing.
	r := run(t, env, "seed-dev-data.sh", "--mode", "plan")
	require.Equal(t, 0, r.code, r.String())
	require.Contains(t, r.stdout, "relational app.teams: absent (expected at least 4)")
	require.Contains(t, r.stdout, "documents  deploy_events: absent (expected at least 8)")
	require.Contains(t, r.stdout, "seeded=no")
	require.Nil(t, s.tableCounts(t, "app_dev_seed"), "plan created tables")
	require.Empty(t, s.docState(t, "app_dev_seed"), "plan created collections")

	// verify before apply fails.
	r = run(t, env, "seed-dev-data.sh", "--mode", "verify")
	require.Equal(t, 1, r.code, r.String())
	require.Contains(t, r.stdout, "verified=no")

	// apply, then check with our own queries.
	r = run(t, env, "seed-dev-data.sh", "--mode", "apply")
	require.Equal(t, 0, r.code, r.String())
	require.Contains(t, r.stdout, "verified=yes")
	require.Equal(t, seedTables, s.tableCounts(t, "app_dev_seed"))
	state1 := s.docState(t, "app_dev_seed")
	require.Equal(t, seedCollections, docCounts(t, state1))
	fp1 := s.tableFingerprint(t, "app_dev_seed")
	require.Equal(t, "Billing", s.mustSQL(t, "app_dev_seed", "SELECT name FROM app.services WHERE id = 'billing'"))

	// A drifted row is put back by the upsert; a second apply leaves exactly
	// the same state.
	s.mustSQL(t, "app_dev_seed", "UPDATE app.services SET name = 'drifted' WHERE id = 'billing'")
	r = run(t, env, "seed-dev-data.sh", "--mode", "apply")
	require.Equal(t, 0, r.code, r.String())
	require.Equal(t, seedTables, s.tableCounts(t, "app_dev_seed"))
	require.Equal(t, fp1, s.tableFingerprint(t, "app_dev_seed"))
	require.Equal(t, state1, s.docState(t, "app_dev_seed"))

	r = run(t, env, "seed-dev-data.sh", "--mode", "verify")
	require.Equal(t, 0, r.code, r.String())
	require.Contains(t, r.stdout, "relational app.services: 6 (expected at least 6)")
	require.Contains(t, r.stdout, "documents  service_catalog: 6 (expected at least 6)")

	r = run(t, env, "seed-dev-data.sh", "--mode", "plan")
	require.Equal(t, 0, r.code, r.String())
	require.Contains(t, r.stdout, "seeded=yes")
	require.Equal(t, fp1, s.tableFingerprint(t, "app_dev_seed"))
}

// expected-counts.tsv must agree with the seed files.
func TestSeedExpectedCountsMatchFiles(t *testing.T) {
	for coll, n := range seedCollections {
		data, err := os.ReadFile(filepath.Join(repoRoot, "scripts", "infra", "seed", coll+".json"))
		require.NoError(t, err)
		var docs []map[string]any
		require.NoError(t, json.Unmarshal(data, &docs))
		require.Len(t, docs, n, coll)
		for _, d := range docs {
			require.NotNil(t, d["_id"], "%s: every document needs an _id for upserts", coll)
		}
	}
	data, err := os.ReadFile(filepath.Join(repoRoot, "scripts", "infra", "seed", "expected-counts.tsv"))
	require.NoError(t, err)
	for table, n := range seedTables {
		require.Contains(t, string(data), fmt.Sprintf("relational\tapp.%s\t%d\n", table, n))
	}
	for coll, n := range seedCollections {
		require.Contains(t, string(data), fmt.Sprintf("nosql\t%s\t%d\n", coll, n))
	}
}

func TestSeedDevDataDatabaseDown(t *testing.T) {
	s := startServers(t)
	s.newDB(t, "app_dev_down")
	closed := freePort(t)

	// Relational down, documents up: exit 1, the document store untouched.
	down := strings.Replace(s.relURL("app_dev_down"), fmt.Sprintf(":%d/", s.pgPort), fmt.Sprintf(":%d/", closed), 1)
	env := scriptEnv(t, "DEV_RELATIONAL_URL="+down, "DEV_NOSQL_URL="+s.docURL("app_dev_down"))
	r := run(t, env, "seed-dev-data.sh", "--mode", "apply")
	require.Equal(t, 1, r.code, r.String())
	require.Contains(t, r.stderr, "cannot reach the relational database")
	require.Contains(t, r.stderr, "nothing was changed")
	require.Empty(t, s.docState(t, "app_dev_down"))

	// Documents down, relational up: exit 1, no table created.
	downDoc := strings.Replace(s.docURL("app_dev_down"), fmt.Sprintf(":%d/", s.mongoPort), fmt.Sprintf(":%d/", closed), 1)
	env = scriptEnv(t, "DEV_RELATIONAL_URL="+s.relURL("app_dev_down"), "DEV_NOSQL_URL="+downDoc)
	r = run(t, env, "seed-dev-data.sh", "--mode", "apply")
	require.Equal(t, 1, r.code, r.String())
	require.Contains(t, r.stderr, "cannot reach the document store")
	require.Nil(t, s.tableCounts(t, "app_dev_down"))

	// Wrong password: a clean failure that does not echo it.
	wrongURL := url.URL{Scheme: "postgresql", User: url.UserPassword("app", "Rb-s3cr3t-wrong"),
		Host: fmt.Sprintf("127.0.0.1:%d", s.pgPort), Path: "/app_dev_down"}
	wrong := wrongURL.String()
	env = scriptEnv(t, "DEV_RELATIONAL_URL="+wrong, "DEV_NOSQL_URL="+s.docURL("app_dev_down"))
	r = run(t, env, "seed-dev-data.sh", "--mode", "plan")
	require.Equal(t, 1, r.code, r.String())
	require.Contains(t, r.stderr, "password authentication failed")
}

// A failing seed file rolls the whole relational load back and leaves the
// document store alone.
func TestSeedDevDataFailureRollsBack(t *testing.T) {
	s := startServers(t)
	s.newDB(t, "app_dev_rollback")
	// Make the first seed file fail half-way through the load: a check on
	// app.teams rejects the seed's rows.
	s.mustSQL(t, "app_dev_rollback", "CREATE SCHEMA app AUTHORIZATION app")
	s.mustSQL(t, "app_dev_rollback", "CREATE TABLE app.teams (id text PRIMARY KEY, name text NOT NULL, slack_channel text CHECK (slack_channel IS NULL))")
	s.mustSQL(t, "app_dev_rollback", "ALTER TABLE app.teams OWNER TO app")
	env := seedEnv(t, s, "app_dev_rollback", "app_dev_rollback")
	r := run(t, env, "seed-dev-data.sh", "--mode", "apply")
	require.Equal(t, 1, r.code, r.String())
	require.Contains(t, r.stderr, "rolled back")
	require.Equal(t, map[string]int{"teams": 0}, s.tableCounts(t, "app_dev_rollback"))
	require.Empty(t, s.docState(t, "app_dev_rollback"))
}

func TestSeedDevDataRefusesStagingURL(t *testing.T) {
	need(t, "psql", "mongosh", "flock")
	env := scriptEnv(t, "DEV_RELATIONAL_URL=postgresql://app:"+url.PathEscape(appPassword)+"@127.0.0.1:1/app_staging",
		"DEV_NOSQL_URL=mongodb://127.0.0.1:1/app_dev")
	r := run(t, env, "seed-dev-data.sh", "--mode", "apply")
	require.Equal(t, 1, r.code, r.String())
	require.Contains(t, r.stderr, "refusing: DEV_RELATIONAL_URL (postgresql://app:***@127.0.0.1:1/app_staging)")
}

func TestResetStaging(t *testing.T) {
	s := startServers(t)
	s.newDB(t, "app_staging_reset")
	// Fill staging with the seed data plus some extra rows.
	r := run(t, seedEnv(t, s, "app_staging_reset", "app_staging_reset"), "seed-dev-data.sh", "--mode", "apply", "--allow-non-dev")
	require.Equal(t, 0, r.code, r.String())
	s.mustSQL(t, "app_staging_reset", "INSERT INTO app.teams (id, name) VALUES ('extra', 'Extra')")
	before := s.tableCounts(t, "app_staging_reset")
	docsBefore := s.docState(t, "app_staging_reset")
	require.Equal(t, 5, before["teams"])

	env := stagingEnv(t, s, "app_staging_reset", "app_staging_reset")

	// plan: counts, nothing changed.
	r = run(t, env, "reset-staging.sh", "--mode", "plan")
	require.Equal(t, 0, r.code, r.String())
	require.Contains(t, r.stdout, "relational app.teams: 5 rows")
	require.Contains(t, r.stdout, "documents  deploy_events: 8 documents")
	require.Contains(t, r.stdout, "rows_before=19 docs_before=14")
	require.Equal(t, before, s.tableCounts(t, "app_staging_reset"))

	// The bot's scheduled run (no arguments, no terminal) without the
	// confirmation variable refuses and changes nothing.
	r = run(t, env, "reset-staging.sh")
	require.Equal(t, 1, r.code, r.String())
	require.Contains(t, r.stderr, "apply needs a confirmation")
	require.Contains(t, r.stdout, "refused=not-confirmed")
	require.Equal(t, before, s.tableCounts(t, "app_staging_reset"))
	require.Equal(t, docsBefore, s.docState(t, "app_staging_reset"))

	// Confirmed through the environment, as the scheduled run is.
	baseline := map[string]int{"teams": 3, "environments": 2, "services": 0, "feature_flags": 1}
	r = run(t, stagingEnv(t, s, "app_staging_reset", "app_staging_reset", "RESET_STAGING_CONFIRM=yes"), "reset-staging.sh")
	require.Equal(t, 0, r.code, r.String())
	require.Contains(t, r.stdout, "before:")
	require.Contains(t, r.stdout, "after:")
	require.Contains(t, r.stdout, "rows_before=19 docs_before=14 rows_after=6 docs_after=0")
	require.Equal(t, baseline, s.tableCounts(t, "app_staging_reset"))
	require.Empty(t, s.docState(t, "app_staging_reset"))
	fp := s.tableFingerprint(t, "app_staging_reset")

	// Twice: the same state.
	r = run(t, env, "reset-staging.sh", "--mode", "apply", "--yes")
	require.Equal(t, 0, r.code, r.String())
	require.Contains(t, r.stdout, "rows_before=6 docs_before=0 rows_after=6 docs_after=0")
	require.Equal(t, baseline, s.tableCounts(t, "app_staging_reset"))
	require.Equal(t, fp, s.tableFingerprint(t, "app_staging_reset"))
}

func TestResetStagingRefusesNonStagingURLs(t *testing.T) {
	s := startServers(t)
	s.newDB(t, "app_dev_guard")
	r := run(t, seedEnv(t, s, "app_dev_guard", "app_dev_guard"), "seed-dev-data.sh", "--mode", "apply")
	require.Equal(t, 0, r.code, r.String())
	before := s.tableCounts(t, "app_dev_guard")

	env := stagingEnv(t, s, "app_dev_guard", "app_dev_guard", "RESET_STAGING_CONFIRM=yes")
	r = run(t, env, "reset-staging.sh", "--yes")
	require.Equal(t, 1, r.code, r.String())
	require.Contains(t, r.stderr, "refusing: STAGING_RELATIONAL_URL (postgresql://app:***@127.0.0.1:")
	require.Contains(t, r.stderr, "'staging' or 'stg'")
	require.Equal(t, before, s.tableCounts(t, "app_dev_guard"))
	require.Equal(t, seedCollections, docCounts(t, s.docState(t, "app_dev_guard")))

	// One staging URL is not enough: both are checked.
	env = scriptEnv(t, "STAGING_RELATIONAL_URL="+s.relURL("app_dev_guard"), "STAGING_NOSQL_URL="+s.docURL("app_stg_guard"))
	r = run(t, env, "reset-staging.sh", "--yes")
	require.Equal(t, 1, r.code, r.String())
	require.Contains(t, r.stderr, "refusing: STAGING_RELATIONAL_URL")

	// The explicit override works (plan only here).
	r = run(t, stagingEnv(t, s, "app_dev_guard", "app_dev_guard"), "reset-staging.sh", "--mode", "plan", "--i-know-this-is-not-staging")
	require.Equal(t, 0, r.code, r.String())
	require.Contains(t, r.stderr, "does not look like staging")
	require.Equal(t, before, s.tableCounts(t, "app_dev_guard"))
}

func TestResetStagingDatabaseDown(t *testing.T) {
	s := startServers(t)
	s.newDB(t, "app_staging_down")
	s.mustSQL(t, "app_staging_down", "CREATE SCHEMA app AUTHORIZATION app")
	s.mustSQL(t, "app_staging_down", "CREATE TABLE app.keepme (id int)")
	s.mustSQL(t, "app_staging_down", "INSERT INTO app.keepme VALUES (1), (2)")
	closed := freePort(t)
	downDoc := strings.Replace(s.docURL("app_staging_down"), fmt.Sprintf(":%d/", s.mongoPort), fmt.Sprintf(":%d/", closed), 1)
	env := scriptEnv(t, "STAGING_RELATIONAL_URL="+s.relURL("app_staging_down"), "STAGING_NOSQL_URL="+downDoc)
	r := run(t, env, "reset-staging.sh", "--yes")
	require.Equal(t, 1, r.code, r.String())
	require.Contains(t, r.stderr, "cannot reach the document store")
	require.Contains(t, r.stderr, "nothing was changed")
	require.Equal(t, map[string]int{"keepme": 2}, s.tableCounts(t, "app_staging_down"))

	downRel := strings.Replace(s.relURL("app_staging_down"), fmt.Sprintf(":%d/", s.pgPort), fmt.Sprintf(":%d/", closed), 1)
	env = scriptEnv(t, "STAGING_RELATIONAL_URL="+downRel, "STAGING_NOSQL_URL="+s.docURL("app_staging_down"))
	r = run(t, env, "reset-staging.sh", "--yes")
	require.Equal(t, 1, r.code, r.String())
	require.Contains(t, r.stderr, "cannot reach the relational database")
}

// Two copies never run at once: while the lock is held, a run exits 1.
func TestLockPreventsConcurrentRuns(t *testing.T) {
	need(t, "flock", "psql", "mongosh")
	env := scriptEnv(t, "DEV_RELATIONAL_URL=postgresql://app@127.0.0.1:1/app_dev", "DEV_NOSQL_URL=mongodb://127.0.0.1:1/app_dev")
	var tmp string
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "TMPDIR="); ok {
			tmp = v
		}
	}
	lockFile := filepath.Join(tmp, "runbook-bot.seed-dev-data.lock")
	holder := exec.Command(tools["flock"], lockFile, "-c", "echo held; exec sleep 60")
	holder.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out, err := holder.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, holder.Start())
	t.Cleanup(func() { _ = syscall.Kill(-holder.Process.Pid, syscall.SIGKILL); _ = holder.Wait() })
	buf := make([]byte, 5)
	_, err = out.Read(buf)
	require.NoError(t, err)

	r := run(t, env, "seed-dev-data.sh", "--mode", "plan")
	require.Equal(t, 1, r.code, r.String())
	require.Contains(t, r.stderr, "another copy of seed-dev-data is running")
}

func TestProvisionDevValidatesDesign(t *testing.T) {
	need(t, "docker", "docker-compose|docker", "kubectl|kustomize", "python3", "flock")
	env := scriptEnv(t)
	r := run(t, env, "provision-dev.sh", "docker/k8s", "--mode", "validate")
	require.Equal(t, 0, r.code, r.String())
	require.Contains(t, r.stderr, "design/compose.yaml: valid")
	require.Contains(t, r.stderr, "design/k8s/overlays/dev: valid")
	require.Contains(t, r.stderr, "design/k8s/overlays/staging: valid")

	r = run(t, env, "provision-dev.sh", "docker/k8s", "--mode", "plan")
	require.Equal(t, 0, r.code, r.String())
	require.Contains(t, r.stdout, "service postgres")
	require.Contains(t, r.stdout, "volume  pgdata")
	require.Contains(t, r.stdout, "StatefulSet runbook-dev/postgres")
	require.NotContains(t, r.stdout, "dev-only-password")
}

func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	require.NoError(t, filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if info.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	}))
}

func brokenDesign(t *testing.T, file, old, new string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "design")
	copyDir(t, filepath.Join(repoRoot, "design"), dir)
	p := filepath.Join(dir, file)
	data, err := os.ReadFile(p)
	require.NoError(t, err)
	require.Contains(t, string(data), old, "fixture no longer matches %s", file)
	require.NoError(t, os.WriteFile(p, []byte(strings.Replace(string(data), old, new, 1)), 0o644))
	return dir
}

func TestProvisionDevRejectsBrokenManifests(t *testing.T) {
	need(t, "docker", "docker-compose|docker", "kubectl|kustomize", "python3", "flock")
	cases := []struct {
		name, target, file, old, new string
		want                         []string
	}{
		{"floating image tag", "k8s", "k8s/base/postgres.yaml", "image: postgres:16.4-bookworm", "image: postgres:latest",
			[]string{"k8s/base/postgres.yaml", "StatefulSet/postgres", "spec.template.spec.containers[0].image", "latest"}},
		{"untagged image", "k8s", "k8s/base/mongo.yaml", "image: mongo:7.0.14-jammy", "image: mongo",
			[]string{"k8s/base/mongo.yaml", "containers[0].image", "not pinned"}},
		{"selector mismatch", "docker/k8s", "k8s/base/mongo.yaml", "    matchLabels:\n      app.kubernetes.io/name: mongo", "    matchLabels:\n      app.kubernetes.io/name: mongodb",
			[]string{"k8s/base/mongo.yaml", "spec.selector.matchLabels.app.kubernetes.io/name", "does not match"}},
		{"missing limits", "k8s", "k8s/base/mongo.yaml", "            limits:\n              cpu: \"1\"\n              memory: 1Gi\n", "",
			[]string{"k8s/base/mongo.yaml", "resources.limits.cpu", "not set"}},
		{"missing probe", "k8s", "k8s/base/postgres.yaml", "          livenessProbe:", "          startupProbe:",
			[]string{"k8s/base/postgres.yaml", "livenessProbe", "missing"}},
		{"invalid name", "k8s", "k8s/base/postgres.yaml", "kind: Service\nmetadata:\n  name: postgres", "kind: Service\nmetadata:\n  name: Postgres_DB",
			[]string{"k8s/base/postgres.yaml", "Service/Postgres_DB", "metadata.name", "DNS-1035"}},
		{"overlay patch", "k8s", "k8s/overlays/staging/resources-patch.yaml", "              memory: 2Gi\n  volumeClaimTemplates:\n    - metadata:\n        name: data\n      spec:\n        accessModes: [\"ReadWriteOnce\"]\n        resources:\n          requests:\n            storage: 20Gi\n---",
			"              memory: 2Gi\n---", nil},
		{"compose healthcheck", "docker", "compose.yaml", "    healthcheck:\n      test: [\"CMD-SHELL\", \"pg_isready -U app -d app_dev\"]", "    x-healthcheck:\n      test: [\"CMD-SHELL\", \"pg_isready -U app -d app_dev\"]",
			[]string{"compose.yaml", "services.postgres.healthcheck", "missing"}},
		{"compose undeclared volume", "docker", "compose.yaml", "      - mongodata:/data/db", "      - mongostore:/data/db",
			[]string{"compose.yaml", "mongostore", "no declaration"}},
		{"compose syntax", "docker/k8s", "compose.yaml", "services:", "services: [",
			[]string{"compose.yaml", "config failed"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := brokenDesign(t, c.file, c.old, c.new)
			r := run(t, scriptEnv(t, "DESIGN_DIR="+dir), "provision-dev.sh", c.target, "--mode", "validate")
			if c.want == nil { // a change that keeps the manifests valid
				require.Equal(t, 0, r.code, r.String())
				return
			}
			require.Equal(t, 1, r.code, r.String())
			require.Contains(t, r.stderr, "nothing was applied")
			for _, w := range c.want {
				require.Contains(t, r.stderr, w)
			}
		})
	}
}

// apply against an unreachable cluster fails cleanly (exit 1, clear message).
func TestProvisionDevApplyUnreachableCluster(t *testing.T) {
	need(t, "kubectl", "python3", "flock")
	kubeconfig := filepath.Join(t.TempDir(), "kubeconfig")
	port := freePort(t)
	require.NoError(t, os.WriteFile(kubeconfig, []byte(fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: nowhere
  cluster:
    server: https://127.0.0.1:%d
    insecure-skip-tls-verify: true
users:
- name: u
  user:
    token: not-a-real-token
contexts:
- name: nowhere
  context: {cluster: nowhere, user: u}
current-context: nowhere
`, port)), 0o600))
	r := run(t, scriptEnv(t, "KUBECONFIG="+kubeconfig), "provision-dev.sh", "k8s", "--mode", "apply")
	require.Equal(t, 1, r.code, r.String())
	require.Contains(t, r.stderr, "kubectl apply failed")
	require.Contains(t, r.stdout, "failed=k8s")
}
