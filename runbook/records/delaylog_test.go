package records

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/runbook"
)

const runbookPT = `# Runbook de Coordenação com Plataforma

## Agenda de Execuções

| Janela | Frequência | Scripts | Responsável Principal | Backup | Dependências |
| --- | --- | --- | --- | --- | --- |
| Sexta-feira 22:00 UTC | Semanal | ` + "`scripts/infra/seed-dev-data.sh`" + ` | Dados (Ana) | Bruno | Docker CLI |

## Escalonamento

Falhas vão para ` + "`#infra-incident`" + `.
`

const line1 = "2026-12-04 22:40 UTC · seed-dev-data · cluster indisponível (por <@U123>)"

func TestAppendDelay(t *testing.T) {
	tests := []struct {
		name    string
		lang    runbook.Lang
		content string
		line    string
		want    string // the whole file after the call
	}{
		{
			name: "given no delay section when a delay is logged then the section is created at the end",
			lang: runbook.LangPT, content: runbookPT, line: line1,
			want: runbookPT + "\n## Registro de atrasos\n\n- " + line1 + "\n",
		},
		{
			name: "given an en runbook without the section when a delay is logged then an en section is created",
			lang: runbook.LangEN, content: "# Runbook\n\n## Schedule\n\ntext\n\n", line: "x",
			want: "# Runbook\n\n## Schedule\n\ntext\n\n## Delay log\n\n- x\n",
		},
		{
			name: "given a file without trailing newline when a delay is logged then a newline is added before the section",
			lang: runbook.LangPT, content: "# R\n\nfim", line: "x",
			want: "# R\n\nfim\n\n## Registro de atrasos\n\n- x\n",
		},
		{
			name:    "given a section with items followed by prose and another heading when a delay is logged then it goes after the last item",
			lang:    runbook.LangPT,
			content: "# R\n\n## Registro de atrasos\n\n- a\n- b\n  continuação de b\n\nTexto depois da lista.\n\n## Escalonamento\n\nx\n",
			line:    "c",
			want:    "# R\n\n## Registro de atrasos\n\n- a\n- b\n  continuação de b\n- c\n\nTexto depois da lista.\n\n## Escalonamento\n\nx\n",
		},
		{
			name: "given a section whose last item touches the next heading when a delay is logged then a blank line keeps them apart",
			lang: runbook.LangPT, content: "## Registro de atrasos\n- a\n## Próxima\n", line: "b",
			want: "## Registro de atrasos\n- a\n- b\n\n## Próxima\n",
		},
		{
			name: "given the section at the end without trailing newline when a delay is logged then the item follows on its own line",
			lang: runbook.LangPT, content: "# R\n\n## Registro de atrasos\n\n- a", line: "b",
			want: "# R\n\n## Registro de atrasos\n\n- a\n- b\n",
		},
		{
			name: "given an empty section followed by a level-3 heading inside it when a delay is logged then it goes at the end of the section",
			lang: runbook.LangPT, content: "## registro DE ATRASOS\n\nPreencha abaixo.\n\n### Antigos\n\ntexto\n\n## Outra\n", line: "b",
			want: "## registro DE ATRASOS\n\nPreencha abaixo.\n\n### Antigos\n\ntexto\n\n- b\n\n## Outra\n",
		},
		{
			name: "given a section with only its heading when a delay is logged then the item follows it",
			lang: runbook.LangEN, content: "## Delay log\n## Next\n", line: "b",
			want: "## Delay log\n\n- b\n\n## Next\n",
		},
		{
			name: "given a setext next heading when a delay is logged then it is not swallowed as a lazy line",
			lang: runbook.LangPT, content: "## Registro de atrasos\n\n- a\n\nPróxima\n-------\n", line: "b",
			want: "## Registro de atrasos\n\n- a\n- b\n\nPróxima\n-------\n",
		},
		{
			name:    "given a pt heading in a fenced block and a real one later when a delay is logged then the real one is used",
			lang:    runbook.LangPT,
			content: "# R\n\n```md\n## Registro de atrasos\n- exemplo\n```\n\n## Registro de atrasos\n\n- a\n",
			line:    "b",
			want:    "# R\n\n```md\n## Registro de atrasos\n- exemplo\n```\n\n## Registro de atrasos\n\n- a\n- b\n",
		},
		{
			name: "given a pt runbook with an en delay section when logging in pt then the existing section is used",
			lang: runbook.LangPT, content: "## Delay log\n\n- a\n", line: "b",
			want: "## Delay log\n\n- a\n- b\n",
		},
		{
			name: "given a line starting with a pipe when a delay is logged then it cannot become a table row",
			lang: runbook.LangPT, content: "## Registro de atrasos\n\n- a\n", line: "| a | b |",
			want: "## Registro de atrasos\n\n- a\n- \\| a | b |\n",
		},
		{
			name: "given a line with HTML tags when a delay is logged then they show as text and Slack mentions stay",
			lang: runbook.LangEN, content: "## Delay log\n\n- a\n", line: `<h2>Escalation</h2> \<b> \\<i> <?x <@U1> <#C1|x> a < b`,
			want: "## Delay log\n\n- a\n- " + `\<h2>Escalation\</h2> \<b> \\\<i> \<?x <@U1> <#C1|x> a < b` + "\n",
		},
		{
			name: "given a multi-line line with a heading when a delay is logged then it is one escaped line",
			lang: runbook.LangPT, content: "## Registro de atrasos\n\n- a\n", line: "# título\n## Agenda de Execuções\r\n<!-- x",
			want: "## Registro de atrasos\n\n- a\n- \\# título ## Agenda de Execuções <\\!-- x\n",
		},
		{
			name: "given a line already formatted as an item when a delay is logged then it is not nested",
			lang: runbook.LangPT, content: "## Registro de atrasos\n\n- a\n", line: "- 1. b",
			want: "## Registro de atrasos\n\n- a\n- 1\\. b\n",
		},
		{
			name: "given a CRLF runbook when a delay is logged then the new lines use CRLF",
			lang: runbook.LangPT, content: "# R\r\n\r\n## Registro de atrasos\r\n\r\n- a\r\n", line: "b",
			want: "# R\r\n\r\n## Registro de atrasos\r\n\r\n- a\r\n- b\r\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			p := writeFile(t, dir, "runbook.md", tt.content, 0o640)

			require.NoError(t, AppendDelay(p, tt.lang, tt.line))

			got, err := os.ReadFile(p)
			require.NoError(t, err)
			assert.Equal(t, tt.want, string(got))
			fi, err := os.Stat(p)
			require.NoError(t, err)
			assert.Equal(t, os.FileMode(0o640), fi.Mode().Perm())
			assert.Equal(t, []string{"runbook.md"}, dirNames(t, dir))

			// The runbook still parses the same: same headings (plus the new
			// section), same tables, and the new item is not a block of its own.
			before, after := outline(t, []byte(tt.content)), outline(t, got)
			added := slices.DeleteFunc(slices.Clone(after), func(s string) bool { return slices.Contains(before, s) })
			for _, a := range added {
				assert.Contains(t, []string{"h2:Registro de atrasos", "h2:Delay log"}, a, "only the section heading may be new")
			}
			for _, b := range before {
				assert.Contains(t, after, b)
			}
		})
	}
}

