package slacktest

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// wsConn is one socket-mode websocket connection.
type wsConn struct {
	id        int
	client    string // who opened it (APIURLAs), "" by default
	c         *websocket.Conn
	wmu       sync.Mutex
	closeOnce sync.Once
	done      chan struct{}
}

func (w *wsConn) writeText(b []byte) error {
	w.wmu.Lock()
	defer w.wmu.Unlock()
	_ = w.c.SetWriteDeadline(time.Now().Add(5 * time.Second))
	return w.c.WriteMessage(websocket.TextMessage, b)
}

// close closes the socket without a close frame (an abrupt drop).
func (w *wsConn) close() {
	w.closeOnce.Do(func() {
		close(w.done)
		_ = w.c.Close()
	})
}

var upgrader = websocket.Upgrader{
	// slack-go sends Origin: https://api.slack.com, which is not our host.
	CheckOrigin: func(*http.Request) bool { return true },
}

func (s *Server) handleSocket(w http.ResponseWriter, r *http.Request) {
	ticket := r.URL.Query().Get("ticket")
	s.mu.Lock()
	ok := s.tickets[ticket]
	client := s.ticketClients[ticket]
	delete(s.tickets, ticket) // tickets are single use
	delete(s.ticketClients, ticket)
	closed := s.closed
	s.mu.Unlock()
	if !ok || closed {
		http.Error(w, "invalid or used ticket", http.StatusUnauthorized)
		return
	}
	conn, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		s.logf("websocket upgrade: %v", err)
		return
	}
	wc := &wsConn{c: conn, client: client, done: make(chan struct{})}

	s.deliverMu.Lock()
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		s.deliverMu.Unlock()
		wc.close()
		return
	}
	s.connects++
	wc.id = s.connects
	s.allConns = append(s.allConns, wc)
	hello, _ := json.Marshal(map[string]any{
		"type":            "hello",
		"num_connections": len(s.conns) + 1,
		"debug_info": map[string]any{
			"host":                        "applink-slacktest-" + strconv.Itoa(wc.id),
			"build_number":                1,
			"approximate_connection_time": 18060,
		},
		"connection_info": map[string]any{"app_id": s.cfg.appID},
	})
	s.mu.Unlock()
	if err := wc.writeText(hello); err != nil {
		s.deliverMu.Unlock()
		wc.close()
		return
	}
	s.mu.Lock()
	s.conns = append(s.conns, wc)
	queued := s.queue
	s.queue = nil
	s.notifyLocked()
	s.mu.Unlock()
	s.logf("socket %d connected, delivering %d queued envelopes", wc.id, len(queued))
	for i, env := range queued {
		if err := s.writeEnvelope(wc, env); err != nil {
			s.mu.Lock()
			s.queue = append(slices.Clone(queued[i:]), s.queue...)
			s.mu.Unlock()
			break
		}
	}
	s.deliverMu.Unlock()

	conn.SetPongHandler(func(string) error {
		s.mu.Lock()
		s.pongs++
		s.notifyLocked()
		s.mu.Unlock()
		return nil
	})
	go s.pingLoop(wc)
	s.readLoop(wc)
}

// pingLoop sends websocket pings, which slack-go requires to consider the link alive.
func (s *Server) pingLoop(wc *wsConn) {
	t := time.NewTicker(s.cfg.pingInterval)
	defer t.Stop()
	for n := 0; ; n++ {
		if err := wc.c.WriteControl(websocket.PingMessage, []byte(strconv.Itoa(n)), time.Now().Add(5*time.Second)); err != nil {
			return
		}
		select {
		case <-wc.done:
			return
		case <-t.C:
		}
	}
}

// readLoop records acks until the socket fails.
func (s *Server) readLoop(wc *wsConn) {
	defer func() {
		s.mu.Lock()
		s.conns = slices.DeleteFunc(s.conns, func(c *wsConn) bool { return c == wc })
		s.notifyLocked()
		s.mu.Unlock()
		wc.close()
		s.logf("socket %d closed", wc.id)
	}()
	for {
		_, data, err := wc.c.ReadMessage()
		if err != nil {
			return
		}
		at := time.Now()
		var msg struct {
			EnvelopeID string          `json:"envelope_id"`
			Payload    json.RawMessage `json:"payload"`
		}
		if err := json.Unmarshal(data, &msg); err != nil || msg.EnvelopeID == "" {
			s.logf("socket %d: ignoring non-ack message %s", wc.id, data)
			continue
		}
		s.recordAck(wc.id, msg.EnvelopeID, msg.Payload, at)
	}
}

