package shell

import (
	"strings"

	"github.com/runbook-bot/runbook-bot/bot"
)

// Format renders a message as readable terminal text: title, mentions as @Name,
// sections with "Label: value" fields, ✅/❌/☐ checks and indented output lines,
// buttons as [Label] with the :press hint, then the small print.
func Format(m bot.Message) string {
	var out []string
	if m.Title != "" {
		out = append(out, m.Title)
	}
	var pings []string
	if m.Here {
		pings = append(pings, "@here")
	}
	for _, mn := range m.Mentions {
		name := mn.Name
		if name == "" {
			name = mn.ID
		}
		pings = append(pings, "@"+name)
	}
	if len(pings) > 0 {
		out = append(out, strings.Join(pings, " "))
	}
	for _, s := range m.Sections {
		if s.Text != "" {
			out = append(out, strings.Split(s.Text, "\n")...)
		}
		for _, l := range s.Links {
			line := l.Prefix + l.Label + l.Suffix
			if l.URL != "" {
				line += " · " + l.URL
			}
			out = append(out, line)
		}
		for _, f := range s.Fields {
			out = append(out, "  "+f.Label+": "+f.Value)
		}
		for _, c := range s.Checks {
			out = append(out, "  "+c.Line(nil))
		}
		for _, l := range s.Lines {
			out = append(out, "  │ "+l)
		}
	}
	if len(m.Buttons) > 0 {
		var labels, hints []string
		for _, b := range m.Buttons {
			labels = append(labels, "["+b.Label+"]")
			h := ":press " + b.ID
			if b.Prompt != nil {
				h += " <" + strings.ToLower(b.Prompt.Label) + ">"
			}
			hints = append(hints, h)
		}
		out = append(out, strings.Join(labels, " ")+"   ("+strings.Join(hints, " · ")+")")
	}
	for _, c := range m.Context {
		out = append(out, "  ("+c+")")
	}
	if len(out) == 0 && m.Fallback != "" {
		out = append(out, m.Fallback)
	}
	return strings.Join(out, "\n")
}

// FormatHome renders the App Home as terminal text: the title and intro,
// then each part under its heading, an item's details indented under it,
// its buttons as Format shows them.
func FormatHome(h bot.Home) string {
	out := []string{h.Title}
	out = append(out, strings.Split(h.Intro, "\n")...)
	for _, p := range h.Parts {
		out = append(out, "", "== "+p.Heading+" ==")
		if len(p.Items) == 0 && p.Empty != "" {
			out = append(out, "  "+p.Empty)
		}
		for _, it := range p.Items {
			out = append(out, "• "+it.Text)
			for _, l := range it.Lines {
				out = append(out, "    "+l)
			}
			for _, l := range it.Links {
				out = append(out, "    "+l.Prefix+l.Label+l.Suffix)
			}
			if len(it.Buttons) > 0 {
				out = append(out, "    "+Format(bot.Message{Buttons: it.Buttons}))
			}
		}
		if p.More != "" {
			out = append(out, "  "+p.More)
		}
	}
	return strings.Join(out, "\n")
}

// indent prefixes the first line with first and the others with rest.
func indent(text, first, rest string) string {
	lines := strings.Split(text, "\n")
	for i := range lines {
		if i == 0 {
			lines[i] = first + lines[i]
		} else {
			lines[i] = rest + lines[i]
		}
	}
	return strings.Join(lines, "\n")
}
