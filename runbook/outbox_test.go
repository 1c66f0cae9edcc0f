package runbook_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// chatFake is a chat sink that behaves like a chat: an update or a thread
// reply waits (DeferError) until its message was posted. A lane can be made
// slow with a gate: each call of that lane waits for a token (or a closed gate).
type chatFake struct {
	mu      sync.Mutex
	posted  map[string]bool
	got     []runbook.Notice // in delivery order
	ids     []int64          // the row id of each of got
	calls   map[string]int   // by row key
	gates   map[string]chan struct{}
	waiting map[string]int // calls waiting at their lane's gate
	active  map[string]int // calls in progress by lane
	most    int            // most calls in progress in one lane at once
	fail    func(n runbook.Notice, attempt int) error
	jitter  bool // sleep a little in each call, to shake the lanes' interleaving
}

func newChatFake() *chatFake {
	return &chatFake{posted: map[string]bool{}, calls: map[string]int{}, gates: map[string]chan struct{}{},
		waiting: map[string]int{}, active: map[string]int{}}
}

func (f *chatFake) deliver(ctx context.Context, d runbook.Delivery) error {
	var n runbook.Notice
	if err := json.Unmarshal(d.Payload, &n); err != nil {
		return err
	}
	f.mu.Lock()
	f.active[n.Channel]++
	f.most = max(f.most, f.active[n.Channel])
	gate := f.gates[n.Channel]
	f.waiting[n.Channel]++
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.active[n.Channel]--
		f.mu.Unlock()
	}()
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if f.jitter {
		time.Sleep(time.Duration(rand.IntN(200)) * time.Microsecond)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.waiting[n.Channel]--
	f.calls[d.Key]++
	if f.fail != nil {
		if err := f.fail(n, f.calls[d.Key]); err != nil {
			return err
		}
	}
	for _, parent := range []string{n.Thread, n.After} {
		if parent != "" && !f.posted[parent] {
			return &runbook.DeferError{Reason: parent + " not posted yet"}
		}
	}
	if n.Update && !f.posted[n.Key] {
		return &runbook.DeferError{Reason: n.Key + " not posted yet"}
	}
	if !n.Update {
		f.posted[n.Key] = true
	}
	f.got = append(f.got, n)
	f.ids = append(f.ids, d.ID)
	return nil
}

// delivered lists what reached the chat in a channel ("" for all), in order.
func (f *chatFake) delivered(channel string) []runbook.Notice {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []runbook.Notice
	for _, n := range f.got {
		if channel == "" || n.Channel == channel {
			out = append(out, n)
		}
	}
	return out
}

func (f *chatFake) count(kind runbook.NoticeKind) int {
	n := 0
	for _, x := range f.delivered("") {
		if x.Kind == kind {
			n++
		}
	}
	return n
}

func (f *chatFake) waitingAt(channel string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.waiting[channel]
}

// outputLines counts the run output lines delivered (shown, or named as left out).
func outputLines(ns []runbook.Notice) int {
	n := 0
	for _, x := range ns {
		if x.Kind == runbook.NoticeRunOutput {
			n += len(x.Lines) + x.Omitted
		}
	}
	return n
}

// waitUntil moves the fake clock on in small steps until cond holds (or fails the test after a while).
func (h *harness) waitUntil(what string, cond func() bool) {
	h.t.Helper()
	require.Eventually(h.t, func() bool {
		if cond() {
			return true
		}
		h.clock.Advance(10 * time.Millisecond)
		return false
	}, 10*time.Second, time.Millisecond, what)
}

// queue puts notices in the chat outbox directly, created now.
func (h *harness) queue(ns ...runbook.Notice) []int64 {
	h.t.Helper()
	var ids []int64
	require.NoError(h.t, h.db.Update(context.Background(), func(tx runbook.Tx) error {
		for _, n := range ns {
			b, err := json.Marshal(n)
			if err != nil {
				return err
			}
			d := runbook.Delivery{Sink: runbook.SinkChat, Key: n.Key, Payload: b, Priority: runbook.PriorityOf(n.Kind, n.Update), NextAt: h.clock.Now(), CreatedAt: h.clock.Now()}
			if err := tx.Enqueue(&d); err != nil {
				return err
			}
			ids = append(ids, d.ID)
		}
		return nil
	}))
	return ids
}

