package runbook

import (
	"net/url"
	"regexp"
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

var (
	// urlPassword matches the userinfo of scheme://user:pass@host; group 1 is kept, group 2 is the password.
	urlPassword = regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.\-]*://[^\s:@/"'<>]*:)([^\s@"'<>]+)@`)
	// slackToken matches Slack bot/user/app/refresh tokens, even glued to other text.
	slackToken = regexp.MustCompile(`(?:xox[abposre]|xapp)-[A-Za-z0-9\-]+`)
)

// secret is one value to mask and the mask that replaces it.
type secret struct {
	value string
	mask  string
}

// Redactor masks secrets in text before it leaves the bot. It is immutable
// after construction and safe for concurrent use.
type Redactor struct {
	secrets []secret // longest value first
	applied []string // variable names, sorted
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
	size       int // length of the longest secret in the maskSpan, picks the mask
}

// Redact masks secret values, URL passwords and Slack tokens in s.
func (r *Redactor) Redact(s string) string {
	if r != nil && len(r.secrets) > 0 {
		s = r.maskValues(s)
	}
	return redactPatterns(s)
}

// maskValues replaces every occurrence of every secret value; overlapping or
// adjacent occurrences are merged and masked as one, named after the longest.
func (r *Redactor) maskValues(s string) string {
	var buf [8]maskSpan
	spans := buf[:0]
	for _, sec := range r.secrets {
		if len(sec.value) > len(s) {
			continue
		}
		for off := 0; off <= len(s)-len(sec.value); {
			i := strings.Index(s[off:], sec.value)
			if i < 0 {
				break
			}
			start := off + i
			spans = append(spans, maskSpan{start: start, end: start + len(sec.value), mask: sec.mask, size: len(sec.value)})
			off = start + 1
		}
	}
	if len(spans) == 0 {
		return s
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	var b strings.Builder
	b.Grow(len(s))
	cur := spans[0]
	last := 0
	flush := func(sp maskSpan) {
		b.WriteString(s[last:sp.start])
		b.WriteString(sp.mask)
		last = sp.end
	}
	for _, sp := range spans[1:] {
		if sp.start < cur.end { // overlap: one mask covers both
			if sp.end > cur.end {
				cur.end = sp.end
			}
			if sp.size > cur.size {
				cur.size, cur.mask = sp.size, sp.mask
			}
			continue
		}
		flush(cur)
		cur = sp
	}
	flush(cur)
	b.WriteString(s[last:])
	return b.String()
}

// redactPatterns masks URL passwords and Slack token shapes. Cheap substring
// checks keep the regular expressions off lines that cannot match.
func redactPatterns(s string) string {
	if strings.Contains(s, "://") && strings.Contains(s, "@") {
		s = urlPassword.ReplaceAllString(s, "${1}"+urlPasswordMask+"@")
	}
	if strings.Contains(s, "xox") || strings.Contains(s, "xapp-") {
		s = slackToken.ReplaceAllString(s, slackTokenMask)
	}
	return s
}
