package slack

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/bot/slack/slacktest"
)

// fakeNow is a clock the test moves by hand.
type fakeNow struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeNow) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeNow) add(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }

func TestInChannel_GivenTheIncidentChannel_ThenMembersAreLookedUpPageByPageAndCachedForAtMostAMinute(t *testing.T) {
	many := make([]string, 2500)
	for i := range many {
		many[i] = fmt.Sprintf("U%05d", i)
	}
	r := newRig(t,
		slacktest.WithChannel(slacktest.Channel{ID: "C0INCIDENT", Name: "infra-incident", Members: []string{"U0ANA", "U0ONCALL"}}),
		slacktest.WithChannel(slacktest.Channel{ID: "C0BIG", Name: "big", Members: many}),
	)
	clock := &fakeNow{t: time.Date(2026, 12, 4, 19, 0, 0, 0, time.UTC)}
	r.ad.cfg.Now = clock.now
	ctx := context.Background()
	in := func(user, channel string) bool {
		t.Helper()
		ok, err := r.ad.InChannel(ctx, user, channel)
		require.NoError(t, err)
		return ok
	}

	// A #name is resolved as for posts; members are asked once, then cached.
	assert.True(t, in("U0ONCALL", "#infra-incident"))
	assert.False(t, in("U0STRANGER", "#infra-incident"))
	assert.True(t, in("U0ANA", "C0INCIDENT"), "the same channel given by ID")
	assert.Equal(t, 1, r.srv.CallCount("conversations.members"))
	assert.Equal(t, 1, r.srv.CallCount("conversations.list"))

	// Within the minute a change is not seen; after it, it is.
	r.srv.SetChannelMembers("C0INCIDENT", "U0ANA", "U0NEWCOMER")
	clock.add(59 * time.Second)
	assert.True(t, in("U0ONCALL", "#infra-incident"), "cached for less than a minute")
	clock.add(time.Second)
	assert.False(t, in("U0ONCALL", "#infra-incident"), "a minute old: asked again, the member left")
	assert.True(t, in("U0NEWCOMER", "#infra-incident"))
	assert.Equal(t, 2, r.srv.CallCount("conversations.members"))

	// A failed look-up is an error, never a stale "member", and is not cached.
	clock.add(time.Minute)
	r.srv.FailWithError("conversations.members", "internal_error", 1)
	ok, err := r.ad.InChannel(ctx, "U0ANA", "#infra-incident")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "conversations.members")
	assert.False(t, ok)
	assert.True(t, in("U0ANA", "#infra-incident"), "asked again at once after a failure")
	assert.Equal(t, 4, r.srv.CallCount("conversations.members"))

	// Big channels are read page by page, to the last member.
	assert.True(t, in("U02499", "#big"))
	assert.False(t, in("U99999", "#big"))
	assert.Equal(t, 4+3, r.srv.CallCount("conversations.members"), "2,500 members in pages of 1,000")

	// An unknown channel is an error.
	_, err = r.ad.InChannel(ctx, "U0ANA", "#no-such-channel")
	require.Error(t, err)
	_, err = r.ad.InChannel(ctx, "U0ANA", "C0NOSUCH")
	require.Error(t, err)
}

func TestInChannel_GivenConcurrentLookups_ThenAnswersAreConsistent(t *testing.T) {
	r := newRig(t, slacktest.WithChannel(slacktest.Channel{ID: "C0INCIDENT", Name: "infra-incident", Members: []string{"U0ANA"}}))
	ctx := context.Background()
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			user := "U0ANA"
			if i%2 == 1 {
				user = "U0STRANGER"
			}
			ok, err := r.ad.InChannel(ctx, user, "#infra-incident")
			assert.NoError(t, err)
			assert.Equal(t, i%2 == 0, ok)
		}()
	}
	wg.Wait()
}
