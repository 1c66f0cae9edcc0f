package webhook

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/runbook"
)

func record() runbook.Record {
	return runbook.Record{
		ID:       42,
		At:       time.Date(2026, 12, 4, 22, 3, 12, 500_000_000, time.FixedZone("BRT", -3*3600)),
		Kind:     runbook.RecRunFinished,
		Job:      "seed-dev-data",
		Window:   time.Date(2026, 12, 4, 22, 0, 0, 0, time.UTC),
		Actor:    "U222",
		Envelope: "13345224609.738474920.8088930838d88f008e0",
		Fields:   map[string]string{"result": "failed", "reason": "exit", "exit_code": "2", "duration_ms": "192000"},
	}
}

// captured is one request as the server saw it.
type captured struct {
	method, path, query string
	header              http.Header
	body                []byte
}

// server answers each request with the next of statuses (the last repeats),
// recording the requests.
func server(t *testing.T, statuses []int, header http.Header, body string) (*httptest.Server, func() []captured) {
	t.Helper()
	var (
		mu   sync.Mutex
		reqs []captured
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		n := len(reqs)
		reqs = append(reqs, captured{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Clone(), b})
		mu.Unlock()
		for k, v := range header {
			w.Header()[k] = v
		}
		w.WriteHeader(statuses[min(n, len(statuses)-1)])
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv, func() []captured {
		mu.Lock()
		defer mu.Unlock()
		return append([]captured(nil), reqs...)
	}
}

func TestSend_Statuses(t *testing.T) {
	tests := []struct {
		name          string
		statuses      []int
		header        http.Header
		body          string
		sends         int
		wantErrs      []bool // per send: an error expected
		wantStatus    int
		wantPermanent bool
		wantRetry     time.Duration
		wantInMsg     string
	}{
		{name: "given a 200 when sent then nil", statuses: []int{200}, sends: 1, wantErrs: []bool{false}},
		{name: "given a 204 when sent then nil", statuses: []int{204}, sends: 1, wantErrs: []bool{false}},
		{name: "given a 500 then a 200 when sent twice then a retryable error then nil",
			statuses: []int{500, 200}, sends: 2, wantErrs: []bool{true, false}, wantStatus: 500},
		{name: "given a 429 with Retry-After when sent then retryable with the delay",
			statuses: []int{429}, header: http.Header{"Retry-After": {"7"}}, sends: 1, wantErrs: []bool{true},
			wantStatus: 429, wantRetry: 7 * time.Second},
		{name: "given a 503 with Retry-After when sent then retryable with the delay",
			statuses: []int{503}, header: http.Header{"Retry-After": {"120"}}, sends: 1, wantErrs: []bool{true},
			wantStatus: 503, wantRetry: 2 * time.Minute},
		{name: "given a 408 when sent then retryable",
			statuses: []int{408}, sends: 1, wantErrs: []bool{true}, wantStatus: 408},
		{name: "given a 400 when sent then permanent with the server's explanation",
			statuses: []int{400}, body: "{\"error\":\"unknown field\"}\n", sends: 1, wantErrs: []bool{true},
			wantStatus: 400, wantPermanent: true, wantInMsg: `400 Bad Request: {"error":"unknown field"}`},
		{name: "given a 401 when sent then permanent",
			statuses: []int{401}, sends: 1, wantErrs: []bool{true}, wantStatus: 401, wantPermanent: true},
		{name: "given a redirect when sent then it is not followed and is permanent",
			statuses: []int{302}, header: http.Header{"Location": {"https://elsewhere.example/"}}, sends: 1, wantErrs: []bool{true},
			wantStatus: 302, wantPermanent: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, reqs := server(t, tt.statuses, tt.header, tt.body)
			c := &Client{URL: srv.URL + "/hooks/T0/SECRETPATH?token=SECRETQUERY"}

			var errs []error
			for range tt.sends {
				errs = append(errs, c.Send(context.Background(), record()))
			}

			require.Len(t, reqs(), tt.sends, "one request per send, no redirect followed")
			for i, want := range tt.wantErrs {
				if !want {
					assert.NoError(t, errs[i])
					continue
				}
				var se *SendError
				require.ErrorAs(t, errs[i], &se)
				assert.Equal(t, tt.wantStatus, se.Status)
				assert.Equal(t, tt.wantPermanent, se.Permanent)
				assert.Equal(t, tt.wantRetry, se.RetryAfter)
				assert.NotContains(t, se.Error(), "SECRET")
				assert.Contains(t, se.Error(), srv.URL, "the host is named")
				assert.Contains(t, se.Error(), tt.wantInMsg)
			}
			keys := map[string]bool{}
			for _, r := range reqs() {
				keys[r.header.Get("Idempotency-Key")] = true
				assert.Equal(t, "/hooks/T0/SECRETPATH", r.path)
				assert.Equal(t, "token=SECRETQUERY", r.query)
			}
			assert.Equal(t, map[string]bool{"rbb-42": true}, keys, "every attempt carries the same key")
		})
	}
}

