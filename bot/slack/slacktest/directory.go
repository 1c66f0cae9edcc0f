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

// conversationsMembers lists a conversation's members a page at a time
// (conversations.members). Like Slack, it wants a conversation ID, not a #name.
func (s *Server) conversationsMembers(r *apiRequest) (map[string]any, error) {
	ch, ok := s.channels[r.params["channel"]]
	if !ok {
		return nil, apiError("channel_not_found")
	}
	limit, from, err := page(r.params, 100, 1000)
	if err != nil {
		return nil, err
	}
	members := ch.Members
	if ch.IsIM {
		members = []string{ch.User, s.cfg.botUserID}
	}
	page, next := paginate(members, from, limit)
	return map[string]any{"members": append([]string{}, page...), "response_metadata": map[string]any{"next_cursor": next}}, nil
}

// SetChannelMembers sets a conversation's members at run time, for
// conversations.members. channel is an ID or a "#name"; an unknown name is
// created as a post to it would be, so seeding the incident channel before the
// bot first posts there is the same channel.
func (s *Server) SetChannelMembers(channel string, members ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.channelForPostLocked(channel)
	ch, ok := s.channels[id]
	if !ok {
		ch = Channel{ID: id}
	}
	ch.Members = append([]string(nil), members...)
	s.channels[id] = ch
}
