package slack

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	slackapi "github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"

	"github.com/runbook-bot/runbook-bot/bot"
)

// emptyText is the error shown under a prompt modal's input when it is submitted
// empty and the modal does not carry one in the bot's language (opened by an older version).
const emptyText = "Escreva algo aqui · Please write something here"

// consume reads socket-mode events until ctx ends. It never blocks on work:
// every envelope is acknowledged first, then handled in a goroutine.
func (a *Adapter) consume(ctx context.Context, client *socketmode.Client) {
	for {
		select {
		case <-ctx.Done():
			a.connected.Store(false)
			return
		case evt, ok := <-client.Events:
			if !ok {
				return
			}
			a.event(ctx, client, evt)
		}
	}
}

// event handles one socket-mode event: connection state, or an envelope to ack and work on.
func (a *Adapter) event(ctx context.Context, client *socketmode.Client, evt socketmode.Event) {
	defer func() {
		if p := recover(); p != nil {
			a.log.Error("slack event handler panicked; envelope ignored", "type", string(evt.Type), "panic", fmt.Sprint(p))
		}
	}()
	ack := func(payload any) {
		if evt.Request == nil || evt.Request.EnvelopeID == "" {
			return
		}
		if err := client.AckCtx(ctx, evt.Request.EnvelopeID, payload); err != nil && ctx.Err() == nil {
			a.log.Error("slack ack failed", "envelope", evt.Request.EnvelopeID, "err", a.scrub(err))
		}
	}
	switch evt.Type {
	case socketmode.EventTypeConnecting, socketmode.EventTypeConnectionError, socketmode.EventTypeInvalidAuth:
		a.connected.Store(false)
		if evt.Type != socketmode.EventTypeConnecting {
			a.log.Warn("slack connection problem", "event", string(evt.Type))
		}
	case socketmode.EventTypeConnected, socketmode.EventTypeHello:
		a.connected.Store(true)
	case socketmode.EventTypeErrorBadMessage:
		a.badMessage(ctx, client, evt)
	case socketmode.EventTypeSlashCommand:
		cmd, ok := evt.Data.(slackapi.SlashCommand)
		if !ok || cmd.UserID == "" || cmd.TriggerID == "" {
			ack(nil)
			a.log.Warn("malformed slash command ignored", "envelope", envelopeID(evt))
			return
		}
		a.async(ctx, evt.Request, "request:"+cmd.TriggerID, ack, func(ctx context.Context) { a.command(ctx, evt.Request.EnvelopeID, cmd) })
	case socketmode.EventTypeInteractive:
		cb, ok := evt.Data.(slackapi.InteractionCallback)
		if !ok || cb.User.ID == "" || cb.TriggerID == "" {
			ack(nil)
			a.log.Warn("malformed interaction ignored", "envelope", envelopeID(evt))
			return
		}
		a.interaction(ctx, evt.Request, cb, ack)
	case socketmode.EventTypeEventsAPI:
		ev, ok := evt.Data.(slackevents.EventsAPIEvent)
		if !ok || evt.Request == nil {
			ack(nil)
			return
		}
		a.eventsAPI(ctx, evt.Request, ev, ack)
	default:
		ack(nil) // anything new: acknowledged, not used
	}
}

// badMessage acks an envelope slack-go could not parse, and logs it without its payload.
func (a *Adapter) badMessage(ctx context.Context, client *socketmode.Client, evt socketmode.Event) {
	bad, _ := evt.Data.(*socketmode.ErrorBadMessage)
	var env struct {
		EnvelopeID string `json:"envelope_id"`
		Type       string `json:"type"`
	}
	cause := "unknown"
	if bad != nil {
		_ = json.Unmarshal(bad.Message, &env)
		if bad.Cause != nil {
			cause = bad.Cause.Error()
		}
	}
	if env.EnvelopeID != "" {
		if err := client.AckCtx(ctx, env.EnvelopeID, nil); err != nil && ctx.Err() == nil {
			a.log.Error("slack ack failed", "envelope", env.EnvelopeID, "err", a.scrub(err))
		}
	}
	a.log.Warn("malformed slack envelope acked and ignored", "envelope", env.EnvelopeID, "type", env.Type, "cause", cause)
}

