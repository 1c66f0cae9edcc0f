package slack

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// groupTTL is how long a user group's members are trusted before asking Slack again.
const groupTTL = 5 * time.Minute

// directoryCache remembers e-mail lookups (for the process's life) and group members (5 minutes).
type directoryCache struct {
	mu     sync.Mutex
	emails map[string]string
	groups map[string]groupEntry
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
