package bot

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/runbook-bot/runbook-bot/runbook"
)

const fullDisk = "write: no space left on device after 65536 bytes"

func TestRender_GivenARunWhoseLogIsIncomplete_ThenTheResultTheIncidentAndTheHistorySaySo(t *testing.T) {
	for _, tc := range []struct {
		lang runbook.Lang
		want string
	}{{runbook.LangEN, "log incomplete: " + fullDisk}, {runbook.LangPT, "log incompleto: " + fullDisk}} {
		t.Run(string(tc.lang), func(t *testing.T) {
			b, f, _ := newTestBot(t, tc.lang)
			ns := notices(t)
			for _, name := range []string{"run_result_log_incomplete", "run_result_dry_log_incomplete"} {
				assert.Contains(t, allText(b.Render(ns[name], renderNow)), tc.want, name)
			}
			inc := ns["incident"]
			inc.Occ.LogError = fullDisk
			assert.Contains(t, allText(b.Render(inc, renderNow)), tc.want)
			assert.NotContains(t, allText(b.Render(ns["run_result"], renderNow)), "log incompl", "a whole log says nothing")

			f.hist = []runbook.Occurrence{ns["run_result_log_incomplete"].Occ}
			assert.Contains(t, allText(b.Command(context.Background(), in("history seed-dev-data")).Message), tc.want)
		})
	}
}
