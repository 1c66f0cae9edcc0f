package runbook

import (
	"regexp"
	"strings"
)

// Masks written by the pattern rules.
const (
	urlPasswordMask = "***"
	slackTokenMask  = "[slack-token]"
)

// tokenShape is a kind of credential recognised by its form alone, masked
// even when the bot was never told about it.
type tokenShape struct {
	gate     string         // text every token holds: a line without it is skipped at once
	prefixes []string       // literal starts, to skip the expression on text that cannot match
	re       *regexp.Regexp // the whole token
	mask     string
	maxLen   int             // longest token, 0 when unbounded
	chars    func(byte) bool // the characters an unbounded token runs over
	isolated bool            // must not touch letters or digits on either side
}

func isAlnum(c byte) bool        { return isLetter(c) || '0' <= c && c <= '9' }
func isAlnumUnder(c byte) bool   { return isAlnum(c) || c == '_' }
func isBase64URLish(c byte) bool { return isAlnum(c) || c == '_' || c == '-' }
func isJWTChar(c byte) bool      { return isBase64URLish(c) || c == '.' }

// tokenShapes are GitHub (classic, OAuth, app, refresh and fine-grained),
// GitLab personal access tokens, AWS access key ids and JWTs. Slack tokens have
// their own scanner (maskSlackTokens).
var tokenShapes = []tokenShape{
	{gate: "gh", prefixes: []string{"ghp_", "gho_", "ghu_", "ghs_", "ghr_"}, re: regexp.MustCompile(`gh[pousr]_[A-Za-z0-9]{36,}`), mask: "[github-token]", chars: isAlnumUnder},
	{gate: "github_pat_", prefixes: []string{"github_pat_"}, re: regexp.MustCompile(`github_pat_[A-Za-z0-9_]{22,}`), mask: "[github-token]", chars: isAlnumUnder},
	{gate: "glpat-", prefixes: []string{"glpat-"}, re: regexp.MustCompile(`glpat-[A-Za-z0-9_-]{20,}`), mask: "[gitlab-token]", chars: isBase64URLish},
	{gate: "IA", prefixes: []string{"AKIA", "ASIA"}, re: regexp.MustCompile(`(?:AKIA|ASIA)[A-Z0-9]{16}`), mask: "[aws-key]", maxLen: 20, isolated: true},
	{gate: "eyJ", prefixes: []string{"eyJ"}, re: regexp.MustCompile(`eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*`), mask: "[jwt]", chars: isJWTChar},
}

// maybe reports whether s holds one of the shape's prefixes.
func (t *tokenShape) maybe(s string) bool {
	if !strings.Contains(s, t.gate) {
		return false
	}
	for _, p := range t.prefixes {
		if strings.Contains(s, p) {
			return true
		}
	}
	return false
}

// matches returns the byte ranges of the shape's tokens in s.
func (t *tokenShape) matches(s string) [][]int {
	if !t.maybe(s) {
		return nil
	}
	m := t.re.FindAllStringIndex(s, -1)
	if !t.isolated {
		return m
	}
	out := m[:0]
	for _, sp := range m {
		if (sp[0] > 0 && isAlnum(s[sp[0]-1])) || (sp[1] < len(s) && isAlnum(s[sp[1]])) {
			continue
		}
		out = append(out, sp)
	}
	return out
}

// maskShapes replaces every token of a known shape.
func maskShapes(s string) string {
	for i := range tokenShapes {
		t := &tokenShapes[i]
		m := t.matches(s)
		if len(m) == 0 {
			continue
		}
		var b strings.Builder
		last := 0
		for _, sp := range m {
			b.WriteString(s[last:sp[0]])
			b.WriteString(t.mask)
			last = sp[1]
		}
		b.WriteString(s[last:])
		s = b.String()
	}
	return s
}

// hasTokenShape reports whether s holds a token of a known shape.
func hasTokenShape(s string) bool {
	if maskSlackTokens(s) != s {
		return true
	}
	for i := range tokenShapes {
		if len(tokenShapes[i].matches(s)) > 0 {
			return true
		}
	}
	return false
}

// redactPatterns masks URL passwords and tokens of known shapes. Cheap
// substring checks keep the scanners off lines that cannot match.
func redactPatterns(s string) string {
	return maskShapes(redactURLsAndSlack(s))
}

