// Package runner runs a job's script as argv (never through a shell) in its own
// process group, with a timeout and cancellation that kill the whole group,
// streams its merged, redacted output line by line to a hashed log file and to
// a callback, and keeps a bounded tail for the result.
//
// When the script exits, whatever it left running in its process group is
// killed too: a run ends with its script. All OnLine calls have returned
// before Done is closed.
package runner

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// Defaults for optional Spec fields.
const (
	DefaultGrace     = 5 * time.Second   // SIGTERM → SIGKILL delay
	DefaultTailLines = runbook.TailLines // lines kept in Result.Tail
	MaxLineBytes     = 64 << 10          // a longer line is read, redacted and logged in pieces of at most this
)

// drainTimeout bounds how long the runner waits for the output pipe to close
// after the group was swept (a descendant that left the group may hold it).
const drainTimeout = 2 * time.Second

// Result reasons.
const (
	ReasonOK        = ""          // exited with status 0
	ReasonExit      = "exit"      // non-zero exit status
	ReasonTimeout   = "timeout"   // killed at Spec.Timeout
	ReasonCancelled = "cancelled" // killed by Cancel or the context
	ReasonStart     = "start"     // could not start (not found, not executable, log not writable)
)

// ErrBusy reports that a run of the job is already in progress.
var ErrBusy error = busyError{}

// busyError is ErrBusy: it explains itself to people (runbook.Explained).
type busyError struct{}

func (busyError) Error() string { return "a run of this job is already in progress" }

// Explain is why the script did not start, for people.
func (busyError) Explain() runbook.Msg { return runbook.M(runbook.RunBusy) }

// ErrEmptyCommand is why a run with no command did not start.
var ErrEmptyCommand error = emptyCommandError{}

// emptyCommandError is ErrEmptyCommand: it explains itself to people (runbook.Explained).
type emptyCommandError struct{}

func (emptyCommandError) Error() string { return "empty command" }

// Explain is why the script did not start, for people.
func (emptyCommandError) Explain() runbook.Msg { return runbook.M(runbook.RunEmptyCommand) }

// ErrLogFile is matched (errors.Is) by every LogFileError.
var ErrLogFile = errors.New("log file")

// LogFileError is why the run log could not be opened, and the run not started.
type LogFileError struct{ Err error }

func (e LogFileError) Error() string { return ErrLogFile.Error() + ": " + e.Err.Error() }

// Unwrap is ErrLogFile and the cause.
func (e LogFileError) Unwrap() []error { return []error{ErrLogFile, e.Err} }

// Explain is why the script did not start, for people, with the cause's text.
func (e LogFileError) Explain() runbook.Msg {
	return runbook.M(runbook.RunLogFile, "error", e.Err.Error())
}

// Spec describes one run of a script.
type Spec struct {
	Job       string
	Argv      []string            // argv[0] is the script path relative to Dir (or absolute); no shell ever
	Dir       string              // RUNBOOK_WORKDIR
	Env       []string            // full environment for the script (nil: ScriptEnv(os.Environ(), nil))
	Timeout   time.Duration       // kill the whole process group when exceeded; <= 0 means none
	Grace     time.Duration       // SIGTERM → wait Grace → SIGKILL (default 5s)
	LogPath   string              // full log file (created with parents, 0600); content is redacted; "" keeps none
	Redact    func(string) string // applied to every line before it goes anywhere (nil = identity)
	Cut       func(string) int    // where a line longer than MaxLineBytes is cut so no secret is split (runbook.Redactor.Cut; nil: splitPoint)
	OnLine    func(line string)   // called with each redacted line (clipped to LineBytes), from one goroutine, in order; must not block long
	TailLines int                 // lines kept in memory for the result (default runbook.TailLines)
	// LineBytes bounds a line handed to OnLine, TailLineBytes one kept in the
	// tail (defaults runbook.ChatLineBytes, runbook.TailLineBytes): a longer
	// line keeps its start and says how many bytes were cut (runbook.ClipPrefix).
	// The log file keeps every line whole.
	LineBytes, TailLineBytes int

	openLog func(path string) (logWriter, error) // creates the log file (nil: createLog); tests give a full disk
}

