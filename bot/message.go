package bot

import "time"

// Message is a chat-neutral message: adapters render it as Block Kit or text.
// All text in it is plain text already redacted; adapters escape it for their medium.
// Mentions are kept apart so adapters can render them as real pings.
type Message struct {
	Channel  string    // a channel role (runbook.ChannelRunbook, runbook.ChannelIncident) or a channel name/id; empty for replies
	Fallback string    // one-line summary (notification text)
	Title    string    // header line, may be empty
	Mentions []Mention // who the message pings, shown on their own line
	Here     bool      // ping everyone present in the channel (escalations only)
	Sections []Section // body blocks, in order
	Buttons  []Button  // actions under the body
	Context  []string  // small print lines (ids, times)
}

// Mention is a user or user group to ping.
type Mention struct {
	ID   string // U…/W… for users, S… for user groups
	Name string // display name, for adapters that cannot ping (terminal)
}

// Section is a block of text with optional fields shown as label/value pairs.
type Section struct {
	Text   string   // may hold several lines; "**bold**"-free plain text
	Links  []Link   // lines holding a link each, shown after Text
	Fields []Field  // short label/value pairs
	Lines  []string // preformatted lines (script output), shown monospaced
	Checks []Check  // pre-flight results or checklist items
}

// Link is one line of text whose Label links to URL: Prefix, Label, Suffix.
// Adapters link only http(s) URLs; any other URL leaves Label as plain text.
type Link struct {
	Prefix     string // plain text before the link, e.g. "⛔ "
	Label      string // the link's text, e.g. "#13"
	URL        string // where it leads; may be empty
	Suffix     string // plain text after the link
	MessageKey string // when URL is empty: link to the chat message posted for this notice key, if any
}

// Field is a label and its value.
type Field struct {
	Label string
	Value string
	Time  *time.Time // when set, adapters may render it in the reader's own zone; Value is the fallback
}

// Check is one line of a pre-flight list.
type Check struct {
	OK     bool
	Manual bool // a checklist item to tick, neither passed nor failed
	Text   string
	Detail string
}

// Line renders the check on one line: ✅ passed, ❌ failed, ☐ to tick by hand,
// then its text and detail, each passed through escape (nil: as they are).
func (c Check) Line(escape func(string) string) string {
	if escape == nil {
		escape = func(s string) string { return s }
	}
	mark := "❌"
	switch {
	case c.Manual:
		mark = "☐"
	case c.OK:
		mark = "✅"
	}
	line := mark + " " + escape(c.Text)
	if c.Detail != "" {
		line += " — " + escape(c.Detail)
	}
	return line
}

// Button is an action on a message. Pressing it is a command on the job,
// from the user who pressed it; when Prompt is set the adapter asks for text
// first (a modal in Slack) and appends it to the command. A button is bound to
// the occurrence its message is about (Occ, Window): pressed once the verb no
// longer acts on that occurrence, it changes nothing. Adapters that keep a
// button's data as text use ButtonValue and hand it back in Press.Value.
type Button struct {
	ID      string // action id: confirm, decline, run, incident, justify, reschedule, learnings, cancel
	Label   string
	Job     string
	Occ     int64     // the occurrence the message is about; 0: none (acts as a typed command)
	Window  time.Time // that occurrence's window when the message was made
	Style   string    // "", "primary" or "danger"
	Prompt  *Prompt   // ask for text before acting
	Confirm string    // ask "are you sure?" with this text first (e.g. run), empty for none
}

// Prompt describes the text asked for before a button acts.
type Prompt struct {
	Title       string // at most 24 characters
	Label       string
	Placeholder string
	Submit      string
	Empty       string `json:"-"` // the error shown when the text is left empty (not part of the message shown)
}

// Reply is the answer to a command or button press, for the user who asked.
type Reply struct {
	Message
	Public bool // also worth showing in the channel (unused for errors)
	Quiet  bool // a duplicate delivery: nothing to say
}

// Input is one command from a user.
type Input struct {
	User      string // Slack user ID
	Channel   string // channel id or name it was typed in
	Text      string // everything after "/runbook"
	RequestID string // trigger_id (or event id): identity of the request, for idempotency
	Envelope  string // transport envelope id, for the audit log
}

// Press is a button pressed by a user, with the text asked for when the button has a Prompt.
// An adapter hands back either the button's Value (see ButtonValue) or its Job, Occ and Window.
type Press struct {
	User      string
	Channel   string
	ButtonID  string
	Value     string    // the button's value as the chat kept it; when set it gives Job, Occ and Window
	Job       string    // without Value: the button's job
	Occ       int64     // without Value: the occurrence the button was posted for, 0 for none
	Window    time.Time // without Value: that occurrence's window when the button was posted
	Text      string
	RequestID string
	Envelope  string
}
