package slack

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/bot"
)

var update = flag.Bool("update", false, "rewrite testdata/golden/*.json")

// goldenMessages are representative messages, rendered to testdata/golden/NAME.json.
func goldenMessages() map[string]bot.Message {
	window := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	many := make([]string, 200)
	for i := range many {
		many[i] = fmt.Sprintf("%03d applying manifest design/k8s/app-%d.yaml ... ok", i+1, i)
	}
	hostile := append([]string{"<!channel> deploy finished", "ping <@U123> and <!subteam^S999|ops>", "```", "a & b > c", "```end of fence"}, many...)

	var bigSections []bot.Section
	for i := range 70 {
		bigSections = append(bigSections, bot.Section{Text: fmt.Sprintf("section %d: %s", i, strings.Repeat("x", 40))})
	}
	var fields []bot.Field
	for i := range 15 {
		fields = append(fields, bot.Field{Label: fmt.Sprintf("field %d", i), Value: strings.Repeat("v", 2500)})
	}
	bigSections = append([]bot.Section{{Text: strings.Repeat("long line of prose. ", 400), Fields: fields}}, bigSections...)
	var ctx []string
	for i := range 12 {
		ctx = append(ctx, fmt.Sprintf("context %d", i))
	}

	return map[string]bot.Message{
		"confirm_request": {
			Channel:  "#plataforma",
			Fallback: "Confirm seed-dev-data for Mon 2026-03-02 09:00",
			Title:    "Confirmation needed: seed-dev-data",
			Mentions: []bot.Mention{{ID: "U0MARCOS", Name: "Marcos"}, {ID: "U0ANA", Name: "Ana"}, {ID: "S0PLATFORM", Name: "Platform"}},
			Sections: []bot.Section{
				{Text: "The window opens in 24 h. Primary: Marcos, backup: Ana."},
				{Text: "Open tickets (3):", Links: []bot.Link{
					{Prefix: "⛔ ", Label: "#13", URL: "https://github.com/acme/infra/issues/13", Suffix: " Schema migration pending — open · unassigned"},
					{Prefix: "• ", Label: "OPS-7", URL: "https://acme.atlassian.net/browse/OPS-7?focusedCommentId=1&page=2", Suffix: " <!channel> & seed — In Progress · ana"},
					{Prefix: "• ", Label: "#9", URL: "javascript:alert(1)", Suffix: " not a link — open · bia"},
				}},
				{Fields: []bot.Field{
					{Label: "Window", Value: "Mon 09:00 America/Sao_Paulo · 12:00 UTC", Time: &window},
					{Label: "Script", Value: "scripts/infra/seed-dev-data.sh --mode apply"},
				}},
				{Checks: []bot.Check{
					{OK: true, Text: "DATABASE_URL set"},
					{OK: false, Text: "psql on PATH", Detail: "not found"},
					{Manual: true, Text: "Acesso a cluster staging"},
				}},
			},
			Buttons: []bot.Button{
				{ID: "confirm", Label: "Confirm", Job: "seed-dev-data", Occ: 42, Window: window, Style: "primary"},
				{ID: "decline", Label: "Decline", Job: "seed-dev-data", Occ: 42, Window: window, Style: "danger", Prompt: &bot.Prompt{Title: "Decline window", Label: "Reason", Submit: "Decline"}},
			},
			Context: []string{"occurrence 42 · window 2026-03-02T12:00:00Z"},
		},
		"escalation": {
			Channel:  "#infra-incident",
			Fallback: "Escalation: backup-db failed 15 minutes ago and no incident was recorded",
			Title:    "Escalation: backup-db failed, no incident recorded",
			Here:     true,
			Mentions: []bot.Mention{{ID: "U0ANA", Name: "Ana"}, {ID: "S0PLATFORM", Name: "Platform"}, {ID: "S0DBA", Name: "DBA"}, {ID: "not-an-id", Name: "Jo <!channel>"}},
			Sections: []bot.Section{{Text: "Reason: exit code 2 <!channel>", Fields: []bot.Field{{Label: "Run by", Value: "Marcos"}, {Label: "Deadline", Value: "12:15 UTC"}}}},
			Buttons: []bot.Button{
				{ID: "incident", Label: "Record incident", Job: "backup-db", Occ: 43, Window: window, Prompt: &bot.Prompt{Title: "Record incident", Label: "Incident id or URL"}},
				{ID: "run", Label: "Run again", Job: "backup-db", Occ: 43, Window: window, Confirm: "Run backup-db again now?"},
			},
		},
		"run_output_hostile": {
			Channel:  "C0PLATFORM",
			Fallback: "<!channel> output of seed-dev-data",
			Sections: []bot.Section{{Lines: hostile}},
		},
		"oversize": {
			Channel:  "C0PLATFORM",
			Fallback: strings.Repeat("f", 5000),
			Title:    strings.Repeat("T", 3500),
			Sections: bigSections,
			Buttons:  []bot.Button{{ID: "run", Label: strings.Repeat("L", 100), Job: "seed-dev-data", Confirm: strings.Repeat("?", 400)}, {ID: "run", Label: "Run 2", Job: "other"}},
			Context:  ctx,
		},
	}
}

