package slack

import (
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/bot"
	"github.com/runbook-bot/runbook-bot/bot/slack/slacktest"
)

func TestStartCallsAuthTestAndConnects(t *testing.T) {
	r := newRig(t)
	assert.False(t, r.ad.Connected())
	r.start(t)
	calls := r.srv.Calls("auth.test")
	require.NotEmpty(t, calls)
	first := r.srv.Calls("")[0]
	assert.Equal(t, "auth.test", first.Method, "auth.test comes before anything else")
	assert.True(t, r.ad.Connected())
}

func TestBadTokenFailsFastWithoutTheToken(t *testing.T) {
	srv := slacktest.NewTB(t)
	const badBot = "xoxb-9999-not-the-right-one"
	ad, err := New(Config{BotToken: badBot, AppToken: srv.AppToken(), APIURL: srv.APIURL()}, &fakeHandler{}, newMemStore())
	require.NoError(t, err)
	err = ad.Start(context.Background())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "SLACK_BOT_TOKEN")
	assert.Contains(t, err.Error(), "invalid_auth")
	assert.NotContains(t, err.Error(), badBot)
	assert.False(t, ad.Connected())

	const badApp = "xapp-1-A0-wrong-app-token"
	ad, err = New(Config{BotToken: srv.BotToken(), AppToken: badApp, APIURL: srv.APIURL()}, &fakeHandler{}, newMemStore())
	require.NoError(t, err)
	err = ad.Start(context.Background())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "SLACK_APP_TOKEN")
	assert.NotContains(t, err.Error(), badApp)
}

func TestNewValidatesConfig(t *testing.T) {
	_, err := New(Config{BotToken: "xoxp-user-token-secret", AppToken: "nope-secret", APIURL: "ftp://x"}, &fakeHandler{}, newMemStore())
	require.Error(t, err)
	for _, want := range []string{"SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_API_URL"} {
		assert.Contains(t, err.Error(), want)
	}
	assert.NotContains(t, err.Error(), "secret")
	_, err = New(Config{BotToken: "xoxb-1", AppToken: "xapp-1"}, nil, nil)
	require.Error(t, err)
}

func TestSlashCommandAckedThenRepliedEphemeral(t *testing.T) {
	r := newRig(t)
	r.start(t)
	id := r.srv.SendSlashCommand(slacktest.SlashCommand{Text: "status seed-dev-data", TriggerID: "111.222.abc"})
	ack, err := r.srv.WaitAck(id, 3*time.Second)
	require.NoError(t, err)
	assert.True(t, len(ack.Payload) == 0 || string(ack.Payload) == "null", "slash commands are acked empty, got %s", ack.Payload)

	r.waitFor(t, "ephemeral reply", func() bool { return len(r.srv.Ephemerals(slacktest.DefaultUserID)) == 1 })
	cmds := r.h.Commands()
	require.Len(t, cmds, 1)
	assert.Equal(t, bot.Input{User: slacktest.DefaultUserID, Channel: slacktest.DefaultChannelID, Text: "status seed-dev-data", RequestID: "111.222.abc", Envelope: id}, cmds[0])
	e := r.srv.Ephemerals(slacktest.DefaultUserID)[0]
	assert.Equal(t, slacktest.DefaultChannelID, e.Channel)
	assert.Contains(t, e.Text, "done: status seed-dev-data")
	assert.Empty(t, r.srv.Messages(slacktest.DefaultChannelID), "a reply is not posted to the channel")
}

func TestRedeliveryAndReplayHandledOnce(t *testing.T) {
	r := newRig(t)
	r.start(t)
	cmd := slacktest.SlashCommand{Text: "confirm seed-dev-data", TriggerID: "333.444.def"}
	id := r.srv.SendSlashCommand(cmd)
	_, err := r.srv.WaitAck(id, 3*time.Second)
	require.NoError(t, err)
	r.waitFor(t, "first reply", func() bool { return len(r.srv.Ephemerals("")) == 1 })

	// Slack redelivers the same envelope id with retry_attempt 1.
	again := r.srv.SendSlashCommand(cmd, slacktest.WithEnvelopeID(id), slacktest.WithRetry(1, "timeout"))
	require.Equal(t, id, again)
	// And replays it after a reconnect under a new envelope id, same trigger_id.
	replay, err := r.srv.Replay(id)
	require.NoError(t, err)
	require.NotEqual(t, id, replay)
	_, err = r.srv.WaitAck(replay, 3*time.Second)
	require.NoError(t, err)
	eventually(t, "both duplicates dropped", func() bool {
		return strings.Count(r.logs.String(), "duplicate slack delivery ignored") >= 2
	})
	assert.Len(t, r.h.Commands(), 1, "the handler runs once")
	assert.Len(t, r.srv.Ephemerals(""), 1, "one reply")
	for _, a := range r.srv.Acks() {
		assert.Less(t, a.Latency, 3*time.Second)
	}
}

