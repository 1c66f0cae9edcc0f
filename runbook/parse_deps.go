package runbook

import (
	"regexp"
	"strings"
)

var (
	envNameRE   = regexp.MustCompile(`^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$`)
	bareEnvRE   = regexp.MustCompile(`^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$`)
	toolWordRE  = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._+-]*$`)
	bareAltRE   = regexp.MustCompile(`(?i)\s*/\s*|\s+(?:ou|or)\s+`)
	cliSuffixRE = regexp.MustCompile(`(?i)\s+cli$`)
	toolsWordRE = regexp.MustCompile(`(?i)^(?:ferramentas?|tools?)\s+`)
)

// noDependency marks a cell or item meaning "nothing".
var noDependency = map[string]bool{"-": true, "—": true, "–": true, "n/a": true, "nenhuma": true, "nenhum": true, "none": true}

// parseDependencies turns the Dependencies cell into typed checks, in order.
func parseDependencies(spans []span) []Check {
	var checks []Check
	for _, item := range splitItems(spans) {
		text := plainText(item)
		if text == "" || noDependency[Fold(text)] {
			continue
		}
		if len(codeSpans(item)) > 0 {
			checks = append(checks, codedChecks(item, text)...)
		} else {
			checks = append(checks, bareCheck(text))
		}
	}
	return checks
}

// splitItems splits spans at commas and semicolons outside code spans.
func splitItems(spans []span) [][]span {
	items := [][]span{nil}
	add := func(sp span) { items[len(items)-1] = append(items[len(items)-1], sp) }
	for _, s := range spans {
		if s.code {
			add(s)
			continue
		}
		start := 0
		for i, r := range s.text {
			if r == ',' || r == ';' {
				if i > start {
					add(span{text: s.text[start:i]})
				}
				items = append(items, nil)
				start = i + 1
			}
		}
		if start < len(s.text) {
			add(span{text: s.text[start:]})
		}
	}
	return items
}

// codedChecks types an item holding backticked names: UPPER_SNAKE → env,
// a path → path, anything else → tool; tools joined by "/", "ou" or "or" are
// alternatives of one check.
func codedChecks(item []span, text string) []Check {
	var checks []Check
	alt := false // the prose since the last code span joins alternatives
	lastTool := -1
	for _, s := range item {
		if !s.code {
			alt = isAltConnector(s.text)
			if !alt {
				lastTool = -1
			}
			continue
		}
		name := s.text
		switch {
		case name == "":
			continue
		case envNameRE.MatchString(name):
			checks = append(checks, Check{Kind: CheckEnv, Names: []string{name}, Text: text})
			lastTool = -1
		case strings.Contains(name, "/"):
			checks = append(checks, Check{Kind: CheckPath, Names: []string{name}, Text: text})
			lastTool = -1
		default:
			name = strings.Fields(name)[0]
			if alt && lastTool >= 0 {
				checks[lastTool].Names = append(checks[lastTool].Names, name)
			} else {
				checks = append(checks, Check{Kind: CheckTool, Names: []string{name}, Text: text})
				lastTool = len(checks) - 1
			}
		}
		alt = false
	}
	return checks
}

// isAltConnector tells whether prose between two names makes them alternatives.
func isAltConnector(s string) bool {
	switch Fold(s) {
	case "/", "|", "ou", "or":
		return true
	}
	return false
}

// bareCheck types an item without backticks: one word, "<Word> CLI", or
// alternatives of those is a tool (lowercased); an UPPER_SNAKE name is an env
// variable; anything else is a manual checklist item.
func bareCheck(text string) Check {
	if bareEnvRE.MatchString(text) {
		return Check{Kind: CheckEnv, Names: []string{text}, Text: text}
	}
	words := toolsWordRE.ReplaceAllString(text, "")
	var names []string
	for _, alt := range bareAltRE.Split(words, -1) {
		alt = cliSuffixRE.ReplaceAllString(strings.TrimSpace(alt), "")
		if !toolWordRE.MatchString(alt) {
			return Check{Kind: CheckManual, Text: text}
		}
		names = append(names, strings.ToLower(alt))
	}
	return Check{Kind: CheckTool, Names: names, Text: text}
}
