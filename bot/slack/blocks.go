package slack

import (
	"fmt"
	"regexp"
	"strings"

	slackapi "github.com/slack-go/slack"

	"github.com/runbook-bot/runbook-bot/bot"
)

// Slack's Block Kit limits the renderer keeps to.
const (
	maxBlocks       = 50
	maxSectionText  = 3000
	maxFields       = 10
	maxFieldText    = 2000
	maxButtonText   = 75
	maxButtonValue  = 2000
	maxActions      = 25
	maxContextElems = 10
	maxConfirmTitle = 100
	maxConfirmText  = 300
	maxConfirmBtn   = 30
	maxModalTitle   = 24
	maxFallback     = 4000
)

var (
	userID  = regexp.MustCompile(`^[UW][A-Z0-9]{2,20}$`)
	groupID = regexp.MustCompile(`^S[A-Z0-9]{2,20}$`)
)

// Blocks renders a chat-neutral message as Block Kit blocks plus the fallback
// (notification) text. Every piece of text from the message is escaped before
// the adapter's own markup (mentions, dates, bold, code fences) is added, and
// Slack's size limits are enforced: long text is split over several sections,
// and a message over 50 blocks is cut with a final "…" section that keeps the
// buttons and context.
func Blocks(m bot.Message) ([]slackapi.Block, string) {
	var head, body, tail []slackapi.Block
	if m.Title != "" {
		head = append(head, section("*"+truncate(Escape(m.Title), maxSectionText-2)+"*"))
	}
	if line := mentionLine(m); line != "" {
		head = append(head, section(truncate(line, maxSectionText)))
	}
	for _, s := range m.Sections {
		body = append(body, sectionBlocks(s)...)
	}
	tail = append(tail, actionBlocks(m.Buttons)...)
	tail = append(tail, contextBlocks(m.Context)...)

	if n := len(head) + len(body) + len(tail); n > maxBlocks {
		keep := max(0, maxBlocks-len(head)-len(tail)-1)
		body = append(body[:keep:keep], section("…"))
	}
	blocks := append(append(head, body...), tail...)
	if len(blocks) > maxBlocks { // only when head+tail alone are too many
		blocks = append(blocks[:maxBlocks-1:maxBlocks-1], section("…"))
	}
	return blocks, fallbackText(m)
}

// fallbackText is the escaped notification text of m.
func fallbackText(m bot.Message) string {
	text := m.Fallback
	if text == "" {
		text = m.Title
	}
	if text == "" {
		for _, s := range m.Sections {
			if s.Text != "" {
				text = s.Text
				break
			}
		}
	}
	return truncate(Escape(text), maxFallback)
}

// mentionLine renders the pings of m; an ID that is not a user or group ID is shown as text.
func mentionLine(m bot.Message) string {
	var parts []string
	if m.Here {
		parts = append(parts, "<!here>")
	}
	for _, mn := range m.Mentions {
		switch {
		case userID.MatchString(mn.ID):
			parts = append(parts, "<@"+mn.ID+">")
		case groupID.MatchString(mn.ID):
			parts = append(parts, "<!subteam^"+mn.ID+">")
		case mn.Name != "":
			parts = append(parts, "@"+Escape(mn.Name))
		case mn.ID != "":
			parts = append(parts, Escape(mn.ID))
		}
	}
	return strings.Join(parts, " ")
}

// sectionBlocks renders one section: its text, fields, preformatted lines and checks, in that order.
func sectionBlocks(s bot.Section) []slackapi.Block {
	var out []slackapi.Block
	if s.Text != "" || len(s.Links) > 0 {
		var lines []string
		if s.Text != "" {
			lines = strings.Split(Escape(s.Text), "\n")
		}
		for _, l := range s.Links {
			lines = append(lines, linkLine(l))
		}
		for _, chunk := range chunkLines(lines, maxSectionText, "", "") {
			out = append(out, section(chunk))
		}
	}
	for i := 0; i < len(s.Fields); i += maxFields {
		var fields []*slackapi.TextBlockObject
		for _, f := range s.Fields[i:min(i+maxFields, len(s.Fields))] {
			fields = append(fields, mrkdwn(fieldText(f)))
		}
		out = append(out, slackapi.NewSectionBlock(nil, fields, nil))
	}
	if len(s.Lines) > 0 {
		lines := make([]string, len(s.Lines))
		for i, l := range s.Lines {
			lines[i] = escapePre(l)
		}
		for _, chunk := range chunkLines(lines, maxSectionText, fence+"\n", "\n"+fence) {
			out = append(out, section(chunk))
		}
	}
	if len(s.Checks) > 0 {
		lines := make([]string, len(s.Checks))
		for i, c := range s.Checks {
			lines[i] = c.Line(Escape)
		}
		for _, chunk := range chunkLines(lines, maxSectionText, "", "") {
			out = append(out, section(chunk))
		}
	}
	return out
}