func TestSend_Body(t *testing.T) {
	tests := []struct {
		name string
		rec  func(r *runbook.Record)
		want map[string]any
	}{
		{
			name: "given a run_finished record when sent then every envelope field is as documented",
			rec:  func(*runbook.Record) {},
			want: map[string]any{
				"schema":   "runbook-bot.itsm.v1",
				"event_id": "rbb-42",
				"kind":     "run_finished",
				"at":       "2026-12-05T01:03:12.5Z",
				"job":      "seed-dev-data",
				"window":   "2026-12-04T22:00:00Z",
				"actor":    "U222",
				"envelope": "13345224609.738474920.8088930838d88f008e0",
				"fields":   map[string]any{"result": "failed", "reason": "exit", "exit_code": "2", "duration_ms": "192000"},
			},
		},
		{
			name: "given a bot record without window, envelope nor fields when sent then those are null or empty",
			rec: func(r *runbook.Record) {
				r.ID, r.Kind, r.Actor, r.Envelope, r.Window, r.Fields = 7, runbook.RecDelayed, "", "", time.Time{}, nil
			},
			want: map[string]any{
				"schema": "runbook-bot.itsm.v1", "event_id": "rbb-7", "kind": "delay_alerted",
				"at": "2026-12-05T01:03:12.5Z", "job": "seed-dev-data",
				"window": nil, "actor": nil, "envelope": nil, "fields": map[string]any{},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, reqs := server(t, []int{200}, nil, "")
			c := &Client{URL: srv.URL, UserAgent: "runbook-bot/1.2.3"}
			r := record()
			tt.rec(&r)

			require.NoError(t, c.Send(context.Background(), r))

			got := reqs()
			require.Len(t, got, 1)
			req := got[0]
			assert.Equal(t, http.MethodPost, req.method)
			assert.Equal(t, "application/json", req.header.Get("Content-Type"))
			assert.Equal(t, "runbook-bot/1.2.3", req.header.Get("User-Agent"))
			assert.Equal(t, tt.want["event_id"], req.header.Get("Idempotency-Key"))
			var body map[string]any
			require.NoError(t, json.Unmarshal(req.body, &body))
			for k, v := range tt.want {
				assert.Contains(t, body, k)
				assert.Equal(t, v, body[k], "field %s", k)
			}
			assert.Len(t, body, len(tt.want), "no undocumented fields: %s", req.body)
		})
	}
}

func TestSend_DefaultUserAgent(t *testing.T) {
	// given a client without user agent; when sent; then the default one is used
	srv, reqs := server(t, []int{200}, nil, "")
	require.NoError(t, (&Client{URL: srv.URL}).Send(context.Background(), record()))
	assert.Equal(t, DefaultUserAgent, reqs()[0].header.Get("User-Agent"))
}

func TestSend_SlowServerHonoursContext(t *testing.T) {
	// given a server that never answers
	release := make(chan struct{})
	var started atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		started.Add(1)
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)
	c := &Client{URL: srv.URL + "/secret-path"}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()

	// when sent with a short deadline
	err := c.Send(ctx, record())

	// then a retryable error wrapping the deadline, without the path
	var se *SendError
	require.ErrorAs(t, err, &se)
	assert.False(t, se.Permanent)
	assert.Zero(t, se.Status)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.NotContains(t, err.Error(), "secret-path")
	assert.EqualValues(t, 1, started.Load())
}

