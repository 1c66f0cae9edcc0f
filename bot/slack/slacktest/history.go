package slacktest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Reading conversations back: conversations.list, conversations.history and
// conversations.replies, in the shapes Slack documents. History needs a
// conversation ID (a "#name" is channel_not_found there, as on Slack); messages
// carry their metadata only when include_all_metadata is set.

// channelByNameLocked returns the ID of the channel called name ("#name" or "name").
func (s *Server) channelByNameLocked(name string) (string, bool) {
	name = strings.TrimPrefix(name, "#")
	ids := make([]string, 0, len(s.channels))
	for id := range s.channels {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		if ch := s.channels[id]; ch.Name == name && !ch.IsIM {
			return id, true
		}
	}
	return "", false
}

// channelForPostLocked is where a post addressed to channel lands: a "#name"
// is the registered channel of that name, or a new public channel the fake
// creates for it (Slack would answer channel_not_found; tests rarely register
// their channels), so Slack's answer carries a channel ID either way.
func (s *Server) channelForPostLocked(channel string) string {
	if !strings.HasPrefix(channel, "#") || len(channel) < 2 {
		return s.resolveChannelLocked(channel)
	}
	if id, ok := s.channelByNameLocked(channel); ok {
		return id
	}
	id := ""
	for n := len(s.channels) + 1; ; n++ {
		id = fmt.Sprintf("C0NAMED%04d", n)
		if _, taken := s.channels[id]; !taken {
			break
		}
	}
	s.channels[id] = Channel{ID: id, Name: channel[1:]}
	return id
}

// channelObject renders ch as Slack's conversation object.
func (s *Server) channelObject(ch Channel) map[string]any {
	out := map[string]any{
		"id": ch.ID, "name": ch.Name, "name_normalized": ch.Name, "created": int64(1704067200), "creator": "",
		"is_channel": !ch.IsIM && !ch.IsPrivate, "is_group": ch.IsPrivate && !ch.IsIM,
		"is_im": ch.IsIM, "is_mpim": false, "is_private": ch.IsPrivate || ch.IsIM,
		"is_archived": ch.Archived, "is_general": ch.Name == "general", "is_member": true,
		"is_shared": false, "is_ext_shared": false, "is_org_shared": false,
		"context_team_id": s.cfg.teamID,
		"topic":           map[string]any{"value": ch.Topic, "creator": "", "last_set": 0},
		"purpose":         map[string]any{"value": ch.Purpose, "creator": "", "last_set": 0},
	}
	if ch.IsIM {
		out["user"] = ch.User
		delete(out, "name")
		delete(out, "name_normalized")
	}
	return out
}

// pageLimit is the limit param, defaulting to def and capped at max (Slack
// answers invalid_limit for a non-number).
func pageLimit(p map[string]string, def, maxLimit int) (int, error) {
	v := p["limit"]
	if v == "" || v == "0" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, apiError("invalid_limit")
	}
	return min(n, maxLimit), nil
}

// page reads a paginated method's limit (pageLimit) and the offset its cursor points at.
func page(p map[string]string, def, maxLimit int) (limit, from int, err error) {
	if limit, err = pageLimit(p, def, maxLimit); err != nil {
		return 0, 0, err
	}
	if from, err = decodeCursor(p["cursor"]); err != nil {
		return 0, 0, err
	}
	return limit, from, nil
}

// cursor is an opaque next_cursor: the offset of the next page.
func encodeCursor(next int) string {
	return base64.StdEncoding.EncodeToString([]byte("next:" + strconv.Itoa(next)))
}

func decodeCursor(c string) (int, error) {
	if c == "" {
		return 0, nil
	}
	b, err := base64.StdEncoding.DecodeString(c)
	if err != nil || !strings.HasPrefix(string(b), "next:") {
		return 0, apiError("invalid_cursor")
	}
	n, err := strconv.Atoi(strings.TrimPrefix(string(b), "next:"))
	if err != nil || n < 0 {
		return 0, apiError("invalid_cursor")
	}
	return n, nil
}