// runOutbox runs an outbox loop until the test ends.
func (h *harness) runOutbox(fn runbook.SinkFunc) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		h.svc.Outbox(runbook.SinkChat, fn).Run(ctx)
	}()
	h.t.Cleanup(func() { cancel(); <-done })
}

// drainAll drains the chat outbox, moving the clock on past retries, until nothing is pending.
func (h *harness) drainAll(fn runbook.SinkFunc) {
	h.t.Helper()
	out := h.svc.Outbox(runbook.SinkChat, fn)
	for range 200 {
		_, err := out.Drain(context.Background())
		require.NoError(h.t, err)
		if len(h.deliveries(runbook.SinkChat)) == 0 {
			return
		}
		h.clock.Advance(time.Second)
	}
	h.t.Fatalf("the chat outbox did not drain: %d rows pending", len(h.deliveries(runbook.SinkChat)))
}

func lines(from, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = "line " + strconv.Itoa(from+i)
	}
	return out
}

func TestOutbox_GivenRunOutputPacedInTheRunbookChannel_WhenTheRunFails_ThenTheIncidentPostGoesBeforeTheOutputDrains(t *testing.T) {
	// Given: a confirmed window, what was queued so far delivered, and a chat
	// whose runbook channel takes each post only when the test lets it.
	h, exec, marcos, _ := confirmedAtWindow(t)
	ctx := context.Background()
	_, err := h.svc.Outbox(runbook.SinkChat, func(context.Context, runbook.Delivery) error { return nil }).Drain(ctx)
	require.NoError(t, err)
	chat := newChatFake()
	gate := make(chan struct{})
	chat.gates[runbook.ChannelRunbook] = gate
	h.runOutbox(chat.deliver)

	// When: the script prints 400 lines (ten batches for the run thread) and fails.
	exec.lines = lines(1, 400)
	_, err = h.svc.Run(ctx, runbook.Request{User: marcos, RequestID: "r1"}, "seed-dev-data")
	require.NoError(t, err)
	h.waitUntil("the run message waits for the runbook channel", func() bool { return chat.waitingAt(runbook.ChannelRunbook) > 0 })
	one := 1
	exec.last(t).done <- runbook.RunResult{ExitCode: &one, Reason: runbook.ReasonExit, Tail: []string{"boom"}}
	h.svc.Wait()

	// Then: the incident post reaches the incident channel while the runbook channel has not taken a single post.
	h.waitUntil("the incident post", func() bool { return chat.count(runbook.NoticeIncident) == 1 })
	assert.Empty(t, chat.delivered(runbook.ChannelRunbook), "the run thread is still waiting")

	// And the run thread gets everything once its channel moves: the run, its result, then the output in order.
	close(gate)
	h.waitUntil("the run thread", func() bool { return outputLines(chat.delivered(runbook.ChannelRunbook)) == 400 })
	got := chat.delivered(runbook.ChannelRunbook)
	require.Equal(t, runbook.NoticeRunStarted, got[0].Kind)
	require.Equal(t, runbook.NoticeRunResult, got[1].Kind, "a result goes before the bulk output")
	var shown []string
	for _, n := range got[2:] {
		require.Equal(t, runbook.NoticeRunOutput, n.Kind)
		shown = append(shown, n.Lines...)
	}
	require.Equal(t, lines(1, 400), shown, "nothing merged: the thread never fell behind")
}

