package slacktest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func postRaw(t *testing.T, u, contentType, auth, body string) (int, http.Header, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, u, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", contentType)
	if auth != "" {
		req.Header.Set("Authorization", "Bearer "+auth)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	return resp.StatusCode, resp.Header, out
}

func TestPostThenUpdateMessage(t *testing.T) {
	srv := NewTB(t)
	api := newAPI(srv)
	blocks := slack.MsgOptionBlocks(slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, "*running*", false, false), nil, nil))
	ch, ts, err := api.PostMessage("C1", slack.MsgOptionText("running", false), blocks)
	require.NoError(t, err)
	assert.Equal(t, "C1", ch)
	require.NotEmpty(t, ts)

	_, replyTS, err := api.PostMessage("C1", slack.MsgOptionText("step 1 ok", false), slack.MsgOptionTS(ts))
	require.NoError(t, err)

	_, _, _, err = api.UpdateMessage("C1", ts, slack.MsgOptionText("done", false))
	require.NoError(t, err)

	msgs := srv.Messages("C1")
	require.Len(t, msgs, 2)
	assert.Equal(t, ts, msgs[0].TS)
	assert.Equal(t, "done", msgs[0].Text)
	assert.Equal(t, 1, msgs[0].Updates)
	require.Len(t, msgs[0].Versions, 2)
	assert.Equal(t, "running", msgs[0].Versions[0].Text)
	assert.Contains(t, string(msgs[0].Blocks), "*running*", "blocks kept when chat.update sends none")
	assert.Equal(t, srv.BotUserID(), msgs[0].User)
	assert.Equal(t, replyTS, msgs[1].TS)
	assert.Equal(t, ts, msgs[1].ThreadTS)
	assert.Len(t, srv.Thread("C1", ts), 2)

	calls := srv.Calls("chat.postMessage")
	require.Len(t, calls, 2)
	assert.Equal(t, "running", calls[0].Text())
	assert.Contains(t, string(calls[0].Blocks()), `"type":"section"`)
	assert.Equal(t, srv.BotToken(), calls[0].Token)
	assert.Equal(t, ts, calls[1].Params["thread_ts"])

	link, err := api.GetPermalink(&slack.PermalinkParameters{Channel: "C1", Ts: replyTS})
	require.NoError(t, err)
	assert.Equal(t, "https://slacktest.slack.com/archives/C1/p"+strings.ReplaceAll(replyTS, ".", "")+"?thread_ts="+ts+"&cid=C1", link)

	_, _, _, err = api.UpdateMessage("C1", "123.456", slack.MsgOptionText("x", false))
	assert.EqualError(t, err, "message_not_found")

	ets, err := api.PostEphemeral("C1", "U5", slack.MsgOptionText("only you", false))
	require.NoError(t, err)
	eph := srv.Ephemerals("U5")
	require.Len(t, eph, 1)
	assert.Equal(t, ets, eph[0].TS)
	assert.Equal(t, "only you", eph[0].Text)
}

func TestRateLimitedWithRetryAfter(t *testing.T) {
	srv := NewTB(t)
	api := newAPI(srv)
	srv.Fail("chat.postMessage", http.StatusTooManyRequests, 2*time.Second, 1)
	_, _, err := api.PostMessage("C1", slack.MsgOptionText("hi", false))
	var rl *slack.RateLimitedError
	require.True(t, errors.As(err, &rl), "got %v", err)
	assert.Equal(t, 2*time.Second, rl.RetryAfter)
	assert.Equal(t, 1, srv.RateLimited("chat.postMessage"))
	_, _, err = api.PostMessage("C1", slack.MsgOptionText("hi", false))
	require.NoError(t, err)

	srv.Fail("chat.update", http.StatusInternalServerError, 0, 1)
	_, _, _, err = api.UpdateMessage("C1", "1.2", slack.MsgOptionText("x", false))
	var sc slack.StatusCodeError
	require.True(t, errors.As(err, &sc), "got %v", err)
	assert.Equal(t, http.StatusInternalServerError, sc.Code)

	srv.FailWithError("chat.postMessage", "channel_not_found", 1)
	_, _, err = api.PostMessage("C1", slack.MsgOptionText("hi", false))
	assert.EqualError(t, err, "channel_not_found")
}

