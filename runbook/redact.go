package runbook

import (
	"net/url"
	"sort"
	"strings"
)

// commonValues are values too ordinary to be secrets; masking them would garble every line.
var commonValues = map[string]bool{
	"true": true, "false": true, "yes": true, "no": true, "on": true, "off": true,
	"null": true, "none": true, "nil": true, "1": true, "0": true,
}

// minSecretLen is the shortest value that is masked.
const minSecretLen = 4

// secret is one text to mask (a value or one of its encodings) and the mask that replaces it.
type secret struct {
	value string
	mask  string
}

// Redactor masks secrets in text before it leaves the bot. It is immutable
// after construction and safe for concurrent use.
//
// A value is secret by its variable's name (SecretName, or a name given to
// NewRedactor) or by its shape (it holds a token of a known form); a URL-valued
// variable hides only the password of its userinfo. Each secret is masked as
// written and in its common encodings (encodedForms); tokens of a known shape
// and URL passwords are masked wherever they appear, told about or not.
type Redactor struct {
	secrets  []secret                 // longest value first
	applied  []string                 // variable names, sorted
	maxLen   int                      // length of the longest secret text
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

	byValue := map[string]string{} // text -> mask; first (sorted) name wins
	appliedSet := map[string]bool{}
	put := func(name, text string) {
		if len(text) < minSecretLen {
			return
		}
		if _, dup := byValue[text]; !dup {
			byValue[text] = "[" + name + "]"
		}
		appliedSet[name] = true
	}
	add := func(name, value string) {
		if len(value) < minSecretLen || commonValues[strings.ToLower(value)] {
			return
		}
		put(name, value)
		for _, f := range encodedForms(value) {
			put(name, f)
		}
	}
	sort.Strings(order)
	for _, k := range order {
		v := env[k]
		if extra[k] || SecretName(k) || hasTokenShape(v) {
			add(k, v)
			if strings.ContainsAny(v, "\r\n") { // a key file: printed line by line
				for _, l := range strings.FieldsFunc(v, func(r rune) bool { return r == '\r' || r == '\n' }) {
					add(k, l)
				}
			}
		}
		// A URL's password is secret whatever the variable is called, and a
		// script may print it alone, decoded, or re-format the URL around it.
		if raw, decoded, ok := urlPassword(v); ok {
			add(k, raw)
			add(k, decoded)
			if u := url.UserPassword("", decoded).String(); len(u) > 1 {
				add(k, u[1:]) // re-encoded the way Go writes a userinfo
			}
		}
	}

	r := &Redactor{}
	for v, m := range byValue {
		r.secrets = append(r.secrets, secret{value: v, mask: m})
		r.maxLen = max(r.maxLen, len(v))
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

// Redact cleans s of terminal escapes and bidirectional overrides (CleanText),
// then masks secret values and their encodings, URL passwords and tokens of
// known shapes.
func (r *Redactor) Redact(s string) string {
	s = CleanText(s)
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

// valueSpans finds every occurrence of every secret text, in start order.
// One pass over s: a rolling 4-byte window is checked against a bitmap of
// the secrets' prefixes, so the cost does not grow with the number of secrets.
func (r *Redactor) valueSpans(s string) []maskSpan {
	if r == nil || len(r.secrets) == 0 || len(s) < minSecretLen {
		return nil
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
	return spans
}

// maskValues replaces every occurrence of every secret text; overlapping or
// adjacent occurrences are merged and masked as one, named after the longest.
func (r *Redactor) maskValues(s string) string {
	spans := r.valueSpans(s)
	if len(spans) == 0 {
		return s
	}
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
