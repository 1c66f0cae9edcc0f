package apierr

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestRetryAfter(t *testing.T) {
	now := time.Date(2025, 6, 13, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		header string
		want   time.Time
		ok     bool
	}{
		{"given seconds, then now plus them", "90", now.Add(90 * time.Second), true},
		{"given an HTTP date, then that date", "Fri, 13 Jun 2025 12:34:00 GMT", time.Date(2025, 6, 13, 12, 34, 0, 0, time.UTC), true},
		{"given nothing, then not ok", "", time.Time{}, false},
		{"given garbage, then not ok", "soon", time.Time{}, false},
		{"given a negative delay, then not ok", "-5", time.Time{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{}
			if tc.header != "" {
				h.Set("Retry-After", tc.header)
			}

			got, ok := RetryAfter(h, now)

			assert.Equal(t, tc.ok, ok)
			assert.True(t, tc.want.Equal(got), "%v != %v", tc.want, got)
		})
	}
}

func TestTransport_HidesTheURLAndKeepsTheCause(t *testing.T) {
	cause := &url.Error{Op: "Get", URL: "https://api.example.com/repos/a/b/issues?labels=x&access_token=s3cr3t", Err: context.DeadlineExceeded}

	err := Transport("GitHub", cause)

	assert.Equal(t, "GitHub unreachable: timeout", err.Error())
	assert.NotContains(t, err.Error(), "s3cr3t")
	assert.True(t, errors.Is(err, context.DeadlineExceeded))
}

func TestRateLimited_FormatsUTC(t *testing.T) {
	sp := time.FixedZone("BRT", -3*3600)

	err := RateLimited("Jira", time.Date(2025, 6, 13, 9, 34, 0, 0, sp))

	assert.Equal(t, "Jira rate limited until 12:34 UTC", err.Error())
}

func TestSnippet(t *testing.T) {
	assert.Equal(t, "a b", Snippet(" a\n  b ", 10))
	assert.Equal(t, "abcd…", Snippet("abcdefgh", 5))
}
