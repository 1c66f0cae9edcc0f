package slacktest

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHelloThenSlashCommandIsAcked(t *testing.T) {
	srv := NewTB(t)
	tc := startClient(t, srv, nil)
	tc.next(t, socketmode.EventTypeHello)
	require.NoError(t, srv.WaitConnected(1, waitTimeout))

	id := srv.SendSlashCommand(SlashCommand{Text: "deploy web", UserID: "U1", ChannelID: "C1", ChannelName: "deploys"})
	evt := tc.next(t, socketmode.EventTypeSlashCommand)
	cmd, ok := evt.Data.(slack.SlashCommand)
	require.True(t, ok)
	assert.Equal(t, "/runbook", cmd.Command)
	assert.Equal(t, "deploy web", cmd.Text)
	assert.Equal(t, "U1", cmd.UserID)
	assert.Equal(t, "C1", cmd.ChannelID)
	assert.Equal(t, srv.TeamID(), cmd.TeamID)
	assert.NotEmpty(t, cmd.TriggerID)
	assert.Contains(t, cmd.ResponseURL, srv.URL()+"/commands/")
	assert.Equal(t, id, evt.Request.EnvelopeID)
	assert.True(t, evt.Request.AcceptsResponsePayload)

	tc.ack(t, evt)
	ack, err := srv.WaitAck(id, waitTimeout)
	require.NoError(t, err)
	assert.True(t, ack.Known)
	assert.Equal(t, "slash_commands", ack.Type)
	assert.Positive(t, ack.Latency)
	assert.Empty(t, srv.Unacked())
	assert.Equal(t, 1, srv.CallCount("apps.connections.open"))
}

func TestSlashCommandAckPayloadBecomesEphemeral(t *testing.T) {
	srv := NewTB(t)
	tc := startClient(t, srv, nil)
	id := srv.SendSlashCommand(SlashCommand{UserID: "U7", ChannelID: "C7", Text: "help"})
	evt := tc.next(t, socketmode.EventTypeSlashCommand)
	tc.ack(t, evt, map[string]any{"text": "usage: /runbook <name>"})
	_, err := srv.WaitAck(id, waitTimeout)
	require.NoError(t, err)
	eph := srv.Ephemerals("U7")
	require.Len(t, eph, 1)
	assert.Equal(t, "usage: /runbook <name>", eph[0].Text)
	assert.Equal(t, "C7", eph[0].Channel)
	assert.Equal(t, "ack", eph[0].By)
}

func TestDisconnectMakesClientReconnect(t *testing.T) {
	srv := NewTB(t)
	tc := startClient(t, srv, nil)
	tc.next(t, socketmode.EventTypeHello)
	require.NoError(t, srv.WaitConnected(1, waitTimeout))

	assert.Equal(t, 1, srv.Disconnect(""))
	// The envelope waits for the new connection instead of going to the old one.
	id := srv.SendSlashCommand(SlashCommand{Text: "after refresh"})
	require.NoError(t, srv.WaitConnected(2, waitTimeout))
	assert.Equal(t, 2, srv.Connections())
	assert.Equal(t, 2, srv.CallCount("apps.connections.open"))

	evt := tc.next(t, socketmode.EventTypeSlashCommand)
	assert.Equal(t, id, evt.Request.EnvelopeID)
	assert.Equal(t, "after refresh", evt.Data.(slack.SlashCommand).Text)
	tc.ack(t, evt)
	ack, err := srv.WaitAck(id, waitTimeout)
	require.NoError(t, err)
	assert.Equal(t, 2, ack.ConnID)
}

func TestEnvelopeQueuedUntilFirstConnect(t *testing.T) {
	srv := NewTB(t)
	id := srv.SendSlashCommand(SlashCommand{Text: "early"})
	assert.Equal(t, 1, srv.Queued())
	tc := startClient(t, srv, nil)
	evt := tc.next(t, socketmode.EventTypeSlashCommand)
	assert.Equal(t, id, evt.Request.EnvelopeID)
	assert.Equal(t, 0, srv.Queued())
}

func TestEnvelopeQueuedAcrossDroppedConnection(t *testing.T) {
	srv := NewTB(t)
	tc := startClient(t, srv, nil)
	require.NoError(t, srv.WaitConnected(1, waitTimeout))

	// Keep the client from reconnecting until the envelope is queued.
	srv.Fail("apps.connections.open", http.StatusInternalServerError, 0, 0)
	assert.Equal(t, 1, srv.DropConnection())
	id := srv.SendSlashCommand(SlashCommand{Text: "while away"})
	assert.Equal(t, 1, srv.Queued())
	srv.ClearFaults()

	evt := tc.next(t, socketmode.EventTypeSlashCommand)
	assert.Equal(t, id, evt.Request.EnvelopeID)
	assert.Equal(t, 2, srv.Connections())
	tc.ack(t, evt)
	_, err := srv.WaitAck(id, waitTimeout)
	require.NoError(t, err)
}

