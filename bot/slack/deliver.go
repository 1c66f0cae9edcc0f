package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	slackapi "github.com/slack-go/slack"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// Deliver is the chat outbox sink: it renders a runbook.Notice and posts it,
// edits the message posted for its key (Update), or replies in the thread of
// another key's message (Thread). A message not posted yet makes it a
// *runbook.DeferError, so the outbox tries again shortly. Slack's 429 becomes a
// RateLimitError (RetryAfter), errors retrying cannot fix become a
// PermanentError, anything else (5xx, network) is a plain retryable error.
// Posts and updates are paced to about one per second per channel. Posts carry
// the notice key as message metadata so that a post Slack accepted just before
// a crash is found again rather than repeated (dedupe.go).
func (a *Adapter) Deliver(ctx context.Context, d runbook.Delivery) error {
	var n runbook.Notice
	if err := json.Unmarshal(d.Payload, &n); err != nil {
		return &PermanentError{Code: "bad_payload", Err: fmt.Errorf("chat notice %s: %w", d.Key, err)}
	}
	if n.Key == "" {
		n.Key = d.Key
	}
	msg := a.h.Render(n, a.cfg.Now())
	a.resolveLinks(ctx, msg)
	a.prompts.remember(msg)
	blocks, text := Blocks(msg)
	if len(blocks) == 0 && text == "" {
		return &PermanentError{Code: "no_text", Err: fmt.Errorf("chat notice %s (%s) renders as an empty message", n.Key, n.Kind)}
	}
	opts := []slackapi.MsgOption{slackapi.MsgOptionBlocks(blocks...), slackapi.MsgOptionText(text, false)}

	if n.Update {
		channel, ts, ok, err := a.st.MessageRef(ctx, n.Key)
		if err != nil {
			return fmt.Errorf("message ref %s: %w", n.Key, err)
		}
		if !ok {
			return &runbook.DeferError{Reason: "message " + n.Key + " not posted yet"}
		}
		if err := a.pace.waitFor(ctx, "chat.update", channel); err != nil {
			return err
		}
		_, _, _, err = a.api.UpdateMessageContext(ctx, channel, ts, opts...)
		return a.limited("chat.update", channel, err)
	}

	// A key with a ref was posted already (the outbox lost the "delivered" mark):
	// posting again would duplicate it.
	if _, _, ok, err := a.st.MessageRef(ctx, n.Key); err != nil {
		return fmt.Errorf("message ref %s: %w", n.Key, err)
	} else if ok {
		return nil
	}
	if n.After != "" { // e.g. the escalation never comes before its incident post
		if _, _, ok, err := a.st.MessageRef(ctx, n.After); err != nil {
			return fmt.Errorf("message ref %s: %w", n.After, err)
		} else if !ok {
			return &runbook.DeferError{Reason: "message " + n.After + " must be posted first"}
		}
	}
	channel, threadTS := msg.Channel, ""
	if n.Thread != "" {
		pch, pts, ok, err := a.st.MessageRef(ctx, n.Thread)
		if err != nil {
			return fmt.Errorf("message ref %s: %w", n.Thread, err)
		}
		if !ok {
			return &runbook.DeferError{Reason: "thread parent " + n.Thread + " not posted yet"}
		}
		channel, threadTS = pch, pts
		opts = append(opts, slackapi.MsgOptionTS(pts))
	}
	if channel == "" {
		return &PermanentError{Code: "no_channel", Err: fmt.Errorf("chat notice %s (%s) has no channel", n.Key, n.Kind)}
	}
	if a.mayBePosted(d) {
		if done, err := a.adoptPosted(ctx, d, n.Key, channel, threadTS); err != nil || done {
			return err
		}
	}
	opts = append(opts, noticeMetadata(n.Key))
	if err := a.pace.waitFor(ctx, "chat.postMessage", channel); err != nil {
		return err
	}
	postedIn, ts, err := a.api.PostMessageContext(ctx, channel, opts...)
	if err != nil {
		return a.limited("chat.postMessage", channel, err)
	}
	a.pace.alias(channel, postedIn)
	// A crash (or a store failure) between the post above and the ref below
	// leaves the row undelivered. Slack has no idempotency key for
	// chat.postMessage: the next attempt finds this message by its metadata
	// (mayBePosted, adoptPosted) instead of posting it again.
	if err := a.st.SetMessageRef(ctx, n.Key, postedIn, ts); err != nil {
		return fmt.Errorf("saving message ref %s: %w", n.Key, err)
	}
	return nil
}

// limited classifies an error of method in channel; a 429 holds further
// calls of that method in that channel (only) until its Retry-After has passed.
func (a *Adapter) limited(method, channel string, err error) error {
	err = a.classify(method, err)
	var rl *RateLimitError
	if errors.As(err, &rl) {
		a.pace.hold(method, channel, rl.RetryAfter())
	}
	return err
}

