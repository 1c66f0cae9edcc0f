package bot

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/runbook-bot/runbook-bot/runbook"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// msgCode is a runbook.Msg code declared in runbook/msg_codes.go with the
// arguments its comment names.
type msgCode struct {
	name, code string
	args       []string
}

// runbookCodes reads every code constant of runbook/msg_codes.go.
func runbookCodes(t *testing.T) []msgCode {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, filepath.Join("..", "runbook", "msg_codes.go"), nil, parser.ParseComments)
	require.NoError(t, err)
	var out []msgCode
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, s := range g.Specs {
			vs := s.(*ast.ValueSpec)
			lit, ok := vs.Values[0].(*ast.BasicLit)
			require.True(t, ok, vs.Names[0].Name)
			code, err := strconv.Unquote(lit.Value)
			require.NoError(t, err)
			c := msgCode{name: vs.Names[0].Name, code: code}
			if vs.Comment != nil {
				for _, a := range strings.Split(strings.TrimSpace(vs.Comment.Text()), ",") {
					if a = strings.TrimSpace(a); a != "" {
						c.args = append(c.args, a)
					}
				}
			}
			if code == runbook.MsgText {
				c.args = []string{"text"}
			}
			sort.Strings(c.args)
			out = append(out, c)
		}
	}
	require.Greater(t, len(out), 80, "the codes were read")
	return out
}

// sameInBothLanguages are catalogue entries that read the same in English and
// Portuguese on purpose: they only arrange their arguments.
var sameInBothLanguages = map[string]bool{
	runbook.MsgText: true, "problem.line": true, runbook.PfToolVersion: true, runbook.PfToolPath: true, runbook.TkError: true,
}

// sample fills every placeholder of tmpl with a neutral value.
func sample(tmpl string) map[string]string {
	args := map[string]string{}
	for _, p := range placeholders(tmpl) {
		args[p] = "X" + strconv.Itoa(len(args))
	}
	return args
}

func TestCatalogue_GivenEveryRunbookMsgCode_ThenBothLanguagesHaveItWithTheArgumentsItNames(t *testing.T) {
	for _, c := range runbookCodes(t) {
		for lang, cat := range map[string]catalogue{"en": catalogueEN, "pt-BR": cataloguePT} {
			tmpl, ok := cat[c.code]
			if !assert.True(t, ok, "%s (%s) has no %s entry", c.name, c.code, lang) {
				continue
			}
			assert.Equal(t, c.args, placeholders(tmpl), "%s %s: the catalogue's placeholders are the arguments runbook/msg_codes.go names", c.code, lang)
		}
	}
}

func TestCatalogue_GivenEveryMsgCodeAndShellLine_WhenRenderedInPortuguese_ThenNoneIsLeftInEnglish(t *testing.T) {
	ids := []string{"problem.line", "tickets.status.open", "prompt.empty"}
	for _, c := range runbookCodes(t) {
		ids = append(ids, c.code)
	}
	for id := range shellEN {
		ids = append(ids, id)
	}
	for _, id := range ids {
		t.Run(id, func(t *testing.T) {
			// Given the code with a value for each of its arguments
			m := runbook.Msg{Code: id, Args: sample(catalogueEN[id])}

			// When it is rendered in both languages
			en, pt := Render(runbook.LangEN, m), Render(runbook.LangPT, m)

			// Then the Portuguese is Portuguese
			assert.NotContains(t, pt, "{", "every placeholder filled")
			if sameInBothLanguages[id] {
				assert.Equal(t, en, pt)
				return
			}
			assert.NotEqual(t, m.String(), pt, "rendered by the catalogue, not shown as its code")
			assert.NotEqual(t, en, pt, "translated")
			text := pt
			if id == "shell.help" { // the commands themselves are not words
				text = regexp.MustCompile(`:[a-z]+|/runbook [a-z]+|"[a-z]+"`).ReplaceAllString(text, "")
			}
			assert.Empty(t, englishIn(stripNames(text), nil), "English words in %q", pt)
		})
	}
}

// stripNames drops what stays as written in any language: the runbook's own
// column and day names, variable names, paths and examples between quotes or backticks.
func stripNames(s string) string {
	for _, re := range []string{"`[^`]*`", `“[^”]*”`, `[A-Z][A-Z_]{2,}`, `Monday…Sunday|Weekly|Daily|Start \| End \| Reason|Browse projects|runbook-bot`} {
		s = regexp.MustCompile(re).ReplaceAllString(s, "")
	}
	return s
}

func TestRender_GivenAnUnknownCode_ThenItIsShownAsCodeAndArgumentsNeverLost(t *testing.T) {
	m := runbook.M("problem.from_a_newer_version", "x", "1")
	assert.Equal(t, `problem.from_a_newer_version x="1"`, Render(runbook.LangPT, m))
	assert.Equal(t, "", Render(runbook.LangPT, runbook.Msg{}))
	assert.Equal(t, "as written", Render(runbook.LangPT, runbook.TextMsg("as written")), "older rows' text")
}

