package bot

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/runbook-bot/runbook-bot/runbook"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// englishWords are English words a pt-BR message must not hold: none is a
// Portuguese word too ("a", "no", "do", "use", "me", "se" are left out).
var englishWords = wordSet(`the and of not was were is are be been being has have had will would can cannot could may might must should
	to for with from by at on in into onto over under about after before since until while when where which what who whom why how
	this that these those it its they them their there here you your we our please try again already yet still only also just
	or if then than so but because each every any some none all more most other another new old last next first
	run runs ran running failed fail fails failure succeeded success cancelled canceled started start finished stopped stop
	window windows approved approve approval approver confirm confirmed confirmation decline declined reason state attempt attempts
	owner owners primary deadline escalated escalation incident incidents opened open closed record recorded records learnings
	delay delayed late reminder schedule scheduled reschedule rescheduled freeze frozen unfreeze lifted request requested needed needs
	output lines line earlier shown cut bytes changed change changes unknown missing invalid found set command commands check checks
	dry time day days hour hours minute minutes seconds no-one nothing something went wrong logged
	up down out off yes`)

// productWords are names the product and its readers use as they are, in any language.
var productPhrases = []string{"pull request", "runbook-bot", "check-ins", "check-in", "sha-256", "plan/validação"}

// notWords is what a message may hold that is not prose: links, paths, commands,
// flags, variables, mentions and keys.
var notWords = regexp.MustCompile(`https?://\S+|\S+@\S+|--[a-z-]+|<[^<>\s]*>|\S*/\S*|\b[A-Z][A-Z0-9_]{2,}\b|\b[A-Z]+-\d+\b|#\d+|\b[0-9a-f]{7,}\b`)

// typed is a command as typed, with its first argument, and text quoted from
// who typed it or from the runbook (“…”).
var typed = regexp.MustCompile(`/runbook(?: [a-z]+(?: [a-z][a-z-]*)?)?|“[^”]*”`)

var wordRE = regexp.MustCompile(`\p{L}+(?:-\p{L}+)*`)

func wordSet(s string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.Fields(s) {
		out[w] = true
	}
	return out
}

// englishIn lists the English words of text once the allowed fragments (names,
// foreign text) and what is not prose are set aside.
func englishIn(text string, allowed []string) []string {
	for _, a := range allowed {
		text = strings.ReplaceAll(text, a, " ")
	}
	text = typed.ReplaceAllString(text, " ")
	text = notWords.ReplaceAllString(text, " ")
	low := strings.ToLower(text)
	for _, p := range productPhrases {
		low = strings.ReplaceAll(low, p, " ")
	}
	var out []string
	for _, w := range wordRE.FindAllString(low, -1) {
		if englishWords[w] {
			out = append(out, w)
		}
	}
	return out
}

// readerText is every string of m a reader sees; Section.Lines too unless they are the script's.
func readerText(m Message, script bool) []string {
	out := []string{m.Fallback, m.Title}
	out = append(out, m.Context...)
	for _, s := range m.Sections {
		out = append(out, s.Text)
		for _, l := range s.Links {
			out = append(out, l.Prefix+l.Label+l.Suffix)
		}
		for _, f := range s.Fields {
			out = append(out, f.Label, f.Value)
		}
		for _, c := range s.Checks {
			out = append(out, c.Text, c.Detail)
		}
		if !script {
			out = append(out, s.Lines...)
		}
	}
	for _, b := range m.Buttons {
		out = append(out, b.Label, b.Confirm)
		if b.Prompt != nil {
			out = append(out, b.Prompt.Title, b.Prompt.Label, b.Prompt.Placeholder, b.Prompt.Submit)
		}
	}
	return out
}

// names are the runbook's people, teams and jobs: shown as they are.
func names(t testing.TB) []string {
	rb := testRunbook(t, runbook.LangPT)
	var out []string
	for _, c := range rb.Contacts {
		out = append(out, c.Name)
	}
	return append(out, rb.JobIDs()...)
}

func ptCases(t testing.TB) []ptCase {
	out := ptNoticeCases(t)
	out = append(out, ptRefusalCases(t)...)
	return append(out, ptReplyCases(t)...)
}

func TestPortuguese_GivenEveryNoticeRefusalAndReply_ThenNoEnglishIsLeft(t *testing.T) {
	allowed := names(t)
	for _, c := range ptCases(t) {
		t.Run(c.name, func(t *testing.T) {
			require.NotEmpty(t, strings.TrimSpace(strings.Join(readerText(c.msg, c.script), "")), "the fixture renders something")
			for _, s := range readerText(c.msg, c.script) {
				assert.Empty(t, englishIn(s, append(allowed, c.foreign...)), "%q", s)
				assert.NotRegexp(t, `\{[a-z_]+\}`, s, "a placeholder left unfilled")
				assert.Empty(t, glossaryViolations(runbook.LangPT, s), "%q", s)
			}
		})
	}
}

func TestPortuguese_GivenEnglishText_ThenTheCheckFindsIt(t *testing.T) {
	// given texts a pt-BR reader should not get, and some they should
	tests := []struct {
		text string
		want []string
	}{
		{"seed-dev-data: confirme a janela sex 10/01/2025 19:00 (UTC-03)", nil},
		{"O dry run de seed-dev-data failed at 19:00", []string{"dry", "run", "failed", "at"}},
		{"Execute /runbook check seed-dev-data --dry-run e veja https://example.com/the/run", nil},
		{"Comando desconhecido “the job”: /runbook check, status e run --dry-run", []string{"run"}},
		{"@Marcos Paulo: Please confirm the window", []string{"please", "confirm", "the", "window"}},
		{"Abra um pull request a partir de runbook-bot/records (RUNBOOK_GIT_RECORDS)", nil},
	}
	for _, tt := range tests {
		// when it is checked, names allowed
		got := englishIn(tt.text, []string{"Marcos Paulo", "seed-dev-data"})
		// then exactly the English words are found
		assert.Equal(t, tt.want, got, tt.text)
	}
}

func TestPortuguese_GivenEveryRefusalAndReply_ThenMessagesMatchTheGoldenFiles(t *testing.T) {
	for _, c := range append(ptRefusalCases(t), ptReplyCases(t)...) {
		t.Run(c.name, func(t *testing.T) {
			got, err := json.MarshalIndent(c.msg, "", "  ")
			require.NoError(t, err)
			got = append(got, '\n')
			path := filepath.Join("testdata", "golden", c.name+".pt-BR.json")
			if *update {
				require.NoError(t, os.WriteFile(path, got, 0o644))
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "run go test ./bot/ -run TestPortuguese -update")
			assert.Equal(t, string(want), string(got))
		})
	}
}
