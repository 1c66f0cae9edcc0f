package slacktest

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Call is one recorded Web API (or response_url) request.
type Call struct {
	Method string            // e.g. "chat.postMessage"; "response_url" for webhook posts
	Params map[string]string // decoded form/query/JSON params; non-string JSON values hold their raw JSON
	Token  string            // token used, from Authorization: Bearer or the token param
	JSON   bool              // body was JSON rather than form-encoded
	Status int               // HTTP status answered
	Error  string            // Slack error code answered, "" when ok
	Time   time.Time
	Client string // the client that called, by its API URL (APIURLAs); "" for APIURL
}

// OK reports whether the call was answered with HTTP 200 and ok:true.
func (c Call) OK() bool { return c.Status == 200 && c.Error == "" }

// Text is the call's text param.
func (c Call) Text() string { return c.Params["text"] }

// Blocks is the call's blocks param as raw JSON (nil when absent).
func (c Call) Blocks() json.RawMessage { return rawParam(c.Params["blocks"]) }

// MessageVersion is one version of a message's content.
type MessageVersion struct {
	Text   string
	Blocks json.RawMessage
	At     time.Time
	By     string // method that produced it: chat.postMessage, chat.update, response_url, ack
}

// Message is a message in the fake's store, as last posted or updated.
type Message struct {
	Channel     string
	TS          string
	ThreadTS    string // "" for top-level messages
	User        string
	BotID       string
	Text        string
	Blocks      json.RawMessage
	Attachments json.RawMessage
	Metadata    json.RawMessage
	Updates     int  // number of in-place updates
	Deleted     bool // removed by chat.delete or delete_original
	Versions    []MessageVersion
	PostedAt    time.Time
	UpdatedAt   time.Time
}

// Ephemeral is an ephemeral message shown to one user.
type Ephemeral struct {
	Channel  string
	User     string
	TS       string
	ThreadTS string
	Text     string
	Blocks   json.RawMessage
	At       time.Time
	By       string // chat.postEphemeral, response_url or ack
}

// View is a modal opened with views.open and possibly updated with views.update.
type View struct {
	ID              string
	ExternalID      string
	Hash            string
	TriggerID       string
	User            string
	CallbackID      string
	PrivateMetadata string
	Title           string
	JSON            json.RawMessage // the view object as last sent by the bot
	Updates         int
	OpenedAt        time.Time
}

// ResponseURLCall is one POST to a response_url the server handed out.
type ResponseURLCall struct {
	URL             string
	Kind            string // "command", "action" or "view"
	Body            json.RawMessage
	Text            string
	Blocks          json.RawMessage
	ResponseType    string
	ReplaceOriginal bool
	DeleteOriginal  bool
	Error           string
	At              time.Time
}

// Calls returns the recorded calls to method (all methods when method is ""), oldest first.
func (s *Server) Calls(method string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if method == "" || c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// CallCount returns how many calls to method were recorded.
func (s *Server) CallCount(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.calls {
		if c.Method == method {
			n++
		}
	}
	return n
}

// Messages returns channel's non-deleted messages (threads included) in ts order.
func (s *Server) Messages(channel string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Message
	for _, m := range s.messages[s.resolveChannelLocked(channel)] {
		if !m.Deleted {
			out = append(out, m.clone())
		}
	}
	return out
}

// Thread returns the parent message threadTS and its replies in ts order.
func (s *Server) Thread(channel, threadTS string) []Message {
	var out []Message
	for _, m := range s.Messages(channel) {
		if m.TS == threadTS || m.ThreadTS == threadTS {
			out = append(out, m)
		}
	}
	return out
}

// Message returns the message at channel/ts, deleted or not.
func (s *Server) Message(channel, ts string) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.findMessageLocked(s.resolveChannelLocked(channel), ts)
	if m == nil {
		return Message{}, false
	}
	return m.clone(), true
}

// Channels returns the ids of channels that have messages.
func (s *Server) Channels() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for ch := range s.messages {
		out = append(out, ch)
	}
	slices.Sort(out)
	return out
}

// Ephemerals returns the ephemeral messages shown to user ("" for all users), oldest first.
func (s *Server) Ephemerals(user string) []Ephemeral {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Ephemeral
	for _, e := range s.ephemerals {
		if user == "" || e.User == user {
			out = append(out, e)
		}
	}
	return out
}

