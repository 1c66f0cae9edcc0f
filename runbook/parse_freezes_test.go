package runbook_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// withFreezes is the Portuguese test runbook with a change freezes section appended.
func withFreezes(t *testing.T, section string) []byte {
	t.Helper()
	src, err := os.ReadFile("testdata/runbook.pt.md")
	require.NoError(t, err)
	return append(src, []byte("\n"+section)...)
}

func TestParse_GivenAChangeFreezesSection_WhenParsed_ThenEachRowIsAFreezeInTheRunbooksZone(t *testing.T) {
	sp, err := time.LoadLocation("America/Sao_Paulo")
	require.NoError(t, err)
	for _, tc := range []struct {
		name, section string
	}{
		{"pt-BR", "## Congelamentos\n\n| Início | Fim | Motivo |\n| --- | --- | --- |\n| 2026-12-20 00:00 | 2027-01-04 09:00 | Fim de ano |\n| 2026-12-05 18:00 UTC | 2026-12-06 06:00 UTC | Migração do cluster |\n"},
		{"en", "## Change freezes\n\n| Start | End | Reason |\n| --- | --- | --- |\n| 2026-12-20 00:00 | 2027-01-04 09:00 | Fim de ano |\n| 2026-12-05 18:00 UTC | 2026-12-06 06:00 UTC | Migração do cluster |\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := withFreezes(t, tc.section)
			rb, problems := runbook.Parse("rb.md", src, runbook.ParseOptions{DefaultZone: sp})
			require.Empty(t, problems)
			require.Len(t, rb.Freezes, 2)
			first := rb.Freezes[0]
			require.Equal(t, "Fim de ano", first.Reason)
			require.Equal(t, runbook.FreezeRunbook, first.Source)
			require.True(t, first.Start.Equal(time.Date(2026, 12, 20, 3, 0, 0, 0, time.UTC)), "in RUNBOOK_TZ: %s", first.Start)
			require.True(t, first.End.Equal(time.Date(2027, 1, 4, 12, 0, 0, 0, time.UTC)), "%s", first.End)
			require.Equal(t, strings.Count(string(src[:strings.Index(string(src), "| 2026-12-20")]), "\n")+1, first.Line)
			require.True(t, rb.Freezes[1].Start.Equal(time.Date(2026, 12, 5, 18, 0, 0, 0, time.UTC)), "a zone named in the cell wins")
			require.Equal(t, sp, rb.Zone)
		})
	}
}

func TestParse_GivenABrokenChangeFreeze_WhenParsed_ThenEachProblemHasItsLine(t *testing.T) {
	for _, tc := range []struct {
		name, row string
		want      runbook.Msg
	}{
		{"bad start", "| 20/12/2026 | 2027-01-04 09:00 | Fim de ano |", runbook.M(runbook.ProbFreezeStartNotTime, "value", "20/12/2026")},
		{"bad end", "| 2026-12-20 00:00 | amanhã | Fim de ano |", runbook.M(runbook.ProbFreezeEndNotTime, "value", "amanhã")},
		{"bad zone", "| 2026-12-20 00:00 Marte/Base | 2027-01-04 09:00 | Fim de ano |", runbook.M(runbook.ProbFreezeStartZone, "zone", "Marte/Base")},
		{"end first", "| 2027-01-04 09:00 | 2026-12-20 00:00 | Fim de ano |", runbook.M(runbook.ProbFreezeEndsBefore, "end", "2026-12-20 00:00 UTC", "start", "2027-01-04 09:00 UTC")},
		{"no reason", "| 2026-12-20 00:00 | 2027-01-04 09:00 |  |", runbook.M(runbook.ProbFreezeNoReason)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := withFreezes(t, "## Congelamentos\n\n| Início | Fim | Motivo |\n| --- | --- | --- |\n"+tc.row+"\n")
			line := strings.Count(string(src), "\n")
			rb, problems := runbook.Parse("rb.md", src, runbook.ParseOptions{})
			require.Len(t, problems, 1, "%v", problems)
			require.Equal(t, line, problems[0].Line)
			require.Contains(t, problems[0].String(), "rb.md:")
			require.Equal(t, tc.want, problems[0].Msg)
			require.Empty(t, rb.Freezes)
		})
	}
	src := withFreezes(t, "## Congelamentos\n\n| Início | Quando | Motivo |\n| --- | --- | --- |\n| 2026-12-20 00:00 | x | y |\n")
	_, problems := runbook.Parse("rb.md", src, runbook.ParseOptions{})
	require.Len(t, problems, 1)
	require.Equal(t, runbook.M(runbook.ProbFreezeColumns, "missing", "Fim/End"), problems[0].Msg)
}