func TestPerChannelRateLimit(t *testing.T) {
	srv := NewTB(t)
	api := newAPI(srv)
	// A near-zero refill rate makes the burst the whole allowance, so the test
	// does not depend on timing.
	srv.SetRateLimitBurst("chat.postMessage", 0.001, 2)
	for range 2 {
		_, _, err := api.PostMessage("C1", slack.MsgOptionText("ok", false))
		require.NoError(t, err)
	}
	_, _, err := api.PostMessage("C1", slack.MsgOptionText("too many", false))
	var rl *slack.RateLimitedError
	require.True(t, errors.As(err, &rl), "got %v", err)
	assert.GreaterOrEqual(t, rl.RetryAfter, time.Second)
	_, _, err = api.PostMessage("C2", slack.MsgOptionText("other channel", false))
	require.NoError(t, err)
	assert.Equal(t, 1, srv.RateLimited("chat.postMessage"))
	assert.Len(t, srv.Messages("C1"), 2)

	srv.SetRateLimit("chat.postMessage", 0)
	_, _, err = api.PostMessage("C1", slack.MsgOptionText("unlimited", false))
	require.NoError(t, err)
}

func TestAuth(t *testing.T) {
	srv := NewTB(t)
	resp, err := newAPI(srv).AuthTest()
	require.NoError(t, err)
	assert.Equal(t, srv.BotUserID(), resp.UserID)
	assert.Equal(t, srv.TeamID(), resp.TeamID)
	assert.Equal(t, DefaultBotID, resp.BotID)

	bad := slack.New("xoxb-wrong", slack.OptionAPIURL(srv.APIURL()))
	_, err = bad.AuthTest()
	assert.EqualError(t, err, "invalid_auth")
	_, _, err = bad.PostMessage("C1", slack.MsgOptionText("x", false))
	assert.EqualError(t, err, "invalid_auth")

	// The bot token cannot open socket connections, nor the app token post.
	wrongKind := slack.New(srv.AppToken(), slack.OptionAPIURL(srv.APIURL()), slack.OptionAppLevelToken(srv.BotToken()))
	_, _, err = wrongKind.StartSocketModeContext(t.Context())
	assert.EqualError(t, err, "not_allowed_token_type")
	_, _, err = wrongKind.PostMessage("C1", slack.MsgOptionText("x", false))
	assert.EqualError(t, err, "not_allowed_token_type")

	_, _, body := postRaw(t, srv.APIURL()+"chat.postMessage", "application/x-www-form-urlencoded", "", "channel=C1&text=x")
	assert.Equal(t, "not_authed", body["error"])
	assert.Empty(t, srv.Messages("C1"))
}

func TestJSONAndFormBodies(t *testing.T) {
	srv := NewTB(t)
	status, hdr, body := postRaw(t, srv.APIURL()+"chat.postMessage", "application/json; charset=utf-8", srv.BotToken(),
		`{"channel":"C1","text":"from json","blocks":[{"type":"divider"}],"thread_ts":""}`)
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, "application/json; charset=utf-8", hdr.Get("Content-Type"))
	assert.Equal(t, true, body["ok"])
	assert.Equal(t, "C1", body["channel"])

	form := url.Values{"token": {srv.BotToken()}, "channel": {"C1"}, "text": {"from form"}, "blocks": {`[{"type":"divider"}]`}}
	_, _, body = postRaw(t, srv.APIURL()+"chat.postMessage", "application/x-www-form-urlencoded", "", form.Encode())
	assert.Equal(t, true, body["ok"])

	calls := srv.Calls("chat.postMessage")
	require.Len(t, calls, 2)
	assert.True(t, calls[0].JSON)
	assert.False(t, calls[1].JSON)
	for _, c := range calls {
		assert.JSONEq(t, `[{"type":"divider"}]`, string(c.Blocks()))
		assert.Equal(t, srv.BotToken(), c.Token)
		assert.NotContains(t, c.Params, "token")
		assert.True(t, c.OK())
	}

	_, _, body = postRaw(t, srv.APIURL()+"chat.flyToTheMoon", "application/json", srv.BotToken(), `{}`)
	assert.Equal(t, map[string]any{"ok": false, "error": "unknown_method"}, body)

	_, _, body = postRaw(t, srv.APIURL()+"chat.postMessage", "application/json", srv.BotToken(), `{"channel":"C1","blocks":"not json"}`)
	assert.Equal(t, "invalid_blocks_format", body["error"])
}

