package slack

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"sync"
	"time"

	slackapi "github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"

	"github.com/runbook-bot/runbook-bot/bot"
)

// The App Home tab. A user opening it (app_home_opened) gets their Home
// published (views.publish); it is published again within seconds of any
// state change (HomeChanged) for every user who opened it in the last 24 h:
// changes are coalesced for homeSettle, each user's view is published only
// when it differs from the last one sent, and Slack's 429 (views.publish is a
// Tier 4 method) holds the publishing for its Retry-After.

// Home view limits: 100 blocks; a header and the intro, then per part a
// divider, its heading and a "more" (or "empty") line, and per item a
// section and, when it has buttons, an actions block.
const (
	maxHomeBlocks  = 100
	homeFixed      = 2
	homePartBlocks = 3
	maxHeaderText  = 150
)

// homeFit is the bot's budget for the Home: blocks.
var homeFit = bot.HomeFit{Budget: maxHomeBlocks - homeFixed, PartCost: homePartBlocks, Cost: func(it bot.HomeItem) int {
	if len(it.Buttons) > 0 {
		return 2
	}
	return 1
}}

// Timing of the Home's republishing.
const (
	homeSettle = time.Second    // changes this close together make one publish
	homeKeep   = 24 * time.Hour // users who opened the Home this recently get it republished
)

// HomeView renders a Home as Slack's home tab view.
func HomeView(h bot.Home) slackapi.HomeTabViewRequest {
	blocks := []slackapi.Block{
		slackapi.NewHeaderBlock(plain(truncateRunes(h.Title, maxHeaderText))),
		slackapi.NewContextBlock("", mrkdwn(truncate(Escape(h.Intro), maxSectionText))),
	}
	seen := map[string]int{}
	for _, p := range h.Parts {
		blocks = append(blocks, slackapi.NewDividerBlock(), slackapi.NewHeaderBlock(plain(truncateRunes(p.Heading, maxHeaderText))))
		for _, it := range p.Items {
			text := "*" + Escape(it.Text) + "*"
			for _, l := range it.Lines {
				text += "\n" + Escape(l)
			}
			for _, l := range it.Links {
				text += "\n" + linkLine(l)
			}
			blocks = append(blocks, section(truncate(text, maxSectionText)))
			if len(it.Buttons) > 0 {
				var els []slackapi.BlockElement
				for _, b := range it.Buttons[:min(len(it.Buttons), maxActions)] {
					els = append(els, button(b, seen))
				}
				blocks = append(blocks, slackapi.NewActionBlock("", els...))
			}
		}
		switch {
		case p.More != "":
			blocks = append(blocks, slackapi.NewContextBlock("", mrkdwn(truncate(Escape(p.More), maxSectionText))))
		case len(p.Items) == 0 && p.Empty != "":
			blocks = append(blocks, slackapi.NewContextBlock("", mrkdwn(truncate(Escape(p.Empty), maxSectionText))))
		}
	}
	if len(blocks) > maxHomeBlocks { // the bot's fit keeps within; never send what Slack refuses
		blocks = blocks[:maxHomeBlocks]
	}
	return slackapi.HomeTabViewRequest{Type: slackapi.VTHomeTab, Blocks: slackapi.Blocks{BlockSet: blocks}, CallbackID: "runbook_home"}
}

// homes is who opened the Home, and the last view each was sent.
type homes struct {
	mu     sync.Mutex
	opened map[string]time.Time // user → when they last opened it
	sent   map[string][32]byte  // user → hash of the view last published
	dirty  chan struct{}        // a change to publish
}

func (h *homes) init() {
	h.opened, h.sent, h.dirty = map[string]time.Time{}, map[string][32]byte{}, make(chan struct{}, 1)
}

// HomeChanged tells the adapter the state changed: the Homes opened in the
// last 24 h are published again shortly. It never blocks.
func (a *Adapter) HomeChanged() {
	select {
	case a.homes.dirty <- struct{}{}:
	default:
	}
}

