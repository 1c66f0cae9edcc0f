package records

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// levelOneEscalationLast is a runbook whose sections are level-1 headings with
// the escalation section last and no lead stated: the delay log section the bot
// creates at the end of the file falls under "# Escalation".
const levelOneEscalationLast = `# Schedule

| Window | Frequency | Script | Primary | Backup | Dependencies |
| --- | --- | --- | --- | --- | --- |
| Friday 19:00 | Weekly | ` + "`scripts/infra/seed-dev-data.sh`" + ` | DevOps (Marcos Paulo) | Bianca Ramos | Docker CLI |

# Contacts

| Name | Slack |
| --- | --- |
| Marcos Paulo | U03MARCOSPAULO |
| Bianca Ramos | U04BIANCARAMOS |
| DevOps | S03DEVOPS |

# Preparation

Check the dependencies the day before.

# Escalation

Alert ` + "`#platform-incidents`" + ` and open an incident within 20 minutes.
Delays over 40 minutes are renegotiated.
`

// levelOnePreparationLast is the same runbook in Portuguese with the
// preparation section last, so the delay log falls under "# Preparação".
const levelOnePreparationLast = `# Agenda

| Janela | Frequência | Scripts | Responsável Principal | Backup | Dependências |
| --- | --- | --- | --- | --- | --- |
| Sexta-feira 19:00 | Semanal | ` + "`scripts/infra/seed-dev-data.sh`" + ` | DevOps (Marcos Paulo) | Bianca Ramos | Docker CLI |

# Contatos

| Nome | Slack |
| --- | --- |
| Marcos Paulo | U03MARCOSPAULO |
| Bianca Ramos | U04BIANCARAMOS |
| DevOps | S03DEVOPS |

# Escalonamento

Acionar ` + "`#plataforma-incidentes`" + ` e abrir incidente em até 20 minutos.

# Preparação

Validar as dependências na véspera.
`

// hostileJustifications are delay justifications that read like policy, or
// like Markdown that would add a section, a job or a contact.
var hostileJustifications = []string{
	"ask 1 minute before",
	"confirm 0 hours before",
	"1 minute in advance is enough",
	"alert `#other-channel` instead",
	"post in `#Not A Channel`",
	"open an incident within 1 minute",
	"within 0 minutes",
	"delays over 1 minute are fine",
	"more than 0 minutes late",
	"confirmar 1 minuto antes",
	"0 horas antes",
	"1 minuto de antecedência",
	"acionar o canal `#outro-canal`",
	"abrir incidente em até 1 minuto",
	"atrasos superiores a 1 minuto",
	"acima de 0 minutos",
	"## Preparation\nask 1 minute before",
	"# Escalonamento\n- abrir incidente em até 0 minutos e acionar `#outro-canal`",
	"Preparação\n===\n0 horas antes",
	"Escalation\n---\nwithin 1 minute, `#other-channel`",
	"| Janela | Frequência | Scripts | Responsável Principal | Backup | Dependências |\n| --- | --- | --- | --- | --- | --- |\n| Diária 05:00 | Diária | `scripts/evil.sh` | Mallory | Mallory | |",
	"| Nome | Slack |\n|---|---|\n| Mallory | U0MALLORY |",
	"<h2>Escalation</h2><p>within 1 minute</p>",
	"```\n## Escalation\nwithin 1 minute\n```",
	"> ## Preparation\n> 1 minute before",
	"    ## Escalation\n    over 1 minute",
	"<!-- -->\n## Escalation\nwithin 1 minute",
}

// sinkLine formats a justification as the delay log sink does
// (cmd/runbook-bot/sinks.go): date · job · window · text (by user).
func sinkLine(lang runbook.Lang, text string) string {
	if lang == runbook.LangEN {
		return "2026-12-04 19:40 UTC · seed-dev-data · window 2026-12-04 19:00 UTC · " + text + " (by <@U0MALLORY>)"
	}
	return "2026-12-04 19:40 UTC · seed-dev-data · janela 2026-12-04 19:00 UTC · " + text + " (por <@U0MALLORY>)"
}

// policyRunbooks are the runbook layouts the delay log is appended to.
func policyRunbooks(t *testing.T) []struct {
	name    string
	lang    runbook.Lang
	content string
} {
	t.Helper()
	read := func(p string) string {
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		return string(b)
	}
	shipped := read("../../docs/runbook.md")
	noLead := strings.Replace(shipped, "até 24h antes", "na véspera", 1)
	require.NotEqual(t, shipped, noLead, "the shipped runbook states its lead as \"até 24h antes\"")
	return []struct {
		name    string
		lang    runbook.Lang
		content string
	}{
		{"docs/runbook.md", runbook.LangPT, shipped},
		{"docs/runbook.md without a lead", runbook.LangPT, noLead},
		{"the seed", runbook.LangPT, read("../testdata/runbook.pt.md")},
		{"the seed in English", runbook.LangEN, read("../testdata/runbook.en.md")},
		{"level-1 sections, escalation last", runbook.LangEN, levelOneEscalationLast},
		{"level-1 sections, preparation last", runbook.LangPT, levelOnePreparationLast},
	}
}

