package bot

import (
	"strings"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// staleButton is the code of a press on a message whose occurrence the verb no longer acts on.
const staleButton = "stale_button"

// staleReply answers a press on an old message: which window the message is
// about and its state (or where the window moved, or that it is gone), then
// the window the verb acts on now, with a link to its current message when
// there is one (the adapter resolves the notice key to the message).
func (b *Bot) staleReply(e *runbook.Error, v Verb, job string) Reply {
	args := b.errorArgs(e, v, job)
	about := "err.stale_button"
	switch {
	case e.Args["moved"] != nil:
		about = "err.stale_button.moved"
	case e.Args["state"] == nil || e.Args["state"] == "":
		about = "err.stale_button.gone"
	}
	lines := []string{b.Text(about, args)}
	sec := Section{}
	if e.Args["current"] != nil {
		lines = append(lines, b.Text("err.stale_button.current", args))
		if key, _ := e.Args["current_key"].(string); key != "" {
			sec.Links = []Link{{Prefix: "→ ", Label: b.t("err.stale_button.link"), MessageKey: key}}
		}
	} else {
		lines = append(lines, b.Text("err.stale_button.none", args))
	}
	sec.Text = strings.Join(lines, "\n")
	return Reply{Message: Message{Fallback: lines[0], Sections: []Section{sec}}}
}
