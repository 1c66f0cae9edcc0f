package bot

import (
	"testing"
	"time"

	"github.com/runbook-bot/runbook-bot/runbook"
	"github.com/runbook-bot/runbook-bot/runbook/records"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The check-ins file is written by runbook/records, not from the catalogues:
// it must follow the same glossary and hold no English in pt-BR.
func TestCheckins_GivenEveryResultAndReasonInPortuguese_ThenTheGlossarysTermsAndNoEnglish(t *testing.T) {
	sp := time.FixedZone("-03", -3*3600)
	var data []byte
	for i, r := range []string{"", runbook.ReasonExit, runbook.ReasonTimeout, runbook.ReasonCancelled, runbook.ReasonPreflight,
		runbook.ReasonInterrupted, runbook.ReasonStart, runbook.ReasonReplicaLost} {
		for _, dry := range []bool{false, true} {
			// given an execution that ended with this reason, a dry run or not
			e := records.Entry{Key: "k" + string(rune('a'+i)) + map[bool]string{true: "d", false: "r"}[dry], Job: "seed-dev-data",
				Window: window, Zone: sp, Result: "failed", Reason: r, Date: window.Add(3 * time.Minute), Duration: 90 * time.Second,
				ApprovedBy: "@Bianca Ramos", RunBy: "@Marcos Paulo", DryRun: dry}
			if r == "" {
				e.Result = "succeeded"
			}
			// when its check-in is written in pt-BR
			var err error
			data, err = records.PutEntry(data, runbook.LangPT, e)
			require.NoError(t, err)
		}
	}
	// then it reads in Portuguese, with the glossary's terms
	text := string(data)
	assert.Empty(t, englishIn(text, names(t)), text)
	assert.Empty(t, glossaryViolations(runbook.LangPT, text), text)
	assert.Contains(t, text, "código de saída diferente de zero")
	assert.Contains(t, text, "1 min 30 s")
}
