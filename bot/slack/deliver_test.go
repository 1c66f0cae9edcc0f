package slack

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/bot"
	"github.com/runbook-bot/runbook-bot/bot/slack/slacktest"
	"github.com/runbook-bot/runbook-bot/runbook"
)

func delivery(t *testing.T, n runbook.Notice) runbook.Delivery {
	t.Helper()
	b, err := json.Marshal(n)
	require.NoError(t, err)
	return runbook.Delivery{Sink: runbook.SinkChat, Key: n.Key, Payload: b}
}

func TestDeliverPostUpdateThread(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	ch := slacktest.DefaultChannelID

	require.NoError(t, r.ad.Deliver(ctx, delivery(t, runbook.Notice{Kind: runbook.NoticeIncident, Key: "occ/1/incident", Channel: runbook.ChannelIncident, Text: "15 min left"})))
	msgs := r.srv.Messages(ch)
	require.Len(t, msgs, 1)
	channel, ts, ok, _ := r.st.MessageRef(ctx, "occ/1/incident")
	require.True(t, ok)
	assert.Equal(t, ch, channel)
	assert.Equal(t, msgs[0].TS, ts)

	require.NoError(t, r.ad.Deliver(ctx, delivery(t, runbook.Notice{Kind: runbook.NoticeIncident, Key: "occ/1/incident", Update: true, Channel: runbook.ChannelIncident, Text: "14 min left"})))
	msgs = r.srv.Messages(ch)
	require.Len(t, msgs, 1, "updated in place")
	assert.Equal(t, 1, msgs[0].Updates)
	assert.Contains(t, string(msgs[0].Blocks), "14 min left")

	require.NoError(t, r.ad.Deliver(ctx, delivery(t, runbook.Notice{Kind: runbook.NoticeRunOutput, Key: "occ/1/incident/out/1", Thread: "occ/1/incident", Channel: runbook.ChannelIncident, Lines: []string{"line 1"}})))
	msgs = r.srv.Messages(ch)
	require.Len(t, msgs, 2)
	assert.Equal(t, ts, msgs[1].ThreadTS, "the reply is in the thread")
	assert.Len(t, r.srv.Thread(ch, ts), 2)

	// Redelivering a post whose ref exists does not post it twice.
	require.NoError(t, r.ad.Deliver(ctx, delivery(t, runbook.Notice{Kind: runbook.NoticeIncident, Key: "occ/1/incident", Channel: runbook.ChannelIncident})))
	assert.Len(t, r.srv.Messages(ch), 2)
}

func TestDeliverPostsToChannelNameAndUpdatesByID(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	r.h.render = func(n runbook.Notice) bot.Message {
		return bot.Message{Channel: "C0INCIDENT", Fallback: n.Text}
	}
	require.NoError(t, r.ad.Deliver(ctx, delivery(t, runbook.Notice{Key: "k", Text: "v1"})))
	r.h.render = func(n runbook.Notice) bot.Message { return bot.Message{Channel: "#elsewhere", Fallback: n.Text} }
	require.NoError(t, r.ad.Deliver(ctx, delivery(t, runbook.Notice{Key: "k", Update: true, Text: "v2"})))
	up := r.srv.Calls("chat.update")
	require.Len(t, up, 1)
	assert.Equal(t, "C0INCIDENT", up[0].Params["channel"], "updates go to the channel of the stored ref")
}

func TestDeliverBeforeParentDefers(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	var def *runbook.DeferError
	err := r.ad.Deliver(ctx, delivery(t, runbook.Notice{Key: "occ/2/run/1", Update: true}))
	require.ErrorAs(t, err, &def)
	err = r.ad.Deliver(ctx, delivery(t, runbook.Notice{Key: "occ/2/run/1/out/1", Thread: "occ/2/run/1", Lines: []string{"x"}}))
	require.ErrorAs(t, err, &def)
	assert.Zero(t, r.srv.CallCount("chat.postMessage"))
	assert.Zero(t, r.srv.CallCount("chat.update"))
}