// homeOpened handles app_home_opened: the user's Home is published now, and
// kept up to date for a day.
func (a *Adapter) homeOpened(ctx context.Context, user string) {
	a.homes.mu.Lock()
	a.homes.opened[user] = a.cfg.Now()
	delete(a.homes.sent, user) // opened: publish even when unchanged
	a.homes.mu.Unlock()
	if err := a.publishHome(ctx, user); err != nil {
		a.log.Error("publishing the Home tab failed", "user", user, "err", a.scrub(err))
	}
}

// publishHome builds user's Home and publishes it unless it is what was last sent.
func (a *Adapter) publishHome(ctx context.Context, user string) error {
	h, err := a.h.Home(ctx, user, homeFit)
	if err != nil {
		return err
	}
	a.resolveHomeLinks(ctx, &h)
	for _, p := range h.Parts { // a prompting button pressed on the Home opens its modal as on a message
		for _, it := range p.Items {
			a.prompts.remember(bot.Message{Buttons: it.Buttons})
		}
	}
	view := HomeView(h)
	raw, err := json.Marshal(view)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(raw)
	a.homes.mu.Lock()
	same := a.homes.sent[user] == sum
	a.homes.mu.Unlock()
	if same {
		return nil
	}
	if err := a.pace.waitFor(ctx, "views.publish", user); err != nil {
		return err
	}
	if _, err := a.api.PublishViewContext(ctx, slackapi.PublishViewContextRequest{UserID: user, View: view}); err != nil {
		return a.limited("views.publish", user, err)
	}
	a.homes.mu.Lock()
	a.homes.sent[user] = sum
	a.homes.mu.Unlock()
	return nil
}

// resolveHomeLinks turns the run-thread links of the results into permalinks.
func (a *Adapter) resolveHomeLinks(ctx context.Context, h *bot.Home) {
	for i := range h.Parts {
		for j := range h.Parts[i].Items {
			a.resolveLinks(ctx, bot.Message{Sections: []bot.Section{{Links: h.Parts[i].Items[j].Links}}})
		}
	}
}

// republishHomes publishes again, after each change (coalesced), the Home of
// every user who opened it in the last 24 h, until ctx ends.
func (a *Adapter) republishHomes(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-a.homes.dirty:
		}
		select { // let a burst of changes settle into one publish
		case <-ctx.Done():
			return
		case <-time.After(homeSettle):
		}
		select { // the changes that came while settling are in this publish
		case <-a.homes.dirty:
		default:
		}
		now := a.cfg.Now()
		var users []string
		a.homes.mu.Lock()
		for u, at := range a.homes.opened {
			if now.Sub(at) > homeKeep {
				delete(a.homes.opened, u)
				delete(a.homes.sent, u)
				continue
			}
			users = append(users, u)
		}
		a.homes.mu.Unlock()
		for _, u := range users {
			for try := 0; try < 3; try++ {
				err := a.publishHome(ctx, u)
				var rl *RateLimitError
				if errors.As(err, &rl) && ctx.Err() == nil {
					select {
					case <-ctx.Done():
						return
					case <-time.After(rl.RetryAfter()):
					}
					continue
				}
				if err != nil && ctx.Err() == nil {
					a.log.Warn("republishing the Home tab failed", "user", u, "err", a.scrub(err))
				}
				break
			}
		}
	}
}

// eventsAPI handles an Events API envelope: app_home_opened on the Home tab
// publishes the user's Home; anything else is acknowledged and ignored.
func (a *Adapter) eventsAPI(ctx context.Context, req *socketmode.Request, ev slackevents.EventsAPIEvent, ack func(any)) {
	var user string
	switch e := ev.InnerEvent.Data.(type) {
	case *slackevents.AppHomeOpenedEvent:
		if e.Tab == "home" || e.Tab == "" {
			user = e.User
		}
	case slackevents.AppHomeOpenedEvent:
		if e.Tab == "home" || e.Tab == "" {
			user = e.User
		}
	}
	if user == "" {
		ack(nil)
		return
	}
	key := ""
	if cb, ok := ev.Data.(*slackevents.EventsAPICallbackEvent); ok && cb.EventID != "" {
		key = "event:" + cb.EventID
	}
	a.async(ctx, req, key, ack, func(ctx context.Context) { a.homeOpened(ctx, user) })
}
