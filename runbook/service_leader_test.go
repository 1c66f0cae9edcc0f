package runbook_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// fakeLease is the clock's lease of replicas sharing one store, on a fake
// clock: what runbook/postgres keeps in a row on the database's clock.
type fakeLease struct {
	mu      sync.Mutex
	clock   clockwork.Clock
	holder  string
	epoch   int64
	expires time.Time
}

func (f *fakeLease) Campaign(_ context.Context, holder string, ttl time.Duration) (runbook.Lease, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.clock.Now()
	switch {
	case f.holder == holder && now.Before(f.expires):
		f.expires = now.Add(ttl)
	case f.holder == "" || !now.Before(f.expires):
		f.holder, f.epoch, f.expires = holder, f.epoch+1, now.Add(ttl)
	}
	return runbook.Lease{Holder: f.holder, Epoch: f.epoch, Left: f.expires.Sub(now)}, nil
}

func (f *fakeLease) Resign(_ context.Context, holder string, epoch int64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.holder == holder && f.epoch == epoch {
		f.expires = f.clock.Now()
	}
	return nil
}

// steal gives the lease to holder at once, as the database would after an
// expiry the old holder's own reckoning has not reached yet.
func (f *fakeLease) steal(holder string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.holder, f.epoch, f.expires = holder, f.epoch+1, f.clock.Now().Add(runbook.LeaseTTL)
}

func (f *fakeLease) fence(epoch int64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if epoch != f.epoch || !f.clock.Now().Before(f.expires) {
		return runbook.ErrNotLeader
	}
	return nil
}

// leasedStore is a store shared by replicas: its transactions fence against
// the fake lease, and runs beat on the fake clock (the store's clock).
type leasedStore struct {
	runbook.Store
	lease *fakeLease
	beats *fakeBeats
}

func (s leasedStore) Update(ctx context.Context, fn func(runbook.Tx) error) error {
	return s.Store.Update(ctx, func(tx runbook.Tx) error { return fn(leasedTx{Tx: tx, s: s}) })
}

func (s leasedStore) View(ctx context.Context, fn func(runbook.Tx) error) error {
	return s.Store.View(ctx, func(tx runbook.Tx) error { return fn(leasedTx{Tx: tx, s: s}) })
}

type leasedTx struct {
	runbook.Tx
	s leasedStore
}

func (t leasedTx) Fence(epoch int64) error { return t.s.lease.fence(epoch) }

// fakeBeats are the runs' owners and beats, on the fake clock.
type fakeBeats struct {
	mu    sync.Mutex
	clock clockwork.Clock
	runs  map[int64]runbook.RunOwner
}

func (t leasedTx) OwnRun(occ int64, attempt int, owner string) error {
	b := t.s.beats
	b.mu.Lock()
	defer b.mu.Unlock()
	b.runs[occ] = runbook.RunOwner{Occ: occ, Attempt: attempt, Owner: owner, Beat: b.clock.Now()}
	return nil
}

func (t leasedTx) BeatRun(occ int64, attempt int, owner string) (bool, error) {
	b := t.s.beats
	b.mu.Lock()
	defer b.mu.Unlock()
	r, ok := b.runs[occ]
	if !ok || r.Attempt != attempt || r.Owner != owner {
		return false, nil
	}
	if o, err := t.Occurrence(occ); err != nil || o.State != runbook.Running || o.Attempts != attempt {
		return false, err
	}
	r.Beat = b.clock.Now()
	b.runs[occ] = r
	return true, nil
}

func (t leasedTx) StaleRuns(age time.Duration) ([]runbook.RunOwner, error) {
	os, err := t.Occurrences(runbook.Query{States: []runbook.State{runbook.Running}})
	if err != nil {
		return nil, err
	}
	b := t.s.beats
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []runbook.RunOwner
	for _, o := range os {
		r, ok := b.runs[o.ID]
		if !ok || r.Attempt != o.Attempts {
			out = append(out, runbook.RunOwner{Occ: o.ID, Attempt: o.Attempts})
		} else if b.clock.Since(r.Beat) > age {
			out = append(out, r)
		}
	}
	return out, nil
}

// replicas are two services, a and b, on one store and one fake lease.
type replicas struct {
	h            *harness
	lease        *fakeLease
	a, b         *runbook.Service
	execA, execB *fakeExec
}

