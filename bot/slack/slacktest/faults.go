package slacktest

import (
	"math"
	"net/http"
	"time"
)

// fault is a forced answer for the next calls to a method.
type fault struct {
	status     int
	retryAfter time.Duration
	slackErr   string
	remaining  int
}

func (f fault) answer() (int, map[string]string, any, string) {
	switch {
	case f.slackErr != "":
		return http.StatusOK, nil, map[string]any{"ok": false, "error": f.slackErr}, f.slackErr
	case f.status == http.StatusTooManyRequests:
		return rateLimitedAnswer(f.retryAfter)
	default:
		body := []byte("<html><body><h1>" + http.StatusText(f.status) + "</h1></body></html>")
		return f.status, nil, body, ""
	}
}

// Fail makes the next times calls to method ("response_url" for webhooks) answer
// HTTP status; a 429 carries Retry-After in whole seconds (rounded up) and
// error "ratelimited", as Slack sends it. times <= 0 means until ClearFaults.
func (s *Server) Fail(method string, status int, retryAfter time.Duration, times int) {
	s.addFault(method, fault{status: status, retryAfter: retryAfter, remaining: times})
}

// FailWithError makes the next times calls to method answer HTTP 200 {"ok":false,"error":code}.
func (s *Server) FailWithError(method, code string, times int) {
	s.addFault(method, fault{status: http.StatusOK, slackErr: code, remaining: times})
}

// ClearFaults removes all pending forced failures.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = map[string][]fault{}
}

func (s *Server) addFault(method string, f fault) {
	if f.remaining <= 0 {
		f.remaining = math.MaxInt
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[method] = append(s.faults[method], f)
}

// takeFaultLocked consumes one pending fault for method.
func (s *Server) takeFaultLocked(method string) (fault, bool) {
	q := s.faults[method]
	if len(q) == 0 {
		return fault{}, false
	}
	f := q[0]
	q[0].remaining--
	if q[0].remaining <= 0 {
		q = q[1:]
	}
	s.faults[method] = q
	if f.status == http.StatusTooManyRequests {
		s.rateLimited[method]++
	}
	return f, true
}

// rateLimit is a per-key token bucket.
type rateLimit struct {
	rate    float64 // tokens per second
	burst   float64
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

// take consumes a token for key, or says how long until one is available.
func (rl *rateLimit) take(key string, now time.Time) (time.Duration, bool) {
	b, ok := rl.buckets[key]
	if !ok {
		b = &bucket{tokens: rl.burst, last: now}
		rl.buckets[key] = b
	}
	b.tokens = math.Min(rl.burst, b.tokens+now.Sub(b.last).Seconds()*rl.rate)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return 0, true
	}
	return time.Duration((1 - b.tokens) / rl.rate * float64(time.Second)), false
}

// SetRateLimit limits method to perChannelPerSecond calls per channel (token
// bucket, burst max(3, ceil(rate))) and answers excess calls with 429 +
// Retry-After, like Slack's ~1 msg/s/channel limit on chat.postMessage.
// A rate <= 0 removes the limit.
func (s *Server) SetRateLimit(method string, perChannelPerSecond float64) {
	s.SetRateLimitBurst(method, perChannelPerSecond, max(3, int(math.Ceil(perChannelPerSecond))))
}

// SetRateLimitBurst is SetRateLimit with an explicit bucket size.
func (s *Server) SetRateLimitBurst(method string, perChannelPerSecond float64, burst int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if perChannelPerSecond <= 0 {
		delete(s.limits, method)
		return
	}
	s.limits[method] = &rateLimit{rate: perChannelPerSecond, burst: float64(max(1, burst)), buckets: map[string]*bucket{}}
}

// rateLimitLocked applies method's limit for channel; it reports the wait when limited.
func (s *Server) rateLimitLocked(method, channel string) (time.Duration, bool) {
	rl := s.limits[method]
	if rl == nil {
		return 0, false
	}
	wait, ok := rl.take(channel, time.Now())
	if ok {
		return 0, false
	}
	s.rateLimited[method]++
	return wait, true
}

// RateLimited returns how many 429s the server answered for method.
func (s *Server) RateLimited(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rateLimited[method]
}
