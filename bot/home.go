package bot

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// The App Home: one user's view of the week ahead, chat-neutral. Slack
// publishes it as the bot's Home tab (views.publish); the terminal shell
// prints it (:home). "Needs you" first (the windows this user may confirm or
// run now, with the same buttons as the messages, bound to their
// occurrence), then the next 7 days, then the latest results.

// Home days and results.
const (
	homeDays    = 7
	homeResults = 10
)

// Home is the Home tab of one user.
type Home struct {
	Title string
	Intro string
	Parts []HomePart // needs you, the next 7 days, the latest results
}

// HomePart is one part of the Home under its heading.
type HomePart struct {
	Heading string
	Empty   string // shown when Items is empty
	Items   []HomeItem
	More    string // "and N more windows" when items were left out to fit
}

// HomeItem is one window or result.
type HomeItem struct {
	Text    string   // the job, its window and state
	Lines   []string // owners, pre-flight, tickets, freeze…
	Links   []Link
	Buttons []Button
}

// HomeFit bounds the Home to a chat's limits: Budget units in all (0: no
// bound); each part costs PartCost (its heading and "more" line) and each item
// Cost(item). Items left out are counted in their part's More line.
type HomeFit struct {
	Budget   int
	PartCost int
	Cost     func(HomeItem) int
}

// Home builds user's Home at the service's time.
func (b *Bot) Home(ctx context.Context, user string, fit HomeFit) (Home, error) {
	now := b.svc.Now()
	plan, err := b.svc.Plan(ctx, now, now.Add(homeDays*24*time.Hour), "")
	if err != nil {
		return Home{}, err
	}
	sts, err := b.svc.Status(ctx, "")
	if err != nil {
		return Home{}, err
	}
	recent, err := b.svc.Recent(ctx, homeResults)
	if err != nil {
		return Home{}, err
	}
	fs := b.freezes(ctx)
	frozenNow := runbook.FreezeAt(fs, now)

	var needs []HomeItem
	for _, st := range sts { // the current window, once passed: Run when it is confirmed
		if o := st.Current; o != nil && o.State == runbook.Confirmed && frozenNow == nil && b.svc.Allows(ctx, user, st.Job, runbook.ActRun) {
			it := b.homeWindow(runbook.Planned{Job: st.Job, Occ: *o, Freeze: runbook.FreezeAt(fs, o.Window)})
			it.Buttons = append(bound(*o, b.runButton(st.Job, *o)), b.checkButton(*o))
			needs = append(needs, it)
		}
	}
	var upcoming []HomeItem
	for _, p := range plan {
		it := b.homeWindow(p)
		upcoming = append(upcoming, it)
		o := p.Occ
		open := o.State == runbook.Scheduled || o.State == runbook.AwaitingConfirmation
		if o.ID != 0 && open && p.Freeze == nil && frozenNow == nil && b.svc.Allows(ctx, user, p.Job, runbook.ActConfirm) {
			it.Buttons = append(b.confirmButtons(o), b.checkButton(o))
			needs = append(needs, it)
		}
	}
	var results []HomeItem
	for _, o := range recent {
		results = append(results, b.homeResult(o))
	}

	title := b.t("home.title")
	h := Home{Title: title, Intro: b.t("home.intro", "now", b.when(now, b.zoneOf("")), "days", strconv.Itoa(homeDays))}
	if frozenNow != nil {
		h.Intro += "\n" + b.frozenLineNow(frozenNow)
	}
	parts := [3]HomePart{
		{Heading: b.t("home.needs_you"), Empty: b.t("home.needs_you.empty"), Items: needs},
		{Heading: b.t("home.upcoming", "days", strconv.Itoa(homeDays)), Empty: b.t("home.upcoming.empty"), Items: upcoming},
		{Heading: b.t("home.results", "n", strconv.Itoa(homeResults)), Empty: b.t("home.results.empty"), Items: results},
	}
	b.fitHome(&parts, fit)
	h.Parts = parts[:]
	return h, nil
}