func newReplicas(t *testing.T, start time.Time) *replicas {
	h := newHarness(t, start, runbook.Settings{})
	lease := &fakeLease{clock: h.clock}
	store := leasedStore{Store: h.db, lease: lease, beats: &fakeBeats{clock: h.clock, runs: map[int64]runbook.RunOwner{}}}
	r := &replicas{h: h, lease: lease, execA: &fakeExec{}, execB: &fakeExec{}}
	mk := func(name string, exec *fakeExec) *runbook.Service {
		return runbook.NewService(h.rb, runbook.Settings{}, runbook.Deps{Store: store, Clock: h.clock, Leadership: lease, Replica: name,
			Executor: exec, Checker: okChecker{}})
	}
	r.a, r.b = mk("a", r.execA), mk("b", r.execB)
	return r
}

// confirmRequested brings seed-dev-data's Friday window to its confirmation
// request, with the leader's timers: the request is queued, nothing delivered.
func (r *replicas) confirmRequested(t *testing.T, leader *runbook.Service) {
	ctx := context.Background()
	require.NoError(t, leader.Materialize(ctx))
	r.h.clock.Advance(24*time.Hour + time.Second)
	leader.CampaignOnce(ctx) // the lease, renewed all along
	n, err := leader.FireDue(ctx)
	require.NoError(t, err)
	require.Positive(t, n)
}

func pendingChat(t *testing.T, h *harness) int {
	n := 0
	require.NoError(t, h.db.View(context.Background(), func(tx runbook.Tx) error {
		b, err := tx.Backlog()
		n = b[runbook.SinkChat]
		return err
	}))
	return n
}

func TestLeadership_GivenTwoReplicas_WhenOneHoldsTheLease_ThenOnlyItFiresTimersMaterialisesAndDelivers(t *testing.T) {
	ctx := context.Background()
	r := newReplicas(t, time.Date(2026, 12, 3, 18, 0, 0, 0, time.UTC))
	r.a.CampaignOnce(ctx)
	r.b.CampaignOnce(ctx)
	require.True(t, r.a.Leader().Leading)
	require.False(t, r.b.Leader().Leading)
	require.Equal(t, "a", r.b.Leader().Leader, "the follower names the leader")

	// The follower neither materialises nor fires.
	require.NoError(t, r.b.Materialize(ctx))
	require.Empty(t, r.h.notices())
	r.confirmRequested(t, r.a)
	r.h.clock.Advance(time.Hour)
	r.a.CampaignOnce(ctx)
	r.b.CampaignOnce(ctx)
	n, err := r.b.FireDue(ctx)
	require.ErrorIs(t, err, runbook.ErrNotLeader)
	require.Zero(t, n)

	// Only the leader delivers.
	pending := pendingChat(t, r.h)
	require.Positive(t, pending)
	chatA, chatB := newChatFake(), newChatFake()
	sent, err := r.b.Outbox(runbook.SinkChat, chatB.deliver).Drain(ctx)
	require.NoError(t, err)
	require.Zero(t, sent)
	require.Empty(t, chatB.got)
	sent, err = r.a.Outbox(runbook.SinkChat, chatA.deliver).Drain(ctx)
	require.NoError(t, err)
	require.Equal(t, pending, sent)
	require.Zero(t, pendingChat(t, r.h))
}

func TestLeadership_GivenALeaderPausedPastItsLease_WhenItWakesUp_ThenItFiresAndDeliversNothingAndTheNewLeaderDoesItOnce(t *testing.T) {
	ctx := context.Background()
	r := newReplicas(t, time.Date(2026, 12, 3, 18, 0, 0, 0, time.UTC))
	r.a.CampaignOnce(ctx)
	r.confirmRequested(t, r.a)
	pending := pendingChat(t, r.h)
	require.Positive(t, pending)

	// a stops (a long pause: no renewal) while b campaigns and takes over at the expiry.
	r.h.clock.Advance(runbook.LeaseTTL + time.Second)
	r.b.CampaignOnce(ctx)
	require.True(t, r.b.Leader().Leading)
	r.h.clock.Advance(time.Hour) // a reminder or the window is due meanwhile
	r.b.CampaignOnce(ctx)        // b renewed all along

	// a wakes up: by its own reckoning its lease is over, so it does nothing.
	require.False(t, r.a.Leader().Leading)
	n, err := r.a.FireDue(ctx)
	require.ErrorIs(t, err, runbook.ErrNotLeader)
	require.Zero(t, n)
	chatA := newChatFake()
	sent, err := r.a.Outbox(runbook.SinkChat, chatA.deliver).Drain(ctx)
	require.NoError(t, err)
	require.Zero(t, sent)
	require.Empty(t, chatA.got)

	// b delivers each row once.
	chatB := newChatFake()
	sent, err = r.b.Outbox(runbook.SinkChat, chatB.deliver).Drain(ctx)
	require.NoError(t, err)
	require.Equal(t, pending, sent)
	for key, calls := range chatB.calls {
		require.Equal(t, 1, calls, key)
	}
}

