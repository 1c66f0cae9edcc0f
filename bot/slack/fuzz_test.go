package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	slackapi "github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

// decodeFrame turns one websocket text frame into the socketmode.Event slack-go
// would hand the adapter, the way socketmode.Client does it (ReadJSON into a
// json.RawMessage, then parseEvent, with ErrorBadMessage for what it cannot
// parse). deliver is false for frames slack-go never passes on (disconnect).
func decodeFrame(frame []byte) (evt socketmode.Event, deliver bool) {
	var msg json.RawMessage
	if err := json.NewDecoder(bytes.NewReader(frame)).Decode(&msg); err != nil {
		return socketmode.Event{Type: socketmode.EventTypeIncomingError, Data: &slackapi.IncomingEventError{ErrorObj: err}}, true
	}
	bad := func(err error) (socketmode.Event, bool) {
		return socketmode.Event{Type: socketmode.EventTypeErrorBadMessage, Data: &socketmode.ErrorBadMessage{Cause: err, Message: msg}}, true
	}
	req := &socketmode.Request{}
	if err := json.Unmarshal(msg, req); err != nil {
		return bad(err)
	}
	switch req.Type {
	case socketmode.RequestTypeHello:
		return socketmode.Event{Type: socketmode.EventTypeHello, Request: req}, true
	case socketmode.RequestTypeDisconnect:
		return socketmode.Event{}, false
	case socketmode.RequestTypeEventsAPI:
		ev, err := slackevents.ParseEvent(req.Payload, slackevents.OptionNoVerifyToken())
		if err != nil {
			return bad(err)
		}
		return socketmode.Event{Type: socketmode.EventTypeEventsAPI, Data: ev, Request: req}, true
	case socketmode.RequestTypeSlashCommands:
		var cmd slackapi.SlashCommand
		if err := json.Unmarshal(req.Payload, &cmd); err != nil {
			return bad(err)
		}
		return socketmode.Event{Type: socketmode.EventTypeSlashCommand, Data: cmd, Request: req}, true
	case socketmode.RequestTypeInteractive:
		var cb slackapi.InteractionCallback
		if err := json.Unmarshal(req.Payload, &cb); err != nil {
			return bad(err)
		}
		return socketmode.Event{Type: socketmode.EventTypeInteractive, Data: cb, Request: req}, true
	default:
		return bad(fmt.Errorf("unsupported type %q", req.Type))
	}
}

// fuzzEnvelope wraps payload in a socket-mode envelope of type typ.
func fuzzEnvelope(typ, payload string) []byte {
	return []byte(`{"envelope_id":"e-1","type":"` + typ + `","accepts_response_payload":true,"retry_attempt":0,"payload":` + payload + `}`)
}

