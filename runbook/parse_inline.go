package runbook

import (
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

// span is a run of inline text: plain prose or the content of a code span.
type span struct {
	code bool
	text string
}

// inlineSpans flattens the inline content of n into prose and code spans,
// dropping emphasis and link markup but keeping their text.
func inlineSpans(n ast.Node, src []byte) []span {
	var out []span
	add := func(code bool, s string) {
		if !code && len(out) > 0 && !out[len(out)-1].code {
			out[len(out)-1].text += s
			return
		}
		out = append(out, span{code: code, text: s})
	}
	var walk func(ast.Node)
	walk = func(n ast.Node) {
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			switch c := c.(type) {
			case *ast.CodeSpan:
				add(true, strings.TrimSpace(rawText(c, src)))
			case *ast.Text:
				s := string(c.Segment.Value(src))
				if c.SoftLineBreak() || c.HardLineBreak() {
					s += " "
				}
				add(false, s)
			case *ast.String:
				add(false, string(c.Value))
			case *ast.AutoLink:
				add(false, string(c.Label(src)))
			case *ast.RawHTML:
				add(false, rawSegments(c.Segments, src))
			default:
				walk(c)
			}
		}
	}
	walk(n)
	return out
}

// rawText concatenates the text below n without any markup.
func rawText(n ast.Node, src []byte) string {
	var b strings.Builder
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *ast.Text:
			b.Write(c.Segment.Value(src))
		case *ast.String:
			b.Write(c.Value)
		default:
			b.WriteString(rawText(c, src))
		}
	}
	return b.String()
}

// rawSegments concatenates the source of segments.
func rawSegments(segs *text.Segments, src []byte) string {
	var b strings.Builder
	for i := 0; i < segs.Len(); i++ {
		seg := segs.At(i)
		b.Write(seg.Value(src))
	}
	return b.String()
}

// plainText joins spans without backticks, with whitespace collapsed.
func plainText(spans []span) string {
	var b strings.Builder
	for _, s := range spans {
		b.WriteString(s.text)
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// codeSpans returns the contents of the code spans, in order.
func codeSpans(spans []span) []string {
	var out []string
	for _, s := range spans {
		if s.code {
			out = append(out, s.text)
		}
	}
	return out
}
