package records

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/runbook"
)

func TestInsertDelay_GivenTheSameLineTwice_ThenItIsWrittenOnce(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		lang runbook.Lang
	}{
		{name: "given no delay log section", doc: "# Runbook\n\ntext\n", lang: runbook.LangEN},
		{name: "given a section with a human line", doc: "# Runbook\n\n## Registro de atrasos\n\n- 2026-01-01 · escrito à mão\n\n## Outra\n", lang: runbook.LangPT},
		{name: "given CRLF line endings", doc: "# Runbook\r\n\r\n## Delay log\r\n\r\n- old\r\n", lang: runbook.LangEN},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			line := "2026-12-04 22:40 UTC · seed · window 2026-12-04 22:00 UTC · waiting for the DBA (by <@U0ANA>)"
			once, err := InsertDelay([]byte(tt.doc), tt.lang, line)
			require.NoError(t, err)
			twice, err := InsertDelay(once, tt.lang, line)
			require.NoError(t, err)

			assert.Equal(t, string(once), string(twice), "a retried line changes nothing")
			assert.Equal(t, 1, strings.Count(string(twice), "waiting for the DBA"))
			other, err := InsertDelay(once, tt.lang, line+" again")
			require.NoError(t, err)
			assert.Equal(t, 2, strings.Count(string(other), "waiting for the DBA"), "a different line is added")
		})
	}
}

func TestPutEntry_GivenDocumentBytes_ThenItAddsReplacesAndKeepsTheRest(t *testing.T) {
	human := "# Check-ins\n\nNotes by hand.\n"
	e := sampleEntry("42-1")

	added, err := PutEntry([]byte(human), runbook.LangEN, e)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(string(added), human))
	require.True(t, HasEntry(added, "42-1"))
	require.False(t, HasEntry(added, "43-1"))

	again, err := PutEntry(added, runbook.LangEN, e)
	require.NoError(t, err)
	assert.Equal(t, string(added), string(again), "the same entry again changes nothing")

	e.IncidentRef = "INC-7"
	updated, err := PutEntry(added, runbook.LangEN, e)
	require.NoError(t, err)
	assert.Contains(t, string(updated), "- **Incident:** INC-7")
	assert.Equal(t, 1, strings.Count(string(updated), openMarker("42-1")))

	_, err = PutEntry(nil, runbook.LangEN, Entry{Key: "bad key", Job: "j"})
	assert.Error(t, err)
	fresh, err := PutEntry(nil, runbook.LangPT, e)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(fresh), "# Check-ins de observabilidade"))
}
