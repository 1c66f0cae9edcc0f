package bot

import (
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/runbook"
)

func TestRender_GivenAClippedLine_ThenTheChatSaysInItsLanguageHowManyBytesWereCut(t *testing.T) {
	long := runbook.ClipPrefix(strings.Repeat("x", runbook.ChatLineBytes), 10<<20, runbook.ChatLineBytes)
	for _, tc := range []struct {
		lang runbook.Lang
		word string
	}{{runbook.LangEN, "bytes cut"}, {runbook.LangPT, "bytes cortados"}} {
		t.Run(string(tc.lang), func(t *testing.T) {
			b, _, _ := newTestBot(t, tc.lang)
			n := notices(t)["run_output"]
			n.Lines = []string{"short … 12 bytes cut", long}
			m := b.Render(n, renderNow)
			var lines []string
			for _, s := range m.Sections {
				lines = append(lines, s.Lines...)
			}
			require.Len(t, lines, 2)
			assert.Equal(t, "short … 12 "+tc.word, lines[0])
			kept := strings.Count(lines[1], "x")
			assert.Equal(t, strings.Repeat("x", kept)+"… "+strconv.Itoa(10<<20-kept)+" "+tc.word, lines[1], "the count covers what the chat leaves out too")
			assert.LessOrEqual(t, escapedLen(lines[1]), maxSectionChars)
		})
	}
}
