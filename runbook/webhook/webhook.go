// Package webhook delivers audit records to an ITSM system as JSON events
// (schema "runbook-bot.itsm.v1", documented in docs/itsm-webhook.md).
//
// Send makes one delivery attempt and classifies its failure; retrying, with
// Backoff, and durability are the caller's (the outbox's) business.
package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// Schema is the version of the event envelope; it changes only on an
// incompatible change (new kinds and new fields keys are compatible).
const Schema = "runbook-bot.itsm.v1"

// Timeout bounds one delivery attempt.
const Timeout = 10 * time.Second

// DefaultUserAgent is sent when Client.UserAgent is empty.
const DefaultUserAgent = "runbook-bot"

// Event is the JSON envelope posted to the webhook.
type Event struct {
	Schema   string            `json:"schema"`   // always Schema
	EventID  string            `json:"event_id"` // stable per record: "rbb-<record id>"; also the Idempotency-Key
	Kind     string            `json:"kind"`     // runbook.RecordKind
	At       string            `json:"at"`       // when it happened, RFC 3339 UTC
	Job      string            `json:"job"`      // job id
	Window   *string           `json:"window"`   // the occurrence's window, RFC 3339 UTC; null when none
	Actor    *string           `json:"actor"`    // Slack user ID; null when the bot itself acted
	Envelope *string           `json:"envelope"` // Slack envelope or trigger id that caused it; null when none
	Fields   map[string]string `json:"fields"`   // kind-specific details, always an object
}

// EventID returns the stable event id of the audit record with id.
func EventID(id int64) string { return "rbb-" + strconv.FormatInt(id, 10) }

// NewEvent builds the envelope of an audit record.
func NewEvent(r runbook.Record) Event {
	opt := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
	ev := Event{
		Schema:   Schema,
		EventID:  EventID(r.ID),
		Kind:     string(r.Kind),
		At:       r.At.UTC().Format(time.RFC3339Nano),
		Job:      r.Job,
		Actor:    opt(r.Actor),
		Envelope: opt(r.Envelope),
		Fields:   map[string]string{},
	}
	if !r.Window.IsZero() {
		ev.Window = opt(r.Window.UTC().Format(time.RFC3339))
	}
	for k, v := range r.Fields {
		ev.Fields[k] = v
	}
	return ev
}

// Client posts events to one ITSM webhook.
type Client struct {
	URL       string       // the webhook URL; a secret, never logged or put in errors
	HTTP      *http.Client // nil: a default client; redirects are never followed
	UserAgent string       // empty: DefaultUserAgent
}

// SendError is a failed delivery attempt.
type SendError struct {
	Status     int           // HTTP status, 0 when no response was received
	RetryAfter time.Duration // from the Retry-After header, 0 when absent
	Permanent  bool          // retrying the same event cannot succeed
	Msg        string        // what happened, the webhook URL redacted to scheme and host
	Err        error         // the cause (a context or network error), if any
}

// Error describes the failure without the webhook URL's secrets.
func (e *SendError) Error() string {
	kind := "retryable"
	if e.Permanent {
		kind = "permanent"
	}
	return "itsm webhook: " + e.Msg + " (" + kind + ")"
}

// Unwrap returns the cause, so errors.Is(err, context.DeadlineExceeded) works.
func (e *SendError) Unwrap() error { return e.Err }

