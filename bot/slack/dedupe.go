package slack

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	slackapi "github.com/slack-go/slack"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// Posting a notice is made idempotent across a crash with message metadata.
// Every post carries {"event_type":"runbook_notice","event_payload":{"key":…}}.
// When a post may already have been accepted by Slack without its message
// reference being recorded (the process died in between, or the store failed),
// Deliver first reads the channel back (conversations.history, or
// conversations.replies for a thread reply) from shortly before the outbox row
// was created, and adopts a message carrying the notice's key instead of
// posting it again. The lookup costs one or a few reads and happens only on
// that path, never on the first attempt of a row this process created.

// noticeEventType is the metadata event type of the bot's notices.
const noticeEventType = "runbook_notice"

// How far back and how deep the lookup reads.
const (
	lookupSlack    = time.Minute // before the row's CreatedAt: clocks differ a little
	lookupPages    = 5           // pages of history read at most
	lookupPageSize = 200         // messages per page
	listPages      = 10          // pages of conversations.list read to resolve a #name
)

// deferredPrefix starts the LastError of a row whose last attempt only waited
// for its thread parent: nothing was sent then.
var deferredPrefix = (&runbook.DeferError{}).Error()

// noticeMetadata is the metadata option that tags a post with its notice key.
func noticeMetadata(key string) slackapi.MsgOption {
	return slackapi.MsgOptionMetadata(slackapi.SlackMetadata{
		EventType:    noticeEventType,
		EventPayload: map[string]any{"key": key},
	})
}

// mayBePosted reports whether an earlier attempt at d may have reached Slack
// unrecorded: d was created before this adapter started (a previous process may
// have posted it and died before recording the reference) or before this
// replica's lease began (d.Unsure: the previous leader may have), or an
// attempt of this process failed after sending (timeouts, 5xx, a failed ref write). A last
// attempt that only waited for a thread parent sent nothing.
func (a *Adapter) mayBePosted(d runbook.Delivery) bool {
	if d.Unsure || !d.CreatedAt.IsZero() && d.CreatedAt.Before(a.pace.since) {
		return true
	}
	// A deferral sent nothing, and a 429 is Slack refusing the post: neither can have posted.
	return d.Attempts > 0 && !strings.HasPrefix(d.LastError, deferredPrefix) && !strings.Contains(d.LastError, rateLimitedText)
}

// findPosted looks in channel (in the thread threadTS, when set) for a message
// tagged with key, posted at most lookupSlack before created.
func (a *Adapter) findPosted(ctx context.Context, key, channel, threadTS string, created time.Time) (id, ts string, found bool, err error) {
	id, err = a.channelID(ctx, channel)
	if err != nil {
		return "", "", false, err
	}
	oldest := ""
	if !created.IsZero() {
		oldest = slackTS(created.Add(-lookupSlack))
	}
	cursor := ""
	for range lookupPages {
		var msgs []slackapi.Message
		if threadTS != "" {
			msgs, _, cursor, err = a.api.GetConversationRepliesContext(ctx, &slackapi.GetConversationRepliesParameters{
				ChannelID: id, Timestamp: threadTS, Oldest: oldest, Limit: lookupPageSize, Cursor: cursor, IncludeAllMetadata: true,
			})
			if err != nil {
				return "", "", false, a.classify("conversations.replies", err)
			}
		} else {
			var h *slackapi.GetConversationHistoryResponse
			h, err = a.api.GetConversationHistoryContext(ctx, &slackapi.GetConversationHistoryParameters{
				ChannelID: id, Oldest: oldest, Limit: lookupPageSize, Cursor: cursor, IncludeAllMetadata: true,
			})
			if err != nil {
				return "", "", false, a.classify("conversations.history", err)
			}
			msgs, cursor = h.Messages, h.ResponseMetaData.NextCursor
		}
		for _, m := range msgs {
			if m.Metadata.EventType == noticeEventType && m.Metadata.EventPayload["key"] == key {
				return id, m.Timestamp, true, nil
			}
		}
		if cursor == "" {
			return id, "", false, nil
		}
	}
	return id, "", false, nil
}

// channelID is the conversation ID of channel: itself unless it is a "#name",
// which an earlier post (pacer alias) or conversations.list resolves.
func (a *Adapter) channelID(ctx context.Context, channel string) (string, error) {
	if !strings.HasPrefix(channel, "#") {
		return channel, nil
	}
	if id, ok := a.pace.idOf(channel); ok {
		return id, nil
	}
	cursor := ""
	for range listPages {
		chans, next, err := a.api.GetConversationsContext(ctx, &slackapi.GetConversationsParameters{
			Types: []string{"public_channel", "private_channel"}, ExcludeArchived: true, Limit: 1000, Cursor: cursor,
		})
		if err != nil {
			return "", a.classify("conversations.list", err)
		}
		for _, c := range chans {
			a.pace.alias("#"+c.Name, c.ID)
		}
		if id, ok := a.pace.idOf(channel); ok {
			return id, nil
		}
		if cursor = next; cursor == "" {
			break
		}
	}
	return "", fmt.Errorf("channel %s not found by conversations.list", channel)
}

// adoptPosted looks for an earlier copy of the notice before posting it. done
// is true when one was found and its reference recorded. A lookup that fails is
// logged and the notice is posted (at least once beats never); a rate limit is
// returned, to look again later.
func (a *Adapter) adoptPosted(ctx context.Context, d runbook.Delivery, key, channel, threadTS string) (done bool, err error) {
	id, ts, found, err := a.findPosted(ctx, key, channel, threadTS, d.CreatedAt)
	if err != nil {
		var rl *RateLimitError
		if errors.As(err, &rl) || ctx.Err() != nil {
			return false, err
		}
		a.log.Warn("could not check whether a notice was already posted; posting it, it may appear twice",
			"key", key, "channel", channel, "err", err)
		return false, nil
	}
	if !found {
		return false, nil
	}
	a.pace.alias(channel, id)
	a.log.Info("notice found already posted; recording it instead of posting again", "key", key, "channel", id, "ts", ts)
	if err := a.st.SetMessageRef(ctx, key, id, ts); err != nil {
		return false, fmt.Errorf("saving message ref %s: %w", key, err)
	}
	return true, nil
}

// slackTS formats t as a Slack message timestamp.
func slackTS(t time.Time) string {
	us := t.UnixMicro()
	return fmt.Sprintf("%d.%06d", us/1_000_000, us%1_000_000)
}
