package slacktest

import (
	"testing"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestClients_GivenTwoClientsOfOneApp_WhenEnvelopesAreAddressedAndReplayed_ThenEachGoesWhereAskedAndCallsAreTold(t *testing.T) {
	srv := NewTB(t)
	api := func(name string) *slack.Client {
		return slack.New(srv.BotToken(), slack.OptionAPIURL(srv.APIURLAs(name)), slack.OptionAppLevelToken(srv.AppToken()))
	}
	a := startClient(t, srv, api("a"))
	a.next(t, socketmode.EventTypeHello)
	b := startClient(t, srv, api("b"))
	b.next(t, socketmode.EventTypeHello)
	require.NoError(t, srv.WaitConnected(2, waitTimeout))
	assert.True(t, srv.ClientConnected("a"))
	assert.False(t, srv.ClientConnected("c"))

	// Addressed: to b, then away from b.
	id := srv.SendSlashCommand(SlashCommand{Text: "to b", UserID: "U1"}, ToClient("b"))
	evt := b.next(t, socketmode.EventTypeSlashCommand)
	assert.Equal(t, id, evt.Request.EnvelopeID)
	b.ack(t, evt)
	env, ok := srv.Envelope(id)
	require.True(t, ok)
	assert.Equal(t, "b", env.Client)

	// Replayed elsewhere: the same payload (trigger id) reaches a, with a new envelope id.
	again, err := srv.ReplayElsewhere(id)
	require.NoError(t, err)
	evt2 := a.next(t, socketmode.EventTypeSlashCommand)
	assert.Equal(t, again, evt2.Request.EnvelopeID)
	assert.Equal(t, evt.Data.(slack.SlashCommand).TriggerID, evt2.Data.(slack.SlashCommand).TriggerID)
	a.ack(t, evt2)

	// Calls are told apart by client.
	_, _, err = api("b").PostMessage("C1", slack.MsgOptionText("hi", false))
	require.NoError(t, err)
	assert.Len(t, srv.ClientCalls("b", "chat.postMessage"), 1)
	assert.Empty(t, srv.ClientCalls("a", "chat.postMessage"))
	assert.Len(t, srv.ClientCalls("a", "apps.connections.open"), 1)
}