// golden is what a golden file holds: the fallback text and the blocks.
type golden struct {
	Text   string          `json:"text"`
	Blocks json.RawMessage `json:"blocks"`
}

func TestBlocksGolden(t *testing.T) {
	for name, m := range goldenMessages() {
		t.Run(name, func(t *testing.T) {
			blocks, text := Blocks(m)
			raw, err := json.Marshal(blocks)
			require.NoError(t, err)
			got, err := json.MarshalIndent(golden{Text: text, Blocks: raw}, "", "  ")
			require.NoError(t, err)
			// Golden files show <, > and & as they are, for review.
			got = []byte(strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(string(got)))
			got = append(got, '\n')
			path := filepath.Join("testdata", "golden", name+".json")
			if *update {
				require.NoError(t, os.WriteFile(path, got, 0o644))
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "run go test ./bot/slack -run TestBlocksGolden -update")
			assert.Equal(t, string(want), string(got))
			checkLimits(t, text, raw)
		})
	}
}

// checkLimits asserts Slack's Block Kit limits on rendered blocks.
func checkLimits(t *testing.T, text string, raw json.RawMessage) {
	t.Helper()
	assert.LessOrEqual(t, utf8.RuneCountInString(text), maxFallback)
	var blocks []struct {
		Type     string                  `json:"type"`
		Text     *struct{ Text string }  `json:"text"`
		Fields   []struct{ Text string } `json:"fields"`
		Elements []struct {
			Type     string `json:"type"`
			Text     json.RawMessage
			ActionID string `json:"action_id"`
		} `json:"elements"`
	}
	require.NoError(t, json.Unmarshal(raw, &blocks))
	assert.LessOrEqual(t, len(blocks), maxBlocks)
	for _, b := range blocks {
		if b.Text != nil {
			assert.LessOrEqual(t, utf8.RuneCountInString(b.Text.Text), maxSectionText)
		}
		assert.LessOrEqual(t, len(b.Fields), maxFields)
		for _, f := range b.Fields {
			assert.LessOrEqual(t, utf8.RuneCountInString(f.Text), maxFieldText)
		}
		ids := map[string]bool{}
		for _, e := range b.Elements {
			if e.Type == "button" {
				var txt struct{ Text string }
				require.NoError(t, json.Unmarshal(e.Text, &txt))
				assert.LessOrEqual(t, utf8.RuneCountInString(txt.Text), maxButtonText)
				assert.False(t, ids[e.ActionID], "action ids unique in a block: %s", e.ActionID)
				ids[e.ActionID] = true
			}
		}
		if b.Type == "context" {
			assert.LessOrEqual(t, len(b.Elements), maxContextElems)
		}
	}
}