func TestQuietReplySaysNothing(t *testing.T) {
	r := newRig(t)
	r.start(t)
	id := r.srv.SendSlashCommand(slacktest.SlashCommand{Text: "quiet"})
	_, err := r.srv.WaitAck(id, 3*time.Second)
	require.NoError(t, err)
	eventually(t, "handler called", func() bool { return len(r.h.Commands()) == 1 })
	// A second command proves the first was fully handled before we look.
	r.srv.SendSlashCommand(slacktest.SlashCommand{Text: "help"})
	r.waitFor(t, "reply to help", func() bool { return len(r.srv.Ephemerals("")) >= 1 })
	assert.Len(t, r.srv.Ephemerals(""), 1)
	assert.Contains(t, r.srv.Ephemerals("")[0].Text, "help")
}

func TestButtonPressCallsPress(t *testing.T) {
	r := newRig(t)
	r.start(t)
	id := r.srv.SendBlockAction(slacktest.BlockAction{TriggerID: "555.1.a", Actions: []slacktest.Action{{ActionID: "confirm", Value: "v1/seed-dev-data/42/1772452800"}}})
	_, err := r.srv.WaitAck(id, 3*time.Second)
	require.NoError(t, err)
	r.waitFor(t, "press reply", func() bool { return len(r.srv.Ephemerals("")) == 1 })
	ps := r.h.Presses()
	require.Len(t, ps, 1)
	assert.Equal(t, bot.Press{User: slacktest.DefaultUserID, Channel: slacktest.DefaultChannelID, ButtonID: "confirm", Value: "v1/seed-dev-data/42/1772452800", RequestID: "555.1.a", Envelope: id}, ps[0],
		"the value (job and occurrence) goes to the bot as posted")
	assert.Empty(t, r.srv.Views())
}

func TestPromptButtonOpensModalAndSubmissionPresses(t *testing.T) {
	r := newRig(t)
	r.start(t)
	// A render teaches the adapter the prompt's wording.
	r.ad.prompts.remember(bot.Message{Buttons: []bot.Button{{ID: "decline", Label: "Recusar", Job: "seed-dev-data",
		Prompt: &bot.Prompt{Title: "Recusar a janela de execução", Label: "Motivo", Placeholder: "por quê?", Submit: "Recusar", Empty: "Escreva algo aqui."}}}})

	id := r.srv.SendBlockAction(slacktest.BlockAction{Actions: []slacktest.Action{{ActionID: "decline:prompt", Value: "v1/seed-dev-data/42/1772452800"}}})
	_, err := r.srv.WaitAck(id, 3*time.Second)
	require.NoError(t, err)
	r.waitFor(t, "modal", func() bool { return len(r.srv.Views()) == 1 })
	v := r.srv.Views()[0]
	assert.Equal(t, "runbook:decline", v.CallbackID)
	assert.LessOrEqual(t, len([]rune(v.Title)), 24)
	assert.True(t, strings.HasPrefix(v.Title, "Recusar a janela"))
	var meta modalMeta
	require.NoError(t, json.Unmarshal([]byte(v.PrivateMetadata), &meta))
	assert.Equal(t, modalMeta{Empty: "Escreva algo aqui.", Value: "v1/seed-dev-data/42/1772452800", Channel: slacktest.DefaultChannelID}, meta,
		"the modal carries the button's occurrence and what to say when left empty, in the bot's language")
	assert.Contains(t, string(v.JSON), `"plain_text_input"`)
	assert.Empty(t, r.h.Presses(), "no press before the text is given")

	// Empty text keeps the modal open with an error.
	empty := r.srv.SendViewSubmission(slacktest.ViewSubmission{ViewID: v.ID, Values: map[string]map[string]slacktest.StateValue{"text": {"text": {Value: "  "}}}})
	ack, err := r.srv.WaitAck(empty, 3*time.Second)
	require.NoError(t, err)
	assert.Contains(t, string(ack.Payload), `"response_action":"errors"`)
	assert.Contains(t, string(ack.Payload), "Escreva algo aqui.")
	assert.NotContains(t, string(ack.Payload), "Please", "only the bot's language")

	sub := r.srv.SendViewSubmission(slacktest.ViewSubmission{ViewID: v.ID, TriggerID: "777.1.b", Values: map[string]map[string]slacktest.StateValue{"text": {"text": {Value: "cluster em manutenção <!channel>"}}}})
	ack, err = r.srv.WaitAck(sub, 3*time.Second)
	require.NoError(t, err)
	assert.True(t, len(ack.Payload) == 0 || string(ack.Payload) == "null", "the modal closes: %s", ack.Payload)
	r.waitFor(t, "press reply", func() bool { return len(r.srv.Ephemerals("")) == 1 })
	ps := r.h.Presses()
	require.Len(t, ps, 1)
	assert.Equal(t, bot.Press{User: slacktest.DefaultUserID, Channel: slacktest.DefaultChannelID, ButtonID: "decline", Value: "v1/seed-dev-data/42/1772452800",
		Text: "cluster em manutenção <!channel>", RequestID: "777.1.b", Envelope: sub}, ps[0])
}

