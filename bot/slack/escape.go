package slack

import (
	"strings"
	"unicode/utf8"
)

// escaper turns the three characters Slack treats as markup into entities.
var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// Escape makes text safe for Slack mrkdwn: "<!channel>" or "<@U123>" typed by a
// user or printed by a script shows as text and pings nobody. Mention markup the
// adapter adds itself is appended after escaping.
func Escape(text string) string { return escaper.Replace(text) }

// fence is a code fence; inside preformatted text it would end the block early.
const fence = "```"

// escapePre escapes a preformatted line and breaks any code fence in it with
// zero-width spaces, so a script cannot close the block and format the rest.
func escapePre(line string) string {
	return strings.ReplaceAll(Escape(line), fence, "`\u200b`\u200b`")
}

// truncate cuts s to at most max bytes (Slack counts characters; bytes are a
// safe upper bound), on a rune boundary, ending with "…" when it cut.
func truncate(s string, max int) string {
	if len(s) <= max {
		return s
	}
	const ell = "…"
	cut := max - len(ell)
	if cut < 0 {
		cut = 0
	}
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	// Do not leave half an entity (&amp;) or half a mention behind.
	if i := strings.LastIndexByte(s[:cut], '&'); i >= 0 && !strings.Contains(s[i:cut], ";") {
		cut = i
	}
	if i := strings.LastIndexByte(s[:cut], '<'); i >= 0 && !strings.Contains(s[i:cut], ">") {
		cut = i
	}
	return s[:cut] + ell
}

// truncateRunes cuts s to at most max characters, ending with "…" when it cut.
func truncateRunes(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return string(r[:max-1]) + "…"
}
