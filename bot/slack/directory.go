package slack

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	slackapi "github.com/slack-go/slack"
)

// groupTTL is how long a user group's members are trusted before asking Slack again.
const groupTTL = 5 * time.Minute

// channelTTL is how long a channel's members are trusted: at most a minute, so
// someone who left the incident channel soon stops counting as a responder.
const channelTTL = time.Minute

// memberPages bounds the conversations.members pages (1,000 members each) read for one channel.
const memberPages = 100

// directoryCache remembers e-mail lookups (for the process's life), group
// members (5 minutes) and channel members (a minute). Failed look-ups are not kept.
type directoryCache struct {
	mu       sync.Mutex
	emails   map[string]string
	groups   map[string]groupEntry
	channels map[string]channelEntry // by conversation ID
}

type channelEntry struct {
	members map[string]bool
	at      time.Time
}

type groupEntry struct {
	members []string
	at      time.Time
}

// UserByEmail resolves a contact's e-mail to a Slack user ID (users.lookupByEmail, cached).
func (a *Adapter) UserByEmail(ctx context.Context, email string) (string, error) {
	key := strings.ToLower(strings.TrimSpace(email))
	a.dir.mu.Lock()
	id, ok := a.dir.emails[key]
	a.dir.mu.Unlock()
	if ok {
		return id, nil
	}
	u, err := a.api.GetUserByEmailContext(ctx, key)
	if err != nil {
		return "", fmt.Errorf("slack users.lookupByEmail %s: %s", key, a.scrub(err))
	}
	a.dir.mu.Lock()
	if a.dir.emails == nil {
		a.dir.emails = map[string]string{}
	}
	a.dir.emails[key] = u.ID
	a.dir.mu.Unlock()
	return u.ID, nil
}

// InGroup reports whether user is a member of the user group (usergroups.users.list, cached 5 minutes).
func (a *Adapter) InGroup(ctx context.Context, user, group string) (bool, error) {
	now := time.Now()
	a.dir.mu.Lock()
	e, ok := a.dir.groups[group]
	a.dir.mu.Unlock()
	if !ok || now.Sub(e.at) >= groupTTL {
		members, err := a.api.GetUserGroupMembersContext(ctx, group)
		if err != nil {
			return false, fmt.Errorf("slack usergroups.users.list %s: %s", group, a.scrub(err))
		}
		e = groupEntry{members: members, at: now}
		a.dir.mu.Lock()
		if a.dir.groups == nil {
			a.dir.groups = map[string]groupEntry{}
		}
		a.dir.groups[group] = e
		a.dir.mu.Unlock()
	}
	return slices.Contains(e.members, user), nil
}

// InChannel reports whether user is a member of channel, a "#name" (resolved
// as for posts) or a conversation ID: conversations.members, every page,
// cached for at most a minute. A failed look-up is an error, never cached.
func (a *Adapter) InChannel(ctx context.Context, user, channel string) (bool, error) {
	id, err := a.channelID(ctx, channel)
	if err != nil {
		return false, fmt.Errorf("slack: resolving %s: %s", channel, a.scrub(err))
	}
	now := a.cfg.Now()
	a.dir.mu.Lock()
	e, ok := a.dir.channels[id]
	a.dir.mu.Unlock()
	if !ok || now.Sub(e.at) >= channelTTL || now.Before(e.at) {
		members, err := a.channelMembers(ctx, id)
		if err != nil {
			return false, err
		}
		e = channelEntry{members: members, at: now}
		a.dir.mu.Lock()
		if a.dir.channels == nil {
			a.dir.channels = map[string]channelEntry{}
		}
		a.dir.channels[id] = e
		a.dir.mu.Unlock()
	}
	return e.members[user], nil
}

// channelMembers reads every page of conversations.members of channel id.
func (a *Adapter) channelMembers(ctx context.Context, id string) (map[string]bool, error) {
	members := map[string]bool{}
	cursor := ""
	for range memberPages {
		page, next, err := a.api.GetUsersInConversationContext(ctx, &slackapi.GetUsersInConversationParameters{ChannelID: id, Cursor: cursor, Limit: 1000})
		if err != nil {
			return nil, fmt.Errorf("slack conversations.members %s: %s", id, a.scrub(err))
		}
		for _, u := range page {
			members[u] = true
		}
		if cursor = next; cursor == "" {
			return members, nil
		}
	}
	return nil, fmt.Errorf("slack conversations.members %s: more than %d pages", id, memberPages)
}
