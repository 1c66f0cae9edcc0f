package records

import (
	"bytes"
	"strings"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// CarryCheckins returns theirs (the check-ins document on the branch the records
// go to) with the entries that ours (the bot's records branch) added or changed
// since base (where the two branches parted): those not merged yet. Entries
// nobody changed on the records branch stay as theirs has them, a person's edit
// included.
func CarryCheckins(base, ours, theirs []byte) []byte {
	out := theirs
	for _, key := range entryKeys(ours) {
		block := entryBlock(ours, key)
		if prev := entryBlock(base, key); prev != nil && bytes.Equal(prev, block) {
			continue // not changed on the records branch
		}
		if cur := entryBlock(out, key); cur != nil && bytes.Equal(cur, block) {
			continue // already there
		}
		if len(out) == 0 {
			out = append([]byte(nil), ours[:firstEntry(ours)]...) // the header the bot wrote
		}
		out = putBlock(out, key, block)
	}
	return out
}

// CarryDelays returns theirs (the runbook on the branch the records go to) with
// the delay log lines ours (the records branch) added since base, in order.
func CarryDelays(base, ours, theirs []byte, lang runbook.Lang) ([]byte, error) {
	had := map[string]bool{}
	for _, l := range delayItems(base, langOf(lang)) {
		had[l] = true
	}
	out := theirs
	for _, l := range delayItems(ours, langOf(lang)) {
		if had[l] {
			continue
		}
		var err error
		if out, err = InsertDelay(out, lang, l); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// entryKeys lists the keys of the entries in a check-ins document, in order.
func entryKeys(data []byte) []string {
	var keys []string
	const open = "<!-- runbook-bot:checkin "
	for off := 0; off < len(data); {
		end, next := lineAt(data, off)
		line := strings.TrimSpace(string(data[off:end]))
		if strings.HasPrefix(line, "#") && strings.HasSuffix(line, " -->") {
			if i := strings.LastIndex(line, open); i >= 0 {
				if k := strings.TrimSuffix(line[i+len(open):], " -->"); validKey(k) {
					keys = append(keys, k)
				}
			}
		}
		off = next
	}
	return keys
}

// entryBlock is the entry with key, nil when data has none.
func entryBlock(data []byte, key string) []byte {
	start, end, ok := findEntry(data, key)
	if !ok {
		return nil
	}
	return data[start:end]
}

// firstEntry is the offset of the first entry (the length of the header before it).
func firstEntry(data []byte) int {
	keys := entryKeys(data)
	if len(keys) == 0 {
		return len(data)
	}
	start, _, _ := findEntry(data, keys[0])
	return start
}

// putBlock replaces the entry key in data with block, or appends it.
func putBlock(data []byte, key string, block []byte) []byte {
	if start, end, ok := findEntry(data, key); ok {
		out := append([]byte(nil), data[:start]...)
		out = append(out, block...)
		return append(out, data[end:]...)
	}
	out := append([]byte(nil), data...)
	nl := newline(data)
	if len(out) > 0 && !bytes.HasSuffix(out, []byte("\n")) {
		out = append(out, nl...)
	}
	if len(out) > 0 && !bytes.HasSuffix(out, []byte(nl+nl)) {
		out = append(out, nl...)
	}
	return append(out, block...)
}

// delayItems are the texts of the delay log's items ("- text" without the marker).
func delayItems(data []byte, lang runbook.Lang) []string {
	doc := scanMarkdown(data)
	sec := doc.delaySection(lang)
	if sec < 0 {
		return nil
	}
	end := len(doc.lines)
	for _, n := range doc.headings[sec+1:] {
		if n.level <= 2 {
			end = n.first
			break
		}
	}
	var out []string
	for i := doc.headings[sec].last + 1; i < end; i++ {
		if t, ok := strings.CutPrefix(strings.TrimRight(doc.lines[i].text, "\r"), "- "); ok && !doc.lines[i].hidden && doc.lines[i].indent == 0 {
			out = append(out, t)
		}
	}
	return out
}