func TestDirectoryMethods(t *testing.T) {
	srv := NewTB(t,
		WithUser(User{ID: "U10", Name: "alice", RealName: "Alice A", Email: "alice@example.com"}),
		WithUserGroup("S1", "U10", "U11"),
		WithChannel(Channel{ID: "C20", Name: "incidents", Topic: "sev1 only"}),
	)
	api := newAPI(srv)
	u, err := api.GetUserByEmail("Alice@example.com")
	require.NoError(t, err)
	assert.Equal(t, "U10", u.ID)
	assert.Equal(t, "alice@example.com", u.Profile.Email)
	_, err = api.GetUserByEmail("nobody@example.com")
	assert.EqualError(t, err, "users_not_found")

	members, err := api.GetUserGroupMembers("S1")
	require.NoError(t, err)
	assert.Equal(t, []string{"U10", "U11"}, members)
	_, err = api.GetUserGroupMembers("S404")
	assert.EqualError(t, err, "no_such_subteam")

	ch, err := api.GetConversationInfo(&slack.GetConversationInfoInput{ChannelID: "C20"})
	require.NoError(t, err)
	assert.Equal(t, "incidents", ch.Name)
	assert.Equal(t, "sev1 only", ch.Topic.Value)
	_, err = api.GetConversationInfo(&slack.GetConversationInfoInput{ChannelID: "C404"})
	assert.EqualError(t, err, "channel_not_found")

	// Channels seen in payloads become known.
	srv.SendSlashCommand(SlashCommand{ChannelID: "C30", ChannelName: "deploys"})
	ch, err = api.GetConversationInfo(&slack.GetConversationInfoInput{ChannelID: "C30"})
	require.NoError(t, err)
	assert.Equal(t, "deploys", ch.Name)
}

func TestResponseURLFromSlashCommand(t *testing.T) {
	srv := NewTB(t)
	api := newAPI(srv)
	srv.SendSlashCommand(SlashCommand{UserID: "U4", ChannelID: "C4"})
	var env Envelope
	for _, e := range srv.Envelopes() {
		env = e
	}
	var cmd slack.SlashCommand
	require.NoError(t, json.Unmarshal(env.Payload, &cmd))

	_, _, _, err := api.SendMessage("", slack.MsgOptionResponseURL(cmd.ResponseURL, slack.ResponseTypeEphemeral), slack.MsgOptionText("working on it", false))
	require.NoError(t, err)
	_, _, _, err = api.SendMessage("", slack.MsgOptionResponseURL(cmd.ResponseURL, slack.ResponseTypeInChannel), slack.MsgOptionText("started", false))
	require.NoError(t, err)

	require.Len(t, srv.Ephemerals("U4"), 1)
	assert.Equal(t, "working on it", srv.Ephemerals("U4")[0].Text)
	msgs := srv.Messages("C4")
	require.Len(t, msgs, 1)
	assert.Equal(t, "started", msgs[0].Text)
	calls := srv.ResponseURLCalls()
	require.Len(t, calls, 2)
	assert.Equal(t, "command", calls[0].Kind)
	assert.Equal(t, "in_channel", calls[1].ResponseType)
	assert.Len(t, srv.Calls("response_url"), 2)

	srv.Fail("response_url", http.StatusInternalServerError, 0, 1)
	_, _, _, err = api.SendMessage("", slack.MsgOptionResponseURL(cmd.ResponseURL, slack.ResponseTypeEphemeral), slack.MsgOptionText("x", false))
	assert.Error(t, err)
}

