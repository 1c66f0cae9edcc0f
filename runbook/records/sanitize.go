package records

import (
	"strings"
	"unicode"
)

// oneLine reduces s to a single trimmed line: every line break, tab or other
// control character becomes a space and runs of spaces collapse to one.
func oneLine(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// inline makes s safe as inline Markdown text on one line: the line is reduced
// by oneLine, "<!" is escaped so the text can open neither an HTML comment
// (and so forge or hide a marker) nor a declaration that would hide it
// (Slack's "<!channel>" keeps showing as text), and a "<" that could open an
// HTML tag or processing instruction ("<h2>", "</p>", "<?") is escaped so a
// rendered document shows it as text, never as a forged heading or table.
// Slack's "<@U…>" and "<#C…>" are not HTML and stay as they are.
func inline(s string) string {
	s = strings.ReplaceAll(oneLine(s), "<!", `<\!`)
	if !strings.Contains(s, "<") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	slashes := 0 // backslashes just before s[i]; an odd run already escapes it
	for i := 0; i < len(s); i++ {
		if s[i] == '<' && slashes%2 == 0 && i+1 < len(s) && opensTag(s[i+1]) {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
		if s[i] == '\\' {
			slashes++
		} else {
			slashes = 0
		}
	}
	return b.String()
}

// opensTag reports whether c after "<" can start raw HTML other than "<!":
// a tag name, a closing tag or a processing instruction.
func opensTag(c byte) bool {
	return c == '/' || c == '?' || (c|0x20 >= 'a' && c|0x20 <= 'z')
}

// blockSafe is inline plus an escaped first character when it could open a
// block construct (heading, table row, quote, list, fence, HTML block, break),
// so the text is always a plain paragraph wherever it is placed.
func blockSafe(s string) string {
	s = inline(s)
	if s == "" {
		return s
	}
	switch s[0] {
	case '#', '|', '>', '-', '+', '*', '=', '_', '`', '~', '<':
		return `\` + s
	}
	// An ordered-list marker: up to nine digits then "." or ")".
	i := 0
	for i < len(s) && i < 10 && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i > 0 && i < len(s) && i <= 9 && (s[i] == '.' || s[i] == ')') {
		return s[:i] + `\` + s[i:]
	}
	return s
}

// orDash returns s, or an em dash when s is empty.
func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
