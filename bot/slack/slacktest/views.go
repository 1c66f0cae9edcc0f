package slacktest

import (
	"encoding/json"
	"time"
)

// trigger is a trigger_id handed out in a payload; Slack lets it open one view.
type trigger struct {
	user   string
	issued time.Time
	used   bool
}

func (s *Server) newTriggerIDLocked(user string) string {
	id := s.seqDigits() + "." + s.seqDigits() + "." + randHex(16)
	s.triggers[id] = &trigger{user: user, issued: time.Now()}
	return id
}

func (s *Server) registerTriggerLocked(id, user string) {
	if _, ok := s.triggers[id]; !ok {
		s.triggers[id] = &trigger{user: user, issued: time.Now()}
	}
}

func (s *Server) seqDigits() string {
	return time.Now().Format("150405") + s.newID("")[2:]
}

// takeTriggerLocked consumes trigger id, answering Slack's errors for bad ones.
func (s *Server) takeTriggerLocked(id string) (*trigger, error) {
	if id == "" {
		return nil, apiError("invalid_arguments")
	}
	t, ok := s.triggers[id]
	switch {
	case !ok:
		return nil, apiError("invalid_trigger_id")
	case t.used:
		return nil, apiError("trigger_exchanged")
	case s.cfg.triggerTTL > 0 && time.Since(t.issued) > s.cfg.triggerTTL:
		return nil, apiError("expired_trigger_id")
	}
	t.used = true
	return t, nil
}

// viewParam decodes the view param into a JSON object.
func viewParam(p map[string]string) (map[string]any, error) {
	var v map[string]any
	if err := json.Unmarshal([]byte(p["view"]), &v); err != nil || v == nil {
		return nil, apiError("invalid_arguments")
	}
	if _, ok := v["type"].(string); !ok {
		return nil, apiError("invalid_arguments")
	}
	return v, nil
}

func (s *Server) viewsOpen(r *apiRequest) (map[string]any, error) {
	obj, err := viewParam(r.params)
	if err != nil {
		return nil, err
	}
	t, err := s.takeTriggerLocked(r.params["trigger_id"])
	if err != nil {
		return nil, err
	}
	v := &View{
		ID:        s.newID("V"),
		TriggerID: r.params["trigger_id"],
		User:      t.user,
		OpenedAt:  time.Now(),
	}
	s.setViewLocked(v, obj)
	s.views[v.ID] = v
	s.viewOrder = append(s.viewOrder, v.ID)
	return map[string]any{"view": s.viewJSON(v)}, nil
}

func (s *Server) viewsUpdate(r *apiRequest) (map[string]any, error) {
	obj, err := viewParam(r.params)
	if err != nil {
		return nil, err
	}
	var v *View
	if id := r.params["view_id"]; id != "" {
		v = s.views[id]
	} else if ext := r.params["external_id"]; ext != "" {
		for _, cand := range s.views {
			if cand.ExternalID == ext {
				v = cand
			}
		}
	} else {
		return nil, apiError("invalid_arguments")
	}
	if v == nil {
		return nil, apiError("not_found")
	}
	if h := r.params["hash"]; h != "" && h != v.Hash {
		return nil, apiError("hash_conflict")
	}
	s.setViewLocked(v, obj)
	v.Updates++
	return map[string]any{"view": s.viewJSON(v)}, nil
}

// setViewLocked stores obj as v's content and gives it a fresh hash.
func (s *Server) setViewLocked(v *View, obj map[string]any) {
	raw, _ := json.Marshal(obj)
	v.JSON = raw
	v.Hash = s.seqDigits() + "." + randHex(4)
	v.CallbackID, _ = obj["callback_id"].(string)
	v.PrivateMetadata, _ = obj["private_metadata"].(string)
	if ext, ok := obj["external_id"].(string); ok {
		v.ExternalID = ext
	}
	v.Title = ""
	if title, ok := obj["title"].(map[string]any); ok {
		v.Title, _ = title["text"].(string)
	}
}

// viewJSON renders v as the view object Slack returns and puts in payloads.
func (s *Server) viewJSON(v *View) map[string]any {
	out := map[string]any{}
	_ = json.Unmarshal(v.JSON, &out)
	out["id"] = v.ID
	out["team_id"] = s.cfg.teamID
	out["app_id"] = s.cfg.appID
	out["bot_id"] = s.cfg.botID
	out["app_installed_team_id"] = s.cfg.teamID
	out["hash"] = v.Hash
	out["root_view_id"] = v.ID
	out["previous_view_id"] = nil
	out["callback_id"] = v.CallbackID
	out["private_metadata"] = v.PrivateMetadata
	out["external_id"] = v.ExternalID
	out["state"] = map[string]any{"values": map[string]any{}}
	if _, ok := out["blocks"]; !ok {
		out["blocks"] = []any{}
	}
	return out
}