func TestLeadership_GivenALeaderWhoseLeaseWasTakenUnknownToIt_WhenItFires_ThenTheFenceCommitsNothingAndItStops(t *testing.T) {
	ctx := context.Background()
	r := newReplicas(t, time.Date(2026, 12, 3, 18, 0, 0, 0, time.UTC))
	r.a.CampaignOnce(ctx)
	require.NoError(t, r.a.Materialize(ctx))
	r.h.clock.Advance(24*time.Hour + time.Second) // the confirmation requests are due
	r.a.CampaignOnce(ctx)

	// The store gives the lease to b while a still believes it holds it.
	r.lease.steal("b")
	require.True(t, r.a.Leader().Leading, "a has not heard of it")
	n, err := r.a.FireDue(ctx)
	require.ErrorIs(t, err, runbook.ErrNotLeader)
	require.Zero(t, n)
	require.Empty(t, r.h.notices(), "a's fire committed nothing")
	require.False(t, r.a.Leader().Leading, "the refused fence tells a")

	r.b.CampaignOnce(ctx)
	n, err = r.b.FireDue(ctx)
	require.NoError(t, err)
	require.Positive(t, n, "b fires what a could not")
	n, err = r.b.FireDue(ctx)
	require.NoError(t, err)
	require.Zero(t, n, "each once")
}

func TestLeadership_GivenALeaderWhoseLeaseWasTakenUnknownToIt_WhenItSettlesASend_ThenNothingIsMarkedAndItStopsSending(t *testing.T) {
	ctx := context.Background()
	r := newReplicas(t, time.Date(2026, 12, 3, 18, 0, 0, 0, time.UTC))
	r.a.CampaignOnce(ctx)
	r.confirmRequested(t, r.a)
	pending := pendingChat(t, r.h)
	require.Positive(t, pending)

	r.lease.steal("b")
	chatA := newChatFake()
	_, _ = r.a.Outbox(runbook.SinkChat, chatA.deliver).Drain(ctx)
	require.NotEmpty(t, chatA.got, "a, believing it leads, called the sink")
	for key, calls := range chatA.calls {
		require.Equal(t, 1, calls, "%s: a stops at the refused settle, it does not send again", key)
	}
	require.Equal(t, pending, pendingChat(t, r.h), "nothing a sent is marked delivered")
	require.False(t, r.a.Leader().Leading)

	r.b.CampaignOnce(ctx)
	chatB := newChatFake()
	sent, err := r.b.Outbox(runbook.SinkChat, chatB.deliver).Drain(ctx)
	require.NoError(t, err)
	require.Equal(t, pending, sent, "b delivers every row")
}

func TestLeadership_GivenALeaderWithLittleLeaseLeft_WhenItWouldSend_ThenItHoldsTheDeliveryUntilRenewed(t *testing.T) {
	ctx := context.Background()
	r := newReplicas(t, time.Date(2026, 12, 3, 18, 0, 0, 0, time.UTC))
	r.a.CampaignOnce(ctx)
	r.confirmRequested(t, r.a) // leaves a with a lease of LeaseTTL from its campaign, clock moved on
	r.a.CampaignOnce(ctx)      // renewed now
	pending := pendingChat(t, r.h)

	r.h.clock.Advance(runbook.LeaseTTL - 2*time.Second) // 2 s left: too little to start a send
	require.True(t, r.a.Leader().Leading)
	chat := newChatFake()
	sent, err := r.a.Outbox(runbook.SinkChat, chat.deliver).Drain(ctx)
	require.NoError(t, err)
	require.Zero(t, sent)
	require.Empty(t, chat.got)

	r.a.CampaignOnce(ctx)
	sent, err = r.a.Outbox(runbook.SinkChat, chat.deliver).Drain(ctx)
	require.NoError(t, err)
	require.Equal(t, pending, sent)
}

