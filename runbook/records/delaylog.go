package records

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// Titles of the delay log section, by language; the runbook parser never reads
// policy from under them.
const (
	DelayLogTitlePT = runbook.DelayLogTitlePT
	DelayLogTitleEN = runbook.DelayLogTitleEN
)

// ErrChangesRunbook reports a delay log line that, written where it would go,
// would change how the runbook reads (its policy, jobs, contacts or problems);
// nothing is written.
var ErrChangesRunbook = errors.New("records: the delay log line would change how the runbook reads")

// AppendDelay adds line as a list item to the delay log section of the runbook
// file at path ("## Registro de atrasos" in pt-BR, "## Delay log" in en),
// creating the section at the end of the file when it is missing.
//
// The caller formats the line (date, job, justification, author); it is reduced
// to one line and escaped so it can never become a heading, a table row or any
// other block that would change how the runbook parses. The item goes after the
// section's last list item (or at the end of the section when it has none). The
// rest of the file is left byte-for-byte as it was.
//
// As a last guard the runbook is parsed before and after: a line that would
// change what it puts in force yields an error matching ErrChangesRunbook and
// changes nothing (the parser reads no policy under the delay log heading, so
// this only happens where the two disagree on where the section is, e.g. a
// heading inside raw HTML). A read-only file or directory yields an error
// matching ErrReadOnly and changes nothing.
func AppendDelay(path string, lang runbook.Lang, line string) error {
	writeMu.Lock()
	defer writeMu.Unlock()

	t, err := load(path, false)
	if err != nil {
		return err
	}
	out, err := InsertDelay(t.data, lang, line)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if bytes.Equal(out, t.data) {
		return nil // already there: a retried delivery
	}
	return t.store(out)
}

// InsertDelay returns the runbook data with line added to its delay log section,
// as AppendDelay does. A line already in the section is not added again, so
// writing the same justification twice (a retried delivery) changes nothing.
func InsertDelay(data []byte, lang runbook.Lang, line string) ([]byte, error) {
	text := strings.TrimSpace(oneLine(line))
	for _, p := range []string{"- ", "* "} { // already formatted as an item
		text = strings.TrimPrefix(text, p)
	}
	text = blockSafe(text)
	if text == "" {
		return nil, errors.New("records: empty delay log line")
	}
	if hasDelay(data, langOf(lang), text) {
		return data, nil
	}
	out := insertDelay(data, langOf(lang), text)
	if reading(out) != reading(data) {
		return nil, ErrChangesRunbook
	}
	return out, nil
}

// hasDelay reports whether the delay log section already has the item "- text".
func hasDelay(data []byte, lang runbook.Lang, text string) bool {
	return slices.Contains(delayItems(data, lang), text)
}

// insertDelay returns data with "- text" added to the delay log section.
func insertDelay(data []byte, lang runbook.Lang, text string) []byte {
	nl := newline(data)
	item := "- " + text + nl
	doc := scanMarkdown(data)
	sec := doc.delaySection(lang)
	if sec < 0 {
		var b strings.Builder
		b.Write(data)
		if len(data) > 0 {
			if data[len(data)-1] != '\n' {
				b.WriteString(nl)
			}
			if !strings.HasSuffix(b.String(), nl+nl) {
				b.WriteString(nl)
			}
		}
		own, _ := delayTitles(lang)
		b.WriteString("## " + own + nl + nl + item)
		return []byte(b.String())
	}

	h := doc.headings[sec]
	end := len(doc.lines) // the section ends before the next heading of level ≤ 2
	for _, n := range doc.headings[sec+1:] {
		if n.level <= 2 {
			end = n.first
			break
		}
	}
	after, blankBefore := -1, false
	if last := doc.lastListItem(h.last+1, end); last >= 0 {
		after = doc.itemEnd(last, end)
	} else {
		after = h.last
		for i := end - 1; i > h.last; i-- {
			if !doc.lines[i].blank {
				after = i
				break
			}
		}
		blankBefore = true
	}

	at := doc.lines[after]
	var ins strings.Builder
	if at.next == len(data) && (len(data) == 0 || data[len(data)-1] != '\n') {
		ins.WriteString(nl) // the line had no line ending (end of file)
	}
	if blankBefore {
		ins.WriteString(nl)
	}
	ins.WriteString(item)
	if after+1 < len(doc.lines) && !doc.lines[after+1].blank {
		ins.WriteString(nl) // keep what follows from becoming a lazy continuation
	}
	out := make([]byte, 0, len(data)+ins.Len())
	out = append(out, data[:at.next]...)
	out = append(out, ins.String()...)
	out = append(out, data[at.next:]...)
	return out
}
