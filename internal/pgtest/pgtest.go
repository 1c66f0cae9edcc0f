// Package pgtest gives tests a real, throw-away PostgreSQL: one cluster per
// test binary, started with initdb and postgres from Debian's server
// packages (/usr/lib/postgresql/*/bin) or PATH on a free loopback port, as an
// unprivileged user when the tests run as root (initdb refuses root), and a
// fresh database per test.
//
// A test calls NewDatabase; the binary's TestMain calls Stop after m.Run.
// Missing binaries fail the test, saying how to install them. The cluster
// trades durability for speed (fsync off): it holds nothing worth keeping.
package pgtest

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Superuser and Password log in to every database NewDatabase creates; tests
// check that the password never shows in what the bot prints.
const (
	Superuser = "postgres"
	Password  = "pgtest-S3cr3t-pw"
)

// InstallHint says how to get the server binaries.
const InstallHint = "install them with `bash .ci/scripts-deps.sh` (as root; it installs Debian's postgresql package) or `apt-get install postgresql`"

// Cluster is a running throw-away PostgreSQL server.
type Cluster struct {
	// Port is the loopback TCP port it listens on (127.0.0.1).
	Port int

	dir  string // data directory, socket and log live under it
	bin  string // where initdb and postgres are
	cred *syscall.Credential
	proc *exec.Cmd
	done chan struct{} // closed when proc has exited

	mu    sync.Mutex
	admin *pgx.Conn // superuser connection to the postgres database
	n     int       // databases created
}

// serverDirs is where Debian installs each major version's server binaries.
var serverDirs = "/usr/lib/postgresql/*/bin"

// BinDir returns the directory holding initdb and postgres: PATH first, then
// the newest /usr/lib/postgresql/*/bin.
func BinDir() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		if _, err := exec.LookPath("postgres"); err == nil {
			return filepath.Dir(p), nil
		}
	}
	dirs, _ := filepath.Glob(serverDirs)
	sort.Slice(dirs, func(i, j int) bool { // newest major first
		vi, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[i])))
		vj, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[j])))
		return vi > vj
	})
	for _, d := range dirs {
		if isExec(filepath.Join(d, "initdb")) && isExec(filepath.Join(d, "postgres")) {
			return d, nil
		}
	}
	return "", fmt.Errorf("the PostgreSQL server binaries (initdb, postgres) are not on PATH nor in /usr/lib/postgresql/*/bin: %s", InstallHint)
}

func isExec(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir() && st.Mode()&0o111 != 0
}

// Start initialises and starts a new cluster. Stop it with Stop.
func Start() (*Cluster, error) {
	bin, err := BinDir()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "runbook-pgtest-")
	if err != nil {
		return nil, err
	}
	c := &Cluster{dir: dir, bin: bin}
	if err := c.start(bin); err != nil {
		c.Stop()
		return nil, err
	}
	return c, nil
}

func (c *Cluster) start(bin string) error {
	cred, err := unprivileged()
	if err != nil {
		return err
	}
	c.cred = cred
	if err := os.Chmod(c.dir, 0o700); err != nil {
		return err
	}
	pwFile := filepath.Join(c.dir, "pw")
	if err := os.WriteFile(pwFile, []byte(Password+"\n"), 0o600); err != nil {
		return err
	}
	if cred != nil {
		for _, p := range []string{c.dir, pwFile} {
			if err := os.Chown(p, int(cred.Uid), int(cred.Gid)); err != nil {
				return err
			}
		}
	}
	data := filepath.Join(c.dir, "data")
	initdb := exec.Command(filepath.Join(bin, "initdb"), "-D", data, "-U", Superuser, "--auth=scram-sha-256",
		"--pwfile="+pwFile, "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions")
	initdb.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	if out, err := initdb.CombinedOutput(); err != nil {
		return fmt.Errorf("initdb: %v\n%s", err, out)
	}
	// A port free now may be taken before postgres binds it: try a few.
	for attempt := 0; ; attempt++ {
		err := c.startServer(bin, data, cred)
		if err == nil {
			return nil
		}
		if attempt == 4 || !strings.Contains(err.Error(), "could not bind") && !strings.Contains(err.Error(), "Address already in use") {
			return err
		}
	}
}

// startServer starts postgres on a free port and waits until it accepts connections.
func (c *Cluster) startServer(bin, data string, cred *syscall.Credential) error {
	port, err := freePort()
	if err != nil {
		return err
	}
	return c.startServerOn(bin, data, cred, port)
}