// Result is the outcome of a run.
type Result struct {
	ExitCode  int    // -1 when killed by a signal or not started
	Reason    string // "" success, "exit", "timeout", "cancelled", "start"
	Err       error  // start error detail, or the first error writing the log
	Started   time.Time
	Finished  time.Time
	LogSHA256 string // hex SHA-256 of the log file as written
	LogBytes  int64  // bytes that reached the log file
	// LogError is the first error writing, syncing or closing the log file (a
	// full disk, a file size limit): the file then holds only its first
	// LogBytes bytes, which LogSHA256 is of. nil when the log is whole.
	LogError error
	Lines    int64
	Tail     []string // last TailLines redacted lines
}

// Runner starts runs and allows one run per job at a time. It is safe for concurrent use.
type Runner struct {
	mu   sync.Mutex
	runs map[string]*Run
}

// New returns an idle runner.
func New() *Runner { return &Runner{runs: map[string]*Run{}} }

// Run is one started run of a script.
type Run struct {
	spec       Spec
	started    time.Time
	cancelCh   chan struct{}
	cancelOnce sync.Once
	done       chan struct{}
	res        Result
	release    func()
	pgid       int // the script's process group, 0 when it did not start
}

// PGID returns the process group of the running script (0 when it did not start):
// recorded so that a restarted bot can kill what a crashed one left running.
func (run *Run) PGID() int { return run.pgid }

// Running returns the run of job in progress, if any.
func (r *Runner) Running(job string) (*Run, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	run, ok := r.runs[job]
	return run, ok
}

// Start starts a run of s. It returns ErrBusy (wrapped) when the job already
// runs; a script that cannot start yields a Run whose Result has Reason "start".
// ctx bounds the run: its cancellation kills the script (Reason "cancelled").
func (r *Runner) Start(ctx context.Context, s Spec) (*Run, error) {
	if s.Grace <= 0 {
		s.Grace = DefaultGrace
	}
	if s.TailLines <= 0 {
		s.TailLines = DefaultTailLines
	}
	if s.LineBytes <= 0 {
		s.LineBytes = runbook.ChatLineBytes
	}
	if s.TailLineBytes <= 0 {
		s.TailLineBytes = runbook.TailLineBytes
	}
	if s.Redact == nil {
		s.Redact = func(l string) string { return l }
	}
	if s.Cut == nil {
		s.Cut = func(chunk string) int { return splitPoint([]byte(chunk)) }
	}
	if s.Env == nil {
		s.Env = ScriptEnv(os.Environ(), nil)
	}
	run := &Run{spec: s, cancelCh: make(chan struct{}), done: make(chan struct{})}

	r.mu.Lock()
	if _, busy := r.runs[s.Job]; busy {
		r.mu.Unlock()
		return nil, fmt.Errorf("job %s: %w", s.Job, ErrBusy)
	}
	r.runs[s.Job] = run
	r.mu.Unlock()
	run.release = func() {
		r.mu.Lock()
		if r.runs[s.Job] == run {
			delete(r.runs, s.Job)
		}
		r.mu.Unlock()
	}

	run.start(ctx)
	return run, nil
}

// Job returns the job id of the run.
func (run *Run) Job() string { return run.spec.Job }

// Started returns when the run started.
func (run *Run) Started() time.Time { return run.started }

// Cancel terminates the run: SIGTERM to the group, SIGKILL after Grace. It is idempotent.
func (run *Run) Cancel() { run.cancelOnce.Do(func() { close(run.cancelCh) }) }

// Done is closed when the run has finished and its result is final.
func (run *Run) Done() <-chan struct{} { return run.done }

// Wait blocks until the run has finished and returns its result.
func (run *Run) Wait() Result {
	<-run.done
	res := run.res
	res.Tail = append([]string(nil), res.Tail...)
	return res
}