func TestReplayRedeliversWithNewIDAndRetryAttempt(t *testing.T) {
	srv := NewTB(t)
	tc := startClient(t, srv, nil)
	id := srv.SendSlashCommand(SlashCommand{Text: "once"}, WithEnvelopeID("env-fixed-1"))
	assert.Equal(t, "env-fixed-1", id)
	first := tc.next(t, socketmode.EventTypeSlashCommand)
	assert.Equal(t, 0, first.Request.RetryAttempt)

	newID, err := srv.Replay(id)
	require.NoError(t, err)
	assert.NotEqual(t, id, newID)
	second := tc.next(t, socketmode.EventTypeSlashCommand)
	assert.Equal(t, newID, second.Request.EnvelopeID)
	assert.Equal(t, 1, second.Request.RetryAttempt)
	assert.Equal(t, "timeout", second.Request.RetryReason)
	assert.Equal(t, first.Data.(slack.SlashCommand).TriggerID, second.Data.(slack.SlashCommand).TriggerID)

	srv.SendSlashCommand(SlashCommand{}, WithRetry(2, "http_timeout"))
	third := tc.next(t, socketmode.EventTypeSlashCommand)
	assert.Equal(t, 2, third.Request.RetryAttempt)
	assert.Equal(t, "http_timeout", third.Request.RetryReason)
}

func TestBadAppTokenRejected(t *testing.T) {
	srv := NewTB(t)
	api := slack.New(srv.BotToken(), slack.OptionAPIURL(srv.APIURL()), slack.OptionAppLevelToken("xapp-1-wrong"))
	err := socketmode.New(api).RunContext(context.Background())
	require.Error(t, err)
	assert.Equal(t, "invalid_auth", err.Error())
	assert.Equal(t, 0, srv.Connections())
}

func TestRawEnvelopeAndBlockAction(t *testing.T) {
	srv := NewTB(t)
	tc := startClient(t, srv, nil)
	_, ts, err := tc.api.PostMessage("C9",
		slack.MsgOptionText("approve?", false),
		slack.MsgOptionBlocks(slack.NewActionBlock("approval",
			slack.NewButtonBlockElement("approve", "yes", slack.NewTextBlockObject(slack.PlainTextType, "Approve", false, false)))))
	require.NoError(t, err)

	id := srv.SendBlockAction(BlockAction{
		UserID: "U2", ChannelID: "C9", MessageTS: ts,
		Actions: []Action{{ActionID: "approve", BlockID: "approval", Value: "yes"}},
	})
	evt := tc.next(t, socketmode.EventTypeInteractive)
	cb := evt.Data.(slack.InteractionCallback)
	assert.Equal(t, slack.InteractionTypeBlockActions, cb.Type)
	assert.Equal(t, "U2", cb.User.ID)
	assert.Equal(t, "C9", cb.Channel.ID)
	assert.Equal(t, ts, cb.Container.MessageTs)
	assert.Equal(t, ts, cb.Message.Timestamp)
	assert.Equal(t, "approve?", cb.Message.Text)
	require.Len(t, cb.ActionCallback.BlockActions, 1)
	assert.Equal(t, "approve", cb.ActionCallback.BlockActions[0].ActionID)
	assert.Equal(t, "approval", cb.ActionCallback.BlockActions[0].BlockID)
	assert.Equal(t, "yes", cb.ActionCallback.BlockActions[0].Value)
	assert.NotEmpty(t, cb.TriggerID)
	tc.ack(t, evt)
	_, err = srv.WaitAck(id, waitTimeout)
	require.NoError(t, err)

	// Replacing the original through the response_url updates the stored message.
	_, _, _, err = tc.api.SendMessage("", slack.MsgOptionReplaceOriginal(cb.ResponseURL), slack.MsgOptionText("approved by U2", false))
	require.NoError(t, err)
	m, ok := srv.Message("C9", ts)
	require.True(t, ok)
	assert.Equal(t, "approved by U2", m.Text)
	assert.Equal(t, 1, m.Updates)
	require.Len(t, srv.ResponseURLCalls(), 1)
	assert.True(t, srv.ResponseURLCalls()[0].ReplaceOriginal)

	// A raw events_api envelope reaches slack-go as such.
	srv.SendEnvelope("events_api", json.RawMessage(`{"type":"event_callback","team_id":"T0SLACKTEST","api_app_id":"A0SLACKTEST","event":{"type":"app_mention","user":"U2","text":"<@U0BOTUSER> hi","ts":"1.000001","channel":"C9","event_ts":"1.000001"},"event_id":"Ev1","event_time":1}`))
	ev := tc.next(t, socketmode.EventTypeEventsAPI)
	assert.NotNil(t, ev.Request)
}