// startServerOn starts postgres on port and waits until it accepts connections.
func (c *Cluster) startServerOn(bin, data string, cred *syscall.Credential, port int) error {
	logPath := filepath.Join(c.dir, fmt.Sprintf("postgres-%d.log", port))
	logf, err := os.Create(logPath)
	if err != nil {
		return err
	}
	defer logf.Close()
	proc := exec.Command(filepath.Join(bin, "postgres"), "-D", data,
		"-c", "listen_addresses=127.0.0.1", "-p", strconv.Itoa(port), "-k", c.dir,
		"-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
		"-c", "max_connections=300", "-c", "shared_buffers=32MB")
	proc.Stdout, proc.Stderr = logf, logf
	// Pdeathsig: should the test binary die without calling Stop, the server
	// shuts down at once (SIGQUIT) instead of outliving it.
	proc.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGQUIT}
	if err := proc.Start(); err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	done := make(chan struct{})
	go func() { _ = proc.Wait(); close(done) }()
	c.proc, c.done, c.Port = proc, done, port

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for {
		conn, err := pgx.Connect(ctx, c.URL("postgres"))
		if err == nil {
			c.admin = conn
			return nil
		}
		select {
		case <-done:
			log, _ := os.ReadFile(logPath)
			c.proc = nil
			return fmt.Errorf("postgres exited at start: %s", log)
		case <-ctx.Done():
			log, _ := os.ReadFile(logPath)
			return fmt.Errorf("postgres did not accept connections within 60s: %v\n%s", err, log)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// unprivileged is the credential to run initdb and postgres with: nil when
// not root, else the user nobody (or RUNBOOK_PGTEST_USER, or the scripts'
// tests' RUNBOOK_SCRIPTS_TESTS_PG_USER).
func unprivileged() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	name := cmp.Or(os.Getenv("RUNBOOK_PGTEST_USER"), os.Getenv("RUNBOOK_SCRIPTS_TESTS_PG_USER"), "nobody")
	u, err := user.Lookup(name)
	if err != nil {
		return nil, fmt.Errorf("running as root, and PostgreSQL refuses root: user %q to run it as: %w", name, err)
	}
	uid, _ := strconv.ParseUint(u.Uid, 10, 32)
	gid, _ := strconv.ParseUint(u.Gid, 10, 32)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), NoSetGroups: true}, nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// URL is the superuser's URL of database db.
func (c *Cluster) URL(db string) string {
	u := url.URL{Scheme: "postgres", User: url.UserPassword(Superuser, Password),
		Host: net.JoinHostPort("127.0.0.1", strconv.Itoa(c.Port)), Path: "/" + db, RawQuery: "sslmode=disable"}
	return u.String()
}

// Exec runs SQL as the superuser in the postgres database.
func (c *Cluster) Exec(ctx context.Context, sql string, args ...any) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.admin == nil {
		return errors.New("pgtest: cluster stopped")
	}
	_, err := c.admin.Exec(ctx, sql, args...)
	return err
}

var nameRE = regexp.MustCompile(`[^a-z0-9]+`)

// NewDatabase creates an empty database for t, dropped when t ends, and returns its URL.
func (c *Cluster) NewDatabase(t testing.TB) string {
	t.Helper()
	c.mu.Lock()
	c.n++
	name := fmt.Sprintf("t%d_%s", c.n, strings.Trim(nameRE.ReplaceAllString(strings.ToLower(t.Name()), "_"), "_"))
	c.mu.Unlock()
	if len(name) > 63 {
		name = name[:63]
	}
	ident := pgx.Identifier{name}.Sanitize()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := c.Exec(ctx, "CREATE DATABASE "+ident); err != nil {
		t.Fatalf("pgtest: create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := c.Exec(ctx, "DROP DATABASE IF EXISTS "+ident+" WITH (FORCE)"); err != nil {
			t.Errorf("pgtest: drop database %s: %v", name, err)
		}
	})
	return c.URL(name)
}

// Stop shuts the server down and removes its files.
func (c *Cluster) Stop() {
	c.mu.Lock()
	c.closeAdmin(5 * time.Second)
	c.mu.Unlock()
	if c.proc != nil && c.proc.Process != nil {
		c.stopServer()
	}
	if c.dir != "" {
		_ = os.RemoveAll(c.dir)
	}
}

// closeAdmin closes the admin connection, if open, waiting at most timeout; c.mu is held.
func (c *Cluster) closeAdmin(timeout time.Duration) {
	if c.admin == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	_ = c.admin.Close(ctx)
	cancel()
	c.admin = nil
}

// stopServer makes the server shut down fast (SIGINT: every connection is
// cut), kills it if it is still running after 30 s, and waits for it to exit.
func (c *Cluster) stopServer() {
	_ = c.proc.Process.Signal(syscall.SIGINT)
	select {
	case <-c.done:
	case <-time.After(30 * time.Second):
		_ = c.proc.Process.Kill()
		<-c.done
	}
	c.proc = nil
}

// The test binary's cluster, started by the first NewDatabase.
var (
	shared    *Cluster
	sharedErr error
	sharedMu  sync.Mutex
)

// Shared returns the test binary's cluster, starting it at the first call.
// A failure to start fails t (the same failure for every later test).
func Shared(t testing.TB) *Cluster {
	t.Helper()
	sharedMu.Lock()
	defer sharedMu.Unlock()
	if shared == nil && sharedErr == nil {
		shared, sharedErr = Start()
	}
	if sharedErr != nil {
		t.Fatalf("pgtest: cannot start a throw-away PostgreSQL: %v", sharedErr)
	}
	return shared
}

// NewDatabase creates an empty database for t in the test binary's cluster
// and returns its URL (superuser, password, sslmode=disable).
func NewDatabase(t testing.TB) string {
	t.Helper()
	return Shared(t).NewDatabase(t)
}

// Stop stops the test binary's cluster if it was started; call it from
// TestMain after m.Run.
func Stop() {
	sharedMu.Lock()
	defer sharedMu.Unlock()
	if shared != nil {
		shared.Stop()
		shared = nil
	}
}

// Restart stops the server (a fast shutdown: every connection is cut), waits
// down, and starts it again on the same port with the same data, as a
// database restart or failover does to its clients. It returns once the
// server accepts connections again.
func (c *Cluster) Restart(down time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.proc == nil {
		return errors.New("pgtest: cluster stopped")
	}
	c.closeAdmin(time.Second)
	c.stopServer()
	time.Sleep(down)
	var err error
	for attempt := 0; attempt < 50; attempt++ { // the port may linger in TIME_WAIT for a moment
		if err = c.startServerOn(c.bin, filepath.Join(c.dir, "data"), c.cred, c.Port); err == nil {
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return err
}
