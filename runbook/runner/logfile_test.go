package runner

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fullDisk is a log file on a disk with room for `room` bytes: a write past
// them writes what fits and fails with ENOSPC, as a full file system does.
type fullDisk struct {
	mu      sync.Mutex
	room    int
	written []byte
	synced  bool
}

func (d *fullDisk) Write(p []byte) (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	n := min(len(p), d.room-len(d.written))
	d.written = append(d.written, p[:n]...)
	if n < len(p) {
		return n, &fs.PathError{Op: "write", Path: "/data/logs/full.log", Err: syscall.ENOSPC}
	}
	return n, nil
}

func (d *fullDisk) Sync() error  { d.synced = true; return nil }
func (d *fullDisk) Close() error { return nil }

func TestRun_GivenTheLogFileCannotBeWrittenToTheEnd_WhenTheScriptSucceeds_ThenTheResultSaysTheLogIsIncomplete(t *testing.T) {
	dir := t.TempDir()
	writeScript(t, dir, "big.sh", `i=0; while [ $i -lt 4000 ]; do echo "line $i of the output"; i=$((i+1)); done`)
	disk := &fullDisk{room: 64 << 10}
	sink := newSink()
	run, err := New().Start(context.Background(), Spec{Job: "big", Argv: []string{"big.sh"}, Dir: dir, Env: []string{"PATH=/usr/bin:/bin"},
		LogPath: filepath.Join(t.TempDir(), "big.log"), OnLine: sink.on,
		openLog: func(string) (logWriter, error) { return disk, nil }})
	require.NoError(t, err)
	res := waitResult(t, run)

	assert.Equal(t, ReasonOK, res.Reason, "the script's own result stands")
	require.Error(t, res.LogError, "the log is incomplete")
	assert.True(t, errors.Is(res.LogError, syscall.ENOSPC), "%v", res.LogError)
	assert.Equal(t, int64(64<<10), res.LogBytes, "the bytes that reached the file")
	sum := sha256.Sum256(disk.written)
	assert.Equal(t, hex.EncodeToString(sum[:]), res.LogSHA256, "the hash is of what the file holds")
	assert.Len(t, sink.all(), 4000, "the output still reaches the chat")
	assert.Equal(t, "line 3999 of the output", res.Tail[len(res.Tail)-1])
}

func TestRun_GivenAWholeLog_ThenNoLogError(t *testing.T) {
	dir := t.TempDir()
	writeScript(t, dir, "small.sh", `echo fine`)
	logPath := filepath.Join(t.TempDir(), "small.log")
	run, err := New().Start(context.Background(), Spec{Job: "small", Argv: []string{"small.sh"}, Dir: dir, Env: []string{"PATH=/usr/bin:/bin"}, LogPath: logPath})
	require.NoError(t, err)
	res := waitResult(t, run)
	assert.NoError(t, res.LogError)
	b, err := os.ReadFile(logPath)
	require.NoError(t, err)
	assert.Equal(t, "fine\n", string(b))
	assert.False(t, strings.Contains(res.LogSHA256, " "))
}
