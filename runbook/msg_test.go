package runbook_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/runbook-bot/runbook-bot/runbook"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMsg_GivenJSON_WhenDecoded_ThenNewAndOldRowsAreRead(t *testing.T) {
	for _, tc := range []struct {
		name, json string
		want       runbook.Msg
	}{
		{"a code with arguments", `{"code":"preflight.tool_missing","args":{"tool":"psql"}}`, runbook.M(runbook.PfToolMissing, "tool", "psql")},
		{"a code alone", `{"code":"preflight.not_set"}`, runbook.M(runbook.PfNotSet)},
		{"an old row's plain string", `"not set"`, runbook.TextMsg("not set")},
		{"an old row's empty string", `""`, runbook.Msg{}},
		{"null", `null`, runbook.Msg{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got runbook.Msg
			require.NoError(t, json.Unmarshal([]byte(tc.json), &got))
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestMsg_GivenAMsg_WhenEncodedAndDecoded_ThenItIsTheSame(t *testing.T) {
	m := runbook.M(runbook.ProbNoContact, "name", "Bianca Ramos", "table", "Contatos")
	b, err := json.Marshal(m)
	require.NoError(t, err)
	assert.JSONEq(t, `{"code":"problem.no_contact","args":{"name":"Bianca Ramos","table":"Contatos"}}`, string(b))
	var back runbook.Msg
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, m, back)
}

func TestMsg_GivenCodeAndArgs_WhenStringed_ThenLogsReadCodeAndSortedArgs(t *testing.T) {
	assert.Equal(t, `problem.no_contact name="Bianca Ramos" table="Contatos"`, runbook.M(runbook.ProbNoContact, "table", "Contatos", "name", "Bianca Ramos").String())
	assert.Equal(t, "as written", runbook.TextMsg("as written").String())
	p := runbook.Problem{File: "docs/runbook.md", Line: 9, Msg: runbook.M(runbook.ProbWeekdayUnknown, "day", "Sextou")}
	assert.Equal(t, `docs/runbook.md:9: problem.weekday_unknown day="Sextou"`, p.String())
}

func TestNotice_GivenAnOldOutboxRow_WhenDecoded_ThenItsTextIsKept(t *testing.T) {
	// Given rows written before problems, pre-flight details and ticket reasons became codes
	broken := `{"kind":"runbook_invalid","key":"runbook/invalid/ab","channel":"runbook","occ":{},"at":"2026-01-01T00:00:00Z",
		"lines":["docs/runbook.md:9: unknown weekday \"Sextou\""],"text":"docs/runbook.md"}`
	request := `{"kind":"confirm_request","key":"occ/1/request/0","channel":"runbook","occ":{},"at":"2026-01-01T00:00:00Z",
		"preflight":{"results":[{"check":{"kind":"env","names":["DB_URL"]},"ok":false,"detail":"not set"}]},
		"tickets":{"Unavailable":"GitHub answered 401 (check RUNBOOK_GITHUB_TOKEN)"}}`

	// When they are decoded
	var b, r runbook.Notice
	require.NoError(t, json.Unmarshal([]byte(broken), &b))
	require.NoError(t, json.Unmarshal([]byte(request), &r))

	// Then their text is still there, shown as written
	assert.Equal(t, []string{`docs/runbook.md:9: unknown weekday "Sextou"`}, b.Lines)
	assert.Empty(t, b.Problems)
	require.NotNil(t, r.Check)
	assert.Equal(t, runbook.TextMsg("not set"), r.Check.Results[0].Detail)
	require.NotNil(t, r.Tickets)
	assert.Equal(t, runbook.TextMsg("GitHub answered 401 (check RUNBOOK_GITHUB_TOKEN)"), r.Tickets.Unavailable)
}

func TestNoteLine_GivenAMsg_WhenMadeAndParsed_ThenItComesBackWholeAndNoOutputLineIsOne(t *testing.T) {
	// Given a note with a long argument, and lines a script printed
	m := runbook.M(runbook.RunStartFailed, "error", strings.Repeat("\x00é<", 1000))
	line := runbook.NoteLine(m)

	// Then the note fits a tail line whole and is read back
	assert.Equal(t, line, runbook.ClipTail([]string{line})[0], "not clipped")
	got, ok := runbook.ParseNoteLine(line)
	require.True(t, ok)
	assert.Equal(t, runbook.RunStartFailed, got.Code)

	// And no cleaned output line is a note, even one that imitates it
	forged := runbook.CleanText(line)
	_, ok = runbook.ParseNoteLine(forged)
	assert.False(t, ok)
	for _, l := range []string{"", "plain output", `{"code":"run.no_executor"}`} {
		_, ok := runbook.ParseNoteLine(l)
		assert.False(t, ok, l)
	}
}
