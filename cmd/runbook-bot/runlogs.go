package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// runLogStore keeps full run logs in the database, for a store replicas share
// (PostgreSQL): any replica can then read the log of a run another executed.
type runLogStore interface {
	AppendRunLog(ctx context.Context, run string, seq int, chunk []byte) error
	RunLog(ctx context.Context, run string, w io.Writer) (found bool, err error)
}

// Log shipping: the log file is copied to the database every logShipEvery
// while the script runs, in parts of at most logChunk bytes, and the rest when
// it ends; a replica that dies loses at most the last logShipEvery of output.
const (
	logShipEvery = 5 * time.Second
	logChunk     = 1 << 20
)

// logShipper copies one run's log file into a runLogStore as it grows.
type logShipper struct {
	store runLogStore
	run   string
	path  string
	log   *slog.Logger

	off     int64 // bytes stored so far
	seq     int   // next part
	pending int   // length of a part whose write failed: written again with the same bytes
	stop    chan struct{}
	done    chan struct{}
}

func newLogShipper(store runLogStore, run, path string, log *slog.Logger) *logShipper {
	l := &logShipper{store: store, run: run, path: path, log: log, stop: make(chan struct{}), done: make(chan struct{})}
	go l.loop()
	return l
}

func (l *logShipper) loop() {
	defer close(l.done)
	t := time.NewTicker(logShipEvery)
	defer t.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(context.Background(), logShipEvery)
			if err := l.ship(ctx); err != nil {
				l.log.Warn("storing a run's log in the database failed; will try again", "run", l.run, "err", err)
			}
			cancel()
		}
	}
}

// ship stores what the file holds beyond what was stored.
func (l *logShipper) ship(ctx context.Context) error {
	f, err := os.Open(l.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil // no log kept (or not yet created)
	}
	if err != nil {
		return err
	}
	defer f.Close()
	buf := make([]byte, logChunk)
	for {
		want := logChunk
		if l.pending > 0 {
			want = l.pending
		}
		n, err := f.ReadAt(buf[:want], l.off)
		if n == 0 {
			if err == nil || errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		if l.pending > 0 && n < l.pending {
			return fmt.Errorf("log %s shrank", l.path)
		}
		if err := l.store.AppendRunLog(ctx, l.run, l.seq, buf[:n]); err != nil {
			l.pending = n
			return err
		}
		l.off, l.seq, l.pending = l.off+int64(n), l.seq+1, 0
	}
}

// finish stores the rest once the script has ended and, when the whole log
// is in the database, removes the local file (a replica keeps no state).
func (l *logShipper) finish() {
	close(l.stop)
	<-l.done
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		err = l.ship(ctx)
		cancel()
		if err == nil {
			break
		}
		time.Sleep(time.Second)
	}
	if err != nil {
		l.log.Error("the run's log could not be stored in the database; it stays in the local file", "run", l.run, "path", l.path, "err", err)
		return
	}
	if err := os.Remove(l.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		l.log.Warn("removing the local copy of a stored run log", "path", l.path, "err", err)
	}
}

// runIDOf is the run id in a run handle ("PGID:RUN_ID"), "" when there is none.
func runIDOf(handle string) string {
	_, id, ok := strings.Cut(handle, ":")
	if !ok {
		return ""
	}
	return id
}

// runLogPath is where the runner writes a run's log file.
func runLogPath(cfg Config, run string) string { return filepath.Join(cfg.DataDir, "logs", run+".log") }

// writeRunLog writes a run's full log to w: from the database when the store
// keeps logs (any replica can), else, or when the database has none, from the
// local file.
func writeRunLog(ctx context.Context, cfg Config, db stateStore, run string, w io.Writer) error {
	if run == "" {
		return errors.New("no run of this occurrence has a log")
	}
	if logs, ok := db.(runLogStore); ok {
		found, err := logs.RunLog(ctx, run, w)
		if err != nil || found {
			return err
		}
	}
	f, err := os.Open(runLogPath(cfg, run))
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("the log of run %s is not kept (neither in the database nor in %s)", run, filepath.Join(cfg.DataDir, "logs"))
	}
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(w, f)
	return err
}
