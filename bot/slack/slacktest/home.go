package slacktest

import (
	"encoding/json"
	"time"
)

// The App Home: views.publish stores a user's Home tab view (one per user,
// replaced by each publish), and SendAppHomeOpened delivers the
// app_home_opened event a user's opening of the tab sends.

// viewsPublish answers views.publish: the view must be of type "home".
func (s *Server) viewsPublish(r *apiRequest) (map[string]any, error) {
	obj, err := viewParam(r.params)
	if err != nil {
		return nil, err
	}
	user := r.params["user_id"]
	if user == "" {
		return nil, apiError("invalid_arguments")
	}
	if obj["type"] != "home" {
		return nil, apiError("invalid_arguments")
	}
	if blocks, _ := obj["blocks"].([]any); len(blocks) > 100 {
		return nil, apiError("invalid_blocks")
	}
	id, ok := s.homes[user]
	v := s.views[id]
	if h := r.params["hash"]; ok && h != "" && h != v.Hash {
		return nil, apiError("hash_conflict")
	}
	if !ok {
		v = &View{ID: s.newID("V"), User: user, OpenedAt: time.Now()}
		s.views[v.ID] = v
		s.viewOrder = append(s.viewOrder, v.ID)
		s.homes[user] = v.ID
	} else {
		v.Updates++
	}
	s.setViewLocked(v, obj)
	s.publishes[user]++
	return map[string]any{"view": s.viewJSON(v)}, nil
}

// HomeView is the Home tab view last published for user.
func (s *Server) HomeView(user string) (View, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.homes[user]
	if !ok {
		return View{}, false
	}
	return *s.views[id], true
}

// Publishes counts the views.publish calls that stored a Home for user.
func (s *Server) Publishes(user string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.publishes[user]
}

// SendAppHomeOpened delivers an events_api envelope with the app_home_opened
// event of user opening the Home tab (tab "home"), and returns its envelope id.
func (s *Server) SendAppHomeOpened(user string, opts ...EnvelopeOption) string {
	s.mu.Lock()
	eventID := s.newID("Ev")
	var view any
	if id, ok := s.homes[user]; ok {
		view = s.viewJSON(s.views[id])
	}
	s.mu.Unlock()
	ts := s.actionTS()
	event := map[string]any{"type": "app_home_opened", "user": user, "channel": "D" + user[1:], "tab": "home", "event_ts": ts}
	if view != nil {
		event["view"] = view
	}
	payload := map[string]any{
		"token": VerificationToken, "team_id": s.cfg.teamID, "api_app_id": s.cfg.appID,
		"event": event, "type": "event_callback", "event_id": eventID, "event_time": time.Now().Unix(),
	}
	raw, _ := json.Marshal(payload)
	return s.sendEnvelope(&Envelope{Type: "events_api", Payload: raw}, opts)
}