func TestSource_GivenTheDomainAndItsAdapters_ThenEveryMsgCodeIsAConstant(t *testing.T) {
	literal := regexp.MustCompile(`\b(runbook\.)?M\("`)
	for _, root := range []string{filepath.Join("..", "runbook"), filepath.Join("..", "cmd")} {
		err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for i, line := range strings.Split(string(src), "\n") {
				assert.False(t, literal.MatchString(line), "%s:%d: a code written as a literal; declare it in runbook/msg_codes.go", path, i+1)
			}
			return nil
		})
		require.NoError(t, err)
	}
}

func TestRender_GivenNotesInARunsOutput_ThenTheChatShowsThemInItsLanguageAndScriptLinesAsWritten(t *testing.T) {
	for _, tc := range []struct {
		lang runbook.Lang
		want []string
	}{
		{runbook.LangPT, []string{"[seed] not set", "sem executor: este bot não pode executar scripts", "uma simulação de seed-dev-data estava em andamento"}},
		{runbook.LangEN, []string{"[seed] not set", "no executor: this bot cannot run scripts", "a dry run of seed-dev-data was in progress"}},
	} {
		t.Run(string(tc.lang), func(t *testing.T) {
			// Given a tail with a script's own line and two lines the bot added
			b, _, _ := newTestBot(t, tc.lang)
			tail := []string{"[seed] not set", runbook.NoteLine(runbook.M(runbook.RunNoExecutor)), runbook.NoteLine(runbook.M(runbook.RunDryInProgress, "job", "seed-dev-data"))}

			// When they are shown
			got := b.chatLines(tail)

			// Then the script's line is as written and the bot's are in the reader's language
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestRenderProblem_GivenABrokenRunbook_WhenParsed_ThenEachProblemReadsInTheBotsLanguage(t *testing.T) {
	// Given a runbook with a misspelt weekday and an owner without a contact
	src := "# Runbook\n\n| Janela | Frequência | Scripts | Responsável Principal | Backup | Dependências |\n| --- | --- | --- | --- | --- | --- |\n" +
		"| Sextou 09:00 | Semanal | `scripts/a.sh` | Bianca Ramos | Lucas Lima | |\n\n| Nome | Slack |\n| --- | --- |\n| Lucas Lima | U02LUCAS |\n"
	_, problems := runbook.Parse("docs/runbook.md", []byte(src), runbook.ParseOptions{})
	require.Len(t, problems, 2)

	// Then each renders in English and in Portuguese
	var en, pt []string
	for _, p := range problems {
		en, pt = append(en, RenderProblem(runbook.LangEN, p)), append(pt, RenderProblem(runbook.LangPT, p))
	}
	assert.Equal(t, []string{
		"docs/runbook.md:5: unknown weekday “Sextou” (expected Segunda-feira…Domingo, Diária, Monday…Sunday or Daily)",
		"docs/runbook.md:5: no contact for “Bianca Ramos” (add it to the Contatos table)",
	}, en)
	assert.Equal(t, []string{
		"docs/runbook.md:5: dia da semana desconhecido “Sextou” (esperado Segunda-feira…Domingo, Diária, Monday…Sunday ou Daily)",
		"docs/runbook.md:5: nenhum contato para “Bianca Ramos” (acrescente-o à tabela Contatos)",
	}, pt)
}

func TestRender_GivenAnOutboxRowWrittenBeforeCodes_WhenRenderedInPortuguese_ThenItsTextIsShownAsWritten(t *testing.T) {
	// Given a confirmation request stored as older versions wrote it: details and reasons as English text
	row := `{"kind":"confirm_request","key":"occ/7/request/0","channel":"runbook","at":"2025-01-10T21:00:00Z",
		"occ":{"id":7,"job":"seed-dev-data","slot":"2025-01-10T22:00:00Z","window":"2025-01-10T22:00:00Z","state":"awaiting_confirmation"},
		"preflight":{"results":[{"check":{"Kind":"env","Names":["DEV_RELATIONAL_URL"],"Text":"DEV_RELATIONAL_URL"},"ok":false,"detail":"not set"}]},
		"tickets":{"Unavailable":"GitHub answered 401 (check RUNBOOK_GITHUB_TOKEN)"}}`
	var n runbook.Notice
	require.NoError(t, json.Unmarshal([]byte(row), &n))
	b, _, _ := newTestBot(t, runbook.LangPT)

	// When it is delivered now
	text := allText(b.Render(n, testNow))

	// Then nothing is lost: the old text is shown as it was written
	assert.Contains(t, text, "DEV_RELATIONAL_URL — not set")
	assert.Contains(t, text, "tickets indisponíveis: GitHub answered 401 (check RUNBOOK_GITHUB_TOKEN)")
}