func TestOutbox_GivenTheIncidentChannelStalled_WhenRunbookNoticesAreQueued_ThenTheyAreDeliveredMeanwhile(t *testing.T) {
	// Given: an incident post whose channel does not answer (a 429 being waited out).
	h := newHarness(t, time.Date(2026, 12, 4, 19, 0, 0, 0, time.UTC), runbook.Settings{})
	chat := newChatFake()
	gate := make(chan struct{})
	chat.gates[runbook.ChannelIncident] = gate
	h.queue(runbook.Notice{Kind: runbook.NoticeIncident, Key: "occ/1/incident", Channel: runbook.ChannelIncident})

	// When: notices for the runbook channel are queued after it.
	for i := range 5 {
		h.queue(runbook.Notice{Kind: runbook.NoticeWindowOpen, Key: fmt.Sprintf("occ/%d/request/0/open", 10+i), Channel: runbook.ChannelRunbook})
	}
	h.runOutbox(chat.deliver)

	// Then: they all reach the runbook channel while the incident channel is still stalled.
	h.waitUntil("the runbook channel's notices", func() bool { return len(chat.delivered(runbook.ChannelRunbook)) == 5 })
	assert.Zero(t, chat.count(runbook.NoticeIncident))
	close(gate)
	h.waitUntil("the incident post", func() bool { return chat.count(runbook.NoticeIncident) == 1 })
}

// retryAfter is a chat's "slow down" answer (Slack's 429).
type retryAfter struct{ d time.Duration }

func (e retryAfter) Error() string             { return "rate limited" }
func (e retryAfter) RetryAfter() time.Duration { return e.d }

func TestOutbox_GivenA429InTheIncidentChannel_WhenDrained_ThenOnlyThatMessageWaitsForItsRetryAfter(t *testing.T) {
	h := newHarness(t, time.Date(2026, 12, 4, 19, 0, 0, 0, time.UTC), runbook.Settings{})
	chat := newChatFake()
	chat.fail = func(n runbook.Notice, attempt int) error {
		if n.Key == "occ/1/incident" && attempt == 1 {
			return retryAfter{30 * time.Second}
		}
		return nil
	}
	h.queue(
		runbook.Notice{Kind: runbook.NoticeIncident, Key: "occ/1/incident", Channel: runbook.ChannelIncident},
		runbook.Notice{Kind: runbook.NoticeIncident, Key: "occ/1/incident", Update: true, Channel: runbook.ChannelIncident},
		runbook.Notice{Kind: runbook.NoticeIncident, Key: "occ/2/incident", Channel: runbook.ChannelIncident},
		runbook.Notice{Kind: runbook.NoticeWindowOpen, Key: "occ/3/request/0/open", Channel: runbook.ChannelRunbook},
	)
	out := h.svc.Outbox(runbook.SinkChat, chat.deliver)
	_, err := out.Drain(context.Background())
	require.NoError(t, err)
	assert.Len(t, chat.delivered(runbook.ChannelRunbook), 1, "the other channel is not held back")
	require.Len(t, chat.delivered(runbook.ChannelIncident), 1, "another message of the same channel is not held back")
	assert.Equal(t, "occ/2/incident", chat.delivered(runbook.ChannelIncident)[0].Key)
	pending := h.deliveries(runbook.SinkChat)
	require.Len(t, pending, 2, "the limited message and its update wait")
	assert.Equal(t, h.clock.Now().Add(30*time.Second), pending[0].NextAt, "until Retry-After")

	h.clock.Advance(29 * time.Second)
	_, err = out.Drain(context.Background())
	require.NoError(t, err)
	assert.Len(t, chat.delivered(runbook.ChannelIncident), 1, "not before Retry-After")
	h.clock.Advance(time.Second)
	_, err = out.Drain(context.Background())
	require.NoError(t, err)
	got := chat.delivered(runbook.ChannelIncident)
	require.Len(t, got, 3)
	assert.Equal(t, []string{"occ/1/incident", "occ/1/incident"}, []string{got[1].Key, got[2].Key})
	assert.True(t, got[2].Update, "the post, then its edit")
}

