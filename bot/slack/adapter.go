// Package slack runs the bot in Slack socket mode: it acknowledges every
// envelope at once, drops redeliveries it remembers (envelope id and trigger
// id; seen.go), turns slash commands, button presses and modal submissions
// into bot calls, renders bot messages as Block Kit (escaping all text), and is
// the outbox sink that posts, edits and threads the runbook's notices within
// Slack's rate limits. Of the Events API it subscribes to app_home_opened
// only: the App Home tab (home.go); other events are acknowledged and
// ignored. Prompting buttons are described in modals.go.
package slack

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	slackapi "github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/runbook-bot/runbook-bot/bot"
	"github.com/runbook-bot/runbook-bot/runbook"
)

// Config is what the adapter needs to reach Slack.
type Config struct {
	BotToken string           // xoxb-…, for the Web API
	AppToken string           // xapp-…, for socket mode
	APIURL   string           // Web API base URL; empty means Slack's own
	Log      *slog.Logger     // nil discards
	Now      func() time.Time // nil means time.Now
}

// Store is the adapter's slice of the database: where posted messages are.
type Store interface {
	// MessageRef returns where the message posted for a notice key is.
	MessageRef(ctx context.Context, key string) (channel, ts string, ok bool, err error)
	// SetMessageRef records where the message for a notice key was posted.
	SetMessageRef(ctx context.Context, key, channel, ts string) error
}

// Handler is the chat-neutral bot the adapter drives.
type Handler interface {
	// Command runs a /runbook command and returns the reply for its user.
	Command(ctx context.Context, in bot.Input) bot.Reply
	// Press runs a button press (with the modal's text, if it prompted).
	Press(ctx context.Context, p bot.Press) bot.Reply
	// Render turns a notice into a message to post.
	Render(n runbook.Notice, now time.Time) bot.Message
	// Home builds a user's App Home within fit.
	Home(ctx context.Context, user string, fit bot.HomeFit) (bot.Home, error)
}

// Adapter connects the bot to Slack over socket mode and delivers its notices.
type Adapter struct {
	cfg Config
	h   Handler
	st  Store
	log *slog.Logger
	api *slackapi.Client

	connected atomic.Bool
	started   atomic.Bool
	sem       chan struct{} // bounds envelope work in flight
	lanes     *lanes        // bounds envelope work on the CPU at once
	seen      seenIDs       // envelope and trigger ids already handled
	links     permalinks    // permalinks of posted messages, by notice key
	work      sync.WaitGroup
	prompts   prompts
	pace      *pacer
	dir       directoryCache
	homes     homes
}

// workers is how many envelopes are handled at once; acks never wait for them.
const workers = 32

// apiTimeout bounds one Web API call; workTimeout bounds the handling of one envelope.
const (
	apiTimeout  = 30 * time.Second
	workTimeout = 2 * time.Minute
)

var _ runbook.Directory = (*Adapter)(nil)

