package runbook

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// check builds an expected Check.
func check(kind CheckKind, names ...string) Check { return Check{Kind: kind, Names: names} }

// kindsAndNames drops Text so expectations can compare kind and names only.
func kindsAndNames(cs []Check) []Check {
	out := make([]Check, len(cs))
	for i, c := range cs {
		out[i] = Check{Kind: c.Kind, Names: c.Names}
		if len(c.Names) == 0 {
			out[i].Names = nil
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func mustParseFile(t *testing.T, path string, opts ParseOptions) *Runbook {
	t.Helper()
	src, err := os.ReadFile(path)
	require.NoError(t, err)
	rb, probs := Parse(path, src, opts)
	require.Empty(t, probs, "problems:\n%v", probs)
	require.NotNil(t, rb)
	return rb
}

func TestParse_GivenTheSeedRunbook_WhenParsed_ThenJobsPolicyAndLanguageAreUnderstood(t *testing.T) {
	for _, tc := range []struct {
		file string
		lang Lang
	}{
		{"testdata/runbook.pt.md", LangPT},
		{"testdata/runbook.en.md", LangEN},
	} {
		t.Run(tc.file, func(t *testing.T) {
			rb := mustParseFile(t, tc.file, ParseOptions{})
			assert.Equal(t, tc.lang, rb.Lang)
			assert.Equal(t, []string{"provision-dev", "reset-staging", "seed-dev-data"}, rb.JobIDs())
			require.Len(t, rb.Jobs, 3)

			pd, rs, sd := rb.Jobs[0], rb.Jobs[1], rb.Jobs[2]
			assert.Equal(t, 9, pd.Line)
			assert.Equal(t, Window{Weekday: time.Monday, Hour: 9, Location: time.UTC}, pd.Window)
			assert.Equal(t, Weekly, pd.Frequency)
			assert.Equal(t, []string{"scripts/infra/provision-dev.sh", "docker/k8s", "--mode", "validate"}, pd.Command)
			assert.Equal(t, Owner{Team: "Time de Plataforma", Person: "Ana Souza"}, pd.Primary)
			assert.Equal(t, Owner{Team: "Engenharia de Confiabilidade", Person: "Lucas Lima"}, pd.Backup)
			assert.Equal(t, []Check{check(CheckTool, "docker"), check(CheckTool, "kubectl", "kustomize"), check(CheckPath, "design/")}, kindsAndNames(pd.Checks))
			assert.Equal(t, "Docker CLI", pd.Checks[0].Text)
			assert.Equal(t, "kubectl/kustomize", pd.Checks[1].Text)

			assert.Equal(t, 10, rs.Line)
			assert.Equal(t, Window{Daily: true, Hour: 5, Location: time.UTC, ZoneText: "UTC"}, rs.Window)
			assert.Equal(t, Daily, rs.Frequency)
			assert.Equal(t, []string{"scripts/infra/reset-staging.sh"}, rs.Command)
			assert.Equal(t, []Check{check(CheckManual), check(CheckEnv, "STAGING_RELATIONAL_URL"), check(CheckEnv, "STAGING_NOSQL_URL")}, kindsAndNames(rs.Checks))
			assert.NotContains(t, rs.Checks[0].Text, "`")

			assert.Equal(t, 11, sd.Line)
			assert.Equal(t, Window{Weekday: time.Friday, Hour: 19, Location: time.UTC}, sd.Window)
			assert.Equal(t, []string{"scripts/infra/seed-dev-data.sh", "--mode", "apply"}, sd.Command)
			assert.Equal(t, Owner{Team: "DevOps", Person: "Marcos Paulo"}, sd.Primary)
			assert.Equal(t, Owner{Team: "Time de Plataforma", Person: "Bianca Ramos"}, sd.Backup)
			assert.Equal(t, []Check{check(CheckTool, "psql"), check(CheckTool, "mongoimport", "mongosh"), check(CheckEnv, "DEV_RELATIONAL_URL"), check(CheckEnv, "DEV_NOSQL_URL")}, kindsAndNames(sd.Checks))

			assert.Equal(t, Policy{
				IncidentChannel: "#infra-incident", IncidentChannelSource: FromRunbook,
				IncidentDeadline: 15 * time.Minute, IncidentDeadlineSrc: FromRunbook,
				DelayThreshold: 30 * time.Minute, DelayThresholdSrc: FromRunbook,
				ConfirmLead: 24 * time.Hour, ConfirmLeadSrc: FromRunbook,
			}, rb.Policy)

			require.Len(t, rb.Contacts, 7)
			ana, ok := rb.Contact("ANA SOUZA")
			require.True(t, ok)
			assert.Equal(t, Contact{Name: "Ana Souza", Kind: ContactUser, Ref: "U01ANASOUZA", Line: ana.Line}, ana)
			devops, _ := rb.Contact("devops")
			assert.Equal(t, ContactGroup, devops.Kind)
		})
	}
}

func TestParse_GivenTheEnglishRunbook_WhenParsed_ThenAnEmailContactIsKept(t *testing.T) {
	rb := mustParseFile(t, "testdata/runbook.en.md", ParseOptions{})
	c, ok := rb.Contact("Bianca Ramos")
	require.True(t, ok)
	assert.Equal(t, ContactEmail, c.Kind)
	assert.Equal(t, "bianca.ramos@example.com", c.Ref)
}

// contacts is a valid contacts table for the names used in the small documents below.
const contacts = `
## Contatos
| Nome | Slack |
| --- | --- |
| Ana Souza | U01ANA |
| Lucas Lima | U02LUCAS |
| Plataforma | S01PLAT |
`

// header is a Portuguese schedule header; with "# Runbook" and a blank line it
// puts the header on line 3 and the first row on line 5.
const header = "| Janela | Frequência | Scripts | Responsável Principal | Backup | Dependências |\n| --- | --- | --- | --- | --- | --- |\n"

// doc builds a small runbook with the given schedule rows (first row on line 5).
func doc(rows ...string) string {
	return "# Runbook\n\n" + header + strings.Join(rows, "\n") + "\n" + contacts
}

const goodRow = "| Segunda-feira 09:00 | Semanal | `scripts/a.sh` | Plataforma (Ana Souza) | Lucas Lima | Docker CLI |"

func TestParse_GivenDependencyCells_WhenParsed_ThenChecksAreTyped(t *testing.T) {
	for _, tc := range []struct {
		cell string
		want []Check
	}{
		{"Docker CLI, kubectl/kustomize, manifests em `design/`", []Check{check(CheckTool, "docker"), check(CheckTool, "kubectl", "kustomize"), check(CheckPath, "design/")}},
		{"Acesso a cluster staging, variáveis `A_URL`/`B_URL`", []Check{check(CheckManual), check(CheckEnv, "A_URL"), check(CheckEnv, "B_URL")}},
		{"Ferramentas `psql`, `mongoimport` ou `mongosh`", []Check{check(CheckTool, "psql"), check(CheckTool, "mongoimport", "mongosh")}},
		{"Tools `psql`, `mongoimport` or `mongosh`", []Check{check(CheckTool, "psql"), check(CheckTool, "mongoimport", "mongosh")}},
		{"`psql` e `mongosh`", []Check{check(CheckTool, "psql"), check(CheckTool, "mongosh")}},
		{"helm ou kubectl", []Check{check(CheckTool, "helm", "kubectl")}},
		{"Terraform", []Check{check(CheckTool, "terraform")}},
		{"`docker compose`", []Check{check(CheckTool, "docker")}},
		{"`deploy/manifests`", []Check{check(CheckPath, "deploy/manifests")}},
		{"DATABASE_URL", []Check{check(CheckEnv, "DATABASE_URL")}},
		{"Aprovação do gerente de mudanças", []Check{check(CheckManual)}},
		{"—", nil},
		{"", nil},
		{"Docker CLI,, ", []Check{check(CheckTool, "docker")}},
	} {
		t.Run(tc.cell, func(t *testing.T) {
			row := "| Segunda 09:00 | Semanal | `scripts/a.sh` | Ana Souza | Lucas Lima | " + tc.cell + " |"
			rb, probs := Parse("r.md", []byte(doc(row)), ParseOptions{})
			require.Empty(t, probs)
			require.Len(t, rb.Jobs, 1)
			assert.Equal(t, tc.want, kindsAndNames(rb.Jobs[0].Checks))
			for _, c := range rb.Jobs[0].Checks {
				assert.NotEmpty(t, c.Text)
				assert.NotContains(t, c.Text, "`")
			}
		})
	}
}

func TestParse_GivenWindowsAndOwners_WhenParsed_ThenTheyAreRead(t *testing.T) {
	sp, err := time.LoadLocation("America/Sao_Paulo")
	require.NoError(t, err)
	for _, tc := range []struct {
		window     string
		wantDaily  bool
		wantDay    time.Weekday
		wantHour   int
		wantMinute int
		wantZone   string
		wantOffset int // seconds east of UTC on 2026-06-01
	}{
		{"Sábado 23:59", false, time.Saturday, 23, 59, "", -3 * 3600},
		{"Terça 7:05 UTC", false, time.Tuesday, 7, 5, "UTC", 0},
		{"todos os dias 00:00 UTC-3", true, 0, 0, 0, "UTC-3", -3 * 3600},
		{"Every day 12:30 UTC+5:30", true, 0, 12, 30, "UTC+5:30", 5*3600 + 1800},
		{"Sunday 06:00 Europe/Berlin", false, time.Sunday, 6, 0, "Europe/Berlin", 2 * 3600},
		{"DIARIAMENTE 01:00", true, 0, 1, 0, "", -3 * 3600},
	} {
		t.Run(tc.window, func(t *testing.T) {
			freq := "Semanal"
			if tc.wantDaily {
				freq = "Diária"
			}
			row := fmt.Sprintf("| %s | %s | `x/job.py --dry` | Ana Souza | Plataforma | |", tc.window, freq)
			rb, probs := Parse("r.md", []byte(doc(row)), ParseOptions{DefaultZone: sp})
			require.Empty(t, probs)
			w := rb.Jobs[0].Window
			assert.Equal(t, tc.wantDaily, w.Daily)
			if !tc.wantDaily {
				assert.Equal(t, tc.wantDay, w.Weekday)
			}
			assert.Equal(t, tc.wantHour, w.Hour)
			assert.Equal(t, tc.wantMinute, w.Minute)
			assert.Equal(t, tc.wantZone, w.ZoneText)
			_, off := time.Date(2026, 6, 1, 0, 0, 0, 0, w.Location).Zone()
			assert.Equal(t, tc.wantOffset, off)
			assert.Equal(t, "job", rb.Jobs[0].ID)
			assert.Equal(t, Owner{Person: "Ana Souza"}, rb.Jobs[0].Primary)
			assert.Equal(t, Owner{Team: "Plataforma"}, rb.Jobs[0].Backup, "a bare name whose contact is a user group is a team")
		})
	}
}

func TestParse_GivenOneFault_WhenParsed_ThenExactlyOneProblemAtItsLine(t *testing.T) {
	for _, tc := range []struct {
		name string
		src  string
		line int
		msg  Msg
	}{
		{"misspelled weekday", doc(strings.Replace(goodRow, "Segunda-feira", "Segnda-feira", 1)), 5,
			M(ProbWeekdayUnknown, "day", "Segnda-feira")},
		{"weekly row with a daily window", doc(strings.Replace(goodRow, "Segunda-feira", "Diária", 1)), 5, M(ProbFrequencyNeedsDay, "frequency", "Semanal")},
		{"daily row with a weekday window", doc(strings.Replace(goodRow, "Semanal", "Diária", 1)), 5, M(ProbFrequencyNeedsDaily, "frequency", "Diária", "window", "Segunda-feira 09:00")},
		{"unknown frequency", doc(strings.Replace(goodRow, "Semanal", "Mensal", 1)), 5, M(ProbFrequencyUnknown, "frequency", "Mensal")},
		{"missing column", "# Runbook\n\n| Janela | Frequência | Scripts | Responsável Principal | Backup |\n| --- | --- | --- | --- | --- |\n| Segunda 09:00 | Semanal | `a.sh` | Ana Souza | Lucas Lima |\n" + contacts,
			3, M(ProbColumnMissingOr, "column", "Dependências", "other", "Dependencies")},
		{"unknown person", doc(strings.Replace(goodRow, "Ana Souza", "Joana Dias", 1)), 5, M(ProbNoContact, "name", "Joana Dias", "table", "Contatos")},
		{"unknown person on a later row", doc(goodRow, strings.Replace(strings.Replace(goodRow, "a.sh", "b.sh", 1), "Lucas Lima", "Rui", 1)), 6, M(ProbNoContact, "name", "Rui", "table", "Contatos")},
		{"empty script cell", doc(strings.Replace(goodRow, "`scripts/a.sh`", " ", 1)), 5, M(ProbScriptCellEmpty)},
		{"script not backticked", doc(strings.Replace(goodRow, "`scripts/a.sh`", "scripts/a.sh", 1)), 5, M(ProbScriptNotBackticked, "script", "scripts/a.sh")},
		{"two commands", doc(strings.Replace(goodRow, "`scripts/a.sh`", "`a.sh` e `b.sh`", 1)), 5, M(ProbScriptMany, "n", "2")},
		{"bad zone", doc(strings.Replace(goodRow, "09:00", "09:00 America/Sao_Pablo", 1)), 5, M(ProbZoneUnknown, "zone", "America/Sao_Pablo")},
		{"bad offset", doc(strings.Replace(goodRow, "09:00", "09:00 UTC+15", 1)), 5, M(ProbZoneUnknown, "zone", "UTC+15")},
		{"bad time", doc(strings.Replace(goodRow, "09:00", "25:00", 1)), 5, M(ProbTimeInvalid, "time", "25:00")},
		{"no time", doc(strings.Replace(goodRow, "09:00", "de manhã", 1)), 5, M(ProbWindowNoTime, "window", "Segunda-feira de manhã")},
		{"duplicate job", doc(goodRow, strings.Replace(goodRow, "`scripts/a.sh`", "`other/a.py`", 1)), 6, M(ProbJobDuplicate, "job", "a", "line", "5")},
		{"bad owner", doc(strings.Replace(goodRow, "Plataforma (Ana Souza)", "Plataforma (Ana Souza", 1)), 5, M(ProbPrimaryUnclear, "owner", "Plataforma (Ana Souza")},
		{"contact with a bad Slack id", strings.Replace(doc(goodRow), "U02LUCAS", "lucas", 1), 11, M(ProbContactInvalid, "value", "lucas", "name", "Lucas Lima")},
		{"mode given twice", doc(strings.Replace(goodRow, "`scripts/a.sh`", "`scripts/a.sh --mode x` (modo y)", 1)), 5, M(ProbScriptModeTwice, "script", "scripts/a.sh --mode x", "mode", "modo y")},
		{"mode given twice, one as --mode=", doc(strings.Replace(goodRow, "`scripts/a.sh`", "`scripts/a.sh --mode=apply` (modo plan)", 1)), 5, M(ProbScriptModeTwice, "script", "scripts/a.sh --mode=apply", "mode", "modo plan")},
		{"no schedule table", "# Runbook\n\nNada aqui.\n", 1, M(ProbNoSchedule, "columns", scheduleColumnList())},
		{"empty schedule table", doc(), 3, M(ProbScheduleEmpty)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, probs := Parse("r.md", []byte(tc.src), ParseOptions{})
			require.Len(t, probs, 1, "problems:\n%v", probs)
			assert.Equal(t, tc.line, probs[0].Line)
			assert.Equal(t, "r.md", probs[0].File)
			assert.Equal(t, tc.msg, probs[0].Msg)
		})
	}
}

func TestParse_GivenSeveralFaults_WhenParsed_ThenAllAreReportedInLineOrder(t *testing.T) {
	src := strings.Join([]string{
		"# Runbook",                      // 1
		"",                               // 2
		strings.TrimSuffix(header, "\n"), // 3-4
		"| Segnda 09:00 | Semanal | `a.sh` | Ana Souza | Lucas Lima | |",          // 5
		"| Diária 25:00 | Diária | `b.sh` | Joana | Lucas Lima | |",               // 6
		"| Sexta 10:00 | Semanal |  | Ana Souza | Lucas Lima | |",                 // 7
		"| Sexta 10:00 Mars/Base | Semanal | `c.sh` | Ana Souza | Lucas Lima | |", // 8
		"| Sexta 10:00 | Semanal | `x/a.sh` | Ana Souza | Lucas Lima | |",         // 9
		"",                       // 10
		"| Nome | Slack |",       // 11
		"| --- | --- |",          // 12
		"| Ana Souza | U01ANA |", // 13
		"| Lucas Lima | LUCAS |", // 14
	}, "\n")
	_, probs := Parse("r.md", []byte(src), ParseOptions{})
	var got []string
	for _, p := range probs {
		got = append(got, p.String())
	}
	assert.Equal(t, []string{
		`r.md:5: problem.weekday_unknown day="Segnda"`,
		`r.md:6: problem.time_invalid time="25:00"`,
		`r.md:6: problem.no_contact name="Joana" table="Contatos"`,
		`r.md:7: problem.script_cell_empty`,
		`r.md:8: problem.zone_unknown zone="Mars/Base"`,
		`r.md:9: problem.job_duplicate job="a" line="5"`,
		`r.md:14: problem.contact_invalid name="Lucas Lima" value="LUCAS"`,
	}, got)
}

func TestParse_GivenTablesInOddPlaces_WhenParsed_ThenLinesComeFromTheSource(t *testing.T) {
	t.Run("table right after a paragraph, CRLF endings", func(t *testing.T) {
		src := "# R\r\n\r\nIntro line one\r\nintro line two\r\n" + strings.ReplaceAll(header, "\n", "\r\n") +
			"| Segunda 09:00 | Semanal | `a.sh` | Ana Souza | Lucas Lima | |\r\n" +
			"| Terça 09:00 | Semanal | `b.sh` | Ana Souza | Lucas Lima | |\r\n" + strings.ReplaceAll(contacts, "\n", "\r\n")
		rb, probs := Parse("r.md", []byte(src), ParseOptions{})
		require.Empty(t, probs)
		require.Len(t, rb.Jobs, 2)
		assert.Equal(t, 7, rb.Jobs[0].Line)
		assert.Equal(t, 8, rb.Jobs[1].Line)
		c, _ := rb.Contact("Plataforma")
		assert.Equal(t, 15, c.Line)
	})
	t.Run("schedule table inside a block quote after other tables", func(t *testing.T) {
		src := "# R\n\n| a | b |\n| - | - |\n| 1 | 2 |\n\n> | Window | Frequency | Script | Owner | Backup | Dependencies |\n> | --- | --- | --- | --- | --- | --- |\n> | Monday 09:00 | Weekly | `a.sh` | Ana Souza | Lucas Lima | |\n" + contacts
		rb, probs := Parse("r.md", []byte(src), ParseOptions{})
		require.Empty(t, probs)
		require.Len(t, rb.Jobs, 1)
		assert.Equal(t, 9, rb.Jobs[0].Line)
		assert.Equal(t, LangEN, rb.Lang)
	})
	t.Run("headers in any order and case, accents dropped", func(t *testing.T) {
		src := "| DEPENDENCIAS | backup | SCRIPT(S) | janela | responsavel principal | frequencia |\n|-|-|-|-|-|-|\n| | Lucas Lima | `a.sh` | Monday 09:00 | Ana Souza | weekly |\n" + contacts
		rb, probs := Parse("r.md", []byte(src), ParseOptions{})
		require.Empty(t, probs)
		require.Len(t, rb.Jobs, 1)
		assert.Equal(t, 3, rb.Jobs[0].Line)
		assert.Equal(t, LangPT, rb.Lang)
	})
}

func TestParse_GivenNoContactsTable_WhenParsed_ThenOneProblemNamesEveryOwner(t *testing.T) {
	src := "# Runbook\n\n" + header + goodRow + "\n"
	_, probs := Parse("r.md", []byte(src), ParseOptions{})
	require.Len(t, probs, 1)
	assert.Equal(t, 1, probs[0].Line)
	assert.Equal(t, M(ProbNoContactsTable, "table", "Contatos", "names", "Plataforma, Ana Souza, Lucas Lima"), probs[0].Msg)
}

func TestParse_GivenPolicyProse_WhenParsed_ThenPolicyAndSourcesFollow(t *testing.T) {
	defaults := Policy{
		IncidentChannel: DefaultIncidentChannel, IncidentChannelSource: FromDefault,
		IncidentDeadline: DefaultIncidentDeadline, IncidentDeadlineSrc: FromDefault,
		DelayThreshold: DefaultDelayThreshold, DelayThresholdSrc: FromDefault,
		ConfirmLead: DefaultConfirmLead, ConfirmLeadSrc: FromDefault}
	for _, tc := range []struct {
		name  string
		prose string
		want  Policy
	}{
		{"nothing said: defaults", "", Policy{
			IncidentChannel: DefaultIncidentChannel, IncidentChannelSource: FromDefault,
			IncidentDeadline: DefaultIncidentDeadline, IncidentDeadlineSrc: FromDefault,
			DelayThreshold: DefaultDelayThreshold, DelayThresholdSrc: FromDefault,
			ConfirmLead: DefaultConfirmLead, ConfirmLeadSrc: FromDefault}},
		{"english, hours", "### Escalation\nPost in `#ops-alerts` and open an incident within 1 hour.\nDelays of more than 45 min are chased.\n\n## Preparation\nConfirm 48 hours before.\n", Policy{
			IncidentChannel: "#ops-alerts", IncidentChannelSource: FromRunbook,
			IncidentDeadline: time.Hour, IncidentDeadlineSrc: FromRunbook,
			DelayThreshold: 45 * time.Minute, DelayThresholdSrc: FromRunbook,
			ConfirmLead: 48 * time.Hour, ConfirmLeadSrc: FromRunbook}},
		{"numbers outside the escalation section are ignored", "## Notas\nabrir incidente em até 5 minutos\n", Policy{
			IncidentChannel: DefaultIncidentChannel, IncidentChannelSource: FromDefault,
			IncidentDeadline: DefaultIncidentDeadline, IncidentDeadlineSrc: FromDefault,
			DelayThreshold: DefaultDelayThreshold, DelayThresholdSrc: FromDefault,
			ConfirmLead: DefaultConfirmLead, ConfirmLeadSrc: FromDefault}},
		{"a lead outside the preparation section is ignored", "## Notas\nconfirmar 1 minuto antes\n", defaults},
		{"the delay log is never policy, even under the sections", "## Preparação\nNa véspera.\n\n### Registro de atrasos\n\n- confirmar 1 minuto antes\n- 0 horas antes\n\n" +
			"# Escalation\nPost in `#ops-alerts`.\n\n## Delay log\n\n- alert `#other`, within 1 minute, over 0 minutes\n\n### Older\n\n- open an incident within 0 minutes\n", Policy{
			IncidentChannel: "#ops-alerts", IncidentChannelSource: FromRunbook,
			IncidentDeadline: DefaultIncidentDeadline, IncidentDeadlineSrc: FromDefault,
			DelayThreshold: DefaultDelayThreshold, DelayThresholdSrc: FromDefault,
			ConfirmLead: DefaultConfirmLead, ConfirmLeadSrc: FromDefault}},
		{"policy under a heading below the section is read", "## Escalonamento\n### Prazos\nabrir incidente em até 5 minutos\n\n## Preparação Pré-Execução\n### Confirmação\n2 dias de antecedência\n", Policy{
			IncidentChannel: DefaultIncidentChannel, IncidentChannelSource: FromDefault,
			IncidentDeadline: 5 * time.Minute, IncidentDeadlineSrc: FromRunbook,
			DelayThreshold: DefaultDelayThreshold, DelayThresholdSrc: FromDefault,
			ConfirmLead: 48 * time.Hour, ConfirmLeadSrc: FromRunbook}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rb, probs := Parse("r.md", []byte(doc(goodRow)+"\n"+tc.prose), ParseOptions{})
			require.Empty(t, probs)
			assert.Equal(t, tc.want, rb.Policy)
		})
	}
}

func TestParse_GivenAnyInput_WhenParsed_ThenTheRunbookIsNeverNil(t *testing.T) {
	for _, src := range []string{"", "|", "| Janela | Scripts |\n|-|-|\n| x | |\n", "\x00\xff"} {
		rb, probs := Parse("r.md", []byte(src), ParseOptions{})
		require.NotNil(t, rb)
		require.NotEmpty(t, probs)
		for _, p := range probs {
			assert.GreaterOrEqual(t, p.Line, 1)
		}
	}
}
