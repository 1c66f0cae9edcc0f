package runbook_test

import (
	"bufio"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// docField is one row of a table of docs/itsm-webhook.md.
type docField struct {
	typ    string   // envelope: the JSON type; fields: text, code, integer, boolean or time
	always bool     // fields: present in every event of the kind
	codes  []string // a code's values, when its meaning lists them all (no "e.g."); "" when it may be empty
}

// codeShape is what any code looks like; backticked codes of a meaning list its values.
var (
	codeShape  = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	codeListed = regexp.MustCompile("`([a-z][a-z0-9_]*)`")
)

// codesOf are the values a code's meaning lists, nil when it lists none or only examples.
func codesOf(meaning string) []string {
	if strings.Contains(meaning, "e.g.") {
		return nil
	}
	var out []string
	for _, m := range codeListed.FindAllStringSubmatch(meaning, -1) {
		out = append(out, m[1])
	}
	if out != nil && strings.Contains(meaning, "empty") {
		out = append(out, "")
	}
	return out
}

// allows reports whether s is a value the documented code allows.
func (f docField) allows(s string) bool {
	if f.codes != nil {
		return slices.Contains(f.codes, s)
	}
	return s == "" || codeShape.MatchString(s)
}

// itsmDoc is what docs/itsm-webhook.md promises: the envelope's keys and, per
// kind, the keys of fields ("" holds those any kind may carry).
type itsmDoc struct {
	envelope map[string]docField
	kinds    map[string]map[string]docField
}

// readITSMDoc parses the tables of docs/itsm-webhook.md: the envelope's
// (| field | type | meaning |), and under "## Kinds" the one before the first
// "### `kind`" heading (any kind) and one per kind (| field | type | present | meaning |).
func readITSMDoc(t *testing.T) itsmDoc {
	t.Helper()
	f, err := os.Open("../docs/itsm-webhook.md")
	require.NoError(t, err)
	defer f.Close()
	doc := itsmDoc{envelope: map[string]docField{}, kinds: map[string]map[string]docField{}}
	section, kind := "", ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(line, "## "):
			section, kind = line, ""
		case strings.HasPrefix(line, "### ") && strings.HasPrefix(section, "## Kinds"):
			kind = strings.Trim(strings.TrimPrefix(line, "### "), "`")
			doc.kinds[kind] = map[string]docField{}
		case strings.HasPrefix(line, "| `"):
			cells := strings.Split(strings.Trim(line, "|"), "|")
			for i := range cells {
				cells[i] = strings.TrimSpace(cells[i])
			}
			name := strings.Trim(cells[0], "`")
			switch {
			case strings.HasPrefix(section, "## Envelope"):
				doc.envelope[name] = docField{typ: cells[1]}
			case strings.HasPrefix(section, "## Kinds") && len(cells) == 4:
				if doc.kinds[kind] == nil {
					doc.kinds[kind] = map[string]docField{}
				}
				f := docField{typ: cells[1], always: cells[2] == "always"}
				if f.typ == "code" {
					f.codes = codesOf(cells[3])
				}
				doc.kinds[kind][name] = f
			}
		}
	}
	require.NoError(t, sc.Err())
	return doc
}

func TestITSMDoc_GivenTheWebhookDoc_WhenParsed_ThenEveryKindHasATableOfTypedFields(t *testing.T) {
	doc := readITSMDoc(t)
	require.Equal(t, map[string]docField{
		"schema": {typ: "string"}, "event_id": {typ: "string"}, "kind": {typ: "string"}, "at": {typ: "string"},
		"job": {typ: "string"}, "window": {typ: "string or null"}, "actor": {typ: "string or null"},
		"envelope": {typ: "string or null"}, "fields": {typ: "object"},
	}, doc.envelope)
	require.Contains(t, doc.kinds, "", "the fields any kind may carry")
	require.Len(t, doc.kinds, len(allRecordKinds)+1, "one section per kind")
	for _, k := range allRecordKinds {
		require.Contains(t, doc.kinds, string(k))
	}
	for kind, fields := range doc.kinds {
		for name, f := range fields {
			require.Contains(t, []string{"text", "code", "integer", "boolean", "time"}, f.typ, "%s.%s", kind, name)
		}
	}
}
