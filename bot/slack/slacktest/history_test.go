package slacktest

import (
	"fmt"
	"net/url"
	"testing"

	"github.com/slack-go/slack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func noticeMetadata(key string) slack.MsgOption {
	return slack.MsgOptionMetadata(slack.SlackMetadata{EventType: "runbook_notice", EventPayload: map[string]any{"key": key}})
}

func TestPostByNameAnswersChannelID(t *testing.T) {
	srv := NewTB(t, WithChannel(Channel{ID: "C20", Name: "incidents"}))
	api := newAPI(srv)

	ch, ts, err := api.PostMessage("#incidents", slack.MsgOptionText("down", false))
	require.NoError(t, err)
	assert.Equal(t, "C20", ch, "a registered name is its channel")
	m, ok := srv.Message("#incidents", ts)
	require.True(t, ok)
	assert.Equal(t, "C20", m.Channel)

	ch, _, err = api.PostMessage("#infra-incident", slack.MsgOptionText("x", false))
	require.NoError(t, err)
	assert.Regexp(t, `^C[0-9A-Z]+$`, ch, "an unknown name becomes a channel with an ID")
	again, _, err := api.PostMessage("#infra-incident", slack.MsgOptionText("y", false))
	require.NoError(t, err)
	assert.Equal(t, ch, again)
	assert.Len(t, srv.Messages("#infra-incident"), 2)
	assert.Len(t, srv.Messages(ch), 2)
}

func TestPostMessageMetadata(t *testing.T) {
	srv := NewTB(t)
	api := newAPI(srv)
	_, ts, err := api.PostMessage("C1", slack.MsgOptionText("x", false), noticeMetadata("occ/1/incident"))
	require.NoError(t, err)
	m, _ := srv.Message("C1", ts)
	assert.JSONEq(t, `{"event_type":"runbook_notice","event_payload":{"key":"occ/1/incident"}}`, string(m.Metadata))

	for _, bad := range []struct{ md, code string }{
		{`not json`, "invalid_metadata_format"},
		{`{"event_payload":{"a":1}}`, "invalid_metadata_schema"},
		{`{"event_type":"x","event_payload":"str"}`, "invalid_metadata_schema"},
	} {
		_, _, body := postRaw(t, srv.APIURL()+"chat.postMessage", "application/x-www-form-urlencoded", srv.BotToken(),
			"channel=C1&text=x&metadata="+url.QueryEscape(bad.md))
		assert.Equal(t, bad.code, body["error"], bad.md)
	}
}

func TestConversationsHistory(t *testing.T) {
	srv := NewTB(t)
	api := newAPI(srv)
	var tss []string
	for i := range 5 {
		_, ts, err := api.PostMessage("C1", slack.MsgOptionText(fmt.Sprint("m", i), false), noticeMetadata(fmt.Sprint("k", i)))
		require.NoError(t, err)
		tss = append(tss, ts)
	}
	_, _, err := api.PostMessage("C1", slack.MsgOptionText("reply", false), slack.MsgOptionTS(tss[0]))
	require.NoError(t, err)

	// Newest first, top-level only, metadata only when asked.
	h, err := api.GetConversationHistory(&slack.GetConversationHistoryParameters{ChannelID: "C1"})
	require.NoError(t, err)
	require.Len(t, h.Messages, 5, "the thread reply stays in its thread")
	assert.Equal(t, tss[4], h.Messages[0].Timestamp)
	assert.Equal(t, tss[0], h.Messages[4].Timestamp)
	assert.Equal(t, 1, h.Messages[4].ReplyCount)
	assert.Empty(t, h.Messages[0].Metadata.EventType)
	assert.False(t, h.HasMore)

	// oldest is exclusive (unless inclusive), limit and cursor page.
	p := &slack.GetConversationHistoryParameters{ChannelID: "C1", Oldest: tss[1], Limit: 2, IncludeAllMetadata: true}
	h, err = api.GetConversationHistory(p)
	require.NoError(t, err)
	require.Len(t, h.Messages, 2)
	assert.True(t, h.HasMore)
	assert.Equal(t, "runbook_notice", h.Messages[0].Metadata.EventType)
	assert.Equal(t, "k4", h.Messages[0].Metadata.EventPayload["key"])
	assert.Equal(t, "U0BOTUSER", h.Messages[0].User)
	require.NotEmpty(t, h.ResponseMetaData.NextCursor)
	p.Cursor = h.ResponseMetaData.NextCursor
	h, err = api.GetConversationHistory(p)
	require.NoError(t, err)
	require.Len(t, h.Messages, 1)
	assert.Equal(t, tss[2], h.Messages[0].Timestamp)
	assert.False(t, h.HasMore)

	h, err = api.GetConversationHistory(&slack.GetConversationHistoryParameters{ChannelID: "C1", Oldest: tss[3], Latest: tss[4], Inclusive: true})
	require.NoError(t, err)
	assert.Len(t, h.Messages, 2)

	// A name is not an ID; an unknown channel is not found.
	_, err = api.GetConversationHistory(&slack.GetConversationHistoryParameters{ChannelID: "#general"})
	assert.EqualError(t, err, "channel_not_found")
	_, err = api.GetConversationHistory(&slack.GetConversationHistoryParameters{ChannelID: "C404"})
	assert.EqualError(t, err, "channel_not_found")
	_, err = api.GetConversationHistory(&slack.GetConversationHistoryParameters{ChannelID: "C1", Cursor: "junk!"})
	assert.EqualError(t, err, "invalid_cursor")
	assert.Equal(t, 7, srv.CallCount("conversations.history"))
}

