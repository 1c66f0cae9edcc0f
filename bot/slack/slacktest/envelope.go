package slacktest

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// Envelope is a socket-mode envelope the server sent or queued.
type Envelope struct {
	ID                     string
	Type                   string // slash_commands, interactive, events_api, ...
	Payload                json.RawMessage
	AcceptsResponsePayload bool
	RetryAttempt           int
	RetryReason            string
	CreatedAt              time.Time
	SentAt                 time.Time // last delivery attempt; zero while queued
	Deliveries             int       // successful writes to a socket
	ConnID                 int       // connection of the last delivery
	Client                 string    // client of that connection (APIURLAs)

	toClient, avoidClient string // where it should go (ToClient, AvoidClient)

	responseURL string // for applying slash-command ack payloads
}

// Ack is an acknowledgement the client sent back over the socket.
type Ack struct {
	EnvelopeID string
	Type       string          // the acked envelope's type ("" if unknown)
	Payload    json.RawMessage // optional response payload
	SentAt     time.Time       // when the envelope was written to the socket
	At         time.Time       // when the ack was read
	Latency    time.Duration   // At - SentAt
	Known      bool            // the envelope id was one the server sent
	ConnID     int
}

// EnvelopeOption adjusts an envelope before it is sent.
type EnvelopeOption func(*Envelope)

// WithEnvelopeID fixes the envelope id instead of generating one.
func WithEnvelopeID(id string) EnvelopeOption { return func(e *Envelope) { e.ID = id } }

// WithRetry marks the envelope as a redelivery (retry_attempt, retry_reason).
func WithRetry(attempt int, reason string) EnvelopeOption {
	return func(e *Envelope) { e.RetryAttempt, e.RetryReason = attempt, reason }
}

// WithAcceptsResponsePayload sets accepts_response_payload.
func WithAcceptsResponsePayload(b bool) EnvelopeOption {
	return func(e *Envelope) { e.AcceptsResponsePayload = b }
}

// newEnvelopeID returns a UUID-shaped id like Slack's.
func newEnvelopeID() string {
	h := randHex(16)
	return h[0:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:32]
}

// SendEnvelope sends a raw envelope of type typ (payload is marshalled unless
// it is json.RawMessage or []byte) and returns its id. With no live
// connection it is queued and delivered on the next connect.
func (s *Server) SendEnvelope(typ string, payload any, opts ...EnvelopeOption) string {
	var raw json.RawMessage
	switch p := payload.(type) {
	case json.RawMessage:
		raw = p
	case []byte:
		raw = p
	default:
		b, err := json.Marshal(p)
		if err != nil {
			panic(fmt.Sprintf("slacktest: marshal %s payload: %v", typ, err))
		}
		raw = b
	}
	return s.sendEnvelope(&Envelope{Type: typ, Payload: raw, AcceptsResponsePayload: typ != "events_api"}, opts)
}

func (s *Server) sendEnvelope(env *Envelope, opts []EnvelopeOption) string {
	for _, o := range opts {
		o(env)
	}
	if env.ID == "" {
		env.ID = newEnvelopeID()
	}
	env.CreatedAt = time.Now()
	s.mu.Lock()
	if _, seen := s.envelopes[env.ID]; !seen {
		s.envOrder = append(s.envOrder, env.ID)
	}
	s.envelopes[env.ID] = env
	s.mu.Unlock()
	s.deliver(env)
	return env.ID
}

// Replay resends an already sent envelope with a new id and retry_attempt+1
// (reason "timeout" unless opts say otherwise), as Slack redelivers after a
// reconnect or a missing ack. It returns the new envelope id.
func (s *Server) Replay(envelopeID string, opts ...EnvelopeOption) (string, error) {
	s.mu.Lock()
	old, ok := s.envelopes[envelopeID]
	var env Envelope
	if ok {
		env = Envelope{
			Type: old.Type, Payload: old.Payload, AcceptsResponsePayload: old.AcceptsResponsePayload,
			RetryAttempt: old.RetryAttempt + 1, RetryReason: "timeout", responseURL: old.responseURL,
		}
	}
	s.mu.Unlock()
	if !ok {
		return "", fmt.Errorf("slacktest: no envelope %q", envelopeID)
	}
	return s.sendEnvelope(&env, opts), nil
}