func boolParam(p map[string]string, k string) bool {
	v := p[k]
	return v == "1" || v == "true"
}

// conversationsList lists the channels the fake knows (types: public_channel
// by default, private_channel, im, mpim), in ID order, a page at a time.
func (s *Server) conversationsList(r *apiRequest) (map[string]any, error) {
	types := map[string]bool{"public_channel": true}
	if v := r.params["types"]; v != "" {
		types = map[string]bool{}
		for _, t := range strings.Split(v, ",") {
			t = strings.TrimSpace(t)
			switch t {
			case "public_channel", "private_channel", "im", "mpim":
				types[t] = true
			default:
				return nil, apiError("invalid_types")
			}
		}
	}
	limit, from, err := page(r.params, 100, 1000)
	if err != nil {
		return nil, err
	}
	var ids []string
	for id, ch := range s.channels {
		kind := "public_channel"
		switch {
		case ch.IsIM:
			kind = "im"
		case ch.IsPrivate:
			kind = "private_channel"
		}
		if types[kind] && !(ch.Archived && boolParam(r.params, "exclude_archived")) {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	page, next := paginate(ids, from, limit)
	out := []any{}
	for _, id := range page {
		out = append(out, s.channelObject(s.channels[id]))
	}
	return map[string]any{"channels": out, "response_metadata": map[string]any{"next_cursor": next}}, nil
}

// paginate returns items[from:from+limit] and the cursor of the rest ("" at the end).
func paginate[T any](items []T, from, limit int) ([]T, string) {
	if from > len(items) {
		from = len(items)
	}
	end := min(from+limit, len(items))
	if end < len(items) {
		return items[from:end], encodeCursor(end)
	}
	return items[from:end], ""
}

// tsKey orders message timestamps ("1712345678.000123"); "" is the zero.
func tsKey(ts string) (int64, error) {
	if ts == "" {
		return 0, nil
	}
	sec, frac, _ := strings.Cut(ts, ".")
	s, err := strconv.ParseInt(sec, 10, 64)
	if err != nil {
		return 0, apiError("invalid_ts_oldest")
	}
	frac = (frac + "000000")[:6]
	f, err := strconv.ParseInt(frac, 10, 64)
	if err != nil {
		return 0, apiError("invalid_ts_oldest")
	}
	return s*1_000_000 + f, nil
}

// window filters msgs to oldest < ts < latest (<= with inclusive).
func window(r *apiRequest, msgs []*Message) ([]*Message, error) {
	oldest, err := tsKey(r.params["oldest"])
	if err != nil {
		return nil, err
	}
	latest, err := tsKey(r.params["latest"])
	if err != nil {
		return nil, apiError("invalid_ts_latest")
	}
	incl := boolParam(r.params, "inclusive")
	var out []*Message
	for _, m := range msgs {
		k, _ := tsKey(m.TS)
		if k < oldest || (k == oldest && !incl && r.params["oldest"] != "") {
			continue
		}
		if r.params["latest"] != "" && (k > latest || (k == latest && !incl)) {
			continue
		}
		out = append(out, m)
	}
	return out, nil
}

// historyChannelLocked is the conversation ID of a history read, or channel_not_found.
func (s *Server) historyChannelLocked(r *apiRequest) (string, error) {
	raw := r.params["channel"]
	if raw == "" || strings.HasPrefix(raw, "#") {
		return "", apiError("channel_not_found")
	}
	id := s.resolveChannelLocked(raw)
	if _, ok := s.channels[id]; ok {
		return id, nil
	}
	if _, ok := s.messages[id]; ok || strings.HasPrefix(id, "D") {
		return id, nil
	}
	return "", apiError("channel_not_found")
}

// historyJSON is a message as conversations.history / replies return it.
func (s *Server) historyJSON(m *Message, withMetadata bool) map[string]any {
	out := s.messageJSON(m)
	if withMetadata && len(m.Metadata) > 0 {
		out["metadata"] = m.Metadata
	}
	if m.ThreadTS == m.TS || (m.ThreadTS == "" && s.hasRepliesLocked(m)) {
		out["thread_ts"] = m.TS
		n := 0
		for _, x := range s.messages[m.Channel] {
			if x.ThreadTS == m.TS && x.TS != m.TS && !x.Deleted {
				n++
			}
		}
		out["reply_count"] = n
	}
	return out
}

func (s *Server) hasRepliesLocked(m *Message) bool {
	for _, x := range s.messages[m.Channel] {
		if x.ThreadTS == m.TS && x.TS != m.TS && !x.Deleted {
			return true
		}
	}
	return false
}

// conversationsHistory returns a channel's top-level messages (thread replies
// stay in their thread), newest first, a page at a time.
func (s *Server) conversationsHistory(r *apiRequest) (map[string]any, error) {
	channel, err := s.historyChannelLocked(r)
	if err != nil {
		return nil, err
	}
	limit, from, err := page(r.params, 100, 999)
	if err != nil {
		return nil, err
	}
	var top []*Message
	for _, m := range s.messages[channel] {
		if !m.Deleted && (m.ThreadTS == "" || m.ThreadTS == m.TS) {
			top = append(top, m)
		}
	}
	top, err = window(r, top)
	if err != nil {
		return nil, err
	}
	slices.Reverse(top) // newest first
	page, next := paginate(top, from, limit)
	msgs := []any{}
	for _, m := range page {
		msgs = append(msgs, s.historyJSON(m, boolParam(r.params, "include_all_metadata")))
	}
	out := map[string]any{"messages": msgs, "has_more": next != "", "pin_count": 0}
	if next != "" {
		out["response_metadata"] = map[string]any{"next_cursor": next}
	}
	if v := r.params["latest"]; v != "" {
		out["latest"] = v
	}
	return out, nil
}

// conversationsReplies returns a thread: its parent, then the replies oldest
// first, a page at a time.
func (s *Server) conversationsReplies(r *apiRequest) (map[string]any, error) {
	channel, err := s.historyChannelLocked(r)
	if err != nil {
		return nil, err
	}
	ts := r.params["ts"]
	parent := s.findMessageLocked(channel, ts)
	if ts == "" || parent == nil || parent.Deleted {
		return nil, apiError("thread_not_found")
	}
	if parent.ThreadTS != "" && parent.ThreadTS != parent.TS {
		// A reply's ts names its thread.
		if p := s.findMessageLocked(channel, parent.ThreadTS); p != nil {
			parent = p
		}
	}
	limit, from, err := page(r.params, 1000, 1000)
	if err != nil {
		return nil, err
	}
	thread := []*Message{parent}
	for _, m := range s.messages[channel] {
		if m.ThreadTS == parent.TS && m.TS != parent.TS && !m.Deleted {
			thread = append(thread, m)
		}
	}
	thread, err = window(r, thread)
	if err != nil {
		return nil, err
	}
	page, next := paginate(thread, from, limit)
	msgs := []any{}
	for _, m := range page {
		j := s.historyJSON(m, boolParam(r.params, "include_all_metadata"))
		if m != parent {
			j["thread_ts"] = parent.TS
			j["parent_user_id"] = parent.User
		}
		msgs = append(msgs, j)
	}
	out := map[string]any{"messages": msgs, "has_more": next != ""}
	if next != "" {
		out["response_metadata"] = map[string]any{"next_cursor": next}
	}
	return out, nil
}

// metadataParam validates chat.postMessage's metadata: an object with a string
// event_type and an object event_payload.
func metadataParam(p map[string]string) (json.RawMessage, error) {
	v := p["metadata"]
	if v == "" {
		return nil, nil
	}
	var md struct {
		EventType    *string         `json:"event_type"`
		EventPayload json.RawMessage `json:"event_payload"`
	}
	if err := json.Unmarshal([]byte(v), &md); err != nil {
		return nil, apiError("invalid_metadata_format")
	}
	var payload map[string]any
	if md.EventType == nil || *md.EventType == "" || json.Unmarshal(md.EventPayload, &payload) != nil || payload == nil {
		return nil, apiError("invalid_metadata_schema")
	}
	return json.RawMessage(v), nil
}