func TestDeliverEscalationWaitsForItsIncidentPost(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	esc := delivery(t, runbook.Notice{Key: "occ/4/incident/escalation", After: "occ/4/incident", Text: "escalated"})
	var def *runbook.DeferError
	require.ErrorAs(t, r.ad.Deliver(ctx, esc), &def, "not before the incident post")
	assert.Zero(t, r.srv.CallCount("chat.postMessage"))
	require.NoError(t, r.ad.Deliver(ctx, delivery(t, runbook.Notice{Key: "occ/4/incident", Text: "failed"})))
	require.NoError(t, r.ad.Deliver(ctx, esc))
	assert.Equal(t, 2, r.srv.CallCount("chat.postMessage"))
}

func TestDeliver429RetryAfterThenSucceeds(t *testing.T) {
	r := newRig(t)
	now := r.holdClock()
	ctx := context.Background()
	r.srv.Fail("chat.postMessage", http.StatusTooManyRequests, 7*time.Second, 1)
	d := delivery(t, runbook.Notice{Key: "occ/3/request/0", Text: "confirm?"})
	err := r.ad.Deliver(ctx, d)
	require.Error(t, err)
	var ra interface{ RetryAfter() time.Duration }
	require.ErrorAs(t, err, &ra)
	assert.Equal(t, 7*time.Second, ra.RetryAfter())
	assert.False(t, isPermanent(err))
	var def *runbook.DeferError
	assert.False(t, errors.As(err, &def))

	*now = now.Add(7 * time.Second)
	require.NoError(t, r.ad.Deliver(ctx, d))
	assert.Len(t, r.srv.Messages(slacktest.DefaultChannelID), 1)
}

// holdClock makes the adapter's 429 holds follow a clock the test moves.
func (r *rig) holdClock() *time.Time {
	now := time.Now()
	r.ad.pace.now = func() time.Time { return now }
	return &now
}

func TestDeliver429HoldsThatMethodInThatChannelOnlyUntilRetryAfter(t *testing.T) {
	r := newRig(t)
	now := r.holdClock()
	ctx := context.Background()
	require.NoError(t, r.ad.Deliver(ctx, delivery(t, runbook.Notice{Key: "occ/1/incident", Text: "15 min"})))

	// Given: Slack refused a post in the channel for 5 s.
	r.srv.Fail("chat.postMessage", http.StatusTooManyRequests, 5*time.Second, 1)
	var rl *RateLimitError
	require.ErrorAs(t, r.ad.Deliver(ctx, delivery(t, runbook.Notice{Key: "occ/2/incident", Text: "failed"})), &rl)
	posts := r.srv.CallCount("chat.postMessage")

	// Then: another post there is refused without asking Slack, with the time left…
	*now = now.Add(2 * time.Second)
	err := r.ad.Deliver(ctx, delivery(t, runbook.Notice{Key: "occ/3/incident", Text: "failed"}))
	require.ErrorAs(t, err, &rl)
	assert.Equal(t, 3*time.Second, rl.RetryAfter())
	assert.Equal(t, posts, r.srv.CallCount("chat.postMessage"), "Slack is not asked again before Retry-After")
	assert.NotContains(t, err.Error(), "deferred", "a refused call posted nothing")

	// …while an edit in that channel and a post in another go on.
	require.NoError(t, r.ad.Deliver(ctx, delivery(t, runbook.Notice{Key: "occ/1/incident", Update: true, Text: "14 min"})))
	r.h.render = func(runbook.Notice) bot.Message { return bot.Message{Channel: "C0OTHER", Fallback: "x"} }
	require.NoError(t, r.ad.Deliver(ctx, delivery(t, runbook.Notice{Key: "other"})))
	r.h.render = nil

	// And once Retry-After has passed, the channel takes posts again.
	*now = now.Add(3 * time.Second)
	require.NoError(t, r.ad.Deliver(ctx, delivery(t, runbook.Notice{Key: "occ/3/incident", Text: "failed"})))
	assert.Equal(t, posts+2, r.srv.CallCount("chat.postMessage"))
}

