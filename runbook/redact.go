package runbook

import (
	"net/url"
	"sort"
	"strings"
)

// sensitiveNameParts are the substrings that make a variable's value secret whatever the job says.
var sensitiveNameParts = []string{"TOKEN", "SECRET", "PASSWORD", "PASSWD", "KEY", "DSN", "URL"}

// commonValues are values too ordinary to be secrets; masking them would garble every line.
var commonValues = map[string]bool{
	"true": true, "false": true, "yes": true, "no": true, "on": true, "off": true,
	"null": true, "none": true, "nil": true, "1": true, "0": true,
}

// minSecretLen is the shortest value that is masked.
const minSecretLen = 4

// Masks written by the pattern rules.
const (
	urlPasswordMask = "***"
	slackTokenMask  = "[slack-token]"
)

// secret is one value to mask and the mask that replaces it.
type secret struct {
	value string
	mask  string
}

// Redactor masks secrets in text before it leaves the bot. It is immutable
// after construction and safe for concurrent use.
type Redactor struct {
	secrets  []secret                 // longest value first
	applied  []string                 // variable names, sorted
	filter   *[filterBits / 64]uint64 // bitmap over hashed 4-byte prefixes of the secrets
	byPrefix map[uint32][]int32       // 4-byte prefix -> indexes into secrets, longest first
}

// NewRedactor builds a redactor from environ ("K=V" pairs) and extra variable names whose values are secret.
func NewRedactor(environ []string, names []string) *Redactor {
	extra := make(map[string]bool, len(names))
	for _, n := range names {
		extra[n] = true
	}
	env := make(map[string]string, len(environ))
	var order []string
	for _, kv := range environ {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			continue
		}
		if _, seen := env[k]; !seen {
			order = append(order, k)
		}
		env[k] = v // the last definition wins, as in exec
	}

	byValue := map[string]string{} // value -> mask; first (sorted) name wins
	appliedSet := map[string]bool{}
	add := func(name, value string) {
		if len(value) < minSecretLen || commonValues[strings.ToLower(value)] {
			return
		}
		if _, dup := byValue[value]; !dup {
			byValue[value] = "[" + name + "]"
		}
		appliedSet[name] = true
	}
	sort.Strings(order)
	for _, k := range order {
		v := env[k]
		if extra[k] || sensitiveName(k) {
			add(k, v)
		}
		// A URL's password is secret whatever the variable is called, and a
		// script may print it alone or re-format the URL around it.
		if strings.Contains(v, "://") {
			if u, err := url.Parse(strings.TrimSpace(v)); err == nil && u.User != nil {
				if p, ok := u.User.Password(); ok {
					add(k, p)
					if _, raw, ok := strings.Cut(u.User.String(), ":"); ok && raw != p {
						add(k, raw) // percent-encoded form as written in the URL
					}
				}
			}
		}
	}

	r := &Redactor{}
	for v, m := range byValue {
		r.secrets = append(r.secrets, secret{value: v, mask: m})
	}
	sort.Slice(r.secrets, func(i, j int) bool {
		a, b := r.secrets[i], r.secrets[j]
		if len(a.value) != len(b.value) {
			return len(a.value) > len(b.value)
		}
		return a.value < b.value
	})
	r.filter = new([filterBits / 64]uint64)
	r.byPrefix = make(map[uint32][]int32)
	for i, sec := range r.secrets {
		k := prefix4(sec.value)
		h := filterHash(k)
		r.filter[h/64] |= 1 << (h % 64)
		r.byPrefix[k] = append(r.byPrefix[k], int32(i))
	}
	for n := range appliedSet {
		r.applied = append(r.applied, n)
	}
	sort.Strings(r.applied)
	return r
}

// sensitiveName reports whether a variable name marks its value as secret.
func sensitiveName(name string) bool {
	u := strings.ToUpper(name)
	for _, p := range sensitiveNameParts {
		if strings.Contains(u, p) {
			return true
		}
	}
	return false
}

// Applied lists the names of the variables whose values are masked (never the values).
func (r *Redactor) Applied() []string {
	if r == nil {
		return nil
	}
	return append([]string(nil), r.applied...)
}