func TestAppendDelay_KeepsTheRestOfASeedLikeRunbook(t *testing.T) {
	// given a runbook with a schedule table and no delay log
	dir := t.TempDir()
	p := writeFile(t, dir, "runbook.md", runbookPT, 0o644)

	// when three delays are logged
	for _, l := range []string{"um", "dois", "três"} {
		require.NoError(t, AppendDelay(p, runbook.LangPT, l))
	}

	// then the original text is an untouched prefix and the three lines are in order
	got, err := os.ReadFile(p)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(string(got), runbookPT))
	assert.Equal(t, "\n## Registro de atrasos\n\n- um\n- dois\n- três\n", strings.TrimPrefix(string(got), runbookPT))
}

func TestAppendDelay_Errors(t *testing.T) {
	tests := []struct {
		name     string
		fileMode os.FileMode
		dirMode  os.FileMode
		line     string
		readOnly bool
	}{
		{name: "given a read-only file when a delay is logged then ErrReadOnly and nothing changes", fileMode: 0o444, dirMode: 0o755, line: "x", readOnly: true},
		{name: "given a read-only directory when a delay is logged then ErrReadOnly and nothing changes", fileMode: 0o644, dirMode: 0o555, line: "x", readOnly: true},
		{name: "given an empty line when a delay is logged then it is refused", fileMode: 0o644, dirMode: 0o755, line: " \n\t "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "docs")
			require.NoError(t, os.Mkdir(dir, 0o755))
			p := writeFile(t, dir, "runbook.md", runbookPT, tt.fileMode)
			require.NoError(t, os.Chmod(dir, tt.dirMode))
			t.Cleanup(func() { _ = os.Chmod(dir, 0o755) })

			err := AppendDelay(p, runbook.LangPT, tt.line)

			require.Error(t, err)
			assert.Equal(t, tt.readOnly, errors.Is(err, ErrReadOnly), "%v", err)
			got, rerr := os.ReadFile(p)
			require.NoError(t, rerr)
			assert.Equal(t, runbookPT, string(got))
			assert.Equal(t, []string{"runbook.md"}, dirNames(t, dir))
		})
	}
}

func TestAppendDelay_MissingFile(t *testing.T) {
	// given no runbook file; when a delay is logged; then an error and no file
	p := filepath.Join(t.TempDir(), "runbook.md")
	err := AppendDelay(p, runbook.LangPT, "x")
	require.ErrorIs(t, err, os.ErrNotExist)
	_, serr := os.Stat(p)
	assert.ErrorIs(t, serr, os.ErrNotExist)
}