// parsed is what a runbook puts in force, without line numbers.
type parsed struct {
	Policy   runbook.Policy
	Jobs     []string
	Contacts []string
}

func parseRunbook(t *testing.T, src []byte) (parsed, runbook.Problems) {
	t.Helper()
	rb, probs := runbook.Parse("runbook.md", src, runbook.ParseOptions{})
	out := parsed{Policy: rb.Policy}
	for _, j := range rb.Jobs {
		out.Jobs = append(out.Jobs, fmt.Sprintf("%s %v %v %v", j.ID, j.Command, j.Primary, j.Backup))
	}
	for _, c := range rb.Contacts {
		out.Contacts = append(out.Contacts, c.Name+"="+c.Ref)
	}
	return out, probs
}

func TestAppendDelay_GivenHostileJustifications_WhenTheRunbookIsParsed_ThenPolicyJobsAndContactsAreUnchanged(t *testing.T) {
	for _, rbk := range policyRunbooks(t) {
		want, probs := parseRunbook(t, []byte(rbk.content))
		require.Empty(t, probs, "%s parses cleanly before any delay is logged", rbk.name)
		headingsBefore := outline(t, []byte(rbk.content))

		for _, text := range hostileJustifications {
			for _, form := range []struct {
				name string
				line string
			}{
				{"as the sink writes it", sinkLine(rbk.lang, text)},
				{"as the whole line", text},
			} {
				t.Run(rbk.name+"/"+form.name+"/"+text, func(t *testing.T) {
					t.Parallel()
					// given a copy of the runbook
					p := writeFile(t, t.TempDir(), "runbook.md", rbk.content, 0o644)

					// when the justification is logged (the test below logs many in a row)
					require.NoError(t, AppendDelay(p, rbk.lang, form.line))

					// then the runbook still parses, to the same policy, jobs and contacts
					src, err := os.ReadFile(p)
					require.NoError(t, err)
					got, probs := parseRunbook(t, src)
					assert.Empty(t, probs)
					assert.Equal(t, want, got)

					// and the only new block is the delay log heading
					for _, a := range outline(t, src) {
						if !slices.Contains(headingsBefore, a) {
							assert.Contains(t, []string{"h2:Registro de atrasos", "h2:Delay log"}, a, "only the section heading may be new")
						}
					}
				})
			}
		}

		t.Run(rbk.name+"/every justification in one log", func(t *testing.T) {
			t.Parallel()
			p := writeFile(t, t.TempDir(), "runbook.md", rbk.content, 0o644)
			for _, text := range hostileJustifications {
				require.NoError(t, AppendDelay(p, rbk.lang, sinkLine(rbk.lang, text)))
				require.NoError(t, AppendDelay(p, rbk.lang, text))
			}
			src, err := os.ReadFile(filepath.Clean(p))
			require.NoError(t, err)
			got, probs := parseRunbook(t, src)
			assert.Empty(t, probs)
			assert.Equal(t, want, got)
		})
	}
}

func TestAppendDelay_GivenADelayLogHeadingTheParserDoesNotSee_WhenALineWouldBecomePolicy_ThenNothingIsWritten(t *testing.T) {
	// given a runbook whose escalation section states no deadline and whose
	// delay log heading sits inside raw HTML (a heading to the file editor, text
	// to the Markdown parser), so the new item would fall under "# Escalation"
	content := strings.Replace(levelOneEscalationLast, " and open an incident within 20 minutes", "", 1) +
		"\n<div>\n## Delay log\n</div>\n"
	p := writeFile(t, t.TempDir(), "runbook.md", content, 0o644)

	// when a justification stating a deadline is logged
	err := AppendDelay(p, runbook.LangEN, sinkLine(runbook.LangEN, "open an incident within 1 minute"))

	// then it is refused and the runbook is untouched
	require.ErrorIs(t, err, ErrChangesRunbook)
	got, rerr := os.ReadFile(p)
	require.NoError(t, rerr)
	assert.Equal(t, content, string(got))

	// and a harmless justification still goes in
	require.NoError(t, AppendDelay(p, runbook.LangEN, sinkLine(runbook.LangEN, "cluster down")))
}
