package slacktest

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"time"
)

// responseURL is a response_url handed out in a payload.
type responseURL struct {
	kind      string // command, action, view
	channel   string
	user      string
	messageTS string
	uses      int
}

// responseURLLocked returns u (registering it when it points at this server)
// or a fresh response_url described by ru.
func (s *Server) responseURLLocked(u string, ru *responseURL) string {
	if u == "" {
		path := map[string]string{"command": "/commands/", "action": "/actions/", "view": "/views/"}[ru.kind]
		u = s.hs.URL + path + s.cfg.teamID + "/" + s.newID("")[2:] + "/" + randHex(12)
	}
	if strings.HasPrefix(u, s.hs.URL+"/") {
		if _, ok := s.responseURLs[u]; !ok {
			s.responseURLs[u] = ru
		}
	}
	return u
}

func (s *Server) handleResponseURL(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 16<<20))
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		if err := r.ParseForm(); err == nil && r.PostForm.Get("payload") != "" {
			body = []byte(r.PostForm.Get("payload"))
		}
	}
	u := s.hs.URL + r.URL.Path
	now := time.Now()

	s.mu.Lock()
	call := ResponseURLCall{URL: u, Body: body, At: now}
	status, code := s.serveResponseURLLocked(u, body, &call)
	call.Error = code
	s.responseCalls = append(s.responseCalls, call)
	s.calls = append(s.calls, Call{
		Method: "response_url", Params: map[string]string{"url": u, "text": call.Text, "blocks": string(call.Blocks)},
		JSON: true, Status: status, Error: code, Time: now,
	})
	s.notifyLocked()
	s.mu.Unlock()

	switch {
	case status == http.StatusTooManyRequests:
		w.Header().Set("Retry-After", "1")
		writeJSON(w, status, map[string]any{"ok": false, "error": code})
	case status != http.StatusOK:
		http.Error(w, code, status)
	default:
		if code != "" {
			writeJSON(w, status, map[string]any{"ok": false, "error": code})
		} else {
			writeJSON(w, status, map[string]any{"ok": true})
		}
	}
}

func (s *Server) serveResponseURLLocked(u string, body []byte, call *ResponseURLCall) (int, string) {
	ru := s.responseURLs[u]
	if ru == nil {
		return http.StatusNotFound, "no_service"
	}
	call.Kind = ru.kind
	if f, ok := s.takeFaultLocked("response_url"); ok {
		status, _, _, code := f.answer()
		return status, code
	}
	var msg responseMessage
	if err := json.Unmarshal(body, &msg); err != nil {
		return http.StatusBadRequest, "invalid_payload"
	}
	call.Text, call.Blocks, call.ResponseType = msg.Text, msg.blocks(), msg.ResponseType
	call.ReplaceOriginal, call.DeleteOriginal = msg.ReplaceOriginal, msg.DeleteOriginal
	if ru.uses >= s.cfg.responseURLMaxUses {
		return http.StatusNotFound, "used_url"
	}
	ru.uses++
	if code := s.applyResponseLocked(ru, body, "response_url"); code != "" {
		return http.StatusOK, code
	}
	return http.StatusOK, ""
}

// responseMessage is a message sent to a response_url or in a slash-command ack.
type responseMessage struct {
	Text            string          `json:"text"`
	Blocks          json.RawMessage `json:"blocks"`
	ResponseType    string          `json:"response_type"`
	ReplaceOriginal bool            `json:"replace_original"`
	DeleteOriginal  bool            `json:"delete_original"`
	ThreadTS        string          `json:"thread_ts"`
}

func (m responseMessage) blocks() json.RawMessage {
	if len(m.Blocks) == 0 || string(m.Blocks) == "null" {
		return nil
	}
	return m.Blocks
}

// applyResponseLocked gives a response message Slack's effect: delete or
// replace the original message, post in channel, or show it ephemerally.
func (s *Server) applyResponseLocked(ru *responseURL, body []byte, by string) string {
	var msg responseMessage
	if err := json.Unmarshal(body, &msg); err != nil {
		return "invalid_payload"
	}
	channel := s.resolveChannelLocked(ru.channel)
	switch {
	case msg.DeleteOriginal || msg.ReplaceOriginal:
		m := s.findMessageLocked(channel, ru.messageTS)
		if m == nil || m.Deleted {
			return "message_not_found"
		}
		if msg.DeleteOriginal {
			m.Deleted = true
			m.UpdatedAt = time.Now()
		} else {
			m.update(msg.Text, msg.blocks(), nil, by)
		}
	case msg.Text == "" && msg.blocks() == nil:
		return "" // e.g. an empty ack
	case msg.ResponseType == "in_channel":
		s.postMessageLocked(channel, msg.ThreadTS, msg.Text, msg.blocks(), nil, nil, by)
	default:
		s.addEphemeralLocked(channel, ru.user, msg.ThreadTS, msg.Text, msg.blocks(), by)
	}
	return ""
}
