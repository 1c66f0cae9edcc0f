package runbook

import (
	"strings"
	"unicode/utf8"
)

// CleanText removes from s what could disguise text on a terminal or in chat:
// ANSI escape sequences (CSI, OSC and the other ESC strings and sequences,
// an unterminated one up to the end), the other control characters but tab and
// newline (carriage return and backspace overwrite what was shown), C1 controls,
// and the bidirectional embeddings, overrides and isolates (U+202A–U+202E,
// U+2066–U+2069) that make text read other than it is stored.
func CleanText(s string) string {
	i := firstUnclean(s)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for i < len(s) {
		c := s[i]
		switch {
		case c == 0x1b:
			i = skipEscape(s, i)
			continue
		case c < 0x80:
			if !isCleanControl(c) {
				b.WriteByte(c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1 && c <= 0x9f: // a raw 8-bit C1 control
		case isUncleanRune(r):
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// firstUnclean is the index of the first byte CleanText may remove, or -1.
func firstUnclean(s string) int {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x80 {
			if c == 0x1b || isCleanControl(c) {
				return i
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 && c <= 0x9f || isUncleanRune(r) {
			return i
		}
		i += size - 1
	}
	return -1
}

// isCleanControl reports an ASCII control character CleanText drops (ESC aside).
func isCleanControl(c byte) bool { return (c < 0x20 && c != '\t' && c != '\n') || c == 0x7f }

// isUncleanRune reports a C1 control or a bidirectional embedding, override or isolate.
func isUncleanRune(r rune) bool {
	return (r >= 0x80 && r <= 0x9f) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
}

// skipEscape returns the index after the escape sequence starting at s[i] == ESC.
func skipEscape(s string, i int) int {
	i++
	if i >= len(s) {
		return i
	}
	switch s[i] {
	case '[': // CSI: parameters 0x30–0x3F, intermediates 0x20–0x2F, one final 0x40–0x7E
		i++
		for i < len(s) && s[i] >= 0x20 && s[i] <= 0x3f {
			i++
		}
		if i < len(s) && s[i] >= 0x40 && s[i] <= 0x7e {
			i++
		}
		return i
	case ']', 'P', 'X', '^', '_': // OSC, DCS, SOS, PM, APC: a string ended by BEL or ST (ESC \)
		for i++; i < len(s); i++ {
			if s[i] == 0x07 {
				return i + 1
			}
			if s[i] == 0x1b && i+1 < len(s) && s[i+1] == '\\' {
				return i + 2
			}
		}
		return i
	}
	// Other sequences: intermediates 0x20–0x2F, then one final byte 0x30–0x7E.
	for i < len(s) && s[i] >= 0x20 && s[i] <= 0x2f {
		i++
	}
	if i < len(s) && s[i] >= 0x30 && s[i] <= 0x7e {
		i++
	}
	return i
}