func TestViewSubmission(t *testing.T) {
	srv := NewTB(t)
	tc := startClient(t, srv, nil)
	srv.SendSlashCommand(SlashCommand{UserID: "U3", Text: "new"})
	cmd := tc.next(t, socketmode.EventTypeSlashCommand).Data.(slack.SlashCommand)

	modal := slack.ModalViewRequest{
		Type:            slack.VTModal,
		Title:           slack.NewTextBlockObject(slack.PlainTextType, "New run", false, false),
		Submit:          slack.NewTextBlockObject(slack.PlainTextType, "Run", false, false),
		CallbackID:      "run_modal",
		PrivateMetadata: `{"runbook":"deploy"}`,
		Blocks: slack.Blocks{BlockSet: []slack.Block{slack.NewInputBlock("reason",
			slack.NewTextBlockObject(slack.PlainTextType, "Reason", false, false), nil,
			slack.NewPlainTextInputBlockElement(nil, "reason_input"))}},
	}
	resp, err := tc.api.OpenView(cmd.TriggerID, modal)
	require.NoError(t, err)
	require.NotEmpty(t, resp.View.ID)
	assert.Equal(t, "run_modal", resp.View.CallbackID)
	_, err = tc.api.OpenView(cmd.TriggerID, modal)
	assert.EqualError(t, err, "trigger_exchanged")
	_, err = tc.api.OpenView("bogus", modal)
	assert.EqualError(t, err, "invalid_trigger_id")

	modal.Title = slack.NewTextBlockObject(slack.PlainTextType, "New run (2)", false, false)
	_, err = tc.api.UpdateView(modal, "", "stale-hash", resp.View.ID)
	assert.EqualError(t, err, "hash_conflict")
	upd, err := tc.api.UpdateView(modal, "", resp.View.Hash, resp.View.ID)
	require.NoError(t, err)
	assert.NotEqual(t, resp.View.Hash, upd.View.Hash)
	v, ok := srv.View(resp.View.ID)
	require.True(t, ok)
	assert.Equal(t, "New run (2)", v.Title)
	assert.Equal(t, 1, v.Updates)
	assert.Equal(t, "U3", v.User)

	id := srv.SendViewSubmission(ViewSubmission{
		UserID: "U3", ViewID: resp.View.ID,
		Values: map[string]map[string]StateValue{"reason": {"reason_input": {Value: "hotfix"}}},
	})
	evt := tc.next(t, socketmode.EventTypeInteractive)
	cb := evt.Data.(slack.InteractionCallback)
	assert.Equal(t, slack.InteractionTypeViewSubmission, cb.Type)
	assert.Equal(t, "run_modal", cb.View.CallbackID)
	assert.Equal(t, `{"runbook":"deploy"}`, cb.View.PrivateMetadata)
	assert.Equal(t, resp.View.ID, cb.View.ID)
	require.NotNil(t, cb.View.State)
	assert.Equal(t, "hotfix", cb.View.State.Values["reason"]["reason_input"].Value)
	tc.ack(t, evt, slack.NewErrorsViewSubmissionResponse(map[string]string{"reason": "too short"}))
	ack, err := srv.WaitAck(id, waitTimeout)
	require.NoError(t, err)
	assert.JSONEq(t, `{"response_action":"errors","errors":{"reason":"too short"}}`, string(ack.Payload))
}

func TestPingsKeepSlackGoClientAlive(t *testing.T) {
	srv := NewTB(t, WithPingInterval(20*time.Millisecond))
	api := newAPI(srv)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	sm := socketmode.New(api, socketmode.OptionPingInterval(400*time.Millisecond))
	go func() {
		for {
			select {
			case <-sm.Events:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { _ = sm.RunContext(ctx) }()
	require.NoError(t, srv.WaitConnected(1, waitTimeout))
	// 50 pongs (about 1s) span more than two of the client's ping-timeout windows.
	require.NoError(t, srv.WaitFor(waitTimeout, func(s *Server) bool { return s.Pongs() >= 50 }))
	assert.Equal(t, 1, srv.Connections(), "client must not time out and reconnect while pinged")
}

func TestRedeliverUnackedAfterDrop(t *testing.T) {
	srv := NewTB(t)
	tc := startClient(t, srv, nil)
	require.NoError(t, srv.WaitConnected(1, waitTimeout))
	id := srv.SendSlashCommand(SlashCommand{Text: "lost ack"})
	tc.next(t, socketmode.EventTypeSlashCommand) // received but never acked
	srv.DropConnection()
	ids := srv.RedeliverUnacked()
	require.Len(t, ids, 1)
	evt := tc.next(t, socketmode.EventTypeSlashCommand)
	assert.Equal(t, ids[0], evt.Request.EnvelopeID)
	assert.Equal(t, 1, evt.Request.RetryAttempt)
	tc.ack(t, evt)
	_, err := srv.WaitAck(ids[0], waitTimeout)
	require.NoError(t, err)
	assert.Equal(t, []string{id}, srv.Unacked())
}