func TestOutbox_GivenOneChannelsNoticesOfEveryClass_WhenDrained_ThenUrgentThenNormalThenBulkEachMessageInOrder(t *testing.T) {
	h := newHarness(t, time.Date(2026, 12, 4, 19, 0, 0, 0, time.UTC), runbook.Settings{})
	rb := runbook.ChannelRunbook
	ids := h.queue(
		runbook.Notice{Kind: runbook.NoticeRunStarted, Key: "occ/1/run/1", Channel: rb},                                                   // normal
		runbook.Notice{Kind: runbook.NoticeRunOutput, Key: "occ/1/run/1/out/1", Thread: "occ/1/run/1", Channel: rb, Lines: []string{"a"}}, // bulk
		runbook.Notice{Kind: runbook.NoticeRunOutput, Key: "occ/1/run/1/out/2", Thread: "occ/1/run/1", Channel: rb, Lines: []string{"b"}}, // bulk
		runbook.Notice{Kind: runbook.NoticeWindowOpen, Key: "occ/3/request/0/open", Channel: rb},                                          // normal
		runbook.Notice{Kind: runbook.NoticeRequest, Key: "occ/2/request/0", Channel: rb},                                                  // urgent
		runbook.Notice{Kind: runbook.NoticeRunResult, Key: "occ/1/run/1", Update: true, Channel: rb},                                      // normal
		runbook.Notice{Kind: runbook.NoticeRequest, Key: "occ/2/request/0", Update: true, Channel: rb},                                    // urgent
		runbook.Notice{Kind: runbook.NoticeReminder, Key: "occ/2/request/0/reminder/0", Thread: "occ/2/request/0", Channel: rb},           // urgent
	)
	chat := newChatFake()
	_, err := h.svc.Outbox(runbook.SinkChat, chat.deliver).Drain(context.Background())
	require.NoError(t, err)
	want := []int64{ids[4], ids[6], ids[7], ids[0], ids[3], ids[5], ids[1], ids[2]}
	assert.Equal(t, want, chat.ids, "confirmation request, its edit and its reminder; the run, the window, the result; then the output")
	assert.Empty(t, h.deliveries(runbook.SinkChat))
}

func TestOutbox_GivenManyMessagesInSeveralChannels_WhenSomeAttemptsFail_ThenEachMessageAndEachRunThreadKeepsItsOrder(t *testing.T) {
	h := newHarness(t, time.Date(2026, 12, 4, 19, 0, 0, 0, time.UTC), runbook.Settings{})
	r := rand.New(rand.NewPCG(13, 2))
	// Twelve runs in three channels: each run's message, edits of it (its result) and its output.
	var ns []runbook.Notice
	for i := range 60 {
		channel := []string{"a", "b", "c"}[i%12%3]
		key := fmt.Sprintf("occ/%d/run/1", i%12)
		switch {
		case i < 12:
			ns = append(ns, runbook.Notice{Kind: runbook.NoticeRunStarted, Key: key, Channel: channel})
		case i%2 == 0:
			ns = append(ns, runbook.Notice{Kind: runbook.NoticeRunOutput, Key: fmt.Sprintf("%s/out/%d", key, i), Thread: key, Channel: channel, Lines: []string{strconv.Itoa(i)}})
		default:
			ns = append(ns, runbook.Notice{Kind: runbook.NoticeRunResult, Key: key, Update: true, Channel: channel, Text: strconv.Itoa(i)})
		}
	}
	ids := h.queue(ns...)
	chat := newChatFake()
	chat.jitter = true
	failed := map[string]bool{}
	chat.fail = func(n runbook.Notice, attempt int) error {
		k := n.Key + "#" + strconv.Itoa(attempt)
		if attempt == 1 && r.IntN(3) == 0 && !failed[k] {
			failed[k] = true
			return errors.New("503 from the chat")
		}
		return nil
	}
	h.drainAll(chat.deliver)

	pos := map[int64]int{}
	for i, id := range ids {
		pos[id] = i
	}
	lastByKey, lastOutByThread := map[string]int{}, map[string]int{}
	for i, n := range chat.delivered("") {
		p := pos[chat.ids[i]]
		require.Greater(t, p+1, lastByKey[n.Key], "%s delivered out of order", n.Key)
		lastByKey[n.Key] = p + 1
		if n.Kind == runbook.NoticeRunOutput {
			require.Greater(t, p+1, lastOutByThread[n.Thread], "output of %s delivered out of order", n.Thread)
			lastOutByThread[n.Thread] = p + 1
		}
	}
	assert.Equal(t, 1, chat.most, "one call at a time per channel")
	assert.NotEmpty(t, failed, "some attempts failed")
}

