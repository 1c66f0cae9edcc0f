package slacktest

import (
	"fmt"
	"strings"
)

// Several clients of one app. Slack spreads an app's envelopes over its
// socket-mode connections (up to 10), as several replicas of one bot have;
// a client that calls through APIURLAs(name) is known by that name: its
// calls (Call.Client) and its connections are told apart, and envelopes can
// be sent to it (ToClient) or away from it (AvoidClient, ReplayElsewhere).

// APIURLAs is the Web API base URL for the client name: the same API as
// APIURL, whose calls and socket connections are recorded as name's.
func (s *Server) APIURLAs(name string) string { return s.hs.URL + "/as/" + name + "/api/" }

// clientOf splits a request path into its client ("" for /api/) and method.
func clientOf(path string) (client, method string) {
	if rest, ok := strings.CutPrefix(path, "/as/"); ok {
		client, method, _ = strings.Cut(rest, "/api/")
		return client, method
	}
	return "", strings.TrimPrefix(path, "/api/")
}

// ToClient sends the envelope to a live connection of the client name (to
// another when it has none).
func ToClient(name string) EnvelopeOption { return func(e *Envelope) { e.toClient = name } }

// AvoidClient sends the envelope to a live connection of another client than
// name when there is one.
func AvoidClient(name string) EnvelopeOption { return func(e *Envelope) { e.avoidClient = name } }

// pickLocked chooses the connection for env among the live ones (s.conns not
// empty), round robin among those its options allow.
func (s *Server) pickLocked(env *Envelope) *wsConn {
	var fit []*wsConn
	for _, c := range s.conns {
		if (env.toClient == "" || c.client == env.toClient) && (env.avoidClient == "" || c.client != env.avoidClient) {
			fit = append(fit, c)
		}
	}
	if len(fit) == 0 {
		fit = s.conns
	}
	return fit[s.rr%len(fit)]
}

// ReplayElsewhere replays an envelope (see Replay) to a connection of another
// client than the one it was last delivered to, as Slack may redeliver an
// envelope to another connection of the app. It returns the new envelope id.
func (s *Server) ReplayElsewhere(envelopeID string, opts ...EnvelopeOption) (string, error) {
	s.mu.Lock()
	env, ok := s.envelopes[envelopeID]
	client := ""
	if ok {
		client = env.Client
	}
	s.mu.Unlock()
	if !ok {
		return "", fmt.Errorf("slacktest: no envelope %q", envelopeID)
	}
	return s.Replay(envelopeID, append([]EnvelopeOption{AvoidClient(client)}, opts...)...)
}

// ClientCalls returns the calls of method (every method when empty) made by client name.
func (s *Server) ClientCalls(name, method string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if c.Client == name && (method == "" || c.Method == method) {
			out = append(out, c)
		}
	}
	return out
}

// ClientConnected reports whether client name has a live connection.
func (s *Server) ClientConnected(name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.conns {
		if c.client == name {
			return true
		}
	}
	return false
}
