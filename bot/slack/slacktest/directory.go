package slacktest

import (
	"strings"
)

func (s *Server) userJSON(u User) map[string]any {
	name := u.Name
	if name == "" {
		name = strings.ToLower(u.ID)
	}
	tz := u.TZ
	if tz == "" {
		tz = "UTC"
	}
	return map[string]any{
		"id": u.ID, "team_id": s.cfg.teamID, "name": name, "deleted": u.Deleted,
		"real_name": u.RealName, "tz": tz, "is_bot": u.IsBot, "is_app_user": false,
		"profile": map[string]any{
			"email": u.Email, "real_name": u.RealName, "real_name_normalized": u.RealName,
			"display_name": name, "display_name_normalized": name, "team": s.cfg.teamID,
		},
	}
}

func (s *Server) usersLookupByEmail(r *apiRequest) (map[string]any, error) {
	email := strings.ToLower(r.params["email"])
	if email == "" {
		return nil, apiError("invalid_arguments")
	}
	for _, u := range s.users {
		if strings.ToLower(u.Email) == email {
			return map[string]any{"user": s.userJSON(u)}, nil
		}
	}
	return nil, apiError("users_not_found")
}

func (s *Server) usersInfo(r *apiRequest) (map[string]any, error) {
	u, ok := s.users[r.params["user"]]
	if !ok {
		return nil, apiError("user_not_found")
	}
	return map[string]any{"user": s.userJSON(u)}, nil
}

func (s *Server) usergroupsUsersList(r *apiRequest) (map[string]any, error) {
	members, ok := s.groups[r.params["usergroup"]]
	if !ok {
		return nil, apiError("no_such_subteam")
	}
	return map[string]any{"users": append([]string{}, members...)}, nil
}

func (s *Server) conversationsInfo(r *apiRequest) (map[string]any, error) {
	id := s.resolveChannelLocked(r.params["channel"])
	ch, ok := s.channels[id]
	if !ok {
		if strings.HasPrefix(id, "D") {
			ch = Channel{ID: id, IsIM: true, User: "U" + id[1:]}
		} else {
			return nil, apiError("channel_not_found")
		}
	}
	out := s.channelObject(ch)
	if r.params["include_num_members"] == "true" {
		out["num_members"] = len(ch.Members)
	}
	return map[string]any{"channel": out}, nil
}
