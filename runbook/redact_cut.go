package runbook

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// minCutOverlap is the least text Cut keeps back for the next chunk: longer
// than any bounded token shape (an AWS key is 20 bytes).
const minCutOverlap = 64

// Cut tells where to cut chunk, the start of a line too long to keep whole
// (it goes on after chunk), so that chunk[:n] can be redacted on its own
// without splitting a secret, an encoded form or a token between two pieces:
// the rest is to start the next piece. n keeps back at least the longest secret
// (after a blank in the second half when there is one, and on a UTF-8 boundary),
// and moves back before any secret, token or URL userinfo that would cross it,
// or that reaches the end of chunk and may go on. Only a secret or token longer
// than half the chunk can make it cut through one (n > 0 always, for a
// non-empty chunk).
func (r *Redactor) Cut(chunk string) int {
	if len(chunk) == 0 {
		return 0
	}
	overlap := minCutOverlap
	if r != nil {
		overlap = max(overlap, r.maxLen)
	}
	half := len(chunk) / 2
	limit := max(len(chunk)-overlap, half)
	n := limit
	if i := strings.LastIndexAny(chunk[half:limit], " \t"); i >= 0 {
		n = half + i + 1
	}
	n = runeStart(chunk, n)
	spans := append(r.valueSpans(chunk), patternSpans(chunk)...)
	slices.SortFunc(spans, func(a, b maskSpan) int { return b.start - a.start }) // latest start first
	for _, sp := range spans {
		if sp.start < n && sp.end > n {
			n = sp.start
		}
	}
	if n <= 0 {
		n = runeStart(chunk, limit)
	}
	if n <= 0 {
		n = len(chunk)
	}
	return n
}

// runeStart moves n back to the start of the rune it falls in (at most UTFMax-1 bytes).
func runeStart(s string, n int) int {
	for i := 0; i < utf8.UTFMax-1 && n > 0 && n < len(s) && !utf8.RuneStart(s[n]); i++ {
		n--
	}
	return n
}

// patternSpans are the stretches of s a pattern rule may mask: each URL's
// scheme and userinfo, each Slack token and each token of a known shape, from
// its prefix over the characters it may hold (a match not yet complete
// included). They are what Cut must not split.
func patternSpans(s string) []maskSpan {
	var spans []maskSpan
	for off := 0; ; {
		i := strings.Index(s[off:], "://")
		if i < 0 {
			break
		}
		i += off
		off = i + 3
		scheme, _, _, end := urlUserinfo(s, i)
		if scheme >= 0 {
			spans = append(spans, maskSpan{start: scheme, end: end})
		}
	}
	for i := 0; ; i++ {
		j := strings.IndexByte(s[i:], 'x')
		if j < 0 {
			break
		}
		i += j
		if strings.HasPrefix(s[i:], "xox") || strings.HasPrefix(s[i:], "xapp") {
			e := i + 3
			for e < len(s) && isTokenChar(s[e]) {
				e++
			}
			spans = append(spans, maskSpan{start: i, end: e})
		}
	}
	for k := range tokenShapes {
		t := &tokenShapes[k]
		for _, p := range t.prefixes {
			for off := 0; ; {
				i := strings.Index(s[off:], p)
				if i < 0 {
					break
				}
				i += off
				off = i + 1
				e := i + t.maxLen
				if t.maxLen == 0 {
					for e = i + len(p); e < len(s) && t.chars(s[e]); e++ {
					}
				}
				spans = append(spans, maskSpan{start: i, end: min(e, len(s))})
			}
		}
	}
	return spans
}