func TestSend_Failures(t *testing.T) {
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL
	closed.Close()
	tests := []struct {
		name      string
		url       string
		rec       runbook.Record
		permanent bool
	}{
		{name: "given an unreachable server when sent then retryable without the URL's secrets",
			url: strings.Replace(closedURL, "http://", "http://user:PASSWORD@", 1) + "/SECRET?k=SECRET", rec: record()},
		{name: "given an invalid URL when sent then permanent without echoing it",
			url: "ftp://user:PASSWORD@host/SECRET", rec: record(), permanent: true},
		{name: "given an unparsable URL when sent then permanent without echoing it",
			url: "http://[::1:SECRET", rec: record(), permanent: true},
		{name: "given a record without id when sent then permanent",
			url: closedURL, rec: runbook.Record{Kind: runbook.RecApproved}, permanent: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := (&Client{URL: tt.url}).Send(context.Background(), tt.rec)

			var se *SendError
			require.ErrorAs(t, err, &se)
			assert.Equal(t, tt.permanent, se.Permanent, "%v", err)
			assert.NotContains(t, err.Error(), "SECRET")
			assert.NotContains(t, err.Error(), "PASSWORD")
			assert.NotContains(t, err.Error(), "user")
		})
	}
}

func TestSend_CallerClientIsNotModified(t *testing.T) {
	// given a caller's client that follows redirects
	srv, reqs := server(t, []int{307}, http.Header{"Location": {"/other"}}, "")
	hc := &http.Client{}

	// when sent through it
	err := (&Client{URL: srv.URL, HTTP: hc}).Send(context.Background(), record())

	// then the redirect is not followed and the caller's client is unchanged
	var se *SendError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, 307, se.Status)
	assert.Len(t, reqs(), 1)
	assert.Nil(t, hc.CheckRedirect)
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 12, 4, 22, 0, 0, 0, time.UTC)
	tests := []struct {
		name, header string
		want         time.Duration
	}{
		{"given no header then zero", "", 0},
		{"given seconds then that long", "30", 30 * time.Second},
		{"given an HTTP date then the time until it", now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{"given a past date then zero", now.Add(-time.Hour).Format(http.TimeFormat), 0},
		{"given garbage then zero", "soon", 0},
		{"given a negative number then zero", "-5", 0},
		{"given an absurd number then a day", "99999999", 24 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, retryAfter(tt.header, now))
		})
	}
}

func TestBackoff(t *testing.T) {
	tests := []struct {
		name     string
		attempt  int
		min, max time.Duration
	}{
		{"given attempt 0 then as the first", 0, time.Second, 1250 * time.Millisecond},
		{"given the first retry then about 1 s", 1, time.Second, 1250 * time.Millisecond},
		{"given the third retry then about 4 s", 3, 3 * time.Second, 5 * time.Second},
		{"given the sixth retry then about 32 s", 6, 24 * time.Second, 40 * time.Second},
		{"given the tenth retry then capped", 10, 225 * time.Second, 5 * time.Minute},
		{"given a huge attempt then capped without overflow", 1 << 30, 225 * time.Second, 5 * time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seen := map[time.Duration]bool{}
			for range 500 {
				d := Backoff(tt.attempt)
				seen[d] = true
				assert.GreaterOrEqual(t, d, tt.min)
				assert.LessOrEqual(t, d, tt.max)
			}
			assert.Greater(t, len(seen), 1, "jittered")
		})
	}
}

func TestRedact(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"given credentials, path and query then scheme and host only", "https://u:p@itsm.example:8443/api/hook/XYZ?token=abc", "https://itsm.example:8443"},
		{"given garbage then a placeholder", "not a url", "<webhook URL>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { assert.Equal(t, tt.want, Redact(tt.in)) })
	}
}

func TestSendError_Unwrap(t *testing.T) {
	// given a cancelled context; when sent; then errors.Is sees the cancellation
	srv, _ := server(t, []int{200}, nil, "")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := (&Client{URL: srv.URL}).Send(ctx, record())
	assert.True(t, errors.Is(err, context.Canceled), "%v", err)
}