// writeEnvelope sends env over wc; s.deliverMu must be held.
func (s *Server) writeEnvelope(wc *wsConn, env *Envelope) error {
	b, _ := json.Marshal(struct {
		EnvelopeID             string          `json:"envelope_id"`
		Type                   string          `json:"type"`
		Payload                json.RawMessage `json:"payload"`
		AcceptsResponsePayload bool            `json:"accepts_response_payload"`
		RetryAttempt           int             `json:"retry_attempt"`
		RetryReason            string          `json:"retry_reason"`
	}{env.ID, env.Type, env.Payload, env.AcceptsResponsePayload, env.RetryAttempt, env.RetryReason})
	s.mu.Lock()
	sentAt := time.Now()
	env.SentAt = sentAt
	env.ConnID, env.Client = wc.id, wc.client
	s.mu.Unlock()
	if err := wc.writeText(b); err != nil {
		return err
	}
	s.mu.Lock()
	env.Deliveries++
	s.notifyLocked()
	s.mu.Unlock()
	return nil
}

// deliver sends env on a live connection, or queues it until the next connect.
func (s *Server) deliver(env *Envelope) {
	s.deliverMu.Lock()
	defer s.deliverMu.Unlock()
	for {
		s.mu.Lock()
		if len(s.conns) == 0 || s.closed {
			s.queue = append(s.queue, env)
			s.notifyLocked()
			s.mu.Unlock()
			return
		}
		s.rr++
		wc := s.pickLocked(env)
		s.mu.Unlock()
		if err := s.writeEnvelope(wc, env); err == nil {
			return
		}
		s.mu.Lock()
		s.conns = slices.DeleteFunc(s.conns, func(c *wsConn) bool { return c == wc })
		s.mu.Unlock()
		wc.close()
	}
}

// Disconnect sends Slack's disconnect message (reason "refresh_requested" if
// empty) to every live connection; slack-go then reconnects through
// apps.connections.open. Envelopes sent meanwhile wait for the new connection.
// The old socket is closed after the disconnect grace period. It returns how
// many connections were told.
func (s *Server) Disconnect(reason string) int {
	if reason == "" {
		reason = "refresh_requested"
	}
	s.deliverMu.Lock()
	defer s.deliverMu.Unlock()
	targets := s.takeConns()
	for _, wc := range targets {
		msg, _ := json.Marshal(map[string]any{
			"type":   "disconnect",
			"reason": reason,
			"debug_info": map[string]any{
				"host": "applink-slacktest-" + strconv.Itoa(wc.id),
			},
		})
		if err := wc.writeText(msg); err != nil {
			wc.close()
			continue
		}
		time.AfterFunc(s.cfg.disconnectGrace, wc.close)
	}
	return len(targets)
}

// takeConns detaches the live connections and returns them: envelopes sent
// from now on wait for a new connection. The caller holds s.deliverMu.
func (s *Server) takeConns() []*wsConn {
	s.mu.Lock()
	defer s.mu.Unlock()
	targets := s.conns
	s.conns = nil
	s.notifyLocked()
	return targets
}

// DropConnection closes every live socket abruptly (no close frame) and returns how many it closed.
func (s *Server) DropConnection() int {
	s.deliverMu.Lock()
	defer s.deliverMu.Unlock()
	targets := s.takeConns()
	for _, wc := range targets {
		wc.close()
	}
	return len(targets)
}

// Connections returns how many websocket connections were ever established.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.connects
}

// Pongs returns how many pongs clients sent in answer to the server's pings.
func (s *Server) Pongs() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pongs
}

// ActiveConnections returns how many connections can receive envelopes right now.
func (s *Server) ActiveConnections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

// WaitConnected waits until at least n connections were established and one is live.
func (s *Server) WaitConnected(n int, timeout time.Duration) error {
	return s.WaitFor(timeout, func(s *Server) bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.connects >= n && len(s.conns) > 0
	})
}