// EphemeralCount is len(Ephemerals("")) without copying them: cheap to poll.
func (s *Server) EphemeralCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.ephemerals)
}

// Views returns the modals opened so far, in opening order.
func (s *Server) Views() []View {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []View
	for _, id := range s.viewOrder {
		out = append(out, *s.views[id])
	}
	return out
}

// View returns the modal with the given view id.
func (s *Server) View(id string) (View, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.views[id]
	if !ok {
		return View{}, false
	}
	return *v, true
}

// ResponseURLCalls returns the posts made to response_urls, oldest first.
func (s *Server) ResponseURLCalls() []ResponseURLCall {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.responseCalls)
}

// Reset forgets recorded calls, messages, ephemerals, views, acks and rate-limit counts (not connections or faults).
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = nil
	s.messages = map[string][]*Message{}
	s.ephemerals = nil
	s.views = map[string]*View{}
	s.viewOrder = nil
	s.responseCalls = nil
	s.acks = nil
	s.firstAck = map[string]int{}
	s.rateLimited = map[string]int{}
	s.notifyLocked()
}

func (m *Message) clone() Message {
	c := *m
	c.Versions = slices.Clone(m.Versions)
	return c
}

// resolveChannelLocked maps a user id used as a channel (a DM) to its IM channel
// id, and a known "#name" to its channel's id.
func (s *Server) resolveChannelLocked(channel string) string {
	if len(channel) > 1 && (channel[0] == 'U' || channel[0] == 'W') {
		return "D" + channel[1:]
	}
	if strings.HasPrefix(channel, "#") {
		if id, ok := s.channelByNameLocked(channel); ok {
			return id
		}
	}
	return channel
}

func (s *Server) findMessageLocked(channel, ts string) *Message {
	for _, m := range s.messages[channel] {
		if m.TS == ts {
			return m
		}
	}
	return nil
}

// postMessageLocked stores a new message and returns it.
func (s *Server) postMessageLocked(channel, threadTS, text string, blocks, attachments, metadata json.RawMessage, by string) *Message {
	now := time.Now()
	m := &Message{
		Channel:     channel,
		TS:          s.nextTSLocked(),
		ThreadTS:    threadTS,
		User:        s.cfg.botUserID,
		BotID:       s.cfg.botID,
		Text:        text,
		Blocks:      blocks,
		Attachments: attachments,
		Metadata:    metadata,
		PostedAt:    now,
		UpdatedAt:   now,
		Versions:    []MessageVersion{{Text: text, Blocks: blocks, At: now, By: by}},
	}
	s.messages[channel] = append(s.messages[channel], m)
	return m
}

// updateMessageLocked replaces a message's content in place.
func (m *Message) update(text string, blocks, attachments json.RawMessage, by string) {
	now := time.Now()
	m.Text, m.Blocks, m.UpdatedAt = text, blocks, now
	if attachments != nil {
		m.Attachments = attachments
	}
	m.Updates++
	m.Versions = append(m.Versions, MessageVersion{Text: text, Blocks: blocks, At: now, By: by})
}

// messageJSON renders m as Slack's message object.
func (s *Server) messageJSON(m *Message) map[string]any {
	out := map[string]any{
		"type":   "message",
		"user":   m.User,
		"bot_id": m.BotID,
		"app_id": s.cfg.appID,
		"team":   s.cfg.teamID,
		"text":   m.Text,
		"ts":     m.TS,
		"blocks": orEmptyArray(m.Blocks),
		"bot_profile": map[string]any{
			"id": m.BotID, "app_id": s.cfg.appID, "name": s.cfg.botName, "team_id": s.cfg.teamID, "deleted": false,
		},
	}
	if m.ThreadTS != "" {
		out["thread_ts"] = m.ThreadTS
	}
	if m.Attachments != nil {
		out["attachments"] = m.Attachments
	}
	if m.Updates > 0 {
		out["edited"] = map[string]any{"user": m.User, "ts": fmt.Sprintf("%d.000000", m.UpdatedAt.Unix())}
	}
	return out
}

func rawParam(v string) json.RawMessage {
	if v == "" {
		return nil
	}
	if !json.Valid([]byte(v)) {
		b, _ := json.Marshal(v)
		return b
	}
	return json.RawMessage(v)
}

func orEmptyArray(r json.RawMessage) json.RawMessage {
	if len(r) == 0 {
		return json.RawMessage("[]")
	}
	return r
}
