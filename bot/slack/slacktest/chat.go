package slacktest

import (
	"encoding/json"
	"strings"
	"time"
)

// blocksParam validates and returns the blocks param (nil when absent).
func blocksParam(p map[string]string) (json.RawMessage, bool, error) {
	v, present := p["blocks"]
	if !present || v == "" {
		return nil, present, nil
	}
	var arr []json.RawMessage
	if err := json.Unmarshal([]byte(v), &arr); err != nil {
		return nil, true, apiError("invalid_blocks_format")
	}
	for _, b := range arr {
		var typ struct {
			Type string `json:"type"`
		}
		if json.Unmarshal(b, &typ) != nil || typ.Type == "" {
			return nil, true, apiError("invalid_blocks")
		}
	}
	if len(arr) > 50 {
		return nil, true, apiError("invalid_blocks")
	}
	return json.RawMessage(v), true, nil
}

func (s *Server) chatPostMessage(r *apiRequest) (map[string]any, error) {
	if r.params["channel"] == "" {
		return nil, apiError("channel_not_found")
	}
	metadata, err := metadataParam(r.params)
	if err != nil {
		return nil, err
	}
	channel := s.channelForPostLocked(r.params["channel"])
	if ch, ok := s.channels[channel]; ok && ch.Archived {
		return nil, apiError("is_archived")
	}
	blocks, _, err := blocksParam(r.params)
	if err != nil {
		return nil, err
	}
	text := r.params["text"]
	attachments := rawParam(r.params["attachments"])
	if text == "" && blocks == nil && attachments == nil {
		return nil, apiError("no_text")
	}
	threadTS := r.params["thread_ts"]
	if threadTS != "" {
		if parent := s.findMessageLocked(channel, threadTS); parent != nil && parent.ThreadTS != "" {
			threadTS = parent.ThreadTS
		}
	}
	m := s.postMessageLocked(channel, threadTS, text, blocks, attachments, metadata, r.method)
	msg := s.messageJSON(m)
	if metadata != nil {
		msg["metadata"] = metadata
	}
	return map[string]any{"channel": channel, "ts": m.TS, "message": msg}, nil
}

func (s *Server) chatUpdate(r *apiRequest) (map[string]any, error) {
	channel := s.resolveChannelLocked(r.params["channel"])
	if channel == "" {
		return nil, apiError("channel_not_found")
	}
	ts := r.params["ts"]
	m := s.findMessageLocked(channel, ts)
	if m == nil || m.Deleted {
		return nil, apiError("message_not_found")
	}
	if m.User != s.cfg.botUserID {
		return nil, apiError("cant_update_message")
	}
	blocks, present, err := blocksParam(r.params)
	if err != nil {
		return nil, err
	}
	if !present {
		blocks = m.Blocks // Slack keeps the previous blocks when none are sent.
	}
	text, ok := r.params["text"]
	if !ok {
		text = m.Text
	}
	if text == "" && blocks == nil && m.Attachments == nil && r.params["attachments"] == "" {
		return nil, apiError("no_text")
	}
	m.update(text, blocks, rawParam(r.params["attachments"]), r.method)
	return map[string]any{"channel": channel, "ts": m.TS, "text": m.Text, "message": s.messageJSON(m)}, nil
}

func (s *Server) chatDelete(r *apiRequest) (map[string]any, error) {
	channel := s.resolveChannelLocked(r.params["channel"])
	m := s.findMessageLocked(channel, r.params["ts"])
	if m == nil || m.Deleted {
		return nil, apiError("message_not_found")
	}
	m.Deleted = true
	m.UpdatedAt = time.Now()
	return map[string]any{"channel": channel, "ts": m.TS}, nil
}

func (s *Server) chatPostEphemeral(r *apiRequest) (map[string]any, error) {
	channel := s.resolveChannelLocked(r.params["channel"])
	if channel == "" {
		return nil, apiError("channel_not_found")
	}
	user := r.params["user"]
	if user == "" {
		return nil, apiError("user_not_found")
	}
	blocks, _, err := blocksParam(r.params)
	if err != nil {
		return nil, err
	}
	text := r.params["text"]
	if text == "" && blocks == nil && r.params["attachments"] == "" {
		return nil, apiError("no_text")
	}
	e := s.addEphemeralLocked(channel, user, r.params["thread_ts"], text, blocks, r.method)
	return map[string]any{"message_ts": e.TS}, nil
}

func (s *Server) addEphemeralLocked(channel, user, threadTS, text string, blocks json.RawMessage, by string) Ephemeral {
	e := Ephemeral{
		Channel: channel, User: user, TS: s.nextTSLocked(), ThreadTS: threadTS,
		Text: text, Blocks: blocks, At: time.Now(), By: by,
	}
	s.ephemerals = append(s.ephemerals, e)
	return e
}

func (s *Server) chatGetPermalink(r *apiRequest) (map[string]any, error) {
	channel := s.resolveChannelLocked(r.params["channel"])
	if channel == "" {
		return nil, apiError("channel_not_found")
	}
	ts := r.params["message_ts"]
	m := s.findMessageLocked(channel, ts)
	if m == nil || m.Deleted {
		return nil, apiError("message_not_found")
	}
	link := "https://" + s.teamDomain() + ".slack.com/archives/" + channel + "/p" + strings.ReplaceAll(ts, ".", "")
	if m.ThreadTS != "" && m.ThreadTS != m.TS {
		link += "?thread_ts=" + m.ThreadTS + "&cid=" + channel
	}
	return map[string]any{"channel": channel, "permalink": link}, nil
}
