package runbook

import (
	"strings"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
)

// mdTable is a GFM table as read from the AST, with source lines.
type mdTable struct {
	line     int // line of the header row
	header   []mdCell
	rows     []mdRow
	sections []string // folded titles of the enclosing headings
}

// mdRow is one body row of a table.
type mdRow struct {
	line  int
	cells []mdCell
}

// mdCell is one table cell.
type mdCell struct {
	line  int
	spans []span
}

// text is the cell's content without backticks, whitespace collapsed.
func (c mdCell) text() string { return plainText(c.spans) }

// readTable converts a goldmark table node into an mdTable.
func (p *parser) readTable(t *east.Table, sections []string) mdTable {
	out := mdTable{line: p.nodeLine(t), sections: sections}
	for n := t.FirstChild(); n != nil; n = n.NextSibling() {
		switch n := n.(type) {
		case *east.TableHeader:
			out.line = p.rowLine(n)
			out.header = p.readCells(n)
		case *east.TableRow:
			out.rows = append(out.rows, mdRow{line: p.rowLine(n), cells: p.readCells(n)})
		}
	}
	return out
}

// rowLine is the line of a table row: from its first cell's segment, else the
// row's recorded position, else the first text segment below it.
func (p *parser) rowLine(row ast.Node) int {
	for c := row.FirstChild(); c != nil; c = c.NextSibling() {
		if ls := c.Lines(); ls != nil && ls.Len() > 0 {
			return p.lineAt(ls.At(0).Start)
		}
	}
	if row.Pos() >= 0 {
		return p.lineAt(row.Pos())
	}
	return p.nodeLine(row)
}

// readCells reads the cells of a header or body row.
func (p *parser) readCells(row ast.Node) []mdCell {
	var cells []mdCell
	line := p.rowLine(row)
	for c := row.FirstChild(); c != nil; c = c.NextSibling() {
		if _, ok := c.(*east.TableCell); !ok {
			continue
		}
		cells = append(cells, mdCell{line: line, spans: inlineSpans(c, p.src)})
	}
	return cells
}

// column identifies a known table column.
type column int

// Schedule and contacts columns.
const (
	colWindow column = iota
	colFrequency
	colScript
	colPrimary
	colBackup
	colDeps
	numScheduleCols
)

// columnDef names a column in both languages and lists every accepted header.
type columnDef struct {
	pt, en string
	ptOnly []string // folded headers that mark the table as Portuguese
	enOnly []string // folded headers that mark the table as English
	shared []string // folded headers valid in both
}

var scheduleColumns = [numScheduleCols]columnDef{
	colWindow:    {pt: "Janela", en: "Window", ptOnly: []string{"janela", "janelas"}, enOnly: []string{"window", "windows"}},
	colFrequency: {pt: "Frequência", en: "Frequency", ptOnly: []string{"frequencia"}, enOnly: []string{"frequency"}},
	colScript:    {pt: "Scripts", en: "Script", shared: []string{"scripts", "script", "script(s)"}},
	colPrimary: {pt: "Responsável Principal", en: "Primary",
		ptOnly: []string{"responsavel principal", "responsavel"},
		enOnly: []string{"primary", "primary (owner)", "primary owner", "owner"}},
	colBackup: {pt: "Backup", en: "Backup", shared: []string{"backup"}},
	colDeps:   {pt: "Dependências", en: "Dependencies", ptOnly: []string{"dependencias", "dependencia"}, enOnly: []string{"dependencies", "dependency"}},
}

// scheduleColumnList names the schedule columns for messages.
func scheduleColumnList() string {
	names := make([]string, 0, len(scheduleColumns))
	for _, d := range scheduleColumns {
		if d.pt == d.en {
			names = append(names, d.pt)
		} else {
			names = append(names, d.pt+"/"+d.en)
		}
	}
	return strings.Join(names, ", ")
}

// scheduleHeader is how a table's header maps onto the schedule columns.
type scheduleHeader struct {
	idx              [numScheduleCols]int // cell index, -1 when the column is missing
	ptVotes, enVotes int
}

func (h scheduleHeader) has(c column) bool { return h.idx[c] >= 0 }

func (h scheduleHeader) complete() bool {
	for _, i := range h.idx {
		if i < 0 {
			return false
		}
	}
	return true
}

func (h scheduleHeader) lang() Lang {
	if h.ptVotes > h.enVotes {
		return LangPT
	}
	return LangEN
}

// matchScheduleHeader maps header cells onto the schedule columns; the first cell
// naming a column wins.
func matchScheduleHeader(header []mdCell) scheduleHeader {
	var h scheduleHeader
	for i := range h.idx {
		h.idx[i] = -1
	}
	for i, cell := range header {
		name := Fold(cell.text())
		for c, def := range scheduleColumns {
			if h.idx[c] >= 0 {
				continue
			}
			if lang, ok := def.match(name); ok {
				h.idx[c] = i
				switch lang {
				case LangPT:
					h.ptVotes++
				case LangEN:
					h.enVotes++
				}
				break
			}
		}
	}
	return h
}

// match tells whether a folded header names this column, and in which language
// ("" when the name is the same in both).
func (d columnDef) match(name string) (Lang, bool) {
	switch {
	case contains(d.ptOnly, name):
		return LangPT, true
	case contains(d.enOnly, name):
		return LangEN, true
	case contains(d.shared, name):
		return "", true
	}
	return "", false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// scheduleTable picks the schedule table: the first with every column, else the
// first with at least Window and Script (its missing columns are reported).
func (p *parser) scheduleTable() *scheduleTableRef {
	var partial *scheduleTableRef
	for i := range p.tables {
		h := matchScheduleHeader(p.tables[i].header)
		if h.complete() {
			return &scheduleTableRef{table: &p.tables[i], header: h}
		}
		if partial == nil && h.has(colWindow) && h.has(colScript) {
			partial = &scheduleTableRef{table: &p.tables[i], header: h}
		}
	}
	if partial != nil {
		lang := partial.header.lang()
		for c, def := range scheduleColumns {
			if partial.header.idx[c] >= 0 {
				continue
			}
			name, other := def.en, def.pt
			if lang == LangPT {
				name, other = def.pt, def.en
			}
			if name == other {
				p.problem(partial.table.line, ProbColumnMissing, "column", name)
			} else {
				p.problem(partial.table.line, ProbColumnMissingOr, "column", name, "other", other)
			}
		}
	}
	return partial
}

// scheduleTableRef is the chosen schedule table and its column map.
type scheduleTableRef struct {
	table  *mdTable
	header scheduleHeader
}

// cell returns the row's cell for a column, or an empty cell at the row's line.
func (s *scheduleTableRef) cell(r mdRow, c column) (mdCell, bool) {
	i := s.header.idx[c]
	if i < 0 {
		return mdCell{line: r.line}, false
	}
	if i >= len(r.cells) {
		return mdCell{line: r.line}, true
	}
	return r.cells[i], true
}
