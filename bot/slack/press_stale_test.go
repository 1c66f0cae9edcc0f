package slack

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/bot"
	"github.com/runbook-bot/runbook-bot/bot/slack/slacktest"
	"github.com/runbook-bot/runbook-bot/runbook"
	"github.com/runbook-bot/runbook-bot/runbook/sqlite"
)

// dbStore is the adapter's Store over the service's database, as cmd wires it.
type dbStore struct{ db *sqlite.DB }

func (s dbStore) MessageRef(ctx context.Context, key string) (channel, ts string, ok bool, err error) {
	err = s.db.View(ctx, func(tx runbook.Tx) error { channel, ts, ok, err = tx.MessageRef(key); return err })
	return
}

func (s dbStore) SetMessageRef(ctx context.Context, key, channel, ts string) error {
	return s.db.Update(ctx, func(tx runbook.Tx) error { return tx.SetMessageRef(key, channel, ts) })
}

// liveRig is the adapter driving the real bot and service (SQLite, fake clock) against the fake Slack.
type liveRig struct {
	srv   *slacktest.Server
	ad    *Adapter
	svc   *runbook.Service
	db    *sqlite.DB
	clock *clockwork.FakeClock
	ctx   context.Context
}

func newLiveRig(t *testing.T, start time.Time) *liveRig {
	t.Helper()
	path := filepath.Join("..", "..", "runbook", "testdata", "runbook.pt.md")
	src, err := os.ReadFile(path)
	require.NoError(t, err)
	rb, problems := runbook.Parse(path, src, runbook.ParseOptions{DefaultZone: time.UTC})
	require.Empty(t, problems)
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "runbook.db"))
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	clock := clockwork.NewFakeClockAt(start)
	quiet := slog.New(slog.DiscardHandler)
	svc := runbook.NewService(rb, runbook.Settings{}, runbook.Deps{Store: db, Clock: clock, Log: quiet})
	b := bot.New(svc, bot.Options{Channel: slacktest.DefaultChannelID, Lang: runbook.LangEN, Log: quiet})
	srv := slacktest.NewTB(t)
	ad, err := New(Config{BotToken: srv.BotToken(), AppToken: srv.AppToken(), APIURL: srv.APIURL(), Log: quiet, Now: clock.Now}, b, dbStore{db})
	require.NoError(t, err)
	ad.pace = newPacer(time.Millisecond)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	require.NoError(t, ad.Start(ctx))
	require.NoError(t, srv.WaitConnected(1, 10*time.Second))
	return &liveRig{srv: srv, ad: ad, svc: svc, db: db, clock: clock, ctx: ctx}
}

// walk moves the clock timer by timer up to end, materialising every hour as
// the service does, then posts every notice made on the way.
func (r *liveRig) walk(t *testing.T, end time.Time) {
	t.Helper()
	for {
		require.NoError(t, r.svc.Materialize(r.ctx))
		_, err := r.svc.FireDue(r.ctx)
		require.NoError(t, err)
		next := r.clock.Now().Add(time.Hour)
		require.NoError(t, r.db.View(r.ctx, func(tx runbook.Tx) error {
			tm, ok, err := tx.NextTimer()
			if ok && tm.Due.Before(next) {
				next = tm.Due
			}
			return err
		}))
		if !r.clock.Now().Before(end) {
			break
		}
		if next.After(end) {
			next = end
		}
		r.clock.Advance(next.Sub(r.clock.Now()))
	}
	r.deliverAll(t)
}

// deliverAll posts the pending chat notices through the adapter, as the outbox does.
func (r *liveRig) deliverAll(t *testing.T) {
	t.Helper()
	for progress := true; progress; {
		progress = false
		var ds []runbook.Delivery
		require.NoError(t, r.db.View(r.ctx, func(tx runbook.Tx) (err error) {
			ds, err = tx.PendingDeliveries(runbook.SinkChat, r.clock.Now().Add(time.Hour), 1000)
			slices.SortFunc(ds, func(a, b runbook.Delivery) int { return cmp.Compare(a.ID, b.ID) }) // queued order
			return
		}))
		for _, d := range ds {
			err := r.ad.Deliver(r.ctx, d)
			var deferred *runbook.DeferError
			if errors.As(err, &deferred) {
				continue
			}
			require.NoError(t, err, d.Key)
			require.NoError(t, r.db.Update(r.ctx, func(tx runbook.Tx) error { return tx.MarkDelivered(d.ID, r.clock.Now()) }))
			progress = true
		}
	}
}