// finish publishes the result, frees the job slot and wakes waiters.
func (run *Run) finish(res Result) {
	run.res = res
	run.release()
	close(run.done)
}

// failStart records a run that never started.
func (run *Run) failStart(err error, log *logFile) {
	res := Result{ExitCode: -1, Reason: ReasonStart, Err: err, Started: run.started}
	if log != nil {
		res.LogSHA256, res.LogBytes, _ = log.close()
	}
	res.Finished = time.Now()
	run.finish(res)
}

// start launches the process and the goroutines that watch it.
func (run *Run) start(ctx context.Context) {
	s := run.spec
	run.started = time.Now()
	if len(s.Argv) == 0 || s.Argv[0] == "" {
		run.failStart(ErrEmptyCommand, nil)
		return
	}
	log, err := openLog(s.LogPath, s.openLog)
	if err != nil {
		run.failStart(LogFileError{Err: err}, nil)
		return
	}
	path := s.Argv[0]
	if !filepath.IsAbs(path) {
		// exec resolves a relative Path against Dir; make it absolute so a
		// relative Dir is not applied twice and PATH is never searched.
		if path, err = filepath.Abs(filepath.Join(s.Dir, path)); err != nil {
			run.failStart(err, log)
			return
		}
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		run.failStart(err, log)
		return
	}
	cmd := &exec.Cmd{
		Path:        path,
		Args:        append([]string(nil), s.Argv...),
		Dir:         s.Dir,
		Env:         s.Env,
		Stdout:      pw, // one pipe for both: the script's own order is kept
		Stderr:      pw,
		SysProcAttr: groupAttr(),
	}
	err = cmd.Start()
	pw.Close()
	if err != nil {
		pr.Close()
		run.failStart(err, log)
		return
	}
	run.started = time.Now()
	run.pgid = cmd.Process.Pid
	readDone := make(chan readStats, 1)
	go func() { readDone <- readLines(pr, log, s) }()
	go run.supervise(ctx, cmd, pr, log, readDone)
}

// readStats is what the output reader reports when the pipe is closed.
type readStats struct {
	lines int64
	tail  []string
}

// supervise waits for the script's end, enforces the timeout and cancellation,
// sweeps the process group and assembles the result.
func (run *Run) supervise(ctx context.Context, cmd *exec.Cmd, pr *os.File, log *logFile, readDone <-chan readStats) {
	s := run.spec
	pgid := cmd.Process.Pid

	exited := make(chan struct{})
	var waitErr error
	reaped := false
	go func() {
		if err := waitExitNoReap(pgid); err != nil {
			waitErr = cmd.Wait()
			reaped = true
		}
		close(exited)
	}()

	var timeout <-chan time.Time
	if s.Timeout > 0 {
		t := time.NewTimer(s.Timeout)
		defer t.Stop()
		timeout = t.C
	}
	reason := ReasonOK
	select {
	case <-exited:
	case <-timeout:
		reason = ReasonTimeout
	case <-run.cancelCh:
		reason = ReasonCancelled
	case <-ctx.Done():
		reason = ReasonCancelled
	}
	if reason != ReasonOK {
		select {
		case <-exited: // it ended on its own at the same moment
			reason = ReasonOK
		default:
			terminate(pgid, s.Grace, exited)
		}
	}
	<-exited
	// Sweep what is left of the group (background children) while the
	// leader is still unreaped, so the group id cannot have been reused.
	_ = signalGroup(pgid, syscall.SIGKILL)
	if !reaped {
		waitErr = cmd.Wait()
	}

	var stats readStats
	select {
	case stats = <-readDone:
	case <-time.After(drainTimeout):
		// A descendant that left the group still holds the pipe: stop reading.
		_ = pr.SetReadDeadline(time.Now())
		stats = <-readDone
	}
	pr.Close()

	res := Result{Started: run.started, Lines: stats.lines, Tail: stats.tail}
	res.LogSHA256, res.LogBytes, res.Err = log.close()
	res.LogError = res.Err
	res.ExitCode = cmd.ProcessState.ExitCode()
	switch {
	case reason != ReasonOK:
		res.Reason = reason
	case res.ExitCode != 0:
		res.Reason = ReasonExit
	}
	if res.Err == nil && waitErr != nil && cmd.ProcessState == nil {
		res.Err = waitErr
	}
	res.Finished = time.Now()
	run.finish(res)
}

