package main

import (
	"encoding/json"
	"net/http"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// specRow is a row of a table of docs/spec.md: its first cell (unquoted) and the others.
type specRow struct {
	name  string
	cells []string
}

// specTables are the tables of the docs/spec.md section whose heading starts
// with heading, each as its rows (header and rule left out), in order.
func specTables(t *testing.T, heading string) [][]specRow {
	t.Helper()
	src, err := os.ReadFile("../../docs/spec.md")
	require.NoError(t, err)
	var tables [][]specRow
	in, inTable := false, false
	for _, l := range strings.Split(string(src), "\n") {
		if strings.HasPrefix(l, "#") {
			in = strings.HasPrefix(l, heading)
			continue
		}
		if !in {
			continue
		}
		if !strings.HasPrefix(l, "|") {
			inTable = false
			continue
		}
		if !inTable { // a header
			inTable = true
			tables = append(tables, nil)
			continue
		}
		if strings.HasPrefix(l, "| ---") {
			continue
		}
		cells := strings.Split(strings.Trim(l, "|"), " | ")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		name := strings.Fields(cells[0])[0]
		tables[len(tables)-1] = append(tables[len(tables)-1], specRow{name: strings.Trim(name, "`,"), cells: cells[1:]})
	}
	require.NotEmpty(t, tables, "docs/spec.md has tables under %q", heading)
	return tables
}

// jsonFields are the JSON keys of struct type typ with their documented type
// as docs/spec.md writes it (string, integer, number, boolean, object, array,
// "… or null" for pointers).
func jsonFields(typ reflect.Type) map[string]string {
	out := map[string]string{}
	for i := range typ.NumField() {
		f := typ.Field(i)
		name := strings.Split(f.Tag.Get("json"), ",")[0]
		if name == "" || name == "-" {
			continue
		}
		ft, null := f.Type, ""
		if ft.Kind() == reflect.Pointer {
			ft, null = ft.Elem(), " or null"
		}
		out[name] = jsonType(ft) + null
	}
	return out
}

func jsonType(t reflect.Type) string {
	switch {
	case t == reflect.TypeOf(time.Time{}):
		return "string"
	case t.Kind() == reflect.String:
		return "string"
	case t.Kind() == reflect.Bool:
		return "boolean"
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64:
		return "integer"
	case t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64:
		return "number"
	case t.Kind() == reflect.Slice:
		return "array"
	}
	return "object"
}

// documented is a table's field → the first word(s) of its Type cell up to a comma.
func documented(rows []specRow) map[string]string {
	out := map[string]string{}
	for _, r := range rows {
		typ, _, _ := strings.Cut(r.cells[0], ",")
		if strings.HasPrefix(typ, "array of ") {
			typ = "array"
		}
		out[r.name] = typ
	}
	return out
}

func TestDocsAPI_GivenTheOccurrencesDocument_WhenTheSpecIsRead_ThenItDocumentsEveryJSONFieldWithItsType(t *testing.T) {
	tables := specTables(t, "### §11.4")
	require.Len(t, tables, 3, "the document, a View, leader")
	doc := jsonFields(reflect.TypeOf(occurrencesDoc{}))
	doc["leader"] = "object" // a pointer, left out when absent rather than null
	require.Equal(t, doc, documented(tables[0]), "GET /api/v1/occurrences and status --json")
	require.Equal(t, jsonFields(reflect.TypeOf(runbook.View{})), documented(tables[1]), "a View")
	require.Equal(t, jsonFields(reflect.TypeOf(leaderDoc{})), documented(tables[2]), "leader")
}

func TestDocsAPI_GivenTheRealReadyzAnswer_WhenDecoded_ThenItHasTheDocumentedShape(t *testing.T) {
	tables := specTables(t, "### §11.2")
	require.Len(t, tables, 2, "the keys, the checks")
	keys := documented(tables[0])
	checks := map[string]bool{}
	for _, r := range tables[1] {
		checks[r.name] = true
	}
	for _, connected := range []bool{true, false} {
		r := newOpsRig(t)
		if connected {
			r.ops.connected = func() bool { return true } // under serve
			r.h = r.ops.handler()
		}
		code, body := r.get("/readyz")
		require.Equal(t, http.StatusOK, code, body)
		var got map[string]any
		require.NoError(t, json.Unmarshal([]byte(body), &got))
		for k, v := range got {
			typ, ok := keys[k]
			require.True(t, ok, "/readyz key %s is not documented", k)
			require.Equal(t, typ, decodedType(v), "/readyz key %s", k)
		}
		for _, r := range tables[0] {
			if !strings.Contains(r.cells[0], "when") {
				require.Contains(t, got, r.name, "documented as always there")
			}
		}
		require.Equal(t, true, got["ready"])
		sent := got["checks"].(map[string]any)
		for name, v := range sent {
			require.True(t, checks[name], "check %s is not documented", name)
			require.IsType(t, "", v, "check %s", name)
		}
		for name := range checks {
			if name == "slack" {
				require.Equal(t, connected, sent["slack"] != nil, "slack is checked only under serve")
				continue
			}
			require.Contains(t, sent, name)
		}
	}
}

// decodedType is the JSON type of a value decoded into any.
func decodedType(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case bool:
		return "boolean"
	case float64:
		return "number"
	case []any:
		return "array"
	case nil:
		return "null"
	}
	return "object"
}