// Send posts the event of r once. It returns nil on a 2xx answer and a
// *SendError otherwise: 4xx other than 408 and 429 are permanent; 408, 429,
// 5xx, redirects refused and network errors are retryable, with the server's
// Retry-After when it sent one.
func (c *Client) Send(ctx context.Context, r runbook.Record) error {
	u, err := url.Parse(c.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return &SendError{Permanent: true, Msg: "invalid webhook URL " + Redact(c.URL)}
	}
	where := Redact(c.URL)
	if r.ID <= 0 {
		return &SendError{Permanent: true, Msg: "record has no id, so no stable event id"}
	}
	ev := NewEvent(r)
	body, err := json.Marshal(ev)
	if err != nil {
		return &SendError{Permanent: true, Msg: "encode event: " + err.Error(), Err: err}
	}

	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.URL, bytes.NewReader(body))
	if err != nil {
		return &SendError{Permanent: true, Msg: "build request for " + where}
	}
	ua := c.UserAgent
	if ua == "" {
		ua = DefaultUserAgent
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", ua)
	req.Header.Set("Idempotency-Key", ev.EventID)

	resp, err := c.client().Do(req)
	if err != nil {
		cause := err
		var ue *url.Error
		if errors.As(err, &ue) {
			cause = ue.Err // url.Error carries the full URL: drop it
		}
		msg := "POST " + where + ": " + scrub(cause.Error(), u)
		if ctxErr := ctx.Err(); ctxErr != nil {
			return &SendError{Msg: msg, Err: ctxErr}
		}
		return &SendError{Msg: msg, Err: errors.New(scrub(cause.Error(), u))}
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // let the connection be reused

	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	se := &SendError{
		Status:     resp.StatusCode,
		RetryAfter: retryAfter(resp.Header.Get("Retry-After"), time.Now()),
		Msg:        fmt.Sprintf("POST %s: %s", where, resp.Status),
	}
	if s := scrub(strings.Join(strings.Fields(string(snippet)), " "), u); s != "" {
		se.Msg += ": " + truncate(s, 200)
	}
	switch {
	case resp.StatusCode == http.StatusRequestTimeout, resp.StatusCode == http.StatusTooManyRequests:
	case resp.StatusCode >= 500:
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		se.Permanent = true // a moved webhook is a configuration problem
	default:
		se.Permanent = true
	}
	return se
}

// client returns the HTTP client to use, never following redirects (a
// redirected POST would silently become a GET or leak the event elsewhere).
func (c *Client) client() *http.Client {
	var hc http.Client
	if c.HTTP != nil {
		hc = *c.HTTP
	} else {
		hc.Timeout = Timeout
	}
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &hc
}

// Redact reduces a webhook URL to its scheme and host, dropping credentials,
// path and query, which may all carry secrets.
func Redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "<webhook URL>"
	}
	return u.Scheme + "://" + u.Host
}

// scrub removes the URL's secret parts from a message in case an error or a
// response body echoes them.
func scrub(s string, u *url.URL) string {
	secrets := []string{u.String(), u.RawQuery, u.EscapedPath(), u.Path}
	if u.User != nil {
		secrets = append(secrets, u.User.String(), u.User.Username())
		if p, ok := u.User.Password(); ok {
			secrets = append(secrets, p)
		}
	}
	for _, sec := range secrets {
		if len(sec) > 1 {
			s = strings.ReplaceAll(s, sec, "[redacted]")
		}
	}
	return s
}

// truncate shortens s to at most n bytes, on a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && (s[n]&0xC0) == 0x80 {
		n--
	}
	return s[:n] + "…"
}

// retryAfter parses a Retry-After header (seconds or an HTTP date).
func retryAfter(h string, now time.Time) time.Duration {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(h, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		if secs > int64(24*time.Hour/time.Second) {
			secs = int64(24 * time.Hour / time.Second)
		}
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(h); err == nil {
		if d := t.Sub(now); d > 0 {
			return min(d, 24*time.Hour)
		}
	}
	return 0
}

// Backoff bounds for retries.
const (
	MinBackoff = time.Second
	MaxBackoff = 5 * time.Minute
)

// Backoff returns how long to wait before retry number attempt (1 for the
// first retry): doubling from 1 s, ±25 % jitter, always within [1 s, 5 min].
func Backoff(attempt int) time.Duration {
	attempt = max(attempt, 1)
	base := MaxBackoff
	if attempt <= 10 { // 1s << 9 = 512 s is past the cap already
		base = min(MinBackoff<<(attempt-1), MaxBackoff)
	}
	jitter := time.Duration(rand.Int64N(int64(base)/2+1)) - base/4 // [-25 %, +25 %]
	return min(max(base+jitter, MinBackoff), MaxBackoff)
}
