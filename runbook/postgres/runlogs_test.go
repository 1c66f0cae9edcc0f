package postgres

import (
	"bytes"
	"crypto/rand"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRunLog_GivenChunksStoredInAnyOrderAndAgain_WhenRead_ThenTheSameBytesInOrderCompressedAtRest(t *testing.T) {
	db := openTest(t)
	var buf bytes.Buffer
	found, err := db.RunLog(ctx, "none", &buf)
	require.NoError(t, err)
	assert.False(t, found)

	random := make([]byte, 100_000)
	_, _ = rand.Read(random)
	chunks := [][]byte{bytes.Repeat([]byte("line of output\n"), 50_000), random, []byte("last line without a newline")}
	for _, seq := range []int{2, 0, 1, 0} { // out of order, and part 0 twice (a retried write)
		require.NoError(t, db.AppendRunLog(ctx, "job-20310304T020000Z", seq, chunks[seq]))
	}
	require.NoError(t, db.AppendRunLog(ctx, "other", 0, []byte("another run")))

	buf.Reset()
	found, err = db.RunLog(ctx, "job-20310304T020000Z", &buf)
	require.NoError(t, err)
	assert.True(t, found)
	assert.Equal(t, bytes.Join(chunks, nil), buf.Bytes())

	var stored int
	require.NoError(t, db.pool.QueryRow(ctx, "SELECT sum(length(data)) FROM run_logs WHERE run = $1", "job-20310304T020000Z").Scan(&stored))
	assert.Less(t, stored, len(chunks[0])/10+len(random)+1000, "text is kept compressed")
}