// redactURLsAndSlack masks URL passwords and Slack tokens.
func redactURLsAndSlack(s string) string {
	if strings.Contains(s, "://") && strings.Contains(s, "@") {
		s = maskURLPasswords(s)
	}
	if strings.Contains(s, "xox") || strings.Contains(s, "xapp-") {
		s = maskSlackTokens(s)
	}
	return s
}

// isSpace is the ASCII white space of RE2's \s.
func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r' }

// endsUser ends the user part of a URL's userinfo.
func endsUser(c byte) bool {
	return isSpace(c) || c == ':' || c == '@' || c == '/' || c == '"' || c == '\'' || c == '<' || c == '>'
}

// endsPassword ends the password part of a URL's userinfo.
func endsPassword(c byte) bool {
	return isSpace(c) || c == '@' || c == '"' || c == '\'' || c == '<' || c == '>'
}

func isSchemeChar(c byte) bool {
	return isLetter(c) || '0' <= c && c <= '9' || c == '+' || c == '.' || c == '-'
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// urlUserinfo scans the userinfo after the "://" at s[i:]: the scheme's letter
// nearest the "://" (-1 when there is no scheme), where the password starts
// and ends (p == q when none), and how far the scan went.
func urlUserinfo(s string, i int) (scheme, p, q, end int) {
	scheme = -1
	for j := i - 1; j >= 0 && isSchemeChar(s[j]); j-- {
		if isLetter(s[j]) {
			scheme = j
			break
		}
	}
	u := i + 3
	for u < len(s) && !endsUser(s[u]) {
		u++
	}
	if u >= len(s) || s[u] != ':' {
		return scheme, u, u, u
	}
	p = u + 1
	q = p
	for q < len(s) && !endsPassword(s[q]) {
		q++
	}
	if q < len(s) && s[q] == '@' {
		return scheme, p, q, q + 1
	}
	return scheme, p, p, q
}

// isValueMask reports whether s is a mask written for a variable's value
// ("[NAME]"): a password masked by name keeps the name.
func isValueMask(s string) bool {
	if len(s) < 3 || s[0] != '[' || s[len(s)-1] != ']' {
		return false
	}
	for i := 1; i < len(s)-1; i++ {
		if !isAlnumUnder(s[i]) {
			return false
		}
	}
	return true
}

// maskURLPasswords rewrites scheme://user:pass@host as scheme://user:***@host,
// leaving a password already masked by its variable's name.
// It is the hand-written equivalent of the regular expression
// ([A-Za-z][A-Za-z0-9+.-]*://[^\s:@/"'<>]*:)([^\s@"'<>]+)@ (checked by FuzzRedact),
// its password not a mask.
func maskURLPasswords(s string) string {
	var b strings.Builder
	last := 0
	for off := 0; off < len(s); {
		i := strings.Index(s[off:], "://")
		if i < 0 {
			break
		}
		i += off
		off = i + 3
		scheme, p, q, _ := urlUserinfo(s, i)
		if scheme < 0 || q == p || isValueMask(s[p:q]) {
			continue
		}
		b.WriteString(s[last:p])
		b.WriteString(urlPasswordMask)
		last = q
		off = q + 1
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

func isTokenChar(c byte) bool { return isLetter(c) || '0' <= c && c <= '9' || c == '-' }

// slackPrefix is the length of a Slack token prefix (with its '-') at s[i:], or 0.
func slackPrefix(s string, i int) int {
	switch {
	case strings.HasPrefix(s[i:], "xapp-"):
		return 5
	case strings.HasPrefix(s[i:], "xox") && len(s) > i+4 && strings.IndexByte("abposre", s[i+3]) >= 0 && s[i+4] == '-':
		return 5
	}
	return 0
}

// maskSlackTokens replaces xox[abposre]-… and xapp-… tokens, even glued to other text.
func maskSlackTokens(s string) string {
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); {
		j := strings.IndexByte(s[i:], 'x')
		if j < 0 {
			break
		}
		i += j
		n := slackPrefix(s, i)
		if n == 0 || i+n >= len(s) || !isTokenChar(s[i+n]) {
			i++
			continue
		}
		e := i + n
		for e < len(s) && isTokenChar(s[e]) {
			e++
		}
		b.WriteString(s[last:i])
		b.WriteString(slackTokenMask)
		last, i = e, e
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}