func TestConversationsReplies(t *testing.T) {
	srv := NewTB(t)
	api := newAPI(srv)
	_, parent, err := api.PostMessage("C1", slack.MsgOptionText("run", false))
	require.NoError(t, err)
	for i := range 3 {
		_, _, err := api.PostMessage("C1", slack.MsgOptionText(fmt.Sprint("out ", i), false), slack.MsgOptionTS(parent), noticeMetadata(fmt.Sprint("out/", i)))
		require.NoError(t, err)
	}
	msgs, hasMore, next, err := api.GetConversationReplies(&slack.GetConversationRepliesParameters{ChannelID: "C1", Timestamp: parent, Limit: 3, IncludeAllMetadata: true})
	require.NoError(t, err)
	require.Len(t, msgs, 3)
	assert.True(t, hasMore)
	assert.Equal(t, parent, msgs[0].Timestamp, "the parent comes first")
	assert.Equal(t, "out/0", msgs[1].Metadata.EventPayload["key"], "then the replies, oldest first")
	msgs, hasMore, _, err = api.GetConversationReplies(&slack.GetConversationRepliesParameters{ChannelID: "C1", Timestamp: parent, Cursor: next, Limit: 3})
	require.NoError(t, err)
	require.Len(t, msgs, 1)
	assert.False(t, hasMore)
	assert.Equal(t, parent, msgs[0].ThreadTimestamp)

	_, _, _, err = api.GetConversationReplies(&slack.GetConversationRepliesParameters{ChannelID: "C1", Timestamp: "1.000001"})
	assert.EqualError(t, err, "thread_not_found")
}

func TestConversationsList(t *testing.T) {
	srv := NewTB(t,
		WithChannel(Channel{ID: "C20", Name: "incidents"}),
		WithChannel(Channel{ID: "G21", Name: "secret", IsPrivate: true}),
		WithChannel(Channel{ID: "C22", Name: "old", Archived: true}),
	)
	api := newAPI(srv)
	chans, next, err := api.GetConversations(&slack.GetConversationsParameters{})
	require.NoError(t, err)
	assert.Empty(t, next)
	var names []string
	for _, c := range chans {
		names = append(names, c.Name)
	}
	assert.Equal(t, []string{"incidents", "old"}, names, "public channels by default")

	chans, next, err = api.GetConversations(&slack.GetConversationsParameters{Types: []string{"public_channel", "private_channel"}, ExcludeArchived: true, Limit: 1})
	require.NoError(t, err)
	require.Len(t, chans, 1)
	assert.Equal(t, "C20", chans[0].ID)
	require.NotEmpty(t, next)
	chans, next, err = api.GetConversations(&slack.GetConversationsParameters{Types: []string{"public_channel", "private_channel"}, ExcludeArchived: true, Limit: 1, Cursor: next})
	require.NoError(t, err)
	require.Len(t, chans, 1)
	assert.Equal(t, "secret", chans[0].Name)
	assert.True(t, chans[0].IsPrivate)
	assert.Empty(t, next)

	_, _, err = api.GetConversations(&slack.GetConversationsParameters{Types: []string{"bogus"}})
	assert.EqualError(t, err, "invalid_types")
}
