package runbook

import (
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestClipLine_GivenLinesAroundTheLimit_ThenLongOnesKeepTheirStartAndSayHowMuchWasCut(t *testing.T) {
	tests := []struct {
		name string
		in   string
		max  int
		want string
	}{
		{"short", "hello", 64, "hello"},
		{"exactly the limit", strings.Repeat("a", 64), 64, strings.Repeat("a", 64)},
		{"one byte over", strings.Repeat("a", 65), 64, strings.Repeat("a", 48) + "… 17 bytes cut"},
		{"much longer", strings.Repeat("b", 10_000), 64, strings.Repeat("b", 46) + "… 9954 bytes cut"},
		{"not inside a rune", strings.Repeat("é", 40), 64, strings.Repeat("é", 24) + "… 32 bytes cut"},
		{"empty", "", 64, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := ClipLine(tc.in, tc.max)
			assert.Equal(t, tc.want, got)
			assert.LessOrEqual(t, len(got), tc.max)
			assert.True(t, utf8.ValidString(got))
			assert.Equal(t, got, ClipLine(got, tc.max), "clipping twice changes nothing")
		})
	}
}

func TestClipPrefix_GivenOnlyTheStartOfAHugeLine_ThenItCountsTheWholeLine(t *testing.T) {
	got := ClipPrefix(strings.Repeat("x", ChatLineBytes), 10<<20, ChatLineBytes)
	require.LessOrEqual(t, len(got), ChatLineBytes)
	require.True(t, strings.HasSuffix(got, "… "+itoa(10<<20-int64(strings.Count(got, "x")))+" bytes cut"), got[len(got)-40:])
	assert.Equal(t, "short", ClipPrefix("short", 5, ChatLineBytes))
}

func TestClipTail_GivenALongTailOfLongLines_ThenTheLast50LinesOf1KiBAreKept(t *testing.T) {
	var tail []string
	for i := range 200 {
		tail = append(tail, itoa(int64(i))+strings.Repeat("z", 64<<10))
	}
	got := ClipTail(tail)
	require.Len(t, got, TailLines)
	assert.True(t, strings.HasPrefix(got[0], "150zzz"), "the last lines: %q", got[0][:10])
	for _, l := range got {
		assert.LessOrEqual(t, len(l), TailLineBytes)
		assert.Contains(t, l, "bytes cut")
	}
	assert.Equal(t, []string{"a", "b"}, ClipTail([]string{"a", "b"}))
	assert.Nil(t, ClipTail(nil))
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
