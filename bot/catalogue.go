package bot

import (
	"regexp"
	"sort"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// catalogue maps a message id to its template; "{name}" is replaced by the argument name.
// A message that counts has two ids, ID.one and ID.other (see tn); every entry uses
// the Glossary's term for each concept (TestGlossary).
type catalogue map[string]string

// catalogues holds every user-facing string, one catalogue per language.
var catalogues = map[runbook.Lang]catalogue{
	runbook.LangPT: cataloguePT,
	runbook.LangEN: catalogueEN,
}

// init merges the catalogues' other files into each language's catalogue,
// once; an id defined in two files is a programming error and panics.
func init() {
	for lang, parts := range map[runbook.Lang][]catalogue{
		runbook.LangEN: {preflightEN, ticketsRunEN, cliEN, planEN, msgEN, shellEN},
		runbook.LangPT: {preflightPT, ticketsRunPT, cliPT, planPT, msgPT, shellPT},
	} {
		dst := catalogues[lang]
		for _, part := range parts {
			for id, text := range part {
				if _, dup := dst[id]; dup {
					panic("bot: catalogue id defined twice: " + id)
				}
				dst[id] = text
			}
		}
	}
}

var placeholderRE = regexp.MustCompile(`\{([a-z_]+)\}`)

// lookup returns the template of id in lang, falling back to English, then to the id itself.
func lookup(lang runbook.Lang, id string) (string, bool) {
	if c, ok := catalogues[lang]; ok {
		if s, ok := c[id]; ok {
			return s, true
		}
	}
	if s, ok := catalogueEN[id]; ok {
		return s, true
	}
	return id, false
}

// expand replaces each "{name}" in tmpl by args[name]; unknown names are left as written.
func expand(tmpl string, args map[string]string) string {
	return placeholderRE.ReplaceAllStringFunc(tmpl, func(m string) string {
		if v, ok := args[m[1:len(m)-1]]; ok {
			return v
		}
		return m
	})
}

// placeholders lists the distinct names a template uses, sorted.
func placeholders(tmpl string) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range placeholderRE.FindAllStringSubmatch(tmpl, -1) {
		if !seen[m[1]] {
			seen[m[1]] = true
			out = append(out, m[1])
		}
	}
	sort.Strings(out)
	return out
}

// Text returns the catalogue message id in the bot's language with its arguments filled in.
func (b *Bot) Text(id string, args map[string]string) string {
	tmpl, _ := lookup(b.Lang(), id)
	return expand(tmpl, args)
}

// Plural forms: a message that counts has the ids ID.one and ID.other; tn picks one.
const (
	pluralOne   = ".one"
	pluralOther = ".other"
)

// isOne reports whether n takes the singular form in lang: pt-BR counts 0
// and 1 as singular ("0 linha", "1 linha"), English only 1.
func isOne(lang runbook.Lang, n int) bool {
	if lang == runbook.LangPT {
		return n == 0 || n == 1
	}
	return n == 1
}

// tn is t for a message that counts n: ID.one or ID.other, with "{n}" set to n.
func (b *Bot) tn(id string, n int, kv ...string) string { return CLITextN(b.Lang(), id, n, kv...) }

// t is Text with arguments given as name, value pairs.
func (b *Bot) t(id string, kv ...string) string { return CLIText(b.Lang(), id, kv...) }

// T is the catalogue message id in the bot's language with its arguments
// given as name, value pairs (Text with pairs), for adapters such as the shell.
func (b *Bot) T(id string, kv ...string) string { return b.t(id, kv...) }
