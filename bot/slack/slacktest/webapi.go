package slacktest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// tokenKind says which tokens a Web API method accepts.
type tokenKind int

const (
	botTokenOnly tokenKind = iota
	appTokenOnly
	anyToken
)

// apiRequest is a decoded Web API request.
type apiRequest struct {
	client      string // the client that called (APIURLAs), "" by default
	method      string
	params      map[string]string
	token       string
	tokenHeader bool
	json        bool
}

// apiError is a Slack error answer: {"ok":false,"error":code}.
type apiError string

func (e apiError) Error() string { return string(e) }

type methodFunc func(s *Server, r *apiRequest) (map[string]any, error)

type methodSpec struct {
	tokens tokenKind
	fn     methodFunc
}

var methods map[string]methodSpec

func init() {
	methods = map[string]methodSpec{
		"api.test":              {anyToken, func(*Server, *apiRequest) (map[string]any, error) { return nil, nil }},
		"auth.test":             {anyToken, (*Server).authTest},
		"apps.connections.open": {appTokenOnly, (*Server).appsConnectionsOpen},
		"chat.postMessage":      {botTokenOnly, (*Server).chatPostMessage},
		"chat.update":           {botTokenOnly, (*Server).chatUpdate},
		"chat.delete":           {botTokenOnly, (*Server).chatDelete},
		"chat.postEphemeral":    {botTokenOnly, (*Server).chatPostEphemeral},
		"chat.getPermalink":     {botTokenOnly, (*Server).chatGetPermalink},
		"views.open":            {botTokenOnly, (*Server).viewsOpen},
		"views.push":            {botTokenOnly, (*Server).viewsOpen},
		"views.update":          {botTokenOnly, (*Server).viewsUpdate},
		"views.publish":         {botTokenOnly, (*Server).viewsPublish},
		"users.lookupByEmail":   {botTokenOnly, (*Server).usersLookupByEmail},
		"users.info":            {botTokenOnly, (*Server).usersInfo},
		"usergroups.users.list": {botTokenOnly, (*Server).usergroupsUsersList},
		"conversations.info":    {botTokenOnly, (*Server).conversationsInfo},
		"conversations.list":    {botTokenOnly, (*Server).conversationsList},
		"conversations.members": {botTokenOnly, (*Server).conversationsMembers},
		"conversations.history": {botTokenOnly, (*Server).conversationsHistory},
		"conversations.replies": {botTokenOnly, (*Server).conversationsReplies},
	}
}

func (s *Server) handleAPI(w http.ResponseWriter, r *http.Request) {
	req, perr := parseAPIRequest(r)
	req.client, req.method = clientOf(r.URL.Path)

	s.mu.Lock()
	status, header, body, code := s.serveAPILocked(req, perr)
	s.calls = append(s.calls, Call{
		Method: req.method, Params: req.params, Token: req.token, JSON: req.json,
		Status: status, Error: code, Time: time.Now(), Client: req.client,
	})
	s.notifyLocked()
	s.mu.Unlock()

	s.logf("%s -> %d %s", req.method, status, code)
	for k, v := range header {
		w.Header().Set(k, v)
	}
	if b, ok := body.([]byte); ok {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(status)
		_, _ = w.Write(b)
		return
	}
	writeJSON(w, status, body)
}

// serveAPILocked answers one request: status, extra headers, body and the Slack error code.
func (s *Server) serveAPILocked(req *apiRequest, perr error) (int, map[string]string, any, string) {
	fail := func(code string) (int, map[string]string, any, string) {
		return http.StatusOK, nil, map[string]any{"ok": false, "error": code}, code
	}
	spec, ok := methods[req.method]
	if !ok {
		return fail("unknown_method")
	}
	if perr != nil {
		return fail(perr.Error())
	}
	if code := s.checkAuth(req, spec.tokens); code != "" {
		return fail(code)
	}
	if f, ok := s.takeFaultLocked(req.method); ok {
		return f.answer()
	}
	if wait, limited := s.rateLimitLocked(req.method, s.resolveChannelLocked(req.params["channel"])); limited {
		return rateLimitedAnswer(wait)
	}
	res, err := spec.fn(s, req)
	if err != nil {
		var ae apiError
		if errors.As(err, &ae) {
			return fail(string(ae))
		}
		return fail("internal_error")
	}
	if res == nil {
		res = map[string]any{}
	}
	res["ok"] = true
	return http.StatusOK, nil, res, ""
}