// RedeliverUnacked replays (see Replay) every envelope that was written to a
// socket but never acked, as Slack does after a connection is lost, and returns
// the new envelope ids.
func (s *Server) RedeliverUnacked(opts ...EnvelopeOption) []string {
	var ids []string
	s.mu.Lock()
	for _, id := range s.envOrder {
		if _, acked := s.firstAck[id]; !acked && s.envelopes[id].Deliveries > 0 {
			ids = append(ids, id)
		}
	}
	s.mu.Unlock()
	var out []string
	for _, id := range ids {
		if nid, err := s.Replay(id, opts...); err == nil {
			out = append(out, nid)
		}
	}
	return out
}

// Envelope returns the envelope with the given id.
func (s *Server) Envelope(id string) (Envelope, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.envelopes[id]
	if !ok {
		return Envelope{}, false
	}
	return *e, true
}

// Envelopes returns every envelope sent or queued, in creation order.
func (s *Server) Envelopes() []Envelope {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Envelope, 0, len(s.envOrder))
	for _, id := range s.envOrder {
		out = append(out, *s.envelopes[id])
	}
	return out
}

// Queued returns how many envelopes wait for a connection.
func (s *Server) Queued() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queue)
}

// Unacked returns the ids of envelopes never acknowledged, in creation order.
func (s *Server) Unacked() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, id := range s.envOrder {
		if _, ok := s.firstAck[id]; !ok {
			out = append(out, id)
		}
	}
	return out
}

func (s *Server) recordAck(connID int, id string, payload json.RawMessage, at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := Ack{EnvelopeID: id, Payload: payload, At: at, ConnID: connID}
	if env, ok := s.envelopes[id]; ok {
		a.Known, a.Type, a.SentAt = true, env.Type, env.SentAt
		a.Latency = at.Sub(env.SentAt)
		if _, dup := s.firstAck[id]; !dup {
			s.applyAckPayloadLocked(env, payload)
		}
	}
	if _, ok := s.firstAck[id]; !ok {
		s.firstAck[id] = len(s.acks)
	}
	s.acks = append(s.acks, a)
	s.notifyLocked()
}

// applyAckPayloadLocked gives an ack payload Slack's effect: a slash-command
// response message, or a view_submission response_action "update".
func (s *Server) applyAckPayloadLocked(env *Envelope, payload json.RawMessage) {
	if len(payload) == 0 || string(payload) == "null" {
		return
	}
	switch env.Type {
	case "slash_commands":
		if ru := s.responseURLs[env.responseURL]; ru != nil {
			s.applyResponseLocked(ru, payload, "ack")
		}
	case "interactive":
		var p struct {
			ResponseAction string          `json:"response_action"`
			View           json.RawMessage `json:"view"`
		}
		var in struct {
			View struct {
				ID string `json:"id"`
			} `json:"view"`
		}
		if json.Unmarshal(payload, &p) != nil || p.ResponseAction != "update" {
			return
		}
		_ = json.Unmarshal(env.Payload, &in)
		v := s.views[in.View.ID]
		var obj map[string]any
		if v != nil && json.Unmarshal(p.View, &obj) == nil {
			s.setViewLocked(v, obj)
			v.Updates++
		}
	}
}

// Acks returns every ack received, in arrival order.
func (s *Server) Acks() []Ack {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.acks)
}

// AckFor returns the first ack for envelopeID.
func (s *Server) AckFor(envelopeID string) (Ack, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	i, ok := s.firstAck[envelopeID]
	if !ok {
		return Ack{}, false
	}
	return s.acks[i], true
}

// WaitAck waits up to timeout for the first ack of envelopeID.
func (s *Server) WaitAck(envelopeID string, timeout time.Duration) (Ack, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	return s.WaitAckContext(ctx, envelopeID)
}

// WaitAckContext waits until envelopeID is acked or ctx ends.
func (s *Server) WaitAckContext(ctx context.Context, envelopeID string) (Ack, error) {
	var ack Ack
	err := s.WaitForContext(ctx, func(s *Server) bool {
		var ok bool
		ack, ok = s.AckFor(envelopeID)
		return ok
	})
	if err != nil {
		return Ack{}, fmt.Errorf("slacktest: no ack for envelope %s: %w", envelopeID, err)
	}
	return ack, nil
}