// New checks cfg and returns an adapter; call Start to connect.
func New(cfg Config, h Handler, st Store) (*Adapter, error) {
	var problems []string
	if !strings.HasPrefix(cfg.BotToken, "xoxb-") {
		problems = append(problems, "SLACK_BOT_TOKEN must be a bot token (xoxb-…)")
	}
	if !strings.HasPrefix(cfg.AppToken, "xapp-") {
		problems = append(problems, "SLACK_APP_TOKEN must be an app-level token (xapp-…)")
	}
	if cfg.APIURL == "" {
		cfg.APIURL = slackapi.APIURL
	}
	if u, err := url.Parse(cfg.APIURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		problems = append(problems, "SLACK_API_URL must be an http(s) URL")
	} else if !strings.HasSuffix(cfg.APIURL, "/") {
		cfg.APIURL += "/"
	}
	if h == nil {
		problems = append(problems, "no handler")
	}
	if st == nil {
		problems = append(problems, "no store")
	}
	if len(problems) > 0 {
		return nil, errors.New("slack: " + strings.Join(problems, "; "))
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	a := &Adapter{
		cfg: cfg, h: h, st: st, log: cfg.Log.With("adapter", "slack"),
		sem:   make(chan struct{}, workers),
		lanes: newLanes(slowAfter),
		pace:  newPacer(time.Second),
	}
	a.homes.init()
	a.api = slackapi.New(cfg.BotToken, slackapi.OptionAppLevelToken(cfg.AppToken), slackapi.OptionAPIURL(cfg.APIURL),
		slackapi.OptionHTTPClient(&http.Client{Timeout: apiTimeout, Transport: webTransport}))
	return a, nil
}

// Start checks both tokens against Slack, failing fast with a clear error,
// then runs socket mode in the background until ctx ends, reconnecting after
// disconnect messages, dropped connections and failed connects.
func (a *Adapter) Start(ctx context.Context) error {
	if !a.started.CompareAndSwap(false, true) {
		return errors.New("slack: adapter already started")
	}
	auth, err := a.api.AuthTestContext(ctx)
	if err != nil {
		return fmt.Errorf("slack: SLACK_BOT_TOKEN was rejected by auth.test: %s", a.scrub(err))
	}
	client := socketmode.New(a.api)
	if _, _, err := client.OpenContext(ctx); err != nil {
		return fmt.Errorf("slack: SLACK_APP_TOKEN was rejected by apps.connections.open (socket mode enabled? scope connections:write?): %s", a.scrub(err))
	}
	a.log.Info("slack authenticated", "team", auth.Team, "bot_user", auth.UserID)
	go a.consume(ctx, client)
	go a.run(ctx, client)
	go a.republishHomes(ctx)
	return nil
}

// Connected reports whether a socket-mode connection is up (for /readyz).
func (a *Adapter) Connected() bool { return a.connected.Load() }

// run keeps socket mode running until ctx ends; slack-go reconnects on its
// own after disconnect messages and dropped sockets, and this loop restarts it
// when it gives up.
func (a *Adapter) run(ctx context.Context, client *socketmode.Client) {
	for attempt := 1; ; attempt++ {
		err := client.RunContext(ctx)
		a.connected.Store(false)
		if ctx.Err() != nil {
			return
		}
		wait := runbook.Backoff(min(attempt, 6))
		a.log.Error("slack socket mode stopped; reconnecting", "err", a.scrub(err), "in", wait)
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
	}
}

// scrub is err's text with the tokens masked, should any library ever echo one.
func (a *Adapter) scrub(err error) string {
	if err == nil {
		return ""
	}
	s := err.Error()
	for _, tok := range []string{a.cfg.BotToken, a.cfg.AppToken} {
		if tok != "" {
			s = strings.ReplaceAll(s, tok, "[redacted]")
		}
	}
	return s
}

// reply shows r to user in channel: an ephemeral message, or a channel post when r.Public.
func (a *Adapter) reply(ctx context.Context, user, channel string, r bot.Reply) {
	if r.Quiet {
		return
	}
	a.resolveLinks(ctx, r.Message) // e.g. a press on an old message links the current one
	blocks, text := Blocks(r.Message)
	if len(blocks) == 0 && text == "" {
		return
	}
	a.prompts.remember(r.Message)
	opts := []slackapi.MsgOption{slackapi.MsgOptionBlocks(blocks...), slackapi.MsgOptionText(text, false)}
	if r.Public && channel != "" {
		if err := a.pace.wait(ctx, channel); err != nil {
			return
		}
		if _, _, err := a.api.PostMessageContext(ctx, channel, opts...); err == nil {
			return
		} else {
			a.log.Warn("posting reply in channel failed; sending it to the user only", "channel", channel, "err", a.scrub(err))
		}
	}
	if channel != "" {
		if _, err := a.api.PostEphemeralContext(ctx, channel, user, opts...); err == nil {
			return
		} else {
			a.log.Warn("ephemeral reply failed; trying a direct message", "channel", channel, "user", user, "err", a.scrub(err))
		}
	}
	if _, _, err := a.api.PostMessageContext(ctx, user, opts...); err != nil {
		a.log.Error("reply lost", "user", user, "err", a.scrub(err))
	}
}

// Wait blocks until the envelope work in flight has finished (after Start's context ended).
func (a *Adapter) Wait() { a.work.Wait() }

// webTransport is the Web API's transport, one per process and shared by every
// adapter (net/http: "Transports should be reused instead of created as
// needed"): the default one, keeping as many idle connections to Slack as
// envelopes are handled at once (the default keeps 2, and a burst of replies
// then opens a TLS connection for nearly each). A transport per adapter kept
// each dropped adapter's idle connections, two goroutines and a descriptor
// each, open for 90 s: the fuzz target, which makes an adapter per input, ran
// out of file descriptors within a minute.
var webTransport = newWebTransport()

// newWebTransport returns the default transport with workers idle connections per host.
func newWebTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = workers
	return t
}
