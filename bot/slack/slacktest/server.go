package slacktest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Identifiers and tokens the server uses unless overridden by an Option.
const (
	DefaultBotToken  = "xoxb-0000-slacktest-bot-token"
	DefaultAppToken  = "xapp-1-A0SLACKTEST-0000-slacktest-app-token"
	DefaultTeamID    = "T0SLACKTEST"
	DefaultTeamName  = "slacktest"
	DefaultBotUserID = "U0BOTUSER"
	DefaultBotID     = "B0BOTUSER"
	DefaultBotName   = "runbook-bot"
	DefaultAppID     = "A0SLACKTEST"
	// VerificationToken is the legacy verification token put in payloads.
	VerificationToken = "slacktest-verification-token"
)

// ErrClosed is returned by waits that were interrupted by Server.Close.
var ErrClosed = errors.New("slacktest: server closed")

// Option configures a Server.
type Option func(*config)

type config struct {
	botToken, appToken string
	teamID, teamName   string
	botUserID, botID   string
	botName, appID     string
	pingInterval       time.Duration
	disconnectGrace    time.Duration
	triggerTTL         time.Duration
	responseURLMaxUses int
	users              []User
	groups             map[string][]string
	channels           []Channel
	logf               func(format string, args ...any)
}

// WithBotToken sets the only bot token (xoxb-) the Web API accepts.
func WithBotToken(tok string) Option { return func(c *config) { c.botToken = tok } }

// WithAppToken sets the only app-level token (xapp-) apps.connections.open accepts.
func WithAppToken(tok string) Option { return func(c *config) { c.appToken = tok } }

// WithTeam sets the workspace id and name (the name is also the URL subdomain).
func WithTeam(id, name string) Option {
	return func(c *config) { c.teamID, c.teamName = id, name }
}

// WithBotUser sets the bot's user id and bot id as reported by auth.test and on posted messages.
func WithBotUser(userID, botID string) Option {
	return func(c *config) { c.botUserID, c.botID = userID, botID }
}

// WithAppID sets the app id reported in hello and payloads.
func WithAppID(id string) Option { return func(c *config) { c.appID = id } }

// WithPingInterval sets how often the server sends websocket pings (default 5s; slack-go gives up after 30s without one).
func WithPingInterval(d time.Duration) Option { return func(c *config) { c.pingInterval = d } }

// WithDisconnectGrace sets how long after a disconnect message the server closes the socket itself (default 5s).
func WithDisconnectGrace(d time.Duration) Option { return func(c *config) { c.disconnectGrace = d } }

// WithTriggerTTL makes trigger ids expire after d, as Slack's do after 3s (default: no expiry).
func WithTriggerTTL(d time.Duration) Option { return func(c *config) { c.triggerTTL = d } }

// WithUser registers a workspace user for users.lookupByEmail.
func WithUser(u User) Option { return func(c *config) { c.users = append(c.users, u) } }

// WithUserGroup registers a user group and its members for usergroups.users.list.
func WithUserGroup(id string, members ...string) Option {
	return func(c *config) { c.groups[id] = append([]string(nil), members...) }
}

// WithChannel registers a conversation (conversations.info, .list, and .members for its Members).
func WithChannel(ch Channel) Option { return func(c *config) { c.channels = append(c.channels, ch) } }

// WithLogf sends the server's debug log to logf (for example t.Logf).
func WithLogf(logf func(format string, args ...any)) Option { return func(c *config) { c.logf = logf } }

// User is a workspace member known to the fake.
type User struct {
	ID       string
	Name     string
	RealName string
	Email    string
	IsBot    bool
	Deleted  bool
	TZ       string
}

// Channel is a conversation known to the fake.
type Channel struct {
	ID        string
	Name      string
	IsPrivate bool
	IsIM      bool
	User      string // the other member of an IM
	Topic     string
	Purpose   string
	Members   []string
	Archived  bool
}

// Server is a fake Slack reachable over HTTP and websocket on 127.0.0.1.
type Server struct {
	cfg config
	hs  *httptest.Server

	seq atomic.Uint64

	// logMu keeps logging from outliving Close (t.Logf panics after a test ends).
	logMu     sync.RWMutex
	logClosed bool

	mu      sync.Mutex
	changed chan struct{}
	closed  bool

	calls         []Call
	messages      map[string][]*Message
	ephemerals    []Ephemeral
	views         map[string]*View
	viewOrder     []string
	homes         map[string]string // user → id of their Home tab view
	publishes     map[string]int    // user → views.publish calls
	triggers      map[string]*trigger
	responseURLs  map[string]*responseURL
	responseCalls []ResponseURLCall
	users         map[string]User
	groups        map[string][]string
	channels      map[string]Channel
	lastTS        int64

	tickets map[string]bool
	// ticketClients is the client that asked for each ticket (APIURLAs).
	ticketClients map[string]string
	conns         []*wsConn
	allConns      []*wsConn
	rr            int
	connects      int
	pongs         int

	// deliverMu serialises envelope delivery and connection set-up so that
	// hello is always first and queued envelopes keep their order.
	deliverMu sync.Mutex
	queue     []*Envelope
	envelopes map[string]*Envelope
	envOrder  []string
	acks      []Ack
	firstAck  map[string]int

	faults      map[string][]fault
	limits      map[string]*rateLimit
	rateLimited map[string]int
}

