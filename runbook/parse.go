package runbook

import (
	"sort"
	"time"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
)

// ParseOptions tunes how a runbook document is read.
type ParseOptions struct {
	DefaultZone *time.Location // zone for windows that name none (RUNBOOK_TZ); nil means UTC
}

// Parse reads a runbook document and reports every problem found in it, each with
// its 1-based line. The returned Runbook is never nil: when there are problems it
// holds what could be understood, for display; it must not be put in force.
func Parse(file string, src []byte, opts ParseOptions) (*Runbook, Problems) {
	p := newParser(file, src, opts)
	p.run()
	return p.rb, p.problems
}

// parser holds the state of one Parse call.
type parser struct {
	file     string
	src      []byte
	opts     ParseOptions
	newlines []int // offsets of every '\n' in src, ascending
	rb       *Runbook
	problems Problems

	tables []mdTable   // every GFM table, in document order
	prose  []mdBlock   // every paragraph and heading, in document order
	owners []ownerName // every team and person named as an owner, in table order

	badContacts map[string]bool // folded names whose contact row was reported as invalid
}

func newParser(file string, src []byte, opts ParseOptions) *parser {
	if opts.DefaultZone == nil {
		opts.DefaultZone = time.UTC
	}
	p := &parser{file: file, src: src, opts: opts, rb: &Runbook{File: file, Lang: LangEN, Zone: opts.DefaultZone}, badContacts: map[string]bool{}}
	for i, b := range src {
		if b == '\n' {
			p.newlines = append(p.newlines, i)
		}
	}
	return p
}

// run parses the Markdown, then reads the tables and the prose.
func (p *parser) run() {
	md := goldmark.New(goldmark.WithExtensions(extension.Table))
	doc := md.Parser().Parse(text.NewReader(p.src))
	p.collect(doc)

	contacts := p.contactsTable()
	sched := p.scheduleTable()
	if sched == nil {
		p.problem(1, ProbNoSchedule, "columns", scheduleColumnList())
	} else {
		p.parseSchedule(sched)
	}
	p.parseContacts(contacts)
	p.checkOwnersHaveContacts(contacts != nil)
	p.parsePolicy()
	p.parseFreezes()
	sort.SliceStable(p.problems, func(i, j int) bool { return p.problems[i].Line < p.problems[j].Line })
}

// problem records a problem at a line (at least 1): a code and its arguments as name, value pairs.
func (p *parser) problem(line int, code string, kv ...string) {
	if line < 1 {
		line = 1
	}
	p.problems = append(p.problems, Problem{File: p.file, Line: line, Msg: M(code, kv...)})
}

// lineAt converts a byte offset in the source to a 1-based line number.
func (p *parser) lineAt(offset int) int {
	if offset < 0 {
		return 1
	}
	return sort.SearchInts(p.newlines, offset) + 1
}

// nodeLine finds the line of a node from its own segments, the first text
// segment below it, its recorded position, or else its parent.
func (p *parser) nodeLine(n ast.Node) int {
	for cur := n; cur != nil; cur = cur.Parent() {
		if off := firstOffset(cur); off >= 0 {
			return p.lineAt(off)
		}
		if cur.Pos() >= 0 {
			return p.lineAt(cur.Pos())
		}
	}
	return 1
}

// firstOffset is the source offset of the first segment in or below n, or -1.
func firstOffset(n ast.Node) int {
	if t, ok := n.(*ast.Text); ok {
		return t.Segment.Start
	}
	if n.Type() == ast.TypeBlock {
		if ls := n.Lines(); ls != nil && ls.Len() > 0 {
			return ls.At(0).Start
		}
	}
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if off := firstOffset(c); off >= 0 {
			return off
		}
	}
	return -1
}

// collect walks the document once, gathering tables and prose blocks with the
// headings that enclose them.
func (p *parser) collect(doc ast.Node) {
	var headings []mdHeading
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			for len(headings) > 0 && headings[len(headings)-1].level >= n.Level {
				headings = headings[:len(headings)-1]
			}
			title := plainText(inlineSpans(n, p.src))
			headings = append(headings, mdHeading{level: n.Level, title: Fold(title)})
			p.prose = append(p.prose, mdBlock{line: p.nodeLine(n), spans: inlineSpans(n, p.src), sections: titles(headings)})
			return ast.WalkSkipChildren, nil
		case *east.Table:
			p.tables = append(p.tables, p.readTable(n, titles(headings)))
			return ast.WalkSkipChildren, nil
		case *ast.Paragraph, *ast.TextBlock:
			p.prose = append(p.prose, mdBlock{line: p.nodeLine(n), spans: inlineSpans(n, p.src), sections: titles(headings)})
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
}

// mdHeading is an open heading while walking the document.
type mdHeading struct {
	level int
	title string // folded
}

func titles(hs []mdHeading) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = h.title
	}
	return out
}

// mdBlock is a paragraph or heading: its line, inline content and enclosing headings.
type mdBlock struct {
	line     int
	spans    []span
	sections []string // folded titles of the enclosing headings, outermost first
}