func TestOutbox_GivenARunThreadFallenBehind_WhenDrained_ThenItsOutputIsMergedAndEveryOtherNoticeDelivered(t *testing.T) {
	for _, tc := range []struct {
		name      string
		age       time.Duration
		posts     int
		omitted   int
		lastLines []string
	}{
		{name: "output just queued: every batch is posted", age: 0, posts: 20, omitted: 0, lastLines: lines(761, 40)},
		{name: "output 15 s old: one post with the newest batch", age: 15 * time.Second, posts: 1, omitted: 760, lastLines: lines(761, 40)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, time.Date(2026, 12, 4, 19, 0, 0, 0, time.UTC), runbook.Settings{})
			rb, inc := runbook.ChannelRunbook, runbook.ChannelIncident
			h.queue(runbook.Notice{Kind: runbook.NoticeRunStarted, Key: "occ/1/run/1", Channel: rb})
			for i := range 20 {
				h.queue(runbook.Notice{Kind: runbook.NoticeRunOutput, Key: fmt.Sprintf("occ/1/run/1/out/%d", i+1), Thread: "occ/1/run/1", Channel: rb, Lines: lines(1+40*i, 40)})
			}
			h.queue(
				runbook.Notice{Kind: runbook.NoticeRunResult, Key: "occ/1/run/1", Update: true, Channel: rb},
				runbook.Notice{Kind: runbook.NoticeIncident, Key: "occ/1/incident", Channel: inc, Text: "15 min"},
				runbook.Notice{Kind: runbook.NoticeIncident, Key: "occ/1/incident", Update: true, Channel: inc, Text: "14 min"},
				runbook.Notice{Kind: runbook.NoticeIncident, Key: "occ/1/incident", Update: true, Channel: inc, Text: "13 min"},
				runbook.Notice{Kind: runbook.NoticeEscalation, Key: "occ/1/incident/escalation", After: "occ/1/incident", Channel: inc},
			)
			h.clock.Advance(tc.age)
			chat := newChatFake()
			h.drainAll(chat.deliver)

			var posts []runbook.Notice
			for _, n := range chat.delivered(rb) {
				if n.Kind == runbook.NoticeRunOutput {
					posts = append(posts, n)
				}
			}
			require.Equal(t, tc.posts, len(posts), "output posts")
			assert.Equal(t, tc.omitted, posts[len(posts)-1].Omitted)
			assert.Equal(t, tc.lastLines, posts[len(posts)-1].Lines)
			assert.Equal(t, 800, outputLines(posts), "every line is shown or counted as left out")
			assert.Equal(t, 1, chat.count(runbook.NoticeRunResult), "the result is never dropped")
			assert.Equal(t, 1, chat.count(runbook.NoticeEscalation), "nor the escalation")
			incident := chat.delivered(inc)
			require.Len(t, incident, 3, "the incident post, the escalation, the post's newest edit")
			assert.Equal(t, []runbook.NoticeKind{runbook.NoticeIncident, runbook.NoticeEscalation, runbook.NoticeIncident},
				[]runbook.NoticeKind{incident[0].Kind, incident[1].Kind, incident[2].Kind}, "the escalation is not held back by the countdown's edit")
			assert.Equal(t, "13 min", incident[2].Text)
		})
	}
}

