package slacktest

import (
	"encoding/json"
	"strings"
)

// Defaults filled into payloads when the caller leaves them empty.
const (
	DefaultCommand     = "/runbook"
	DefaultUserID      = "U0TESTUSER"
	DefaultUserName    = "tester"
	DefaultChannelID   = "C0TESTCHAN"
	DefaultChannelName = "ops"
)

// SlashCommand is a slash command invocation; empty fields get defaults.
type SlashCommand struct {
	Command     string // default "/runbook"
	Text        string
	UserID      string
	UserName    string
	ChannelID   string
	ChannelName string
	TeamID      string
	TeamDomain  string
	TriggerID   string // generated (and valid for views.open) when empty
	ResponseURL string // generated (and served by the fake) when empty
	APIAppID    string
}

// Action is one element interaction in a block_actions payload.
type Action struct {
	ActionID       string
	BlockID        string
	Type           string // default "button", or "static_select" when SelectedOption is set
	Value          string
	SelectedOption string // value of the chosen option for selects
}

// BlockAction is a block_actions interaction on a message (or a modal when ViewID is set).
type BlockAction struct {
	UserID      string
	UserName    string
	ChannelID   string
	ChannelName string
	MessageTS   string // message the buttons are on; its stored text/blocks are included
	ViewID      string // set for actions inside a modal instead of a message
	TriggerID   string
	ResponseURL string
	TeamID      string
	Actions     []Action
	State       map[string]map[string]StateValue // block_id -> action_id -> value
}

// ViewSubmission is a view_submission of a modal.
type ViewSubmission struct {
	UserID          string
	UserName        string
	TeamID          string
	TriggerID       string
	ViewID          string // a view opened through views.open; fills the fields below when empty
	CallbackID      string
	PrivateMetadata string
	Hash            string
	Values          map[string]map[string]StateValue // block_id -> action_id -> value
}

// StateValue is the state of one input element in view.state.values.
type StateValue struct {
	Type            string // inferred when empty
	Value           string
	SelectedOption  string
	SelectedOptions []string
	SelectedUser    string
	SelectedUsers   []string
	SelectedChannel string
	SelectedDate    string
}

// MarshalJSON renders the value as Slack puts it in state.values.
func (v StateValue) MarshalJSON() ([]byte, error) {
	opt := func(val string) map[string]any {
		return map[string]any{"text": map[string]any{"type": "plain_text", "text": val, "emoji": true}, "value": val}
	}
	out := map[string]any{}
	typ := v.Type
	switch {
	case v.SelectedOption != "":
		out["selected_option"] = opt(v.SelectedOption)
		typ = firstNonEmpty(typ, "static_select")
	case v.SelectedOptions != nil:
		var opts []any
		for _, o := range v.SelectedOptions {
			opts = append(opts, opt(o))
		}
		out["selected_options"] = opts
		typ = firstNonEmpty(typ, "multi_static_select")
	case v.SelectedUser != "":
		out["selected_user"] = v.SelectedUser
		typ = firstNonEmpty(typ, "users_select")
	case v.SelectedUsers != nil:
		out["selected_users"] = v.SelectedUsers
		typ = firstNonEmpty(typ, "multi_users_select")
	case v.SelectedChannel != "":
		out["selected_channel"] = v.SelectedChannel
		typ = firstNonEmpty(typ, "channels_select")
	case v.SelectedDate != "":
		out["selected_date"] = v.SelectedDate
		typ = firstNonEmpty(typ, "datepicker")
	default:
		out["value"] = v.Value
		typ = firstNonEmpty(typ, "plain_text_input")
	}
	out["type"] = typ
	return json.Marshal(out)
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

func (s *Server) actionTS() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nextTSLocked()
}

