package runbook

import (
	"strings"
	"time"
)

// Titles of the runbook's change freezes section, by language.
const (
	FreezesTitlePT = "Congelamentos"
	FreezesTitleEN = "Change freezes"
)

// FreezeLayout is how a freeze's start and end are written (in the runbook's
// zone, RUNBOOK_TZ, unless a zone follows), and the end given to /runbook freeze.
const FreezeLayout = "2006-01-02 15:04"

// freezeColumns are the folded headers of the change freezes table's three columns.
var freezeColumns = [3][]string{
	{"inicio", "start", "from", "begin"},
	{"fim", "end", "until", "to"},
	{"motivo", "reason", "why"},
}

// inFreezesSection reports whether one of the enclosing headings (folded) is the change freezes section.
func inFreezesSection(sections []string) bool {
	for _, t := range sections {
		if strings.Contains(t, "congelamento") || strings.Contains(t, "freeze") {
			return true
		}
	}
	return false
}

// parseFreezes reads the first table under the change freezes section:
// Início | Fim | Motivo (Start | End | Reason), one freeze a row. A runbook
// without the section declares none.
func (p *parser) parseFreezes() {
	for i := range p.tables {
		t := &p.tables[i]
		if !inFreezesSection(t.sections) || inDelayLog(t.sections) {
			continue
		}
		idx := [3]int{-1, -1, -1}
		for j, h := range t.header {
			name := Fold(h.text())
			for c, names := range freezeColumns {
				if idx[c] < 0 && contains(names, name) {
					idx[c] = j
				}
			}
		}
		missing := []string{}
		for c, name := range []string{"Início/Start", "Fim/End", "Motivo/Reason"} {
			if idx[c] < 0 {
				missing = append(missing, name)
			}
		}
		if len(missing) > 0 {
			p.problem(t.line, ProbFreezeColumns, "missing", strings.Join(missing, ", "))
			return
		}
		for _, r := range t.rows {
			if rowIsBlank(r) {
				continue
			}
			p.parseFreezeRow(r, idx)
		}
		return
	}
}

// parseFreezeRow reads one row of the change freezes table.
func (p *parser) parseFreezeRow(r mdRow, idx [3]int) {
	start, okStart := p.freezeTime(r, cellText(r, idx[0]), "start")
	end, okEnd := p.freezeTime(r, cellText(r, idx[1]), "end")
	reason := cellText(r, idx[2])
	ok := okStart && okEnd
	if reason == "" {
		p.problem(r.line, ProbFreezeNoReason)
		ok = false
	}
	if okStart && okEnd && !end.After(start) {
		p.problem(r.line, ProbFreezeEndsBefore, "end", end.Format(FreezeLayout+" MST"), "start", start.Format(FreezeLayout+" MST"))
		ok = false
	}
	if ok {
		p.rb.Freezes = append(p.rb.Freezes, Freeze{Start: start.UTC(), End: end.UTC(), Reason: CleanText(reason), Source: FreezeRunbook, Line: r.line})
	}
}

// freezeTime reads "YYYY-MM-DD HH:MM [zone]" in the runbook's zone unless one is named.
func (p *parser) freezeTime(r mdRow, raw, what string) (time.Time, bool) {
	notTime, badZone := ProbFreezeStartNotTime, ProbFreezeStartZone
	if what == "end" {
		notTime, badZone = ProbFreezeEndNotTime, ProbFreezeEndZone
	}
	fields := strings.Fields(raw)
	if len(fields) < 2 || len(fields) > 3 {
		p.problem(r.line, notTime, "value", raw)
		return time.Time{}, false
	}
	loc := p.opts.DefaultZone
	if len(fields) == 3 {
		z, err := ParseZone(fields[2])
		if err != nil {
			p.problem(r.line, badZone, "zone", fields[2])
			return time.Time{}, false
		}
		loc = z
	}
	t, err := time.ParseInLocation(FreezeLayout, fields[0]+" "+fields[1], loc)
	if err != nil {
		p.problem(r.line, notTime, "value", raw)
		return time.Time{}, false
	}
	return t, true
}
