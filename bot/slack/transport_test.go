package slack

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/runbook-bot/runbook-bot/bot"
)

// TestGivenManyAdaptersWhenEachRepliesThenTheyShareTheWebAPIConnections: the
// Web API's connections are pooled per process, not per adapter. An adapter
// made and dropped (as the fuzz target does once per input) leaves no idle
// connection of its own behind, with its goroutines and file descriptors.
func TestGivenManyAdaptersWhenEachRepliesThenTheyShareTheWebAPIConnections(t *testing.T) {
	var dialled atomic.Int64
	api := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"ok":true}`))
	}))
	api.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			dialled.Add(1)
		}
	}
	api.Start()
	defer api.Close()

	const adapters = 10
	for range adapters {
		ad, err := New(Config{BotToken: "xoxb-t", AppToken: "xapp-t", APIURL: api.URL}, &fakeHandler{}, newMemStore())
		if err != nil {
			t.Fatal(err)
		}
		ad.reply(context.Background(), "U1", "C1", bot.Reply{Message: bot.Message{Fallback: "hi"}})
	}
	if n := dialled.Load(); n != 1 {
		t.Fatalf("%d adapters replying one after another opened %d connections to the Web API, want 1 (one pool per process)", adapters, n)
	}
}