// interaction acks and dispatches block_actions (button presses) and view_submission (modal answers).
func (a *Adapter) interaction(ctx context.Context, req *socketmode.Request, cb slackapi.InteractionCallback, ack func(any)) {
	switch cb.Type {
	case slackapi.InteractionTypeBlockActions:
		a.async(ctx, req, "request:"+cb.TriggerID, ack, func(ctx context.Context) { a.press(ctx, req.EnvelopeID, cb) })
	case slackapi.InteractionTypeViewSubmission:
		id, ours := strings.CutPrefix(cb.View.CallbackID, callbackPre)
		if !ours || id == "" {
			ack(nil)
			return
		}
		text := submittedText(cb.View)
		var meta modalMeta
		err := json.Unmarshal([]byte(cb.View.PrivateMetadata), &meta)
		if text == "" {
			ack(errorsAck(cmp.Or(meta.Empty, emptyText)))
			return
		}
		if err != nil {
			ack(nil) // closes the modal
			a.log.Warn("modal submission with bad metadata ignored", "envelope", req.EnvelopeID)
			return
		}
		p := bot.Press{User: cb.User.ID, Channel: meta.Channel, ButtonID: id, Value: meta.Value, Job: meta.Job, Text: text, RequestID: cb.TriggerID, Envelope: req.EnvelopeID}
		a.async(ctx, req, "request:"+cb.TriggerID, ack, func(ctx context.Context) { // the ack closes the modal
			a.reply(ctx, p.User, p.Channel, a.h.Press(ctx, p))
		})
	default:
		ack(nil)
	}
}

// command runs a slash command and sends its reply to the user.
func (a *Adapter) command(ctx context.Context, envelope string, cmd slackapi.SlashCommand) {
	in := bot.Input{User: cmd.UserID, Channel: cmd.ChannelID, Text: cmd.Text, RequestID: cmd.TriggerID, Envelope: envelope}
	a.reply(ctx, in.User, in.Channel, a.h.Command(ctx, in))
}

// press handles button presses: a prompting button opens its modal, any other calls the bot.
func (a *Adapter) press(ctx context.Context, envelope string, cb slackapi.InteractionCallback) {
	channel := cb.Channel.ID
	if channel == "" {
		channel = cb.Container.ChannelID
	}
	for _, act := range cb.ActionCallback.BlockActions {
		if act == nil || act.ActionID == "" {
			continue
		}
		id, prompts := decodeActionID(act.ActionID)
		p := bot.Press{User: cb.User.ID, Channel: channel, ButtonID: id, Value: act.Value, RequestID: cb.TriggerID, Envelope: envelope}
		if _, _, _, bad := bot.ParseButtonValue(act.Value); prompts && bad == nil {
			modal := promptModal(id, a.prompts.get(id, act.Text.Text), modalMeta{Value: act.Value, Channel: channel})
			if _, err := a.api.OpenViewContext(ctx, cb.TriggerID, modal); err != nil {
				a.log.Error("opening prompt modal failed", "button", id, "err", a.scrub(err))
			}
			continue
		}
		// A button that does not prompt, or whose value cannot be read (the bot refuses it before asking for text).
		a.reply(ctx, p.User, channel, a.h.Press(ctx, p))
	}
}

// async acks the envelope and runs fn after it, at most 32 at a time and in a
// lane (see lanes), once per envelope and once per request: a redelivered
// envelope or a replay under a new envelope id is acked and dropped here, from
// the adapter's memory of recent ids (seenIDs); the service deduplicates state
// changes on the request id again, durably, in the transaction of the change
// (docs/spec.md §12.2).
//
// The work's goroutine is created just before the ack is queued, not after:
// Go runs a goroutine woken by a channel send (slack-go's response sender,
// which writes the ack) next on the same processor, unless a goroutine created
// after it takes that place; the ack then waited behind the work.
func (a *Adapter) async(ctx context.Context, req *socketmode.Request, requestKey string, ack func(any), fn func(context.Context)) {
	keys := []string{"envelope:" + req.EnvelopeID}
	if requestKey != "" {
		keys = append(keys, requestKey)
	}
	if !a.seen.claim(keys...) {
		ack(nil)
		a.log.Info("duplicate slack delivery ignored", "keys", keys, "retry_attempt", req.RetryAttempt)
		return
	}
	defer ack(nil)
	a.work.Add(1)
	go func() {
		defer a.work.Done()
		select {
		case a.sem <- struct{}{}:
		case <-ctx.Done():
			return
		}
		defer func() { <-a.sem }()
		defer func() {
			if p := recover(); p != nil {
				a.log.Error("slack envelope work panicked", "envelope", req.EnvelopeID, "panic", fmt.Sprint(p))
			}
		}()
		ctx, cancel := context.WithTimeout(ctx, workTimeout)
		defer cancel()
		a.lanes.do(ctx, fn)
	}()
}

// envelopeID is the envelope id of evt, if any.
func envelopeID(evt socketmode.Event) string {
	if evt.Request == nil {
		return ""
	}
	return evt.Request.EnvelopeID
}