func (r *liveRig) occAt(t *testing.T, job string, w time.Time) runbook.Occurrence {
	t.Helper()
	var os []runbook.Occurrence
	require.NoError(t, r.db.View(r.ctx, func(tx runbook.Tx) (err error) {
		os, err = tx.Occurrences(runbook.Query{Job: job, WindowFrom: w, WindowUntil: w.Add(time.Second)})
		return
	}))
	require.Len(t, os, 1)
	return os[0]
}

// firstVersion is the message posted for key as it was first posted (before edits removed its buttons).
func (r *liveRig) firstVersion(t *testing.T, key string) (slacktest.Message, json.RawMessage) {
	t.Helper()
	channel, ts, ok, err := dbStore{r.db}.MessageRef(r.ctx, key)
	require.NoError(t, err)
	require.True(t, ok, "posted: %s", key)
	for _, m := range r.srv.Messages(channel) {
		if m.TS == ts {
			return m, m.Versions[0].Blocks
		}
	}
	t.Fatalf("message %s not in the fake", key)
	return slacktest.Message{}, nil
}

// buttonValue is the value of the button with action_id id in blocks.
func buttonValue(t *testing.T, blocks json.RawMessage, id string) string {
	t.Helper()
	var bs []struct {
		Elements []struct {
			ActionID string `json:"action_id"`
			Value    string `json:"value"`
		} `json:"elements"`
	}
	require.NoError(t, json.Unmarshal(blocks, &bs))
	for _, b := range bs {
		for _, e := range b.Elements {
			if e.ActionID == id {
				return e.Value
			}
		}
	}
	t.Fatalf("no button %s in %s", id, blocks)
	return ""
}

// press presses a button of the message m as user and returns the reply shown to them.
func (r *liveRig) press(t *testing.T, user string, m slacktest.Message, actionID, value string) slacktest.Ephemeral {
	t.Helper()
	before := len(r.srv.Ephemerals(user))
	id := r.srv.SendBlockAction(slacktest.BlockAction{UserID: user, ChannelID: m.Channel, MessageTS: m.TS,
		Actions: []slacktest.Action{{ActionID: actionID, Value: value}}})
	_, err := r.srv.WaitAck(id, 3*time.Second)
	require.NoError(t, err)
	return r.reply(t, user, before)
}

// submit answers the prompt modal opened last with text, as user, and returns the reply.
func (r *liveRig) submit(t *testing.T, user string, views int, text string) slacktest.Ephemeral {
	t.Helper()
	require.NoError(t, r.srv.WaitFor(10*time.Second, func(s *slacktest.Server) bool { return len(s.Views()) == views }), "modal")
	v := r.srv.Views()[views-1]
	before := len(r.srv.Ephemerals(user))
	id := r.srv.SendViewSubmission(slacktest.ViewSubmission{UserID: user, ViewID: v.ID,
		Values: map[string]map[string]slacktest.StateValue{"text": {"text": {Value: text}}}})
	_, err := r.srv.WaitAck(id, 3*time.Second)
	require.NoError(t, err)
	return r.reply(t, user, before)
}

func (r *liveRig) reply(t *testing.T, user string, before int) slacktest.Ephemeral {
	t.Helper()
	require.NoError(t, r.srv.WaitFor(10*time.Second, func(s *slacktest.Server) bool { return len(s.Ephemerals(user)) > before }), "reply")
	return r.srv.Ephemerals(user)[before]
}