// New starts a fake Slack server on 127.0.0.1; call Close when done.
func New(opts ...Option) *Server {
	cfg := config{
		botToken:           DefaultBotToken,
		appToken:           DefaultAppToken,
		teamID:             DefaultTeamID,
		teamName:           DefaultTeamName,
		botUserID:          DefaultBotUserID,
		botID:              DefaultBotID,
		botName:            DefaultBotName,
		appID:              DefaultAppID,
		pingInterval:       5 * time.Second,
		disconnectGrace:    5 * time.Second,
		responseURLMaxUses: 5,
		groups:             map[string][]string{},
	}
	for _, o := range opts {
		o(&cfg)
	}
	s := &Server{
		cfg:           cfg,
		changed:       make(chan struct{}),
		messages:      map[string][]*Message{},
		views:         map[string]*View{},
		homes:         map[string]string{},
		publishes:     map[string]int{},
		triggers:      map[string]*trigger{},
		responseURLs:  map[string]*responseURL{},
		users:         map[string]User{},
		groups:        cfg.groups,
		channels:      map[string]Channel{},
		tickets:       map[string]bool{},
		ticketClients: map[string]string{},
		envelopes:     map[string]*Envelope{},
		firstAck:      map[string]int{},
		faults:        map[string][]fault{},
		limits:        map[string]*rateLimit{},
		rateLimited:   map[string]int{},
	}
	for _, u := range cfg.users {
		s.users[u.ID] = u
	}
	for _, ch := range cfg.channels {
		s.channels[ch.ID] = ch
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/api/", s.handleAPI)
	mux.HandleFunc("/as/", s.handleAPI)
	mux.HandleFunc("/link/", s.handleSocket)
	mux.HandleFunc("/commands/", s.handleResponseURL)
	mux.HandleFunc("/actions/", s.handleResponseURL)
	mux.HandleFunc("/views/", s.handleResponseURL)
	s.hs = httptest.NewServer(mux)
	return s
}

// NewTB starts a server that is closed by tb.Cleanup and logs to tb.Logf.
func NewTB(tb interface {
	Cleanup(func())
	Logf(string, ...any)
}, opts ...Option) *Server {
	s := New(append([]Option{WithLogf(tb.Logf)}, opts...)...)
	tb.Cleanup(s.Close)
	return s
}

// Close drops all websocket connections and shuts the HTTP server down.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	s.logMu.Lock()
	s.logClosed = true
	s.logMu.Unlock()
	conns := append([]*wsConn(nil), s.allConns...)
	s.notifyLocked()
	s.mu.Unlock()
	for _, c := range conns {
		c.close()
	}
	s.hs.CloseClientConnections()
	s.hs.Close()
}

// URL is the server's base URL (http://127.0.0.1:PORT).
func (s *Server) URL() string { return s.hs.URL }

// APIURL is the Web API base URL to give slack-go's OptionAPIURL (ends in /api/).
func (s *Server) APIURL() string { return s.hs.URL + "/api/" }

// BotToken is the bot token the server accepts.
func (s *Server) BotToken() string { return s.cfg.botToken }

// AppToken is the app-level token the server accepts.
func (s *Server) AppToken() string { return s.cfg.appToken }

// TeamID is the fake workspace's id.
func (s *Server) TeamID() string { return s.cfg.teamID }

// BotUserID is the bot's user id.
func (s *Server) BotUserID() string { return s.cfg.botUserID }

// Env returns the environment a bot process needs to talk to this server.
func (s *Server) Env() []string {
	return []string{
		"SLACK_API_URL=" + s.APIURL(),
		"SLACK_BOT_TOKEN=" + s.cfg.botToken,
		"SLACK_APP_TOKEN=" + s.cfg.appToken,
	}
}

// AddUser registers (or replaces) a workspace user at run time.
func (s *Server) AddUser(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[u.ID] = u
}

// AddChannel registers (or replaces) a conversation at run time.
func (s *Server) AddChannel(ch Channel) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.channels[ch.ID] = ch
}

// SetUserGroup sets a user group's members at run time.
func (s *Server) SetUserGroup(id string, members ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.groups[id] = append([]string(nil), members...)
}

// notifyLocked wakes every waiter; s.mu must be held.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// WaitFor waits up to timeout until cond holds; cond is re-checked after every recorded event.
func (s *Server) WaitFor(timeout time.Duration, cond func(*Server) bool) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	return s.WaitForContext(ctx, cond)
}

// WaitForContext waits until cond holds, ctx ends, or the server closes.
// cond must not block; it may call any Server accessor.
func (s *Server) WaitForContext(ctx context.Context, cond func(*Server) bool) error {
	for {
		s.mu.Lock()
		ch, closed := s.changed, s.closed
		s.mu.Unlock()
		if cond(s) {
			return nil
		}
		if closed {
			return ErrClosed
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("slacktest: condition not met: %w", ctx.Err())
		}
	}
}

func (s *Server) logf(format string, args ...any) {
	if s.cfg.logf == nil {
		return
	}
	s.logMu.RLock()
	defer s.logMu.RUnlock()
	if !s.logClosed {
		s.cfg.logf("slacktest: "+format, args...)
	}
}

// newID returns a Slack-looking id such as "V0A1B2C3D4" with the given prefix.
func (s *Server) newID(prefix string) string {
	return fmt.Sprintf("%s%08X", prefix, s.seq.Add(1))
}

// nextTSLocked returns a unique, increasing message timestamp ("1712345678.000100").
func (s *Server) nextTSLocked() string {
	now := time.Now().UnixMicro()
	if now <= s.lastTS {
		now = s.lastTS + 1
	}
	s.lastTS = now
	return fmt.Sprintf("%d.%06d", now/1e6, now%1e6)
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func (s *Server) teamDomain() string { return strings.ToLower(s.cfg.teamName) }
