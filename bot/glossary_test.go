package bot

import (
	"regexp"
	"strings"
	"testing"

	"github.com/runbook-bot/runbook-bot/runbook"
	"github.com/stretchr/testify/assert"
)

// notProse is what a catalogue entry may hold that is not prose: placeholders,
// typed commands and flags.
var notProse = regexp.MustCompile(`\{[a-z_]+\}|/runbook [a-z]+|--[a-z-]+`)

// glossaryViolations lists the avoided synonyms text uses in lang, once its own
// terms, placeholders and commands are set aside.
func glossaryViolations(lang runbook.Lang, text string) []string {
	s := strings.ToLower(notProse.ReplaceAllString(text, " "))
	var out []string
	for _, g := range Glossary {
		own, avoid := g.PT, g.AvoidPT
		if lang == runbook.LangEN {
			own, avoid = g.EN, g.AvoidEN
		}
		clean := s
		for _, v := range strings.Split(own, " / ") {
			clean = strings.ReplaceAll(clean, strings.ToLower(v), " ")
		}
		for _, a := range avoid {
			if strings.Contains(clean, a) {
				out = append(out, g.ID+": “"+a+"” (use “"+own+"”)")
			}
		}
	}
	return out
}

func TestGlossary_GivenEveryCatalogueEntry_ThenOnlyTheGlossarysTermsAreUsed(t *testing.T) {
	for lang, c := range catalogues {
		for id, text := range c {
			if strings.HasPrefix(id, "sim.") || strings.HasPrefix(id, "example.") {
				continue // the simulate command's report and examples of typed commands
			}
			assert.Empty(t, glossaryViolations(lang, text), "%s %s: %s", lang, id, text)
		}
	}
}

func TestGlossary_GivenATermAndItsSynonym_ThenOnlyTheSynonymIsReported(t *testing.T) {
	// given a pt-BR text naming the non-zero exit twice, once in full
	// when it is checked
	got := glossaryViolations(runbook.LangPT, "código de saída diferente de zero; saída diferente de zero; /runbook run x --dry-run")
	// then only the short form is reported, and the flag is not
	assert.Equal(t, []string{"non_zero_exit: “saída diferente de zero” (use “código de saída diferente de zero”)"}, got)
	assert.Empty(t, glossaryViolations(runbook.LangPT, "Simulação de {job} iniciada: /runbook run {job} --dry-run"))
	assert.NotEmpty(t, glossaryViolations(runbook.LangPT, "O dry run de {job}"))
}

func TestGlossary_GivenEveryTerm_ThenItHasBothLanguagesAndAUniqueID(t *testing.T) {
	seen := map[string]bool{}
	for _, g := range Glossary {
		assert.False(t, seen[g.ID], g.ID)
		seen[g.ID] = true
		assert.NotEmpty(t, g.PT, g.ID)
		assert.NotEmpty(t, g.EN, g.ID)
	}
}

func TestPlural_GivenACount_ThenTheFormOfTheLanguageIsChosen(t *testing.T) {
	tests := []struct {
		lang runbook.Lang
		n    int
		want string
	}{
		{runbook.LangPT, 0, "0 tentativa"},
		{runbook.LangPT, 1, "1 tentativa"},
		{runbook.LangPT, 2, "2 tentativas"},
		{runbook.LangEN, 0, "0 attempts"},
		{runbook.LangEN, 1, "1 attempt"},
		{runbook.LangEN, 3, "3 attempts"},
	}
	for _, tt := range tests {
		b, _, _ := newTestBot(t, tt.lang)
		assert.Equal(t, tt.want, b.tn("part.attempts", tt.n), "%s %d", tt.lang, tt.n)
	}
}

func TestPlural_GivenEveryCountingMessage_ThenBothFormsExist(t *testing.T) {
	for lang, c := range catalogues {
		for id := range c {
			base, form, ok := cutForm(id)
			if !ok {
				continue
			}
			other := pluralOne
			if form == pluralOne {
				other = pluralOther
			}
			_, has := c[base+other]
			assert.True(t, has, "%s %s has no %s form", lang, id, other)
		}
	}
}

// cutForm splits a plural id into its base and form.
func cutForm(id string) (base, form string, ok bool) {
	for _, f := range []string{pluralOne, pluralOther} {
		if b, found := strings.CutSuffix(id, f); found {
			return b, f, true
		}
	}
	return "", "", false
}
