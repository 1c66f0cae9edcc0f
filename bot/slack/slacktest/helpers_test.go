package slacktest

import (
	"context"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

const waitTimeout = 10 * time.Second

// testClient is a real slack-go socket-mode client connected to a fake server.
type testClient struct {
	api    *slack.Client
	sm     *socketmode.Client
	events chan socketmode.Event
	errc   chan error
	cancel context.CancelFunc
}

func newAPI(srv *Server) *slack.Client {
	return slack.New(srv.BotToken(), slack.OptionAPIURL(srv.APIURL()), slack.OptionAppLevelToken(srv.AppToken()))
}

// startClient runs a socket-mode client; it forwards every event to tc.events.
func startClient(t *testing.T, srv *Server, api *slack.Client) *testClient {
	t.Helper()
	if api == nil {
		api = newAPI(srv)
	}
	ctx, cancel := context.WithCancel(context.Background())
	tc := &testClient{
		api:    api,
		sm:     socketmode.New(api),
		events: make(chan socketmode.Event, 1000),
		errc:   make(chan error, 1),
		cancel: cancel,
	}
	done := make(chan struct{})
	go func() { tc.errc <- tc.sm.RunContext(ctx) }()
	go func() {
		defer close(done)
		for {
			select {
			case <-ctx.Done():
				return
			case evt := <-tc.sm.Events:
				select {
				case tc.events <- evt:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return tc
}

// next waits for the next event of type typ, skipping others.
func (tc *testClient) next(t *testing.T, typ socketmode.EventType) socketmode.Event {
	t.Helper()
	timer := time.NewTimer(waitTimeout)
	defer timer.Stop()
	for {
		select {
		case evt := <-tc.events:
			if evt.Type == typ {
				return evt
			}
		case err := <-tc.errc:
			t.Fatalf("client stopped while waiting for %s: %v", typ, err)
		case <-timer.C:
			t.Fatalf("timed out waiting for %s event", typ)
		}
	}
}

func (tc *testClient) ack(t *testing.T, evt socketmode.Event, payload ...any) {
	t.Helper()
	if evt.Request == nil {
		t.Fatalf("event %s has no request", evt.Type)
	}
	if err := tc.sm.Ack(*evt.Request, payload...); err != nil {
		t.Fatalf("ack: %v", err)
	}
}
