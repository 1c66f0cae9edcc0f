package slack

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	slackapi "github.com/slack-go/slack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/bot"
	"github.com/runbook-bot/runbook-bot/bot/slack/slacktest"
	"github.com/runbook-bot/runbook-bot/runbook"
)

// flakyRefs is a memStore whose next SetMessageRef calls fail, as a crash
// between the post and the ref write would leave it.
type flakyRefs struct {
	*memStore
	fail atomic.Int32
}

func (s *flakyRefs) SetMessageRef(ctx context.Context, key, channel, ts string) error {
	if s.fail.Add(-1) >= 0 {
		return errors.New("disk I/O error")
	}
	return s.memStore.SetMessageRef(ctx, key, channel, ts)
}

// restarted is a second adapter on the same fake Slack and store, as after a restart.
func restarted(t *testing.T, r *rig, st Store) *Adapter {
	t.Helper()
	ad, err := New(Config{
		BotToken: r.srv.BotToken(), AppToken: r.srv.AppToken(), APIURL: r.srv.APIURL(),
		Log: slog.New(slog.NewTextHandler(r.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}, r.h, st)
	require.NoError(t, err)
	ad.pace = newPacer(5 * time.Millisecond)
	return ad
}

// postTagged posts a message tagged with key, as an earlier process would have.
func postTagged(t *testing.T, srv *slacktest.Server, channel, key string, opts ...slackapi.MsgOption) (string, string) {
	t.Helper()
	api := slackapi.New(srv.BotToken(), slackapi.OptionAPIURL(srv.APIURL()))
	ch, ts, err := api.PostMessage(channel, append(opts, slackapi.MsgOptionText("earlier copy", false), noticeMetadata(key))...)
	require.NoError(t, err)
	return ch, ts
}

func TestDeliverTagsPostsAndSkipsLookupOnFirstAttempt(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	d := delivery(t, runbook.Notice{Kind: runbook.NoticeIncident, Key: "occ/1/incident", Text: "15 min left"})
	d.CreatedAt = time.Now()
	require.NoError(t, r.ad.Deliver(ctx, d))

	msgs := r.srv.Messages(slacktest.DefaultChannelID)
	require.Len(t, msgs, 1)
	assert.JSONEq(t, `{"event_type":"runbook_notice","event_payload":{"key":"occ/1/incident"}}`, string(msgs[0].Metadata))
	assert.Zero(t, r.srv.CallCount("conversations.history"), "no lookup on the normal path")
	assert.Zero(t, r.srv.CallCount("conversations.replies"))
	assert.Zero(t, r.srv.CallCount("conversations.list"))
}

func TestDeliverRetryAdoptsMessageAlreadyPosted(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	ch := slacktest.DefaultChannelID
	_, ts := postTagged(t, r.srv, ch, "occ/1/incident")

	d := delivery(t, runbook.Notice{Kind: runbook.NoticeIncident, Key: "occ/1/incident", Text: "15 min left"})
	d.CreatedAt, d.Attempts, d.LastError = time.Now(), 1, "chat.postMessage: context deadline exceeded"
	require.NoError(t, r.ad.Deliver(ctx, d))

	assert.Len(t, r.srv.Messages(ch), 1, "not posted again")
	assert.Equal(t, 1, r.srv.CallCount("chat.postMessage"), "only the earlier copy")
	assert.Equal(t, 1, r.srv.CallCount("conversations.history"))
	gotCh, gotTS, ok, _ := r.st.MessageRef(ctx, "occ/1/incident")
	require.True(t, ok, "the found message's ref is recorded")
	assert.Equal(t, ch, gotCh)
	assert.Equal(t, ts, gotTS)

	// The countdown then edits that message.
	require.NoError(t, r.ad.Deliver(ctx, delivery(t, runbook.Notice{Kind: runbook.NoticeIncident, Key: "occ/1/incident", Update: true, Text: "14 min left"})))
	m, _ := r.srv.Message(ch, ts)
	assert.Equal(t, 1, m.Updates)
	assert.Contains(t, string(m.Blocks), "14 min left")
}

func TestDeliverRetryPostsWhenNothingFound(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	ch := slacktest.DefaultChannelID
	postTagged(t, r.srv, ch, "occ/9/incident") // another notice's message

	d := delivery(t, runbook.Notice{Kind: runbook.NoticeIncident, Key: "occ/1/incident"})
	d.CreatedAt = r.ad.pace.since.Add(-time.Second) // queued by a previous process, never attempted
	require.NoError(t, r.ad.Deliver(ctx, d))
	assert.Equal(t, 1, r.srv.CallCount("conversations.history"))
	assert.Len(t, r.srv.Messages(ch), 2, "posted")
	_, ts, ok, _ := r.st.MessageRef(ctx, "occ/1/incident")
	require.True(t, ok)
	m, _ := r.srv.Message(ch, ts)
	assert.Contains(t, string(m.Metadata), `"occ/1/incident"`)

	// The lookup reads from a minute before the row was created.
	call := r.srv.Calls("conversations.history")[0]
	assert.Equal(t, slackTS(d.CreatedAt.Add(-time.Minute)), call.Params["oldest"])
	assert.Equal(t, "1", call.Params["include_all_metadata"])
}

func TestDeliverLookupFailureFallsBackToPosting(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	ch := slacktest.DefaultChannelID
	postTagged(t, r.srv, ch, "occ/1/incident")
	r.srv.FailWithError("conversations.history", "missing_scope", 1)

	d := delivery(t, runbook.Notice{Kind: runbook.NoticeIncident, Key: "occ/1/incident"})
	d.CreatedAt, d.Attempts = time.Now(), 2
	require.NoError(t, r.ad.Deliver(ctx, d))
	assert.Len(t, r.srv.Messages(ch), 2, "at least once: posted although it may be a duplicate")
	assert.Contains(t, r.logs.String(), "level=WARN")
	assert.Contains(t, r.logs.String(), "missing_scope")
	assert.NotContains(t, r.logs.String(), r.srv.BotToken())
}

func TestDeliverLookupRateLimitedRetriesLater(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	r.srv.Fail("conversations.history", http.StatusTooManyRequests, 3*time.Second, 1)
	d := delivery(t, runbook.Notice{Kind: runbook.NoticeIncident, Key: "occ/1/incident"})
	d.CreatedAt, d.Attempts = time.Now(), 1
	err := r.ad.Deliver(ctx, d)
	var rl *RateLimitError
	require.ErrorAs(t, err, &rl)
	assert.Equal(t, 3*time.Second, rl.RetryAfter())
	assert.Zero(t, r.srv.CallCount("chat.postMessage"), "not posted blind")
}

func TestDeliverAfterDeferDoesNoLookup(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	require.NoError(t, r.ad.Deliver(ctx, delivery(t, runbook.Notice{Key: "occ/2/run/1"})))
	d := delivery(t, runbook.Notice{Key: "occ/2/run/1/out/1", Thread: "occ/2/run/1", Lines: []string{"x"}})
	d.CreatedAt, d.Attempts = time.Now(), 3
	d.LastError = (&runbook.DeferError{Reason: "thread parent occ/2/run/1 not posted yet"}).Error()
	require.NoError(t, r.ad.Deliver(ctx, d))
	assert.Zero(t, r.srv.CallCount("conversations.replies"), "waiting for the parent sent nothing")
	assert.Equal(t, 2, r.srv.CallCount("chat.postMessage"))
}

func TestDeliverThreadReplyRetryAdoptsReply(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	ch := slacktest.DefaultChannelID
	require.NoError(t, r.ad.Deliver(ctx, delivery(t, runbook.Notice{Key: "occ/2/run/1"})))
	_, parent, _, _ := r.st.MessageRef(ctx, "occ/2/run/1")
	_, ts := postTagged(t, r.srv, ch, "occ/2/run/1/out/1", slackapi.MsgOptionTS(parent))

	d := delivery(t, runbook.Notice{Key: "occ/2/run/1/out/1", Thread: "occ/2/run/1", Lines: []string{"x"}})
	d.CreatedAt, d.Attempts = time.Now(), 1
	require.NoError(t, r.ad.Deliver(ctx, d))
	assert.Len(t, r.srv.Thread(ch, parent), 2, "the reply is not repeated")
	assert.Equal(t, 1, r.srv.CallCount("conversations.replies"))
	assert.Zero(t, r.srv.CallCount("conversations.history"), "replies are not in the channel's history")
	_, got, ok, _ := r.st.MessageRef(ctx, "occ/2/run/1/out/1")
	require.True(t, ok)
	assert.Equal(t, ts, got)
}

// A post whose ref write fails (as a crash right after the post would leave
// it), then a restarted adapter addressing the channel by name: one message.
func TestDeliverRefLostThenRestartPostsOnce(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	r.h.render = func(n runbook.Notice) bot.Message {
		return bot.Message{Channel: "#infra-incident", Fallback: n.Text}
	}
	st := &flakyRefs{memStore: newMemStore()}
	st.fail.Store(1)
	first := restarted(t, r, st)
	d := delivery(t, runbook.Notice{Kind: runbook.NoticeIncident, Key: "occ/1/incident", Text: "15 min left"})
	d.CreatedAt = time.Now()
	require.Error(t, first.Deliver(ctx, d), "posted, but the ref was not recorded")
	require.Len(t, r.srv.Messages("#infra-incident"), 1)

	// The process dies; the row was never marked, its attempt count not raised.
	second := restarted(t, r, st)
	require.NoError(t, second.Deliver(ctx, d))
	msgs := r.srv.Messages("#infra-incident")
	require.Len(t, msgs, 1, "not posted twice")
	assert.Equal(t, 1, r.srv.CallCount("conversations.list"), "the #name resolved once")
	ch, ts, ok, _ := st.MessageRef(ctx, "occ/1/incident")
	require.True(t, ok)
	assert.Equal(t, msgs[0].Channel, ch, "the ref holds the channel ID")
	assert.Equal(t, msgs[0].TS, ts)

	// A later lookup in the same channel needs no listing.
	d2 := delivery(t, runbook.Notice{Kind: runbook.NoticeIncident, Key: "occ/2/incident", Text: "other"})
	d2.CreatedAt, d2.Attempts = time.Now(), 1
	require.NoError(t, second.Deliver(ctx, d2))
	assert.Equal(t, 1, r.srv.CallCount("conversations.list"))
	assert.Len(t, r.srv.Messages("#infra-incident"), 2)
}

func TestDeliverUnknownChannelNameFallsBackToPosting(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	r.h.render = func(n runbook.Notice) bot.Message { return bot.Message{Channel: "#nowhere", Fallback: "x"} }
	d := delivery(t, runbook.Notice{Key: "k"})
	d.CreatedAt, d.Attempts = time.Now(), 1
	require.NoError(t, r.ad.Deliver(ctx, d))
	assert.Equal(t, 1, r.srv.CallCount("conversations.list"))
	assert.Zero(t, r.srv.CallCount("conversations.history"))
	assert.Len(t, r.srv.Messages("#nowhere"), 1)
	assert.Contains(t, r.logs.String(), "not found by conversations.list")
}

func TestMayBePosted(t *testing.T) {
	r := newRig(t)
	since := r.ad.pace.since
	deferred := (&runbook.DeferError{Reason: "x"}).Error()
	for _, c := range []struct {
		name string
		d    runbook.Delivery
		want bool
	}{
		{"new row, first attempt", runbook.Delivery{CreatedAt: since.Add(time.Second)}, false},
		{"no creation time, first attempt", runbook.Delivery{}, false},
		{"queued before start", runbook.Delivery{CreatedAt: since.Add(-time.Second)}, true},
		{"failed attempt", runbook.Delivery{CreatedAt: since.Add(time.Second), Attempts: 1, LastError: "chat.postMessage: 500"}, true},
		{"only deferred", runbook.Delivery{CreatedAt: since.Add(time.Second), Attempts: 4, LastError: deferred}, false},
		{"refused with 429", runbook.Delivery{CreatedAt: since.Add(time.Second), Attempts: 2,
			LastError: (&RateLimitError{Method: "chat.postMessage", Wait: time.Second}).Error()}, false},
		{"deferred, but queued before start", runbook.Delivery{CreatedAt: since.Add(-time.Second), Attempts: 4, LastError: deferred}, true},
		{"inherited from another replica's lease", runbook.Delivery{CreatedAt: since.Add(time.Second), Unsure: true}, true},
	} {
		assert.Equal(t, c.want, r.ad.mayBePosted(c.d), c.name)
	}
}