// SendSlashCommand delivers a slash_commands envelope and returns its envelope id.
func (s *Server) SendSlashCommand(cmd SlashCommand, opts ...EnvelopeOption) string {
	cmd.Command = firstNonEmpty(cmd.Command, DefaultCommand)
	cmd.UserID = firstNonEmpty(cmd.UserID, DefaultUserID)
	cmd.UserName = firstNonEmpty(cmd.UserName, DefaultUserName)
	cmd.ChannelID = firstNonEmpty(cmd.ChannelID, DefaultChannelID)
	cmd.ChannelName = firstNonEmpty(cmd.ChannelName, DefaultChannelName)
	cmd.TeamID = firstNonEmpty(cmd.TeamID, s.cfg.teamID)
	cmd.TeamDomain = firstNonEmpty(cmd.TeamDomain, s.teamDomain())
	cmd.APIAppID = firstNonEmpty(cmd.APIAppID, s.cfg.appID)

	s.mu.Lock()
	s.knowChannelLocked(cmd.ChannelID, cmd.ChannelName)
	cmd.TriggerID = s.triggerLocked(cmd.TriggerID, cmd.UserID)
	cmd.ResponseURL = s.responseURLLocked(cmd.ResponseURL, &responseURL{kind: "command", channel: cmd.ChannelID, user: cmd.UserID})
	s.mu.Unlock()

	payload := map[string]any{
		"token": VerificationToken, "team_id": cmd.TeamID, "team_domain": cmd.TeamDomain,
		"channel_id": cmd.ChannelID, "channel_name": cmd.ChannelName,
		"user_id": cmd.UserID, "user_name": cmd.UserName,
		"command": cmd.Command, "text": cmd.Text,
		"api_app_id": cmd.APIAppID, "is_enterprise_install": false,
		"response_url": cmd.ResponseURL, "trigger_id": cmd.TriggerID,
	}
	raw, _ := json.Marshal(payload)
	return s.sendEnvelope(&Envelope{Type: "slash_commands", Payload: raw, AcceptsResponsePayload: true, responseURL: cmd.ResponseURL}, opts)
}

// SendBlockAction delivers an interactive block_actions envelope and returns its envelope id.
func (s *Server) SendBlockAction(ba BlockAction, opts ...EnvelopeOption) string {
	ba.UserID = firstNonEmpty(ba.UserID, DefaultUserID)
	ba.UserName = firstNonEmpty(ba.UserName, DefaultUserName)
	ba.TeamID = firstNonEmpty(ba.TeamID, s.cfg.teamID)
	if ba.ViewID == "" {
		ba.ChannelID = firstNonEmpty(ba.ChannelID, DefaultChannelID)
	}
	actionTS := s.actionTS()

	s.mu.Lock()
	if ba.ChannelID != "" {
		s.knowChannelLocked(ba.ChannelID, ba.ChannelName)
		ba.ChannelName = firstNonEmpty(ba.ChannelName, s.channels[ba.ChannelID].Name)
	}
	ba.TriggerID = s.triggerLocked(ba.TriggerID, ba.UserID)
	payload := map[string]any{
		"type":  "block_actions",
		"token": VerificationToken, "api_app_id": s.cfg.appID, "trigger_id": ba.TriggerID,
		"user":                  map[string]any{"id": ba.UserID, "username": ba.UserName, "name": ba.UserName, "team_id": ba.TeamID},
		"team":                  map[string]any{"id": ba.TeamID, "domain": s.teamDomain()},
		"enterprise":            nil,
		"is_enterprise_install": false,
	}
	var actions []any
	for _, a := range ba.Actions {
		act := map[string]any{
			"action_id": a.ActionID, "block_id": a.BlockID, "action_ts": actionTS,
		}
		if a.SelectedOption != "" {
			act["type"] = firstNonEmpty(a.Type, "static_select")
			act["selected_option"] = map[string]any{"text": map[string]any{"type": "plain_text", "text": a.SelectedOption, "emoji": true}, "value": a.SelectedOption}
		} else {
			act["type"] = firstNonEmpty(a.Type, "button")
			act["value"] = a.Value
			act["text"] = map[string]any{"type": "plain_text", "text": firstNonEmpty(a.Value, a.ActionID), "emoji": true}
		}
		actions = append(actions, act)
	}
	payload["actions"] = actions
	if ba.State != nil {
		payload["state"] = map[string]any{"values": ba.State}
	}
	if ba.ViewID != "" {
		payload["container"] = map[string]any{"type": "view", "view_id": ba.ViewID}
		if v := s.views[ba.ViewID]; v != nil {
			view := s.viewJSON(v)
			if ba.State != nil {
				view["state"] = map[string]any{"values": ba.State}
			}
			payload["view"] = view
		}
	} else {
		payload["channel"] = map[string]any{"id": ba.ChannelID, "name": ba.ChannelName}
		container := map[string]any{"type": "message", "message_ts": ba.MessageTS, "channel_id": ba.ChannelID, "is_ephemeral": false}
		msg := map[string]any{"type": "message", "ts": ba.MessageTS}
		if m := s.findMessageLocked(s.resolveChannelLocked(ba.ChannelID), ba.MessageTS); m != nil {
			msg = s.messageJSON(m)
			if m.ThreadTS != "" {
				container["thread_ts"] = m.ThreadTS
			}
		}
		payload["container"] = container
		payload["message"] = msg
		ba.ResponseURL = s.responseURLLocked(ba.ResponseURL, &responseURL{
			kind: "action", channel: ba.ChannelID, user: ba.UserID, messageTS: ba.MessageTS,
		})
		payload["response_url"] = ba.ResponseURL
	}
	s.mu.Unlock()
	raw, _ := json.Marshal(payload)
	return s.sendEnvelope(&Envelope{Type: "interactive", Payload: raw, AcceptsResponsePayload: false}, opts)
}