func TestService_GivenUndeliveredRows_WhenTheLagIsRead_ThenTheOldestOfEachSinkAndPriorityAndTheOldestIncidentNotice(t *testing.T) {
	t0 := time.Date(2026, 12, 4, 19, 0, 0, 0, time.UTC)
	h := newHarness(t, t0, runbook.Settings{})
	ctx := context.Background()
	lag, err := h.svc.DeliveryLag(ctx)
	require.NoError(t, err)
	assert.Equal(t, map[runbook.Priority]time.Duration{runbook.PriorityCritical: 0, runbook.PriorityUrgent: 0, runbook.PriorityNormal: 0, runbook.PriorityBulk: 0}, lag.Oldest[runbook.SinkChat])
	assert.Equal(t, map[runbook.Priority]time.Duration{runbook.PriorityNormal: 0}, lag.Oldest[runbook.SinkITSM])
	assert.Zero(t, lag.Incident)

	h.queue(runbook.Notice{Kind: runbook.NoticeRunOutput, Key: "occ/1/run/1/out/1", Thread: "occ/1/run/1", Channel: runbook.ChannelRunbook})
	require.NoError(t, h.db.Update(ctx, func(tx runbook.Tx) error {
		return tx.Enqueue(&runbook.Delivery{Sink: runbook.SinkITSM, Key: runbook.SinkITSM, Payload: []byte("{}"), NextAt: h.clock.Now(), CreatedAt: h.clock.Now()})
	}))
	h.clock.Advance(5 * time.Second)
	h.queue(runbook.Notice{Kind: runbook.NoticeRequest, Key: "occ/2/request/0", Channel: runbook.ChannelRunbook})
	h.clock.Advance(5 * time.Second)
	incident := h.queue(runbook.Notice{Kind: runbook.NoticeIncident, Key: "occ/1/incident", Channel: runbook.ChannelIncident})
	h.clock.Advance(10 * time.Second)
	h.queue(runbook.Notice{Kind: runbook.NoticeRunStarted, Key: "occ/3/run/1", Channel: runbook.ChannelRunbook})
	h.clock.Advance(20 * time.Second)

	lag, err = h.svc.DeliveryLag(ctx)
	require.NoError(t, err)
	assert.Equal(t, map[runbook.Priority]time.Duration{runbook.PriorityCritical: 30 * time.Second, runbook.PriorityUrgent: 35 * time.Second,
		runbook.PriorityNormal: 20 * time.Second, runbook.PriorityBulk: 40 * time.Second},
		lag.Oldest[runbook.SinkChat])
	assert.Equal(t, 40*time.Second, lag.Oldest[runbook.SinkITSM][runbook.PriorityNormal])
	assert.Equal(t, 30*time.Second, lag.Incident, "the confirmation request is urgent but not an incident notice")

	require.NoError(t, h.db.Update(ctx, func(tx runbook.Tx) error { return tx.MarkDelivered(incident[0], h.clock.Now()) }))
	lag, err = h.svc.DeliveryLag(ctx)
	require.NoError(t, err)
	assert.Zero(t, lag.Incident)
}