// fitHome leaves out what does not fit: the results are kept first (at most
// 10, each small), then "Needs you", then the week with what room is left.
func (b *Bot) fitHome(parts *[3]HomePart, fit HomeFit) {
	if fit.Budget <= 0 {
		return
	}
	cost := fit.Cost
	if cost == nil {
		cost = func(HomeItem) int { return 1 }
	}
	room := fit.Budget - len(parts)*fit.PartCost
	take := func(p *HomePart, room int) int {
		used, n := 0, 0
		for _, it := range p.Items {
			c := cost(it)
			if used+c > room {
				break
			}
			used += c
			n++
		}
		if left := len(p.Items) - n; left > 0 {
			p.Items = p.Items[:n]
			p.More = b.tn("home.more", left)
		}
		return used
	}
	results := &parts[2]
	reserve := 0
	for _, it := range results.Items {
		reserve += cost(it)
	}
	reserve = min(reserve, max(room/4, 0))
	room -= take(&parts[0], room-reserve)
	room -= take(&parts[1], room-reserve)
	take(results, room)
}

// homeWindow is one window: job, window in its zone and in UTC, state, owners, pre-flight, tickets and freeze.
func (b *Bot) homeWindow(p runbook.Planned) HomeItem {
	o, j := p.Occ, p.Job
	loc := b.zoneOf(j.ID)
	it := HomeItem{Text: j.ID + " · " + b.when(o.Window, loc) + " · " + b.state(o.State)}
	it.Lines = append(it.Lines, b.t("label.primary")+": "+j.Primary.Name()+" · "+b.t("label.backup")+": "+j.Backup.Name())
	switch pf := p.Preflight; {
	case pf == nil:
		it.Lines = append(it.Lines, b.t("home.preflight.pending"))
	case pf.OK:
		it.Lines = append(it.Lines, "✅ "+b.t("home.preflight.ok"))
	default:
		it.Lines = append(it.Lines, "❌ "+b.t("home.preflight.failed", "failed", pf.Failed))
	}
	if o.Tickets != nil {
		it.Lines = append(it.Lines, b.t("home.tickets", "n", strconv.Itoa(o.Tickets.Total)))
	}
	if p.Freeze != nil {
		it.Lines = append(it.Lines, "❄ "+b.t("freeze.mark", "reason", p.Freeze.Reason)+" — "+b.t("home.frozen_until", "until", b.when(p.Freeze.End, b.zoneOf(""))))
	}
	return it
}

// homeResult is one finished occurrence, with a link to its run thread.
func (b *Bot) homeResult(o runbook.Occurrence) HomeItem {
	icon := map[runbook.State]string{runbook.Succeeded: "✅", runbook.Failed: "❌", runbook.Cancelled: "⏹"}[o.State]
	it := HomeItem{Text: icon + " " + o.Job + " · " + b.when(o.Window, b.zoneOf(o.Job)) + " · " + b.state(o.State)}
	var parts []string
	if o.RunBy != "" {
		parts = append(parts, b.t("part.run_by", "by", b.who(o.RunBy)))
	}
	if o.Attempts > 1 {
		parts = append(parts, b.tn("part.attempts", o.Attempts))
	}
	if o.IncidentRef != "" {
		parts = append(parts, b.t("part.incident", "ref", o.IncidentRef))
	}
	if len(parts) > 0 {
		it.Lines = []string{strings.Join(parts, " · ")}
	}
	if o.Attempts > 0 {
		it.Links = []Link{{Label: b.t("home.thread"), MessageKey: o.RunKey(o.Attempts)}}
	}
	return it
}

// checkButton runs the job's pre-flight now (read-only: anyone may).
func (b *Bot) checkButton(o runbook.Occurrence) Button {
	return bound(o, Button{ID: "check", Label: b.t("button.check")})[0]
}

// frozenLineNow says a freeze is in force.
func (b *Bot) frozenLineNow(f *runbook.Freeze) string {
	return "❄ " + b.t("freeze.in_force", "what", b.freezeText(*f))
}