func TestLeadership_GivenTheLeaderResigns_WhenTheFollowerCampaigns_ThenItLeadsAtOnceAndBothCountTheChange(t *testing.T) {
	ctx := context.Background()
	r := newReplicas(t, time.Date(2026, 12, 3, 18, 0, 0, 0, time.UTC))
	r.a.CampaignOnce(ctx)
	r.b.CampaignOnce(ctx)
	r.a.Resign(ctx)
	require.False(t, r.a.Leader().Leading)
	r.b.CampaignOnce(ctx)
	r.a.CampaignOnce(ctx)
	for _, s := range []*runbook.Service{r.a, r.b} {
		st := s.Leader()
		require.Equal(t, "b", st.Leader)
		require.Equal(t, int64(2), st.Epoch)
		require.Equal(t, 1, st.Changes, st.Replica)
	}
	require.True(t, r.b.Leader().Leading)
}

func TestLeadership_GivenNoLeadership_WhenAsked_ThenTheOnlyReplicaAlwaysLeads(t *testing.T) {
	h := newHarness(t, time.Date(2026, 12, 3, 18, 0, 0, 0, time.UTC), runbook.Settings{})
	st := h.svc.Leader()
	require.True(t, st.Sole)
	require.True(t, st.Leading)
	require.Equal(t, st.Replica, st.Leader)
}

func TestLeadership_GivenAFollowerSeeingTheLeaseRunOutBeforeItsNextRound_WhenTheLeaderStopsRenewing_ThenItTakesTheLeaseAsItExpires(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := newReplicas(t, time.Date(2026, 12, 3, 18, 0, 0, 0, time.UTC))
	r.a.CampaignOnce(ctx) // a leads until +10 s, and then stops renewing (it died)
	r.h.clock.Advance(runbook.LeaseTTL - 500*time.Millisecond)
	r.b.CampaignOnce(ctx) // b sees 0.5 s left
	done := make(chan struct{})
	go func() { defer close(done); r.b.Campaign(ctx) }()
	r.h.clock.BlockUntilContext(ctx, 1)       // b's loop waits…
	r.h.clock.Advance(600 * time.Millisecond) // …not RenewEvery, but until just after the expiry
	require.Eventually(t, func() bool { return r.b.Leader().Leading }, 5*time.Second, time.Millisecond)
	cancel()
	<-done
}

func TestLeadership_GivenANewLeader_WhenItDeliversRowsQueuedBeforeItsLease_ThenTheSinkIsToldTheyMayHaveBeenSent(t *testing.T) {
	ctx := context.Background()
	r := newReplicas(t, time.Date(2026, 12, 3, 18, 0, 0, 0, time.UTC))
	r.a.CampaignOnce(ctx)
	r.confirmRequested(t, r.a) // rows queued under a's lease
	r.h.clock.Advance(runbook.LeaseTTL + time.Second)
	r.b.CampaignOnce(ctx) // a died: b takes over
	require.True(t, r.b.Leader().Leading)
	r.h.clock.Advance(time.Second)
	_, err := r.b.Confirm(ctx, runbook.Request{User: contactID(t, r.h.rb, "Marcos Paulo"), RequestID: "c1"}, "seed-dev-data", false)
	require.NoError(t, err) // rows queued under b's lease

	unsure := map[bool]int{}
	var mu sync.Mutex
	sink := func(_ context.Context, d runbook.Delivery) error {
		mu.Lock()
		defer mu.Unlock()
		unsure[d.Unsure]++
		return nil
	}
	r.b.CampaignOnce(ctx)
	_, err = r.b.Outbox(runbook.SinkChat, sink).Drain(ctx)
	require.NoError(t, err)
	require.Positive(t, unsure[true], "rows a may have sent: the sink looks before sending")
	require.Positive(t, unsure[false], "rows queued under b's own lease")
}