func TestPress_GivenLastWeeksRequestAndThisWeeksOut_WhenItsButtonsArePressedInSlack_ThenNothingChangesAndTheReplyLinksTheCurrentRequest(t *testing.T) {
	// Given: last week's seed-dev-data request, confirmed with its own button
	w1 := time.Date(2026, 12, 4, 19, 0, 0, 0, time.UTC)
	r := newLiveRig(t, w1.Add(-25*time.Hour))
	const marcos = "U03MARCOSPAULO"
	r.walk(t, w1.Add(-23*time.Hour))
	last := r.occAt(t, "seed-dev-data", w1)
	oldRequest, oldBlocks := r.firstVersion(t, last.RequestKey())
	oldConfirm, oldDecline := buttonValue(t, oldBlocks, "confirm"), buttonValue(t, oldBlocks, "decline:prompt")
	rep := r.press(t, marcos, oldRequest, "confirm", oldConfirm)
	assert.Contains(t, rep.Text, "seed-dev-data confirmed for Fri 2026-12-04 19:00 UTC")
	require.Equal(t, runbook.Confirmed, r.occAt(t, "seed-dev-data", w1).State)

	// And this week's request is out
	w2 := w1.Add(7 * 24 * time.Hour)
	r.walk(t, w2.Add(-23*time.Hour))
	this := r.occAt(t, "seed-dev-data", w2)
	require.Equal(t, runbook.AwaitingConfirmation, this.State)
	thisRequest, thisBlocks := r.firstVersion(t, this.RequestKey())
	permalink := "/archives/" + thisRequest.Channel + "/p" + strings.ReplaceAll(thisRequest.TS, ".", "")

	// When last week's Confirm is pressed
	rep = r.press(t, marcos, oldRequest, "confirm", oldConfirm)
	// Then this week's window is untouched, and the reply says which window the message is about and links this week's request
	assert.Equal(t, runbook.AwaitingConfirmation, r.occAt(t, "seed-dev-data", w2).State)
	assert.Contains(t, rep.Text, "This message is about the seed-dev-data window of Fri 2026-12-04 19:00 UTC (state: confirmed)")
	assert.Contains(t, string(rep.Blocks), "The window to act on now is Fri 2026-12-11 19:00 UTC")
	assert.Contains(t, string(rep.Blocks), permalink+"|the current message", "a link to this week's request")

	// When last week's Decline is pressed and its modal answered
	views := len(r.srv.Views())
	r.srv.SendBlockAction(slacktest.BlockAction{UserID: marcos, ChannelID: oldRequest.Channel, MessageTS: oldRequest.TS,
		Actions: []slacktest.Action{{ActionID: "decline:prompt", Value: oldDecline}}})
	rep = r.submit(t, marcos, views+1, "not this week")
	// Then nothing changes either
	assert.Equal(t, runbook.AwaitingConfirmation, r.occAt(t, "seed-dev-data", w2).State)
	assert.Equal(t, runbook.Confirmed, r.occAt(t, "seed-dev-data", w1).State)
	assert.Contains(t, rep.Text, "This message is about the seed-dev-data window of Fri 2026-12-04 19:00 UTC")

	// When a button value that cannot be read is pressed
	rep = r.press(t, marcos, oldRequest, "confirm", "v9/seed-dev-data/"+"x")
	assert.Contains(t, rep.Text, "This button could not be read: nothing was done.")
	assert.Equal(t, runbook.AwaitingConfirmation, r.occAt(t, "seed-dev-data", w2).State)

	// When this week's own Decline is used, it declines this week
	views = len(r.srv.Views())
	r.srv.SendBlockAction(slacktest.BlockAction{UserID: marcos, ChannelID: thisRequest.Channel, MessageTS: thisRequest.TS,
		Actions: []slacktest.Action{{ActionID: "decline:prompt", Value: buttonValue(t, thisBlocks, "decline:prompt")}}})
	rep = r.submit(t, marcos, views+1, "staging freeze")
	assert.Contains(t, rep.Text, "seed-dev-data declined for Fri 2026-12-11 19:00 UTC")
	assert.Equal(t, runbook.Declined, r.occAt(t, "seed-dev-data", w2).State)

	// When a button of a message posted before buttons carried their occurrence (the job alone) is pressed, it acts as typed
	rep = r.press(t, marcos, oldRequest, "confirm", "seed-dev-data")
	assert.Contains(t, rep.Text, "seed-dev-data confirmed for Fri 2026-12-11 19:00 UTC")
	assert.Equal(t, runbook.Confirmed, r.occAt(t, "seed-dev-data", w2).State)
}
