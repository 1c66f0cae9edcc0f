package slack

import (
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/runbook-bot/runbook-bot/bot"
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

// linkLine renders a bot.Link as mrkdwn: the escaped prefix and suffix around
// <URL|label>. Only an absolute http(s) URL becomes a link; any other URL
// (javascript:, relative, unparsable) leaves the label as plain text.
func linkLine(l bot.Link) string {
	label := Escape(l.Label)
	if u := linkURL(l.URL); u != "" && label != "" {
		label = "<" + u + "|" + label + ">"
	}
	return Escape(l.Prefix) + label + Escape(l.Suffix)
}

// linkURL is raw as the URL part of a Slack link, or "" when it is not an
// absolute http(s) URL. The characters that would end the link markup early
// (| and >) or open another (<) are percent-encoded and & becomes &amp;.
func linkURL(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return ""
	}
	return linkURLEscaper.Replace(u.String())
}

// linkURLEscaper makes a URL safe inside <…|…>.
var linkURLEscaper = strings.NewReplacer("&", "&amp;", "<", "%3C", ">", "%3E", "|", "%7C", " ", "%20")
