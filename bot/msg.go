package bot

import (
	"strconv"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// Render is m in lang through its catalogue (English when lang has no entry);
// a code no catalogue knows is shown as m.String(), never lost.
func Render(lang runbook.Lang, m runbook.Msg) string {
	if m.IsZero() {
		return ""
	}
	tmpl, ok := lookup(lang, m.Code)
	if !ok {
		return m.String()
	}
	return expand(tmpl, m.Args)
}

// RenderProblem is a runbook problem in lang: "FILE:LINE: text".
func RenderProblem(lang runbook.Lang, p runbook.Problem) string {
	return Render(lang, runbook.M("problem.line", "file", p.File, "line", strconv.Itoa(p.Line), "text", Render(lang, p.Msg)))
}

// Msg is m in the bot's language.
func (b *Bot) Msg(m runbook.Msg) string { return Render(b.Lang(), m) }