// rateLimitedAnswer is Slack's 429: Retry-After in whole seconds and error "ratelimited".
func rateLimitedAnswer(wait time.Duration) (int, map[string]string, any, string) {
	secs := int64(math.Ceil(wait.Seconds()))
	if secs < 0 {
		secs = 0
	}
	return http.StatusTooManyRequests,
		map[string]string{"Retry-After": strconv.FormatInt(secs, 10)},
		map[string]any{"ok": false, "error": "ratelimited"}, "ratelimited"
}

func (s *Server) checkAuth(req *apiRequest, kind tokenKind) string {
	if req.token == "" {
		return "not_authed"
	}
	isBot := req.token == s.cfg.botToken
	isApp := req.token == s.cfg.appToken
	switch {
	case !isBot && !isApp:
		return "invalid_auth"
	case kind == botTokenOnly && !isBot, kind == appTokenOnly && !isApp:
		return "not_allowed_token_type"
	case kind == appTokenOnly && !req.tokenHeader:
		// Slack only takes the app-level token from the Authorization header here.
		return "not_authed"
	}
	return ""
}

func parseAPIRequest(r *http.Request) (*apiRequest, error) {
	req := &apiRequest{params: map[string]string{}}
	var perr error
	ct := r.Header.Get("Content-Type")
	if strings.HasPrefix(ct, "application/json") {
		req.json = true
		body, _ := io.ReadAll(io.LimitReader(r.Body, 16<<20))
		body = bytes.TrimSpace(body)
		if len(body) > 0 && string(body) != "null" {
			var m map[string]json.RawMessage
			if err := json.Unmarshal(body, &m); err != nil {
				perr = apiError("invalid_json")
			}
			for k, v := range m {
				var str string
				if json.Unmarshal(v, &str) == nil {
					req.params[k] = str
				} else {
					req.params[k] = string(v)
				}
			}
		}
		for k, v := range r.URL.Query() {
			if _, ok := req.params[k]; !ok && len(v) > 0 {
				req.params[k] = v[0]
			}
		}
	} else {
		var err error
		if strings.HasPrefix(ct, "multipart/form-data") {
			err = r.ParseMultipartForm(32 << 20)
		} else {
			err = r.ParseForm()
		}
		if err != nil {
			perr = apiError("invalid_form_data")
		}
		for k, v := range r.Form {
			if len(v) > 0 {
				req.params[k] = v[0]
			}
		}
	}
	if auth := r.Header.Get("Authorization"); strings.HasPrefix(auth, "Bearer ") {
		req.token = strings.TrimSpace(strings.TrimPrefix(auth, "Bearer "))
		req.tokenHeader = true
	} else if tok := req.params["token"]; tok != "" {
		req.token = tok
	}
	delete(req.params, "token")
	return req, perr
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(fmt.Sprintf(`{"ok":false,"error":%q}`, err.Error()))
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func (s *Server) authTest(_ *apiRequest) (map[string]any, error) {
	return map[string]any{
		"url":                   "https://" + s.teamDomain() + ".slack.com/",
		"team":                  s.cfg.teamName,
		"user":                  s.cfg.botName,
		"team_id":               s.cfg.teamID,
		"user_id":               s.cfg.botUserID,
		"bot_id":                s.cfg.botID,
		"is_enterprise_install": false,
	}, nil
}

func (s *Server) appsConnectionsOpen(req *apiRequest) (map[string]any, error) {
	if s.closed {
		return nil, apiError("internal_error")
	}
	ticket := randHex(16)
	s.tickets[ticket] = true
	s.ticketClients[ticket] = req.client
	host := strings.TrimPrefix(s.hs.URL, "http://")
	return map[string]any{
		"url": "ws://" + host + "/link/?ticket=" + ticket + "&app_id=" + s.cfg.appID,
	}, nil
}