// maskSpan is a byte range [start, end) of the input to mask.
type maskSpan struct {
	start, end int
	mask       string
	size       int // length of the longest secret in the span, picks the mask
}

// Redact masks secret values, URL passwords and Slack tokens in s.
func (r *Redactor) Redact(s string) string {
	if r != nil && len(r.secrets) > 0 {
		s = r.maskValues(s)
	}
	return redactPatterns(s)
}

// filterBits is the size of the prefix bitmap (8 KiB).
const filterBits = 1 << 16

// prefix4 packs the first four bytes of s (len(s) >= 4).
func prefix4(s string) uint32 {
	return uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24
}

// filterHash maps a 4-byte prefix to a bit of the filter.
func filterHash(k uint32) uint32 { return (k * 0x9E3779B1) >> 16 }

// maskValues replaces every occurrence of every secret value; overlapping or
// adjacent occurrences are merged and masked as one, named after the longest.
// One pass over s: a rolling 4-byte window is checked against a bitmap of
// the secrets' prefixes, so the cost does not grow with the number of secrets.
func (r *Redactor) maskValues(s string) string {
	if len(s) < minSecretLen {
		return s
	}
	var spans []maskSpan
	filter := r.filter
	k := uint32(s[0])<<8 | uint32(s[1])<<16 | uint32(s[2])<<24
	for i := 3; i < len(s); i++ {
		k = k>>8 | uint32(s[i])<<24
		h := filterHash(k)
		if filter[h/64]&(1<<(h%64)) == 0 {
			continue
		}
		start := i - 3
		for _, idx := range r.byPrefix[k] {
			sec := &r.secrets[idx]
			if strings.HasPrefix(s[start:], sec.value) { // longest first: the first match covers the others here
				spans = append(spans, maskSpan{start: start, end: start + len(sec.value), mask: sec.mask, size: len(sec.value)})
				break
			}
		}
	}
	if len(spans) == 0 {
		return s
	}
	// spans are in start order already.
	var b strings.Builder
	b.Grow(len(s))
	cur := spans[0]
	last := 0
	for _, sp := range spans[1:] {
		if sp.start < cur.end { // overlap: one mask covers both
			cur.end = max(cur.end, sp.end)
			if sp.size > cur.size {
				cur.size, cur.mask = sp.size, sp.mask
			}
			continue
		}
		b.WriteString(s[last:cur.start])
		b.WriteString(cur.mask)
		last = cur.end
		cur = sp
	}
	b.WriteString(s[last:cur.start])
	b.WriteString(cur.mask)
	b.WriteString(s[cur.end:])
	return b.String()
}

// redactPatterns masks URL passwords and Slack token shapes. Cheap substring
// checks keep the scanners off lines that cannot match.
func redactPatterns(s string) string {
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

// maskURLPasswords rewrites scheme://user:pass@host as scheme://user:***@host.
// It is the hand-written equivalent of the regular expression
// ([A-Za-z][A-Za-z0-9+.-]*://[^\s:@/"'<>]*:)([^\s@"'<>]+)@ (checked by FuzzRedact).
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
		hasScheme := false
		for j := i - 1; j >= 0 && isSchemeChar(s[j]); j-- {
			if isLetter(s[j]) {
				hasScheme = true
				break
			}
		}
		if !hasScheme {
			continue
		}
		u := i + 3
		for u < len(s) && !endsUser(s[u]) {
			u++
		}
		if u >= len(s) || s[u] != ':' {
			continue
		}
		p := u + 1
		q := p
		for q < len(s) && !endsPassword(s[q]) {
			q++
		}
		if q == p || q >= len(s) || s[q] != '@' {
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
		n := 0 // length of the prefix including '-'
		switch {
		case strings.HasPrefix(s[i:], "xapp-"):
			n = 5
		case strings.HasPrefix(s[i:], "xox") && len(s) > i+4 && strings.IndexByte("abposre", s[i+3]) >= 0 && s[i+4] == '-':
			n = 5
		}
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