func TestPromptModalOpenedByAnOlderVersion_WhenSubmitted_ThenItsJobAloneReachesTheBot(t *testing.T) {
	r := newRig(t)
	r.start(t)
	sub := r.srv.SendViewSubmission(slacktest.ViewSubmission{TriggerID: "778.1.c", CallbackID: "runbook:decline",
		PrivateMetadata: `{"job":"seed-dev-data","channel":"C0OLD"}`, Values: map[string]map[string]slacktest.StateValue{"text": {"text": {Value: "freeze"}}}})
	_, err := r.srv.WaitAck(sub, 3*time.Second)
	require.NoError(t, err)
	r.waitFor(t, "press reply", func() bool { return len(r.srv.Ephemerals("")) == 1 })
	assert.Equal(t, []bot.Press{{User: slacktest.DefaultUserID, Channel: "C0OLD", ButtonID: "decline", Job: "seed-dev-data", Text: "freeze", RequestID: "778.1.c", Envelope: sub}}, r.h.Presses())
}

func TestPromptButtonWithAnUnreadableValue_ThenNoModalOpensAndTheBotAnswers(t *testing.T) {
	r := newRig(t)
	r.start(t)
	id := r.srv.SendBlockAction(slacktest.BlockAction{TriggerID: "556.1.a", Actions: []slacktest.Action{{ActionID: "decline:prompt", Value: "v9/seed-dev-data"}}})
	_, err := r.srv.WaitAck(id, 3*time.Second)
	require.NoError(t, err)
	r.waitFor(t, "press reply", func() bool { return len(r.srv.Ephemerals("")) == 1 })
	assert.Empty(t, r.srv.Views(), "no text is asked for a press that cannot act")
	assert.Equal(t, []bot.Press{{User: slacktest.DefaultUserID, Channel: slacktest.DefaultChannelID, ButtonID: "decline", Value: "v9/seed-dev-data", RequestID: "556.1.a", Envelope: id}}, r.h.Presses(),
		"the bot refuses the value (bad_button)")
}

func TestPromptButtonWithoutRenderUsesItsLabel(t *testing.T) {
	r := newRig(t)
	r.start(t)
	id := r.srv.SendBlockAction(slacktest.BlockAction{Actions: []slacktest.Action{{ActionID: "justify:prompt#2", Value: "backup-db"}}})
	_, err := r.srv.WaitAck(id, 3*time.Second)
	require.NoError(t, err)
	r.waitFor(t, "modal", func() bool { return len(r.srv.Views()) == 1 })
	v := r.srv.Views()[0]
	assert.Equal(t, "runbook:justify", v.CallbackID)
	assert.Equal(t, "backup-db", v.Title, "the fake labels buttons with their value")
}

func TestDisconnectThenReconnectThenCommandWorks(t *testing.T) {
	r := newRig(t, slacktest.WithDisconnectGrace(50*time.Millisecond))
	r.start(t)
	require.Equal(t, 1, r.srv.Disconnect("refresh_requested"))
	require.NoError(t, r.srv.WaitConnected(2, 10*time.Second))
	r.waitFor(t, "connected again", r.ad.Connected)

	id := r.srv.SendSlashCommand(slacktest.SlashCommand{Text: "schedule"})
	_, err := r.srv.WaitAck(id, 3*time.Second)
	require.NoError(t, err)
	r.waitFor(t, "reply", func() bool { return len(r.srv.Ephemerals("")) == 1 })

	require.Equal(t, 1, r.srv.DropConnection())
	require.NoError(t, r.srv.WaitConnected(3, 20*time.Second))
	r.srv.SendSlashCommand(slacktest.SlashCommand{Text: "help"})
	_, err = r.srv.WaitAck(id, 3*time.Second)
	require.NoError(t, err)
	r.waitFor(t, "second reply", func() bool { return len(r.srv.Ephemerals("")) == 2 })
	assert.Len(t, r.h.Commands(), 2)
}

