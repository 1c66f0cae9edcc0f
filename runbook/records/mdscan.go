package records

import (
	"strings"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// mdLine is one line of a Markdown document.
type mdLine struct {
	start, end, next int    // offsets: first byte, end of content (before "\r\n"/"\n"), next line
	text             string // content without its line ending
	indent           int    // leading spaces (a tab counts to the next multiple of 4)
	blank            bool
	hidden           bool // inside a fenced code block or an HTML comment
}

// mdHeading is a heading found at the top level of the document.
type mdHeading struct {
	level       int
	first, last int // line indexes: the heading's first line and its last (the setext underline)
	title       string
}

// mdDoc is the block outline runbook-bot needs to edit a document without
// disturbing it: its lines and top-level headings (ATX and setext), fenced code
// and HTML comments skipped.
type mdDoc struct {
	lines    []mdLine
	headings []mdHeading
}

// scanMarkdown outlines data.
func scanMarkdown(data []byte) *mdDoc {
	d := &mdDoc{}
	for off := 0; off < len(data); {
		end, next := lineAt(data, off)
		text := string(data[off:end])
		d.lines = append(d.lines, mdLine{start: off, end: end, next: next, text: text,
			indent: indentOf(text), blank: strings.TrimSpace(text) == ""})
		off = next
	}

	var (
		fence     string // the open fence's marker, "" when none
		comment   bool   // inside a multi-line HTML comment
		para      = -1   // first line of the current top-level paragraph
		container bool   // the previous lines belong to a list item or quote
		afterGap  bool   // a blank line since the container's last line
	)
	for i := range d.lines {
		l := &d.lines[i]
		body := strings.TrimLeft(l.text, " \t")
		switch {
		case fence != "":
			l.hidden = true
			if l.indent < 4 && strings.HasPrefix(body, fence) && strings.Trim(strings.TrimSpace(body), fence[:1]) == "" {
				fence = ""
			}
			continue
		case comment:
			l.hidden = true
			if strings.Contains(l.text, "-->") {
				comment = false
			}
			continue
		case l.blank:
			para = -1
			afterGap = true
			continue
		}
		if l.indent >= 4 {
			if para < 0 && !container {
				continue // indented code
			}
			if para >= 0 && !container {
				continue // paragraph continuation
			}
			afterGap = false // inside the container
			continue
		}
		if container && afterGap && l.indent < 2 {
			container = false
		}
		inItem := container && l.indent >= 2 // indented content of a list item
		switch {
		case strings.HasPrefix(body, "```") || strings.HasPrefix(body, "~~~"):
			f := body[:3]
			for len(f) < len(body) && body[len(f)] == f[0] {
				f += f[:1]
			}
			if f[0] == '`' && strings.Contains(body[len(f):], "`") {
				break // not a fence: inline code
			}
			fence, para = f, -1
			l.hidden = true
		case strings.HasPrefix(body, "<!--"):
			para = -1
			if !strings.Contains(body[4:], "-->") {
				comment = true
			}
			l.hidden = true
		case inItem && !strings.HasPrefix(body, "<!--"):
			afterGap = false
		case headingLevel(body) > 0:
			lv := headingLevel(body)
			d.headings = append(d.headings, mdHeading{level: lv, first: i, last: i, title: atxTitle(body[lv:])})
			para, container = -1, false
		case para >= 0 && !container && setextUnderline(body) > 0:
			var parts []string
			for j := para; j < i; j++ {
				parts = append(parts, strings.TrimSpace(d.lines[j].text))
			}
			d.headings = append(d.headings, mdHeading{level: setextUnderline(body), first: para, last: i, title: strings.Join(parts, " ")})
			para = -1
		case isThematicBreak(body):
			para, container = -1, false
		case listMarker(body) > 0 || strings.HasPrefix(body, ">"):
			para, container, afterGap = -1, true, false
		default:
			if container {
				afterGap = false // lazy continuation or item paragraph
				continue
			}
			if para < 0 {
				para = i
			}
		}
	}
	return d
}

// section returns the index in d.headings of the first level-2 heading titled
// title (compared case- and accent-insensitively), or -1.
func (d *mdDoc) section(title string) int {
	want := runbook.Fold(title)
	for i, h := range d.headings {
		if h.level == 2 && runbook.Fold(h.title) == want {
			return i
		}
	}
	return -1
}

// delaySection returns the index in d.headings of the delay log's section:
// titled in lang's language, else in the other one; -1 when there is none.
func (d *mdDoc) delaySection(lang runbook.Lang) int {
	own, other := delayTitles(lang)
	if sec := d.section(own); sec >= 0 {
		return sec
	}
	return d.section(other)
}

// delayTitles are the delay log's title in lang's language and in the other one.
func delayTitles(lang runbook.Lang) (own, other string) {
	if lang == runbook.LangEN {
		return DelayLogTitleEN, DelayLogTitlePT
	}
	return DelayLogTitlePT, DelayLogTitleEN
}

// lastListItem returns the last line in [from, to) that starts a top-level
// list item, or -1.
func (d *mdDoc) lastListItem(from, to int) int {
	last := -1
	for i := from; i < to; i++ {
		l := d.lines[i]
		if !l.hidden && !l.blank && l.indent < 4 && listMarker(strings.TrimLeft(l.text, " \t")) > 0 {
			last = i
		}
	}
	return last
}

// itemEnd returns the last line of the list item starting at line item, the
// item ending before line to at the latest.
func (d *mdDoc) itemEnd(item, to int) int {
	last := item
	for j := item + 1; j < to; j++ {
		l := d.lines[j]
		if l.blank {
			k := j + 1
			for k < to && d.lines[k].blank {
				k++
			}
			if k >= to || d.lines[k].indent < 2 {
				return last
			}
			continue
		}
		if l.indent < 2 && !l.hidden && startsBlock(strings.TrimLeft(l.text, " \t")) {
			return last
		}
		last = j
	}
	return last
}

// startsBlock reports whether a line (indentation removed) opens a block that
// interrupts a paragraph.
func startsBlock(body string) bool {
	return headingLevel(body) > 0 || listMarker(body) > 0 || isThematicBreak(body) ||
		strings.HasPrefix(body, ">") || strings.HasPrefix(body, "```") ||
		strings.HasPrefix(body, "~~~") || strings.HasPrefix(body, "<")
}

// indentOf counts leading spaces, a tab advancing to the next multiple of 4.
func indentOf(s string) int {
	n := 0
	for _, c := range s {
		switch c {
		case ' ':
			n++
		case '\t':
			n += 4 - n%4
		default:
			return n
		}
	}
	return n
}

// atxTitle is a heading's text without the optional closing "#" sequence.
func atxTitle(s string) string {
	s = strings.TrimSpace(s)
	t := strings.TrimRight(s, "#")
	if t == "" || strings.HasSuffix(t, " ") || strings.HasSuffix(t, "\t") {
		s = t
	}
	return strings.TrimSpace(s)
}

// setextUnderline returns 1 for a "===" line, 2 for a "---" line, else 0.
func setextUnderline(body string) int {
	s := strings.TrimSpace(body)
	if s == "" {
		return 0
	}
	switch {
	case strings.Trim(s, "=") == "":
		return 1
	case strings.Trim(s, "-") == "":
		return 2
	}
	return 0
}

// isThematicBreak reports a line of three or more "-", "*" or "_" (spaces allowed).
func isThematicBreak(body string) bool {
	s := strings.ReplaceAll(strings.ReplaceAll(strings.TrimSpace(body), " ", ""), "\t", "")
	if len(s) < 3 {
		return false
	}
	c := s[0]
	return (c == '-' || c == '*' || c == '_') && strings.Trim(s, s[:1]) == ""
}

// listMarker returns the length of the list marker opening body ("-", "*",
// "+", "1." or "1)") when followed by a space or the end of the line, else 0.
func listMarker(body string) int {
	if body == "" {
		return 0
	}
	n := 0
	switch body[0] {
	case '-', '*', '+':
		n = 1
	default:
		for n < len(body) && n < 9 && body[n] >= '0' && body[n] <= '9' {
			n++
		}
		if n == 0 || n >= len(body) || (body[n] != '.' && body[n] != ')') {
			return 0
		}
		n++
	}
	if n < len(body) && body[n] != ' ' && body[n] != '\t' {
		return 0
	}
	return n
}