// terminate sends SIGTERM to the group, then SIGKILL if the script has not
// exited within grace.
func terminate(pgid int, grace time.Duration, exited <-chan struct{}) {
	_ = signalGroup(pgid, syscall.SIGTERM)
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-exited:
	case <-t.C:
		_ = signalGroup(pgid, syscall.SIGKILL)
	}
}

// readLines splits the merged output into lines, redacts them and hands them
// to the log, the tail and OnLine, in order. A line longer than MaxLineBytes
// is read in pieces, cut where Spec.Cut says so that no secret straddles two
// of them, each redacted and logged as it comes (the log gets the whole line,
// no newline added); the tail and OnLine get the line once it ends, clipped
// (its start, and how many bytes were cut), so a 10 MB line costs them a few
// KiB.
func readLines(pr *os.File, log *logFile, s Spec) readStats {
	tail := newRing(s.TailLines)
	var lines int64
	keep := max(s.LineBytes, s.TailLineBytes)
	start := make([]byte, 0, keep) // the start of the current line, redacted
	var size int64                 // the current line's bytes so far, redacted
	emit := func(b []byte, end bool) {
		if end {
			b = bytes.TrimSuffix(b, []byte{'\r'})
		}
		piece := s.Redact(string(b))
		if end {
			log.line(piece)
		} else {
			log.piece(piece)
		}
		if room := keep - len(start); room > 0 {
			start = append(start, piece[:min(room, len(piece))]...)
		}
		size += int64(len(piece))
		if !end {
			return
		}
		line := string(start)
		tail.add(runbook.ClipPrefix(line, size, s.TailLineBytes))
		lines++
		if s.OnLine != nil {
			s.OnLine(runbook.ClipPrefix(line, size, s.LineBytes))
		}
		start, size = start[:0], 0
	}
	buf := make([]byte, MaxLineBytes)
	begin, end, scanned := 0, 0, 0
	for {
		if i := bytes.IndexByte(buf[scanned:end], '\n'); i >= 0 {
			nl := scanned + i
			emit(buf[begin:nl], true)
			begin, scanned = nl+1, nl+1
			continue
		}
		scanned = end
		if end-begin == len(buf) {
			cut := s.Cut(string(buf[begin:end]))
			if cut <= 0 || cut > end-begin {
				cut = splitPoint(buf[begin:end])
			}
			emit(buf[begin:begin+cut], false)
			begin += cut
			scanned = begin
			continue
		}
		if begin > 0 {
			n := copy(buf, buf[begin:end])
			end, scanned, begin = n, n, 0
		}
		n, err := pr.Read(buf[end:])
		end += n
		if err != nil {
			if end > begin || size > 0 {
				emit(buf[begin:end], true)
			}
			break
		}
	}
	return readStats{lines: lines, tail: tail.slice()}
}

// splitPoint chooses where to cut an over-long line: after the last blank in
// its second half (so a secret is less likely to be cut in two and escape
// redaction), else on a UTF-8 boundary.
func splitPoint(b []byte) int {
	if i := bytes.LastIndexAny(b[len(b)/2:], " \t"); i >= 0 {
		return len(b)/2 + i + 1
	}
	cut := len(b)
	for i := 1; i <= utf8.UTFMax && i <= len(b); i++ {
		if utf8.RuneStart(b[len(b)-i]) {
			if !utf8.FullRune(b[len(b)-i:]) {
				cut = len(b) - i // do not split the last rune
			}
			break
		}
	}
	if cut == 0 {
		cut = len(b)
	}
	return cut
}
