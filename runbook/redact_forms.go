package runbook

import (
	"encoding/base64"
	"encoding/hex"
	"net/url"
	"strings"
)

// minEncodedLen is the shortest secret whose encodings are masked too: the
// encodings of shorter values are short enough to turn up in ordinary text.
const minEncodedLen = 8

// base64Encodings are the alphabets and paddings a secret is looked for in.
var base64Encodings = []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding}

// encodedForms are the common encodings of v a script may print instead of v:
// URL-encoded (query escaping with + or %20 for a space, path escaping,
// upper- and lower-case hex digits),
// base64 (standard and URL alphabets, with and without padding), and hex (lower
// and upper case). Base64 inside a longer text (an Authorization: Basic header
// holding "user:" + v) aligns v at any of three offsets; the characters that
// depend on v alone are added for each, so v is masked there too.
func encodedForms(v string) []string {
	if len(v) < minEncodedLen {
		return nil
	}
	var out []string
	q := url.QueryEscape(v)
	for _, e := range []string{q, strings.ReplaceAll(q, "+", "%20"), url.PathEscape(v)} {
		out = append(out, e)
		if strings.Contains(e, "%") {
			out = append(out, lowerPercent(e))
		}
	}
	b := []byte(v)
	for _, enc := range base64Encodings {
		out = append(out, enc.EncodeToString(b))
	}
	for off := range 3 { // v after a prefix of 0, 2 or 1 bytes: skip to the next group of 3
		core := b[off:]
		core = core[:len(core)/3*3]
		if len(core) == 0 {
			continue
		}
		out = append(out, base64.RawStdEncoding.EncodeToString(core), base64.RawURLEncoding.EncodeToString(core))
	}
	h := hex.EncodeToString(b)
	return append(out, h, strings.ToUpper(h))
}

// lowerPercent lowers the hex digits of every %XX escape of s.
func lowerPercent(s string) string {
	b := []byte(s)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' {
			for j := i + 1; j <= i+2; j++ {
				if 'A' <= b[j] && b[j] <= 'F' {
					b[j] += 'a' - 'A'
				}
			}
			i += 2
		}
	}
	return string(b)
}

// urlPassword returns the password of v's userinfo when v is a URL that has
// one: as written (percent-encoded or not) and decoded. An escape that does
// not decode leaves the text as written.
func urlPassword(v string) (raw, decoded string, ok bool) {
	v = strings.TrimSpace(v)
	i := strings.Index(v, "://")
	if i <= 0 || !isLetter(v[0]) {
		return "", "", false
	}
	for j := 1; j < i; j++ {
		if !isSchemeChar(v[j]) {
			return "", "", false
		}
	}
	authority := v[i+3:]
	if j := strings.IndexAny(authority, "/?#"); j >= 0 {
		authority = authority[:j]
	}
	at := strings.LastIndexByte(authority, '@')
	if at < 0 {
		return "", "", false
	}
	_, raw, has := strings.Cut(authority[:at], ":")
	if !has || raw == "" {
		return "", "", false
	}
	decoded, err := url.PathUnescape(raw)
	if err != nil {
		decoded = raw
	}
	return raw, decoded, true
}
