package bot

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// Chat limits for preformatted output: a section's text holds at most 3000
// characters once escaped; a message at most 50 blocks.
const (
	maxSectionChars = 2900
	maxBlocks       = 45
	ellipsis        = "…"
)

// escapedLen is the length of s once a chat adapter escapes it (&amp; &lt; &gt;).
func escapedLen(s string) int {
	n := 0
	for _, r := range s {
		switch r {
		case '&':
			n += 5
		case '<', '>':
			n += 4
		default:
			n++
		}
	}
	return n
}

// cut shortens s so that it and a trailing "…" fit in limit escaped characters.
func cut(s string, limit int) string {
	n := 0
	for i, r := range s {
		w := escapedLen(string(r))
		if n+w > limit-1 {
			return s[:i] + ellipsis
		}
		n += w
	}
	return s
}

// outputSections packs lines into sections of at most maxSectionChars each and at
// most blocks sections, truncating with "…" what does not fit.
func outputSections(lines []string, blocks int) []Section {
	var out []Section
	cur, size := []string(nil), 0
	flush := func() {
		if len(cur) > 0 {
			out = append(out, Section{Lines: cur})
		}
		cur, size = nil, 0
	}
	for i, l := range lines {
		if escapedLen(l) > maxSectionChars {
			l = cut(l, maxSectionChars)
		}
		w := escapedLen(l) + 1
		if size+w > maxSectionChars {
			flush()
		}
		if len(out) == blocks {
			last := &out[blocks-1]
			if len(lines) > i {
				last.Lines = append(last.Lines[:len(last.Lines)-1], ellipsis)
			}
			return out
		}
		cur = append(cur, l)
		size += w
	}
	flush()
	return out
}

// clipMark ends a line of output the bot clipped to store it
// (runbook.ClipLine): "… 10481664 bytes cut".
var clipMark = regexp.MustCompile(`… (\d+) bytes cut$`)

// chatLines are output lines as the chat shows them: a line the bot added
// (runbook.NoteLine) is rendered, a clipped line says in
// the reader's language how many bytes were cut, and a line too long for a
// section is cut to fit with that count kept (and grown by what the chat
// leaves out).
func (b *Bot) chatLines(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		if note, ok := runbook.ParseNoteLine(l); ok { // a line the bot added: in the reader's language
			out[i] = b.Msg(note)
			continue
		}
		m := clipMark.FindStringSubmatchIndex(l)
		if m == nil {
			out[i] = l
			continue
		}
		n, _ := strconv.ParseInt(l[m[2]:m[3]], 10, 64)
		text := l[:m[0]]
		room := maxSectionChars - escapedLen(b.tn("output.cut", int(n)+len(text))) - 1
		if escapedLen(text) > room {
			kept := strings.TrimSuffix(cut(text, room), ellipsis)
			n += int64(len(text) - len(kept))
			text = kept
		}
		out[i] = text + b.tn("output.cut", int(n))
	}
	return out
}