func TestDeliverErrorClasses(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	for _, code := range []string{"invalid_auth", "channel_not_found", "not_in_channel", "msg_too_long", "invalid_blocks", "is_archived"} {
		r.srv.FailWithError("chat.postMessage", code, 1)
		err := r.ad.Deliver(ctx, delivery(t, runbook.Notice{Key: "perm/" + code}))
		require.Error(t, err, code)
		assert.True(t, isPermanent(err), "%s is permanent", code)
		assert.Contains(t, err.Error(), code)
	}
	r.srv.Fail("chat.postMessage", http.StatusInternalServerError, 0, 1)
	err := r.ad.Deliver(ctx, delivery(t, runbook.Notice{Key: "5xx"}))
	require.Error(t, err)
	assert.False(t, isPermanent(err), "5xx is retried")
	r.srv.FailWithError("chat.postMessage", "internal_error", 1)
	err = r.ad.Deliver(ctx, delivery(t, runbook.Notice{Key: "internal"}))
	require.Error(t, err)
	assert.False(t, isPermanent(err))

	err = r.ad.Deliver(ctx, runbook.Delivery{Key: "bad", Payload: []byte("{not json")})
	assert.True(t, isPermanent(err))
	r.h.render = func(runbook.Notice) bot.Message { return bot.Message{Fallback: "x"} }
	err = r.ad.Deliver(ctx, delivery(t, runbook.Notice{Key: "nochannel"}))
	assert.True(t, isPermanent(err))
	assert.NotContains(t, err.Error(), r.srv.BotToken())
}

func TestDeliverNetworkErrorIsRetryable(t *testing.T) {
	r := newRig(t)
	r.srv.Close()
	err := r.ad.Deliver(context.Background(), delivery(t, runbook.Notice{Key: "k"}))
	require.Error(t, err)
	assert.False(t, isPermanent(err))
	assert.NotContains(t, err.Error(), r.srv.BotToken())
}

func isPermanent(err error) bool {
	var p interface{ Permanent() bool }
	return errors.As(err, &p) && p.Permanent()
}

func TestDeliverEscapesHostileText(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	require.NoError(t, r.ad.Deliver(ctx, delivery(t, runbook.Notice{Key: "out", Lines: []string{"<!channel> deploy done", "<@U123> & ```"}, Text: "<!here> ping"})))
	msgs := r.srv.Messages(slacktest.DefaultChannelID)
	require.Len(t, msgs, 1)
	all := blockTexts(t, msgs[0].Blocks) + "\n" + msgs[0].Text
	for _, bad := range []string{"<!channel>", "<@U123>", "<!here>"} {
		assert.NotContains(t, all, bad)
	}
	assert.Contains(t, all, "&lt;!channel&gt; deploy done")
	assert.Contains(t, all, "&lt;@U123&gt; &amp;")
	assert.Equal(t, 2, strings.Count(all, "```"), "only the adapter's own fences")
}

func TestDeliverPacesPerChannel(t *testing.T) {
	r := newRig(t)
	r.ad.pace = newPacer(100 * time.Millisecond)
	ctx := context.Background()
	start := time.Now()
	for i := range 4 {
		require.NoError(t, r.ad.Deliver(ctx, delivery(t, runbook.Notice{Key: "p/" + string(rune('a'+i))})))
	}
	calls := r.srv.Calls("chat.postMessage")
	require.Len(t, calls, 4)
	// Slots are reserved 100ms apart, so the fourth post cannot start before 300ms.
	assert.GreaterOrEqual(t, time.Since(start), 300*time.Millisecond, "one post per gap per channel")

	// Another channel is not held back by this one.
	r.h.render = func(runbook.Notice) bot.Message { return bot.Message{Channel: "C0OTHER", Fallback: "x"} }
	t0 := time.Now()
	require.NoError(t, r.ad.Deliver(ctx, delivery(t, runbook.Notice{Key: "other"})))
	assert.Less(t, time.Since(t0), 90*time.Millisecond)
}

func TestPacerWaitEndsWithContext(t *testing.T) {
	p := newPacer(time.Hour)
	require.NoError(t, p.wait(context.Background(), "C1"))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	assert.ErrorIs(t, p.wait(ctx, "C1"), context.Canceled)
}