func TestMalformedEnvelopesAckedAndIgnored(t *testing.T) {
	r := newRig(t)
	r.start(t)
	ids := []string{
		r.srv.SendEnvelope("slash_commands", json.RawMessage(`"not an object"`)),
		r.srv.SendEnvelope("slash_commands", json.RawMessage(`{"user_id": 42}`)),
		r.srv.SendEnvelope("slash_commands", json.RawMessage(`{"command":"/runbook","text":"run x"}`)), // no user, no trigger
		r.srv.SendEnvelope("interactive", json.RawMessage(`{"type":"block_actions","user":"U1"}`)),
		r.srv.SendEnvelope("interactive", json.RawMessage(`{"type":"block_actions","trigger_id":"1.2.3","actions":[]}`)),
		r.srv.SendEnvelope("interactive", json.RawMessage(`{"type":"view_submission","user":{"id":"U1"},"trigger_id":"1.2.4","view":{"callback_id":"runbook:justify","private_metadata":"{bad","state":{"values":{"text":{"text":{"type":"plain_text_input","value":"x"}}}}}}`)),
		r.srv.SendEnvelope("events_api", json.RawMessage(`{"type":"event_callback","event_id":"Ev1","event":{"type":"app_mention"}}`)),
		r.srv.SendEnvelope("whatever_new", json.RawMessage(`{}`)),
	}
	for _, id := range ids {
		_, err := r.srv.WaitAck(id, 3*time.Second)
		require.NoError(t, err, "envelope %s acked", id)
	}
	// The adapter still works.
	id := r.srv.SendSlashCommand(slacktest.SlashCommand{Text: "help"})
	_, err := r.srv.WaitAck(id, 3*time.Second)
	require.NoError(t, err)
	r.waitFor(t, "reply", func() bool { return len(r.srv.Ephemerals("")) == 1 })
	assert.Len(t, r.h.Commands(), 1)
	assert.Empty(t, r.h.Presses())
	assert.NotContains(t, r.logs.String(), r.srv.BotToken())
	assert.NotContains(t, r.logs.String(), r.srv.AppToken())
}

func TestAcksDoNotWaitForSlowWork(t *testing.T) {
	r := newRig(t)
	block := make(chan struct{})
	slow := &slowHandler{fakeHandler: r.h, block: block}
	r.ad.h = slow
	r.start(t)
	defer close(block)
	var ids []string
	for range 40 { // more than the 32 workers
		ids = append(ids, r.srv.SendSlashCommand(slacktest.SlashCommand{Text: "run"}))
	}
	for _, id := range ids {
		_, err := r.srv.WaitAck(id, 3*time.Second)
		require.NoError(t, err)
	}
}

// slowHandler blocks every command until block is closed.
type slowHandler struct {
	*fakeHandler
	block chan struct{}
}

func (h *slowHandler) Command(ctx context.Context, in bot.Input) bot.Reply {
	<-h.block
	return h.fakeHandler.Command(ctx, in)
}

func TestLogsNeverCarryTokens(t *testing.T) {
	var logs logBuffer
	srv := slacktest.NewTB(t)
	ad, err := New(Config{BotToken: srv.BotToken(), AppToken: srv.AppToken(), APIURL: srv.APIURL(), Log: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}, &fakeHandler{}, newMemStore())
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	require.NoError(t, ad.Start(ctx))
	require.NoError(t, srv.WaitConnected(1, 10*time.Second))
	srv.DropConnection()
	require.NoError(t, srv.WaitConnected(2, 20*time.Second))
	assert.NotContains(t, logs.String(), srv.BotToken())
	assert.NotContains(t, logs.String(), srv.AppToken())
}

func TestConnectedFalseAfterStop(t *testing.T) {
	srv := slacktest.NewTB(t)
	ad, err := New(Config{BotToken: srv.BotToken(), AppToken: srv.AppToken(), APIURL: srv.APIURL()}, &fakeHandler{}, newMemStore())
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	require.NoError(t, ad.Start(ctx))
	require.NoError(t, srv.WaitConnected(1, 10*time.Second))
	eventually(t, "connected", ad.Connected)
	require.Error(t, ad.Start(ctx), "a second Start is refused")
	cancel()
	eventually(t, "not connected", func() bool { return !ad.Connected() })
}

func TestPublicReplyPostedInChannel(t *testing.T) {
	r := newRig(t)
	r.start(t)
	r.ad.reply(r.ctx, slacktest.DefaultUserID, slacktest.DefaultChannelID, bot.Reply{Public: true, Message: bot.Message{Fallback: "approved <!channel>"}})
	msgs := r.srv.Messages(slacktest.DefaultChannelID)
	require.Len(t, msgs, 1)
	assert.Equal(t, "approved &lt;!channel&gt;", msgs[0].Text)
	assert.Empty(t, r.srv.Ephemerals(""))
}