func TestBlocksNeverPingFromText(t *testing.T) {
	for name, m := range goldenMessages() {
		blocks, text := Blocks(m)
		raw, err := json.Marshal(blocks)
		require.NoError(t, err)
		all := blockTexts(t, raw) + "\n" + text
		assert.NotContains(t, all, "<!channel>", name)
		assert.NotContains(t, all, "<@U123>", name)
		assert.NotContains(t, all, "<!subteam^S999", name)
	}
}

func TestBlocksMentions(t *testing.T) {
	m := goldenMessages()["escalation"]
	blocks, _ := Blocks(m)
	raw, _ := json.Marshal(blocks)
	all := blockTexts(t, raw)
	assert.Contains(t, all, "<!here> <@U0ANA> <!subteam^S0PLATFORM> <!subteam^S0DBA> @Jo &lt;!channel&gt;")

	m.Here = false
	blocks, _ = Blocks(m)
	raw, _ = json.Marshal(blocks)
	assert.NotContains(t, blockTexts(t, raw), "<!here>", "here only when asked")
}

func TestBlocksFieldTime(t *testing.T) {
	at := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	got := fieldText(bot.Field{Label: "Window", Value: "Mon 09:00 <BRT>", Time: &at})
	assert.Equal(t, fmt.Sprintf("*Window*\n<!date^%d^{date_short_pretty} {time}|2026-03-02 12:00 UTC>\nMon 09:00 &lt;BRT&gt;", at.Unix()), got)
}

func TestBlocksOversizeKeepsButtons(t *testing.T) {
	blocks, _ := Blocks(goldenMessages()["oversize"])
	require.Len(t, blocks, maxBlocks)
	raw, _ := json.Marshal(blocks)
	s := string(raw)
	assert.Contains(t, s, `"type":"actions"`)
	assert.Contains(t, s, `"text":"…"`)
}

func TestEscape(t *testing.T) {
	assert.Equal(t, "&lt;!channel&gt; &amp;amp; a&gt;b", Escape("<!channel> &amp; a>b"))
	assert.Equal(t, "`\u200b`\u200b` x", escapePre("``` x"))
	assert.NotContains(t, escapePre("``````"), "```")
}

func TestTruncate(t *testing.T) {
	assert.Equal(t, "abc", truncate("abc", 3))
	got := truncate(strings.Repeat("é", 10), 7)
	assert.True(t, utf8.ValidString(got))
	assert.LessOrEqual(t, len(got), 7)
	assert.Equal(t, "ab…", truncate("ab&amp;cdef", 8), "no half entity left")
	assert.Equal(t, "abcd…", truncateRunes("abcdefgh", 5))
}

func TestActionIDs(t *testing.T) {
	seen := map[string]int{}
	assert.Equal(t, "run", encodeActionID(bot.Button{ID: "run"}, seen))
	assert.Equal(t, "run#2", encodeActionID(bot.Button{ID: "run"}, seen))
	assert.Equal(t, "decline:prompt", encodeActionID(bot.Button{ID: "decline", Prompt: &bot.Prompt{}}, seen))
	for in, want := range map[string]string{"run": "run", "run#2": "run", "decline:prompt": "decline", "justify:prompt#3": "justify"} {
		id, p := decodeActionID(in)
		assert.Equal(t, want, id)
		assert.Equal(t, strings.Contains(in, promptSuffix), p)
	}
}

func TestPromptModalLimits(t *testing.T) {
	v := promptModal("reschedule", bot.Prompt{Title: "Reagendar a execução desta janela", Label: "Nova data", Submit: "Reagendar agora mesmo por favor"}, modalMeta{Job: "j", Channel: "C1"})
	assert.LessOrEqual(t, utf8.RuneCountInString(v.Title.Text), maxModalTitle)
	assert.LessOrEqual(t, utf8.RuneCountInString(v.Submit.Text), maxModalTitle)
	assert.Equal(t, "runbook:reschedule", v.CallbackID)
	assert.JSONEq(t, `{"job":"j","channel":"C1"}`, v.PrivateMetadata)
}
