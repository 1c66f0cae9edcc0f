package runner

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"io"
	"os"
	"path/filepath"
)

// logFile streams redacted lines to the run's log file and hashes exactly the
// bytes that reached the file. With no path it only hashes.
type logFile struct {
	f   logWriter
	h   hash.Hash
	n   int64
	err error // first write error; later writes are dropped (the pipe is still drained)
	bw  *bufio.Writer
}

// logWriter is the file a log is written to (an *os.File; a test's full disk).
type logWriter interface {
	io.Writer
	Sync() error
	Close() error
}

// createLog creates path (and its parents) with mode 0600, truncating an old file.
func createLog(path string) (logWriter, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	return os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
}

// openLog opens the log at path with create (createLog when nil); "" keeps no file.
func openLog(path string, create func(string) (logWriter, error)) (*logFile, error) {
	l := &logFile{h: sha256.New()}
	if path != "" {
		if create == nil {
			create = createLog
		}
		f, err := create(path)
		if err != nil {
			return nil, err
		}
		l.f = f
	}
	l.bw = bufio.NewWriterSize(hashWriter{l}, 256<<10)
	return l, nil
}

// hashWriter writes to the file and hashes what was written.
type hashWriter struct{ l *logFile }

func (w hashWriter) Write(p []byte) (int, error) {
	l := w.l
	if l.err != nil {
		return len(p), nil // keep draining; the error is reported once
	}
	n := len(p)
	if l.f != nil {
		var err error
		n, err = l.f.Write(p)
		if err != nil {
			l.err = err
		}
	}
	l.h.Write(p[:n])
	l.n += int64(n)
	return len(p), nil
}

// line appends one line and its newline.
func (l *logFile) line(s string) {
	l.bw.WriteString(s)
	l.bw.WriteByte('\n')
}

// piece appends part of a line: what the script wrote, with no newline added.
func (l *logFile) piece(s string) { l.bw.WriteString(s) }

// close flushes, syncs and closes the file; it returns the hex SHA-256, the byte count and the first error.
func (l *logFile) close() (string, int64, error) {
	l.bw.Flush()
	if l.f != nil {
		if err := l.f.Sync(); err != nil && l.err == nil {
			l.err = err
		}
		if err := l.f.Close(); err != nil && l.err == nil {
			l.err = err
		}
	}
	return hex.EncodeToString(l.h.Sum(nil)), l.n, l.err
}