// fieldText is "*Label*\nValue"; a field with a time shows it in the reader's own zone first.
func fieldText(f bot.Field) string {
	var b strings.Builder
	if f.Label != "" {
		b.WriteString("*" + Escape(f.Label) + "*\n")
	}
	if f.Time != nil {
		fmt.Fprintf(&b, "<!date^%d^{date_short_pretty} {time}|%s>", f.Time.Unix(), f.Time.UTC().Format("2006-01-02 15:04 UTC"))
		if f.Value != "" {
			b.WriteString("\n")
		}
	}
	b.WriteString(Escape(f.Value))
	return truncate(b.String(), maxFieldText)
}

// chunkLines joins lines into texts of at most max bytes, each wrapped in
// prefix and suffix; a line too long on its own is cut.
func chunkLines(lines []string, max int, prefix, suffix string) []string {
	room := max - len(prefix) - len(suffix)
	var out []string
	var cur []string
	size := 0
	flush := func() {
		if len(cur) > 0 {
			out = append(out, prefix+strings.Join(cur, "\n")+suffix)
			cur, size = nil, 0
		}
	}
	for _, l := range lines {
		l = truncate(l, room)
		add := len(l)
		if len(cur) > 0 {
			add++
		}
		if size+add > room {
			flush()
			add = len(l)
		}
		cur = append(cur, l)
		size += add
	}
	flush()
	return out
}

// actionBlocks renders buttons, at most 25 to an actions block.
func actionBlocks(buttons []bot.Button) []slackapi.Block {
	var out []slackapi.Block
	seen := map[string]int{}
	for i := 0; i < len(buttons); i += maxActions {
		var els []slackapi.BlockElement
		for _, b := range buttons[i:min(i+maxActions, len(buttons))] {
			els = append(els, button(b, seen))
		}
		out = append(out, slackapi.NewActionBlock("", els...))
	}
	return out
}

// button renders one button: its value names the job and the occurrence the
// message is about (bot.ButtonValue: the job id plus at most 43 characters,
// far below Slack's 2,000), action_id encodes the button id and whether it prompts.
func button(b bot.Button, seen map[string]int) *slackapi.ButtonBlockElement {
	label := truncateRunes(b.Label, maxButtonText)
	if label == "" {
		label = truncateRunes(b.ID, maxButtonText)
	}
	el := slackapi.NewButtonBlockElement(encodeActionID(b, seen), truncate(bot.ButtonValue(b), maxButtonValue), plain(label))
	switch b.Style {
	case "primary":
		el.Style = slackapi.StylePrimary
	case "danger":
		el.Style = slackapi.StyleDanger
	}
	if b.Confirm != "" {
		el.Confirm = slackapi.NewConfirmationBlockObject(
			plain(truncateRunes(label, maxConfirmTitle)),
			plain(truncateRunes(b.Confirm, maxConfirmText)),
			plain(truncateRunes(label, maxConfirmBtn)),
			plain("✖"),
		)
		if b.Style == "danger" {
			el.Confirm.Style = slackapi.StyleDanger
		}
	}
	return el
}

// contextBlocks renders small print, at most 10 lines to a context block.
func contextBlocks(lines []string) []slackapi.Block {
	var out []slackapi.Block
	for i := 0; i < len(lines); i += maxContextElems {
		var els []slackapi.MixedElement
		for _, l := range lines[i:min(i+maxContextElems, len(lines))] {
			els = append(els, mrkdwn(truncate(Escape(l), maxSectionText)))
		}
		out = append(out, slackapi.NewContextBlock("", els...))
	}
	return out
}

// section is a mrkdwn section block.
func section(text string) *slackapi.SectionBlock {
	return slackapi.NewSectionBlock(mrkdwn(text), nil, nil)
}

// mrkdwn is a verbatim mrkdwn text object: Slack links and pings only the markup the adapter wrote.
func mrkdwn(text string) *slackapi.TextBlockObject {
	return slackapi.NewTextBlockObject(slackapi.MarkdownType, text, false, true)
}

// plain is a plain_text object with emoji.
func plain(text string) *slackapi.TextBlockObject {
	return slackapi.NewTextBlockObject(slackapi.PlainTextType, text, true, false)
}
