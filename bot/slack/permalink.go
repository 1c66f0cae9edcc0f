package slack

import (
	"context"
	"sync"

	slackapi "github.com/slack-go/slack"

	"github.com/runbook-bot/runbook-bot/bot"
)

// permalinks caches chat.getPermalink answers by notice key: a message's
// permalink never changes, and the incident countdown re-renders its link to
// the run thread every minute.
type permalinks struct {
	mu   sync.Mutex
	urls map[string]string
}

func (p *permalinks) get(key string) (string, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	u, ok := p.urls[key]
	return u, ok
}

func (p *permalinks) put(key, url string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.urls == nil {
		p.urls = make(map[string]string)
	}
	p.urls[key] = url
}

// resolveLinks gives each link of m that names a notice key (bot.Link.MessageKey)
// the permalink of the message posted for that key. A message not posted yet,
// or a failed look-up, leaves the link as plain text: the next edit of m (the
// countdown's, for an incident post) tries again.
func (a *Adapter) resolveLinks(ctx context.Context, m bot.Message) {
	for i := range m.Sections {
		for j := range m.Sections[i].Links {
			l := &m.Sections[i].Links[j]
			if l.URL != "" || l.MessageKey == "" {
				continue
			}
			l.URL = a.permalink(ctx, l.MessageKey)
		}
	}
}

// permalink is the permalink of the message posted for key, or "".
func (a *Adapter) permalink(ctx context.Context, key string) string {
	if u, ok := a.links.get(key); ok {
		return u
	}
	channel, ts, ok, err := a.st.MessageRef(ctx, key)
	if err != nil || !ok {
		return ""
	}
	u, err := a.api.GetPermalinkContext(ctx, &slackapi.PermalinkParameters{Channel: channel, Ts: ts})
	if err != nil {
		a.log.Warn("chat.getPermalink failed; the link is left out this time", "key", key, "err", a.scrub(err))
		return ""
	}
	a.links.put(key, u)
	return u
}