// SendViewSubmission delivers an interactive view_submission envelope and returns its envelope id.
func (s *Server) SendViewSubmission(vs ViewSubmission, opts ...EnvelopeOption) string {
	vs.UserID = firstNonEmpty(vs.UserID, DefaultUserID)
	vs.UserName = firstNonEmpty(vs.UserName, DefaultUserName)
	vs.TeamID = firstNonEmpty(vs.TeamID, s.cfg.teamID)

	s.mu.Lock()
	vs.TriggerID = s.triggerLocked(vs.TriggerID, vs.UserID)
	var view map[string]any
	if v := s.views[vs.ViewID]; v != nil {
		view = s.viewJSON(v)
	} else {
		view = map[string]any{
			"id": firstNonEmpty(vs.ViewID, s.newID("V")), "team_id": vs.TeamID, "type": "modal",
			"blocks": []any{}, "app_id": s.cfg.appID, "bot_id": s.cfg.botID,
			"hash":        firstNonEmpty(vs.Hash, s.seqDigits()+"."+randHex(4)),
			"callback_id": "", "private_metadata": "", "external_id": "",
		}
		view["root_view_id"] = view["id"]
	}
	s.mu.Unlock()
	if vs.CallbackID != "" {
		view["callback_id"] = vs.CallbackID
	}
	if vs.PrivateMetadata != "" {
		view["private_metadata"] = vs.PrivateMetadata
	}
	if vs.Hash != "" {
		view["hash"] = vs.Hash
	}
	values := vs.Values
	if values == nil {
		values = map[string]map[string]StateValue{}
	}
	view["state"] = map[string]any{"values": values}
	payload := map[string]any{
		"type":  "view_submission",
		"token": VerificationToken, "api_app_id": s.cfg.appID, "trigger_id": vs.TriggerID,
		"user":                  map[string]any{"id": vs.UserID, "username": vs.UserName, "name": vs.UserName, "team_id": vs.TeamID},
		"team":                  map[string]any{"id": vs.TeamID, "domain": s.teamDomain()},
		"enterprise":            nil,
		"is_enterprise_install": false,
		"view":                  view,
		"response_urls":         []any{},
	}
	raw, _ := json.Marshal(payload)
	return s.sendEnvelope(&Envelope{Type: "interactive", Payload: raw, AcceptsResponsePayload: true}, opts)
}

// triggerLocked returns id (registering it) or a fresh trigger id for user.
func (s *Server) triggerLocked(id, user string) string {
	if id == "" {
		return s.newTriggerIDLocked(user)
	}
	s.registerTriggerLocked(id, user)
	return id
}

// knowChannelLocked registers a channel seen in a payload for conversations.info.
func (s *Server) knowChannelLocked(id, name string) {
	if _, ok := s.channels[id]; ok || id == "" {
		return
	}
	ch := Channel{ID: id, Name: name}
	switch {
	case strings.HasPrefix(id, "D"):
		ch.IsIM = true
	case strings.HasPrefix(id, "G"):
		ch.IsPrivate = true
	}
	s.channels[id] = ch
}
