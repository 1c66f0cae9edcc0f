package slack

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/bot"
)

// botGoldens are the bot's pt-BR goldens: every notice kind, refusal and reply
// as the bot renders it in Portuguese (bot/testdata/golden/*.pt-BR.json).
func botGoldens(t *testing.T, kind string) map[string][]byte {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("..", "testdata", "golden", "*.pt-BR.json"))
	require.NoError(t, err)
	out := map[string][]byte{}
	for _, p := range paths {
		name := strings.TrimSuffix(filepath.Base(p), ".pt-BR.json")
		if (kind == "home") != (name == "home") {
			continue
		}
		data, err := os.ReadFile(p)
		require.NoError(t, err)
		out[name] = data
	}
	return out
}

// compareGolden checks got against testdata/golden/pt-BR/NAME.json (rewritten with -update).
func compareGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	got = []byte(strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(string(got)) + "\n")
	path := filepath.Join("testdata", "golden", "pt-BR", name+".json")
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./bot/slack -run TestBlocksGolden_GivenPortuguese -update")
	assert.Equal(t, string(want), string(got))
}

func TestBlocksGolden_GivenPortugueseMessagesOfEveryKind_ThenBlockKitMatchesTheGoldenFiles(t *testing.T) {
	msgs := botGoldens(t, "message")
	require.Greater(t, len(msgs), 100, "every notice kind, refusal and reply of the bot")
	for name, data := range msgs {
		t.Run(name, func(t *testing.T) {
			// given the bot's pt-BR message
			var m bot.Message
			require.NoError(t, json.Unmarshal(data, &m))
			// when Slack renders it
			blocks, text := Blocks(m)
			raw, err := json.Marshal(blocks)
			require.NoError(t, err)
			got, err := json.MarshalIndent(golden{Text: text, Blocks: raw}, "", "  ")
			require.NoError(t, err)
			// then it is the reviewed Block Kit, within Slack's limits
			compareGolden(t, name, got)
			checkLimits(t, text, raw)
		})
	}
}

func TestBlocksGolden_GivenPortugueseHome_ThenTheViewMatchesTheGoldenFile(t *testing.T) {
	var h bot.Home
	require.NoError(t, json.Unmarshal(botGoldens(t, "home")["home"], &h))
	raw, err := json.MarshalIndent(HomeView(h), "", "  ")
	require.NoError(t, err)
	compareGolden(t, "home", raw)
}