// FuzzDecodeEnvelope feeds arbitrary websocket frames through slack-go's
// envelope decoding and the adapter's event handler (ack, validation,
// dispatch to the bot, modals, replies): nothing panics — not even inside the
// handler's own recover — and nothing reaches the Handler without a user and a
// trigger id.
func FuzzDecodeEnvelope(f *testing.F) {
	seeds := [][]byte{
		fuzzEnvelope("slash_commands", `{"command":"/runbook","text":"run seed-dev-data","user_id":"U1","channel_id":"C1","trigger_id":"1.2.3"}`),
		fuzzEnvelope("slash_commands", `"not an object"`),
		fuzzEnvelope("slash_commands", `{"user_id": 42}`),
		fuzzEnvelope("slash_commands", `{"command":"/runbook","text":"run x"}`),
		fuzzEnvelope("interactive", `{"type":"block_actions","user":{"id":"U1"},"trigger_id":"1.2.3","channel":{"id":"C1"},"actions":[{"block_id":"b1","action_id":"run","value":"seed-dev-data","text":{"type":"plain_text","text":"Run"}}]}`),
		fuzzEnvelope("interactive", `{"type":"block_actions","user":{"id":"U1"},"trigger_id":"1.2.3","container":{"channel_id":"C1"},"actions":[{"block_id":"b1","action_id":"decline:prompt#2","value":"j"},{"block_id":"b1","action_id":""}]}`),
		fuzzEnvelope("interactive", `{"type":"block_actions","user":"U1"}`),
		fuzzEnvelope("interactive", `{"type":"block_actions","trigger_id":"1.2.3","actions":[]}`),
		fuzzEnvelope("interactive", `{"type":"view_submission","user":{"id":"U1"},"trigger_id":"1.2.4","view":{"callback_id":"runbook:decline","private_metadata":"{\"job\":\"j\",\"channel\":\"C1\"}","state":{"values":{"text":{"text":{"type":"plain_text_input","value":"because"}}}}}}`),
		fuzzEnvelope("interactive", `{"type":"view_submission","user":{"id":"U1"},"trigger_id":"1.2.4","view":{"callback_id":"runbook:justify","private_metadata":"{bad","state":{"values":{"text":{"text":{"type":"plain_text_input","value":"x"}}}}}}`),
		fuzzEnvelope("interactive", `{"type":"view_submission","user":{"id":"U1"},"trigger_id":"1.2.4","view":{"callback_id":"runbook:x","state":{"values":{"b":{"a":{"value":"  "}}}}}}`),
		fuzzEnvelope("interactive", `{"type":"view_closed","user":{"id":"U1"},"trigger_id":"1"}`),
		fuzzEnvelope("events_api", `{"type":"event_callback","event_id":"Ev1","event":{"type":"app_mention"}}`),
		fuzzEnvelope("whatever_new", `{}`),
		[]byte(`{"type":"hello","num_connections":1}`),
		[]byte(`{"type":"disconnect","reason":"refresh_requested"}`),
		[]byte(`{"envelope_id":"e-2","type":"slash_commands"`),
		[]byte(`[]`),
		[]byte(``),
	}
	for _, s := range seeds {
		f.Add(s)
	}
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"ok":true,"channel":"C1","ts":"1.000001","message_ts":"1.000001"}`))
	}))
	f.Cleanup(api.Close)

	f.Fuzz(func(t *testing.T, frame []byte) {
		evt, h, logs := handleFrame(t, api.URL, frame)
		if h == nil {
			return
		}
		if out := logs.String(); strings.Contains(out, "panicked") {
			t.Fatalf("the adapter panicked on frame %q:\n%s", frame, out)
		}
		for _, in := range h.Commands() {
			if in.User == "" || in.RequestID == "" {
				t.Fatalf("command reached the bot without a user or trigger id: %+v", in)
			}
		}
		for _, p := range h.Presses() {
			if p.User == "" || p.RequestID == "" {
				t.Fatalf("press reached the bot without a user or trigger id: %+v", p)
			}
		}
		if n := len(h.Commands()) + len(h.Presses()); n > 0 && evt.Type != socketmode.EventTypeSlashCommand && evt.Type != socketmode.EventTypeInteractive {
			t.Fatalf("a %s event reached the bot %d times", evt.Type, n)
		}
	})
}

// frameTimeout bounds the handling of one frame by handleFrame.
const frameTimeout = 5 * time.Second

// handleFrame decodes frame and runs it through a fresh adapter (Slack Web API
// at apiURL), waiting for its work; h is nil when slack-go would not deliver it.
func handleFrame(t *testing.T, apiURL string, frame []byte) (evt socketmode.Event, h *fakeHandler, logs *logBuffer) {
	t.Helper()
	evt, deliver := decodeFrame(frame)
	if !deliver {
		return evt, nil, nil
	}
	h, logs = &fakeHandler{}, &logBuffer{}
	ad, err := New(Config{
		BotToken: "xoxb-fuzz", AppToken: "xapp-fuzz", APIURL: apiURL,
		Log: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}, h, newMemStore())
	if err != nil {
		t.Fatal(err)
	}
	ad.pace = newPacer(0)
	// Well under the fuzzing engine's own 10 s limit per input, which kills the
	// worker without a word ("fuzzing process hung or terminated unexpectedly"):
	// a frame that hangs fails here, with the adapter's log.
	ctx, cancel := context.WithTimeout(context.Background(), frameTimeout)
	defer cancel()
	// A fresh client per frame: its ack queue (20 deep, drained only by a
	// running connection) takes the one or two acks a frame may produce.
	client := socketmode.New(ad.api)
	ad.event(ctx, client, evt)
	ad.work.Wait()
	if ctx.Err() != nil {
		t.Fatalf("handling one frame did not finish in time\n%s", logs.String())
	}
	return evt, h, logs
}

// TestDecodeEnvelopeSeedsReachTheBot checks the fuzz harness itself: well-formed
// frames do reach the bot, so the fuzzer explores the real dispatch.
func TestDecodeEnvelopeSeedsReachTheBot(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"ok":true}`))
	}))
	defer api.Close()
	_, h, _ := handleFrame(t, api.URL, fuzzEnvelope("slash_commands", `{"command":"/runbook","text":"status","user_id":"U1","channel_id":"C1","trigger_id":"1.2.3"}`))
	if got := h.Commands(); len(got) != 1 || got[0].User != "U1" || got[0].RequestID != "1.2.3" || got[0].Envelope != "e-1" {
		t.Fatalf("slash command: %+v", got)
	}
	_, h, _ = handleFrame(t, api.URL, fuzzEnvelope("interactive", `{"type":"block_actions","user":{"id":"U1"},"trigger_id":"1.2.3","channel":{"id":"C1"},"actions":[{"block_id":"b1","action_id":"run#2","value":"j"}]}`))
	if got := h.Presses(); len(got) != 1 || got[0].ButtonID != "run" || got[0].Value != "j" || got[0].Channel != "C1" {
		t.Fatalf("block action: %+v", got)
	}
	_, h, _ = handleFrame(t, api.URL, fuzzEnvelope("interactive", `{"type":"view_submission","user":{"id":"U1"},"trigger_id":"1.2.4","view":{"callback_id":"runbook:decline","private_metadata":"{\"job\":\"j\",\"channel\":\"C1\"}","state":{"values":{"text":{"text":{"type":"plain_text_input","value":" because "}}}}}}`))
	if got := h.Presses(); len(got) != 1 || got[0].ButtonID != "decline" || got[0].Text != "because" || got[0].Job != "j" {
		t.Fatalf("view submission: %+v", got)
	}
	_, h, _ = handleFrame(t, api.URL, fuzzEnvelope("slash_commands", `{"command":"/runbook","text":"run x"}`))
	if len(h.Commands()) != 0 {
		t.Fatalf("a command without user or trigger reached the bot: %+v", h.Commands())
	}
}
