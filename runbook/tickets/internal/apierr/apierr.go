// Package apierr builds the short, token-free errors the ticket adapters return
// and reads the rate-limit headers they honour.
package apierr

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// MaxBody caps how much of a response body an adapter reads.
const MaxBody = 8 << 20

// Error is a short reason for users that may wrap a cause kept out of its text.
type Error struct {
	Msg    string      // for logs: short, one line, no secrets
	Reason runbook.Msg // the same for people, rendered in their language; zero: Msg is shown
	Cause  error       // for errors.Is/As (context.DeadlineExceeded…); never printed
}

// Error returns the short reason only.
func (e *Error) Error() string { return e.Msg }

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Cause }

// New returns an error with a fixed message.
func New(format string, args ...any) error { return &Error{Msg: fmt.Sprintf(format, args...)} }

// Coded returns an error with a fixed message for logs and reason for people.
func Coded(reason runbook.Msg, format string, args ...any) error {
	return &Error{Msg: fmt.Sprintf(format, args...), Reason: reason}
}

// Explain is the reason for people (runbook.Explained).
func (e *Error) Explain() runbook.Msg {
	if e.Reason.IsZero() {
		return runbook.TextMsg(e.Msg)
	}
	return e.Reason
}

// Transport turns a failed round trip into "<service> unreachable: <reason>", without the
// request URL that *url.Error would print.
func Transport(service string, err error) error {
	inner := err
	var ue *url.Error
	if errors.As(err, &ue) {
		inner = ue.Err
	}
	reason := "connection failed"
	if inner != nil {
		reason = inner.Error()
	}
	why := runbook.M(runbook.TkUnreachable, "service", service, "error", reason)
	if ue != nil && ue.Timeout() {
		reason, why = "timeout", runbook.M(runbook.TkTimeout, "service", service)
	}
	return &Error{Msg: fmt.Sprintf("%s unreachable: %s", service, reason), Reason: why, Cause: err}
}

// RateLimited returns "<service> rate limited until 15:04 UTC".
func RateLimited(service string, until time.Time) error {
	at := until.UTC().Format("15:04")
	return &Error{Msg: fmt.Sprintf("%s rate limited until %s UTC", service, at), Reason: runbook.M(runbook.TkLimitedUntil, "service", service, "until", at)}
}

// RetryAfter parses a Retry-After header (delay in seconds or an HTTP date) into the
// time it names; ok is false when the header is absent or unreadable.
func RetryAfter(h http.Header, now time.Time) (time.Time, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return time.Time{}, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil && secs >= 0 {
		return now.Add(time.Duration(secs) * time.Second), true
	}
	if t, err := http.ParseTime(v); err == nil {
		return t, true
	}
	return time.Time{}, false
}

// UnixReset parses a header holding unix seconds (GitHub's X-RateLimit-Reset).
func UnixReset(h http.Header, name string) (time.Time, bool) {
	secs, err := strconv.ParseInt(strings.TrimSpace(h.Get(name)), 10, 64)
	if err != nil || secs <= 0 {
		return time.Time{}, false
	}
	return time.Unix(secs, 0), true
}

// Drain reads what is left of a body (bounded) and closes it, so the connection is reused.
func Drain(body io.ReadCloser) {
	_, _ = io.Copy(io.Discard, io.LimitReader(body, MaxBody))
	_ = body.Close()
}

// Snippet shortens a message from an API to one line of at most n runes.
func Snippet(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