func TestDirectory(t *testing.T) {
	r := newRig(t,
		slacktest.WithUser(slacktest.User{ID: "U0MARCOS", Email: "marcos@example.com"}),
		slacktest.WithUserGroup("S0PLATFORM", "U0MARCOS", "U0ANA"),
	)
	ctx := context.Background()
	id, err := r.ad.UserByEmail(ctx, "Marcos@Example.com")
	require.NoError(t, err)
	assert.Equal(t, "U0MARCOS", id)
	_, err = r.ad.UserByEmail(ctx, "marcos@example.com")
	require.NoError(t, err)
	assert.Equal(t, 1, r.srv.CallCount("users.lookupByEmail"), "cached")
	_, err = r.ad.UserByEmail(ctx, "nobody@example.com")
	require.Error(t, err)

	in, err := r.ad.InGroup(ctx, "U0ANA", "S0PLATFORM")
	require.NoError(t, err)
	assert.True(t, in)
	in, err = r.ad.InGroup(ctx, "U0OTHER", "S0PLATFORM")
	require.NoError(t, err)
	assert.False(t, in)
	assert.Equal(t, 1, r.srv.CallCount("usergroups.users.list"), "cached")
	_, err = r.ad.InGroup(ctx, "U0ANA", "S0NOSUCH")
	require.Error(t, err)
}

// blockTexts is every "text" string in a block list, decoded, one per line.
func blockTexts(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal(raw, &v))
	var out []string
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, c := range x {
				if s, ok := c.(string); ok && k == "text" {
					out = append(out, s)
				} else {
					walk(c)
				}
			}
		case []any:
			for _, c := range x {
				walk(c)
			}
		}
	}
	walk(v)
	return strings.Join(out, "\n")
}

func TestDeliverLinksToAnotherNoticesMessage(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	r.h.render = func(n runbook.Notice) bot.Message {
		m := bot.Message{Channel: slacktest.DefaultChannelID, Fallback: n.Text, Sections: []bot.Section{{Text: n.Text}}}
		if n.Key == "occ/3/incident" {
			m.Sections = append(m.Sections, bot.Section{Links: []bot.Link{{Prefix: "🧵 ", Label: "The run thread", MessageKey: "occ/3/run/1"}}})
		}
		return m
	}
	incident := func(update bool) runbook.Delivery {
		return delivery(t, runbook.Notice{Kind: runbook.NoticeIncident, Key: "occ/3/incident", Update: update, Text: "failed"})
	}

	// Given the run thread's message is not posted yet
	require.NoError(t, r.ad.Deliver(ctx, incident(false)))
	// Then the incident post names the thread without a link, and nothing failed
	first := r.srv.Messages(slacktest.DefaultChannelID)[0]
	assert.Contains(t, string(first.Blocks), "🧵 The run thread")
	assert.NotContains(t, string(first.Blocks), "archives")

	// When the run thread is posted and the incident post is edited (the countdown), twice
	require.NoError(t, r.ad.Deliver(ctx, delivery(t, runbook.Notice{Kind: runbook.NoticeRunStarted, Key: "occ/3/run/1", Text: "started"})))
	_, runTS, ok, _ := r.st.MessageRef(ctx, "occ/3/run/1")
	require.True(t, ok)
	require.NoError(t, r.ad.Deliver(ctx, incident(true)))
	require.NoError(t, r.ad.Deliver(ctx, incident(true)))

	// Then the edit links the label to the thread's permalink, looked up once
	m, _ := r.srv.Message(first.Channel, first.TS)
	var blocks []struct{ Text struct{ Text string } }
	require.NoError(t, json.Unmarshal(m.Blocks, &blocks))
	require.Len(t, blocks, 2)
	assert.Equal(t, "🧵 <https://slacktest.slack.com/archives/"+slacktest.DefaultChannelID+"/p"+strings.ReplaceAll(runTS, ".", "")+"|The run thread>", blocks[1].Text.Text)
	assert.Equal(t, 1, r.srv.CallCount("chat.getPermalink"))
}