func TestOutbox_GivenARunDelivering_WhenDrainedMeanwhile_ThenTheDrainWaitsAndEveryRowGoesOnce(t *testing.T) {
	h := newHarness(t, time.Date(2026, 12, 4, 19, 0, 0, 0, time.UTC), runbook.Settings{})
	for i := range 6 {
		h.queue(runbook.Notice{Kind: runbook.NoticeWindowOpen, Key: fmt.Sprintf("occ/%d/request/0/open", i), Channel: runbook.ChannelRunbook})
		h.queue(runbook.Notice{Kind: runbook.NoticeIncident, Key: fmt.Sprintf("occ/%d/incident", i), Channel: runbook.ChannelIncident})
	}
	chat := newChatFake()
	gate := make(chan struct{})
	chat.gates[runbook.ChannelRunbook] = gate
	h.runOutbox(chat.deliver)
	h.waitUntil("the run delivering", func() bool { return chat.waitingAt(runbook.ChannelRunbook) > 0 })

	// The end of the terminal chat: drain what is left while the loop still runs.
	drained := make(chan error, 1)
	go func() {
		_, err := h.svc.Outbox(runbook.SinkChat, chat.deliver).Drain(context.Background())
		drained <- err
	}()
	for range 6 {
		gate <- struct{}{}
	}
	require.NoError(t, <-drained)
	assert.Empty(t, h.deliveries(runbook.SinkChat), "nothing left once the drain returns")
	seen := map[int64]int{}
	for _, id := range chat.ids {
		seen[id]++
	}
	assert.Len(t, seen, 12)
	for id, n := range seen {
		assert.Equal(t, 1, n, "row %d delivered once", id)
	}
}

func TestOutbox_GivenManyCountdownsBeingEdited_WhenAnotherJobFails_ThenItsIncidentPostAndAnEscalationGoBeforeTheEdits(t *testing.T) {
	// Given: twenty incidents posted whose countdowns each have an edit waiting in the incident channel.
	h := newHarness(t, time.Date(2026, 12, 4, 19, 0, 0, 0, time.UTC), runbook.Settings{})
	inc := runbook.ChannelIncident
	var posts, edits []runbook.Notice
	for i := range 20 {
		key := "occ/" + strconv.Itoa(i+1) + "/incident"
		posts = append(posts, runbook.Notice{Kind: runbook.NoticeIncident, Key: key, Channel: inc})
		edits = append(edits, runbook.Notice{Kind: runbook.NoticeIncident, Key: key, Update: true, Channel: inc})
	}
	h.queue(posts...)
	chat := newChatFake()
	h.drainAll(chat.deliver)
	h.queue(edits...)

	// When: a new failure and an escalation of one of them are queued behind the edits.
	ids := h.queue(
		runbook.Notice{Kind: runbook.NoticeIncident, Key: "occ/99/incident", Channel: inc},
		runbook.Notice{Kind: runbook.NoticeEscalation, Key: "occ/3/incident/escalation", After: "occ/3/incident", Channel: inc},
	)
	chat.ids = nil
	_, err := h.svc.Outbox(runbook.SinkChat, chat.deliver).Drain(context.Background())
	require.NoError(t, err)

	// Then: the new incident post and the escalation go first; the countdown edits follow.
	require.Len(t, chat.ids, 22)
	assert.Equal(t, ids, chat.ids[:2], "a new incident and an escalation are not held back by countdown edits")
}

func TestOutbox_GivenMoreBulkRowsThanOneReadTakes_WhenAnIncidentIsQueuedBehindThem_ThenItIsDeliveredAtOnce(t *testing.T) {
	// Given: a runbook channel that takes nothing, with 1,200 output batches waiting (more than one read of the outbox takes).
	h := newHarness(t, time.Date(2026, 12, 4, 19, 0, 0, 0, time.UTC), runbook.Settings{})
	rb := runbook.ChannelRunbook
	var out []runbook.Notice
	for i := range 1200 {
		run := fmt.Sprintf("occ/%d/run/1", i/30+1)
		out = append(out, runbook.Notice{Kind: runbook.NoticeRunOutput, Key: fmt.Sprintf("%s/out/%d", run, i%30+1), Thread: run, Channel: rb, Lines: []string{"x"}})
	}
	h.queue(out...)
	chat := newChatFake()
	chat.gates[rb] = make(chan struct{})
	h.runOutbox(chat.deliver)

	// When: a failure's incident post is queued after them.
	h.queue(runbook.Notice{Kind: runbook.NoticeIncident, Key: "occ/999/incident", Channel: runbook.ChannelIncident})

	// Then: it is delivered although none of the rows before it was.
	h.waitUntil("the incident post", func() bool { return chat.count(runbook.NoticeIncident) == 1 })
}