func TestWaitForWakesOnCalls(t *testing.T) {
	srv := NewTB(t)
	api := newAPI(srv)
	done := make(chan error, 1)
	go func() {
		done <- srv.WaitFor(waitTimeout, func(s *Server) bool { return len(s.Messages("C1")) == 3 })
	}()
	for range 3 {
		_, _, err := api.PostMessage("C1", slack.MsgOptionText("x", false))
		require.NoError(t, err)
	}
	require.NoError(t, <-done)
	err := srv.WaitFor(time.Millisecond, func(s *Server) bool { return false })
	assert.Error(t, err)
}

func TestExpiredTrigger(t *testing.T) {
	srv := NewTB(t, WithTriggerTTL(time.Nanosecond))
	srv.SendSlashCommand(SlashCommand{})
	var cmd slack.SlashCommand
	require.NoError(t, json.Unmarshal(srv.Envelopes()[0].Payload, &cmd))
	_, err := newAPI(srv).OpenView(cmd.TriggerID, slack.ModalViewRequest{
		Type: slack.VTModal, Title: slack.NewTextBlockObject(slack.PlainTextType, "x", false, false),
	})
	assert.EqualError(t, err, "expired_trigger_id")
}

func TestConversationsMembers(t *testing.T) {
	many := make([]string, 250)
	for i := range many {
		many[i] = fmt.Sprintf("U%04d", i)
	}
	srv := NewTB(t, WithChannel(Channel{ID: "C20", Name: "big", Members: many}))
	api := newAPI(srv)

	// Every page of a big channel, in order, and the cursor ends.
	var got []string
	cursor := ""
	pages := 0
	for {
		members, next, err := api.GetUsersInConversation(&slack.GetUsersInConversationParameters{ChannelID: "C20", Cursor: cursor, Limit: 100})
		require.NoError(t, err)
		got, cursor = append(got, members...), next
		pages++
		if cursor == "" {
			break
		}
	}
	assert.Equal(t, many, got)
	assert.Equal(t, 3, pages)

	// Members seeded by name land in the channel a post to that name lands in.
	srv.SetChannelMembers("#infra-incident", "U1", "U2")
	_, _, err := api.PostMessage("#infra-incident", slack.MsgOptionText("failed", false))
	require.NoError(t, err)
	posted := srv.Messages("#infra-incident")
	require.Len(t, posted, 1)
	id := posted[0].Channel
	members, next, err := api.GetUsersInConversation(&slack.GetUsersInConversationParameters{ChannelID: id})
	require.NoError(t, err)
	assert.Equal(t, []string{"U1", "U2"}, members)
	assert.Empty(t, next)
	srv.SetChannelMembers(id, "U3")
	members, _, err = api.GetUsersInConversation(&slack.GetUsersInConversationParameters{ChannelID: id})
	require.NoError(t, err)
	assert.Equal(t, []string{"U3"}, members, "members replaced at run time")

	// Slack wants a conversation ID, and a channel it knows.
	_, _, err = api.GetUsersInConversation(&slack.GetUsersInConversationParameters{ChannelID: "#infra-incident"})
	assert.EqualError(t, err, "channel_not_found")
	_, _, err = api.GetUsersInConversation(&slack.GetUsersInConversationParameters{ChannelID: "C404"})
	assert.EqualError(t, err, "channel_not_found")
	_, _, err = api.GetUsersInConversation(&slack.GetUsersInConversationParameters{ChannelID: "C20", Cursor: "bogus"})
	assert.EqualError(t, err, "invalid_cursor")

	// Faults apply as to any method.
	srv.FailWithError("conversations.members", "ratelimited", 1)
	_, _, err = api.GetUsersInConversation(&slack.GetUsersInConversationParameters{ChannelID: "C20"})
	assert.Error(t, err)
}