// permanentCodes are Slack errors that no retry can fix.
var permanentCodes = map[string]bool{
	"invalid_auth": true, "not_authed": true, "account_inactive": true, "token_revoked": true,
	"channel_not_found": true, "not_in_channel": true, "is_archived": true,
	"msg_too_long": true, "invalid_blocks": true, "invalid_blocks_format": true, "no_text": true,
	"missing_scope": true, "restricted_action": true, "cant_update_message": true,
	"message_not_found": true, "edit_window_closed": true, "invalid_arguments": true,
}

// classify turns a Slack API error into what the outbox understands.
func (a *Adapter) classify(method string, err error) error {
	if err == nil {
		return nil
	}
	var rl *slackapi.RateLimitedError
	if errors.As(err, &rl) {
		return &RateLimitError{Method: method, Wait: rl.RetryAfter}
	}
	var se slackapi.SlackErrorResponse
	if errors.As(err, &se) {
		if permanentCodes[se.Err] {
			return &PermanentError{Code: se.Err, Err: fmt.Errorf("%s: %s", method, se.Err)}
		}
		return fmt.Errorf("%s: %s", method, se.Err)
	}
	return fmt.Errorf("%s: %s", method, a.scrub(err))
}

// RateLimitError is Slack's 429: try again after Wait.
type RateLimitError struct {
	Method string
	Wait   time.Duration
}

// Error describes the limit.
// rateLimitedText marks a 429 in an outbox row's last error: Slack refused the call, nothing was posted.
const rateLimitedText = "rate limited by Slack"

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("%s: %s, retry after %s", e.Method, rateLimitedText, e.Wait)
}

// RetryAfter is Slack's Retry-After (at least one second).
func (e *RateLimitError) RetryAfter() time.Duration { return max(e.Wait, time.Second) }

// PermanentError is a Slack answer that retrying cannot change (bad channel, bad auth, bad blocks).
type PermanentError struct {
	Code string // Slack's error code
	Err  error
}

// Error describes the failure.
func (e *PermanentError) Error() string { return e.Err.Error() }

// Unwrap returns the cause.
func (e *PermanentError) Unwrap() error { return e.Err }

// Permanent tells the outbox to give the delivery up.
func (e *PermanentError) Permanent() bool { return true }

// pacer spaces calls to one channel by at least gap, waiting rather than failing,
// and keeps Slack's 429s: a method refused in a channel is not called there
// again before its Retry-After (other channels and methods go on).
// Names and IDs of one channel share a slot once a post (or conversations.list)
// has linked them. It is the adapter's per-process delivery state, so it also
// holds when the adapter was made: rows older than that may have been posted by
// a previous process.
type pacer struct {
	gap     time.Duration
	since   time.Time        // wall clock when the pacer (with its adapter) was made
	now     func() time.Time // the clock of holds (tests move it)
	mu      sync.Mutex
	next    map[string]time.Time // channel → earliest next call
	held    map[string]time.Time // method + " " + channel → end of its Retry-After
	aliases map[string]string    // "#name" → channel ID
}

func newPacer(gap time.Duration) *pacer {
	return &pacer{gap: gap, since: time.Now(), now: time.Now, next: map[string]time.Time{}, held: map[string]time.Time{}, aliases: map[string]string{}}
}

// hold refuses method in channel for d (a 429's Retry-After).
func (p *pacer) hold(method, channel string, d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if id, ok := p.aliases[channel]; ok {
		channel = id
	}
	until := p.now().Add(d)
	if k := method + " " + channel; until.After(p.held[k]) {
		p.held[k] = until
	}
}

// waitFor is wait for a call of method, refused at once (a RateLimitError with
// the time left) while a 429 of that method in that channel holds.
func (p *pacer) waitFor(ctx context.Context, method, channel string) error {
	p.mu.Lock()
	id := channel
	if a, ok := p.aliases[channel]; ok {
		id = a
	}
	left := p.held[method+" "+id].Sub(p.now())
	p.mu.Unlock()
	if left > 0 {
		return &RateLimitError{Method: method, Wait: left}
	}
	return p.wait(ctx, channel)
}

// idOf returns the channel ID a "#name" was linked to.
func (p *pacer) idOf(name string) (string, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	id, ok := p.aliases[name]
	return id, ok
}

// wait reserves the next slot of channel and sleeps until it (or ctx ends).
func (p *pacer) wait(ctx context.Context, channel string) error {
	p.mu.Lock()
	if id, ok := p.aliases[channel]; ok {
		channel = id
	}
	now := time.Now()
	at := p.next[channel]
	if at.Before(now) {
		at = now
	}
	p.next[channel] = at.Add(p.gap)
	p.mu.Unlock()
	d := time.Until(at)
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// alias links the name a post was addressed to with the channel ID Slack answered.
func (p *pacer) alias(name, id string) {
	if name == id || id == "" {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.aliases[name] = id
	if t := p.next[name]; t.After(p.next[id]) {
		p.next[id] = t
	}
	for k, t := range p.held {
		if method, ch, _ := strings.Cut(k, " "); ch == name && t.After(p.held[method+" "+id]) {
			p.held[method+" "+id] = t
		}
	}
}
