package main

// Chaos scenarios of several replicas on one PostgreSQL (docs/operations.md
// §3.3): real processes, a real PostgreSQL (internal/pgtest) and the fake
// Slack with three replicas connected, each known to it as a client of its own
// (r1, r2, r3). Each logs its figures on a FIGURES line, as the other
// scenarios. The jobs' windows are a minute or two in the past, in an
// installation made an hour old, so that they can be confirmed and run at
// once: the short forms spend their time on what they measure.

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/bot/slack/slacktest"
	"github.com/runbook-bot/runbook-bot/internal/pgtest"
	"github.com/runbook-bot/runbook-bot/runbook"
	"github.com/runbook-bot/runbook-bot/runbook/postgres"
)

// pastWindow is a minute boundary one to two minutes ago: the current window
// of a daily job, which can be run at once.
func pastWindow() time.Time { return time.Now().UTC().Add(-time.Minute).Truncate(time.Minute) }

// backdate migrates the database and makes the installation an hour old, so
// that each job's latest past window is materialised (and can be run).
func backdate(t *testing.T, dbURL string) {
	t.Helper()
	ctx := context.Background()
	db, err := postgres.Open(ctx, dbURL)
	require.NoError(t, err)
	defer db.Close()
	require.NoError(t, db.Update(ctx, func(tx runbook.Tx) error {
		return tx.SetMeta(postgres.MetaCreatedAt, time.Now().UTC().Add(-time.Hour).Format(time.RFC3339Nano))
	}))
}

// haCluster starts n replicas on a new, backdated database of the shared cluster.
func haCluster(t *testing.T, w *workspace, srv *slacktest.Server, n int, extra ...string) *cluster {
	t.Helper()
	db := pgtest.NewDatabase(t)
	backdate(t, db)
	c := newCluster(t, w, srv, db, n, extra...)
	c.startAll()
	return c
}

// confirmAndRun confirms and runs job through replica i's connection, and waits for the run's start.
func (c *cluster) confirmAndRun(i int, job string) {
	c.t.Helper()
	to := slacktest.ToClient(c.reps[i].name)
	before := len(ephemeralWith(c.srv, ana, job))
	command(c.srv, ana, "confirm "+job, to)
	waitFor(c.t, c.srv, 15*time.Second, "the confirmation of "+job, func(s *slacktest.Server) bool { return len(ephemeralWith(s, ana, job)) > before })
	command(c.srv, ana, "run "+job, to)
}

// view is the current occurrence of job as replica i's API lists it.
func (c *cluster) view(i int, job string) (runbook.View, bool) {
	return occurrenceOf(apiOccurrences(c.reps[i].addr), job)
}

// chatCalls are the chat.postMessage and chat.update calls of client name, by time.
func chatCalls(srv *slacktest.Server, name string) []slacktest.Call {
	calls := append(srv.ClientCalls(name, "chat.postMessage"), srv.ClientCalls(name, "chat.update")...)
	slices.SortFunc(calls, func(a, b slacktest.Call) int { return a.Time.Compare(b.Time) })
	return calls
}

// (a) kill -9 of the leader during an incident countdown.
func TestChaos_HA_KillLeaderDuringCountdown_OneEscalationWithinLeasePlus2s(t *testing.T) {
	t.Parallel()
	deadline := pick(15*time.Second, 50*time.Second)
	killsBefore := pick([]time.Duration{3 * time.Second}, []time.Duration{35 * time.Second, 3 * time.Second})
	w := newWorkspace(t, jobRow{window: daily(pastWindow()), freq: "Daily", script: "scripts/seed.sh", body: "echo seeding\nexit 3", deps: "`bash`"})
	srv := slacktest.NewTB(t)
	c := haCluster(t, w, srv, 3, "RUNBOOK_INCIDENT_DEADLINE="+deadline.String())
	leader := c.waitLeader(15 * time.Second)
	runner := c.followerOf(leader)
	c.confirmAndRun(runner, "seed")
	waitFor(t, srv, 20*time.Second, "the incident post", func(s *slacktest.Server) bool { return len(incidentPosts(s)) > 0 })
	v, ok := c.view(runner, "seed")
	require.True(t, ok)
	require.NotNil(t, v.IncidentDeadline)
	due := *v.IncidentDeadline

	var notes []string
	for _, before := range killsBefore {
		time.Sleep(time.Until(due.Add(-before)))
		killed := leader
		killedAt := time.Now()
		c.kill9(killed)
		leader = c.waitLeader(20*time.Second, killed)
		notes = append(notes, fmt.Sprintf("leader %s killed %.1f s before the deadline, %s leads %.1f s later",
			c.reps[killed].name, due.Sub(killedAt).Seconds(), c.reps[leader].name, time.Since(killedAt).Seconds()))
		if before > 5*time.Second {
			c.start(killed) // back as a follower
		}
	}
	waitFor(t, srv, deadline+30*time.Second, "the escalation", func(s *slacktest.Server) bool {
		return len(messagesWith(s, incidentChannel, "<!here>")) > 0
	})
	esc := messagesWith(srv, incidentChannel, "<!here>")[0]
	late := esc.PostedAt.Sub(due)
	settle(5 * time.Second) // a second escalation would show up by now
	escalations := len(messagesWith(srv, incidentChannel, "<!here>"))
	posts := len(incidentPosts(srv))
	by := ""
	for _, r := range c.reps {
		for _, call := range srv.ClientCalls(r.name, "chat.postMessage") {
			if strings.Contains(call.Text()+plain(call.Blocks()), "<!here>") {
				by = r.name
			}
		}
	}
	figures(t, "%s; deadline %s; escalation %+.1f s from the deadline, posted by %s; %d escalation(s); %d incident post(s)",
		strings.Join(notes, "; "), deadline, late.Seconds(), by, escalations, posts)
	require.Equal(t, 1, escalations, "exactly one escalation")
	require.Equal(t, 1, posts, "one incident post")
	require.Equal(t, c.reps[leader].name, by, "the new leader escalates")
	require.LessOrEqual(t, late, runbook.LeaseTTL+2*time.Second, "at most lease + 2 s after the deadline")
}

// (b) kill -9 of the replica running a script.
func TestChaos_HA_KillReplicaMidRun_FailedReplicaLostWithin40sOneIncidentPost(t *testing.T) {
	t.Parallel()
	body := "echo $$ > run.pid\necho run >> runs.txt\necho started\nsleep 120\necho finished"
	w := newWorkspace(t, jobRow{window: daily(pastWindow()), freq: "Daily", script: "scripts/sleepy.sh", body: body, deps: "`bash`"})
	srv := slacktest.NewTB(t)
	c := haCluster(t, w, srv, 3)
	leader := c.waitLeader(15 * time.Second)
	runner := c.followerOf(leader)
	c.confirmAndRun(runner, "sleepy")
	pid := readPID(t, w.path("run.pid"), 20*time.Second)
	t.Cleanup(func() { _ = syscall.Kill(-pid, syscall.SIGKILL) })
	time.Sleep(time.Second) // the run has started and beaten at least once

	c.kill9(runner)
	killedAt := time.Now()
	var lostAfter time.Duration
	var last runbook.View
	require.Eventually(t, func() bool {
		v, ok := c.view(leader, "sleepy")
		last, lostAfter = v, time.Since(killedAt)
		return ok && v.State == runbook.Failed && v.Reason != nil && *v.Reason == runbook.ReasonReplicaLost
	}, 60*time.Second, 100*time.Millisecond, "the leader takes the run over")
	waitFor(t, srv, 20*time.Second, "the incident post", func(s *slacktest.Server) bool { return len(incidentPosts(s)) > 0 })
	postAfter := incidentPosts(srv)[0].PostedAt.Sub(killedAt)
	goneDeadline := time.Now().Add(10 * time.Second)
	for !groupGone(pid) && time.Now().Before(goneDeadline) {
		time.Sleep(100 * time.Millisecond)
	}
	settle(3 * time.Second)
	posts := len(incidentPosts(srv))
	figures(t, "replica %s running the script killed; failed (%s) %.1f s later, incident post %.1f s later; %d incident post(s); the orphan script killed by the leader: %v; executions: %d",
		c.reps[runner].name, *last.Reason, lostAfter.Seconds(), postAfter.Seconds(), posts, groupGone(pid), countLines(w.path("runs.txt")))
	require.LessOrEqual(t, lostAfter, 40*time.Second)
	require.Equal(t, 1, posts, "one incident post")
	require.Equal(t, 1, countLines(w.path("runs.txt")), "never re-run by itself")
	require.NotNil(t, last.IncidentDeadline, "the countdown starts as for any failure")
}

// (c) commands spread over the replicas, each envelope redelivered to another replica.
func TestChaos_HA_CommandsSpreadAndRedelivered_EachAnsweredNothingDoneTwice(t *testing.T) {
	t.Parallel()
	jobs := pick(10, 20)
	total := pick(300, 600)
	window := pastWindow()
	var rows []jobRow
	for i := range jobs {
		job := fmt.Sprintf("job%02d", i+1)
		rows = append(rows, jobRow{window: daily(window), freq: "Daily", script: "scripts/" + job + ".sh", body: "echo " + job + " >> runs.txt", deps: "`bash`"})
	}
	w := newWorkspace(t, rows...)
	srv := slacktest.NewTB(t)
	c := haCluster(t, w, srv, 3)
	c.waitLeader(15 * time.Second)

	// Each phase: a state change per job (from Ana) among reads from other users, all
	// sent round robin over the three connections, each replayed to another replica.
	reads := []string{"status %s", "history %s", "help", "schedule", "check %s"}
	var readers []string
	send := func(user, text string) {
		id := command(srv, user, text)
		_, err := srv.ReplayElsewhere(id)
		require.NoError(t, err)
	}
	start := time.Now()
	n := 0
	for phase, verb := range []string{"confirm", "run"} {
		perPhase := total / 2
		for i := range perPhase {
			if i%(perPhase/jobs) == 0 && i/(perPhase/jobs) < jobs {
				send(ana, fmt.Sprintf("%s job%02d", verb, i/(perPhase/jobs)+1))
			} else {
				user := fmt.Sprintf("U0READ%04d", n)
				readers = append(readers, user)
				text := reads[n%len(reads)]
				if strings.Contains(text, "%s") {
					text = fmt.Sprintf(text, fmt.Sprintf("job%02d", n%jobs+1))
				}
				send(user, text)
			}
			n++
		}
		want := (phase + 1) * jobs
		waitFor(t, srv, 60*time.Second, fmt.Sprintf("Ana's %d answers", want), func(s *slacktest.Server) bool { return len(s.Ephemerals(ana)) >= want })
	}
	require.Eventually(t, func() bool { return countLines(w.path("runs.txt")) >= jobs }, 60*time.Second, 100*time.Millisecond, "every job ran")
	unanswered := func(s *slacktest.Server) int {
		k := 0
		for _, u := range readers {
			if len(s.Ephemerals(u)) == 0 {
				k++
			}
		}
		return k
	}
	_ = srv.WaitFor(30*time.Second, func(s *slacktest.Server) bool { return unanswered(s) == 0 })
	took := time.Since(start)
	settle(4 * time.Second) // a second run or approval would show up by now
	answeredTwice := 0
	for _, u := range readers {
		if len(srv.Ephemerals(u)) > 1 {
			answeredTwice++
		}
	}
	kinds := recordCounts(t, c.db)
	perClient := map[string]int{}
	for _, e := range srv.Envelopes() {
		perClient[e.Client]++
	}
	figures(t, "%d commands (%d state changes) over %d replicas %v, each redelivered to another replica (%d envelopes), all handled in %.1f s; unanswered: %d; reads answered twice: %d of %d; approvals %d, runs started %d, executions %d (of %d jobs); Ana's answers %d",
		n, 2*jobs, len(c.reps), perClient, len(srv.Envelopes()), took.Seconds(), unanswered(srv), answeredTwice, len(readers),
		kinds[string(runbook.RecApproved)], kinds[string(runbook.RecRunStarted)], countLines(w.path("runs.txt")), jobs, len(srv.Ephemerals(ana)))
	require.Zero(t, unanswered(srv), "every command answered")
	require.Equal(t, jobs, kinds[string(runbook.RecApproved)], "each approval once")
	require.Equal(t, jobs, kinds[string(runbook.RecRunStarted)], "each run started once")
	require.Equal(t, jobs, countLines(w.path("runs.txt")), "each script executed once")
	require.Len(t, srv.Ephemerals(ana), 2*jobs, "each state change answered once (a redelivery changes nothing and says nothing)")
}

// recordCounts counts the audit records of the database by kind.
func recordCounts(t *testing.T, dbURL string) map[string]int {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	require.NoError(t, err)
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, "SELECT kind, count(*) FROM records GROUP BY kind")
	require.NoError(t, err)
	out := map[string]int{}
	for rows.Next() {
		var k string
		var n int
		require.NoError(t, rows.Scan(&k, &n))
		out[k] = n
	}
	require.NoError(t, rows.Err())
	return out
}

// (d) the leader cut from the database: its connections killed, its logins refused.
func TestChaos_HA_LeaderCutFromTheDatabase_NewLeaderWithin12sAndTheOldOneSendsNothingAfter(t *testing.T) {
	t.Parallel()
	streamFor := pick(25, 70) // seconds of output, a line every 100 ms: the leader posts its run thread all along
	body := fmt.Sprintf("for i in $(seq 1 %d); do echo \"stream line $i\"; sleep 0.1; done", streamFor*10)
	w := newWorkspace(t, jobRow{window: daily(pastWindow()), freq: "Daily", script: "scripts/stream.sh", body: body, deps: "`bash`"})
	srv := slacktest.NewTB(t)
	cl := pgtest.Shared(t)
	db := pgtest.NewDatabase(t)
	backdate(t, db) // as the superuser: the tables are not the replicas' roles'
	c := newCluster(t, w, srv, db, 3, "RUNBOOK_RUN_TIMEOUT=5m")
	ctx := context.Background()
	roles := make([]string, len(c.reps))
	for i, r := range c.reps {
		roles[i] = fmt.Sprintf("ha_%d_%s", time.Now().UnixNano()%1_000_000_000, r.name)
		require.NoError(t, cl.Exec(ctx, fmt.Sprintf("CREATE ROLE %s SUPERUSER LOGIN PASSWORD '%s'", roles[i], pgtest.Password)))
		u, err := url.Parse(db)
		require.NoError(t, err)
		u.User = url.UserPassword(roles[i], pgtest.Password)
		r.env = append(r.env, "RUNBOOK_DB="+u.String())
	}
	c.startAll()
	leader := c.waitLeader(15 * time.Second)
	runner := c.followerOf(leader)
	c.confirmAndRun(runner, "stream")
	old := c.reps[leader].name
	waitFor(t, srv, 20*time.Second, "the leader posting the run's output", func(s *slacktest.Server) bool {
		return len(s.ClientCalls(old, "chat.postMessage")) >= 4
	})
	time.Sleep(3 * time.Second)

	cut := func() {
		require.NoError(t, cl.Exec(ctx, fmt.Sprintf("ALTER ROLE %s NOLOGIN", roles[leader])))
		require.NoError(t, cl.Exec(ctx, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1", roles[leader]))
	}
	cut()
	cutAt := time.Now()
	time.AfterFunc(500*time.Millisecond, func() {
		_ = cl.Exec(ctx, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1", roles[leader])
	})
	next := c.waitLeader(20*time.Second, leader)
	takeover := time.Since(cutAt)
	lead, err := leaderOf(ctx, mustOpen(t, db))
	require.NoError(t, err)
	require.NotNil(t, lead)
	lostAt := lead.Since // the old lease ended at the latest when the new one began (the database's clock)
	cutFor := pick(5*time.Second, 20*time.Second)
	time.Sleep(cutFor)

	require.NoError(t, cl.Exec(ctx, fmt.Sprintf("ALTER ROLE %s LOGIN", roles[leader])))
	healed := time.Now()
	var rejoined time.Duration
	require.Eventually(t, func() bool {
		d, ok := c.readyz(leader)
		rejoined = time.Since(healed)
		return ok && d.Ready && d.Role == "follower"
	}, 30*time.Second, 100*time.Millisecond, "the old leader is back, as a follower")
	var end runbook.View
	require.Eventually(t, func() bool {
		v, ok := c.view(next, "stream")
		end = v
		return ok && v.State == runbook.Succeeded
	}, time.Duration(streamFor+30)*time.Second, 200*time.Millisecond, "the run ends: %+v", &end)
	settle(3 * time.Second)

	oldCalls := chatCalls(srv, old)
	lastOld := oldCalls[len(oldCalls)-1].Time
	after := 0
	for _, call := range oldCalls {
		if call.Time.After(lostAt) {
			after++
		}
	}
	seen := map[string]int{} // output line → messages showing it
	dup := 0
	for _, m := range srv.Messages(runbookChannel) {
		if m.ThreadTS == "" {
			continue // the run's result message shows its last 50 lines again, on purpose
		}
		in := map[string]bool{}
		for _, n := range streamLineRE.FindAllStringSubmatch(content(m), -1) {
			in[n[1]] = true
		}
		for n := range in {
			seen[n]++
		}
	}
	for _, k := range seen {
		if k > 1 {
			dup++
		}
	}
	figures(t, "leader %s cut from the database; %s leads %.1f s later; the old leader's last Slack call %.1f s after the cut, %d after its lease ended (%.1f s after the cut); it rejoined as a follower %.1f s after logins were allowed again; chat calls by the old leader %d, by the new one %d; output lines shown %d of %d, posted twice: %d",
		old, c.reps[next].name, takeover.Seconds(), lastOld.Sub(cutAt).Seconds(), after, lostAt.Sub(cutAt).Seconds(), rejoined.Seconds(),
		len(oldCalls), len(chatCalls(srv, c.reps[next].name)), len(seen), streamFor*10, dup)
	require.LessOrEqual(t, takeover, 12*time.Second, "a new leader within 12 s")
	require.Zero(t, after, "the old leader sends nothing after its lease ended")
	require.Zero(t, dup, "nothing posted twice")
}

var streamLineRE = regexp.MustCompile(`stream line (\d+)`)

// mustOpen opens the store for reading the lease; closed at the end of t.
func mustOpen(t *testing.T, dbURL string) stateStore {
	t.Helper()
	db, err := postgres.Open(context.Background(), dbURL)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return db
}

// (e) PostgreSQL restarted while incident deadlines are due.
func TestChaos_HA_PostgreSQLRestarted_EveryReplicaReconnectsAndNoTimerIsLost(t *testing.T) {
	t.Parallel()
	deadline := 15 * time.Second
	down := pick(6*time.Second, 20*time.Second) // short: within the lease; long: past it
	window := pastWindow()
	jobs := []string{"fail1", "fail2", "fail3"}
	var rows []jobRow
	for _, j := range jobs {
		rows = append(rows, jobRow{window: daily(window), freq: "Daily", script: "scripts/" + j + ".sh", body: "echo " + j + "\nexit 1", deps: "`bash`"})
	}
	w := newWorkspace(t, rows...)
	srv := slacktest.NewTB(t)
	cl, err := pgtest.Start() // a cluster of its own: it is restarted
	require.NoError(t, err)
	t.Cleanup(cl.Stop)
	db := cl.NewDatabase(t)
	backdate(t, db)
	c := newCluster(t, w, srv, db, 3, "RUNBOOK_INCIDENT_DEADLINE="+deadline.String())
	c.startAll()
	leader := c.waitLeader(15 * time.Second)

	// Three failures a second or two apart: their deadlines fall during the outage.
	for i, j := range jobs {
		c.confirmAndRun(c.followerOf(leader), j)
		waitFor(t, srv, 20*time.Second, "the incident post of "+j, func(s *slacktest.Server) bool { return len(incidentPosts(s)) > i })
		time.Sleep(time.Second)
	}
	var dues []time.Time
	for _, j := range jobs {
		v, ok := c.view(leader, j)
		require.True(t, ok)
		require.NotNil(t, v.IncidentDeadline)
		dues = append(dues, *v.IncidentDeadline)
	}
	time.Sleep(time.Until(dues[0].Add(-3 * time.Second)))
	stopped := time.Now()
	require.NoError(t, cl.Restart(down))
	back := time.Now()
	var readyAfter time.Duration
	require.Eventually(t, func() bool {
		for i := range c.reps {
			if d, ok := c.readyz(i); !ok || !d.Ready {
				return false
			}
		}
		readyAfter = time.Since(back)
		return len(c.leaders()) == 1
	}, 60*time.Second, 100*time.Millisecond, "every replica ready again, one leader")
	waitFor(t, srv, 60*time.Second, "every escalation", func(s *slacktest.Server) bool {
		return len(messagesWith(s, incidentChannel, "<!here>")) >= len(jobs)
	})
	settle(5 * time.Second)
	var lates []string
	perJob := map[string]int{}
	for _, m := range messagesWith(srv, incidentChannel, "<!here>") {
		for i, j := range jobs {
			if strings.Contains(content(m), j) {
				perJob[j]++
				lates = append(lates, fmt.Sprintf("%s %+.1f s", j, m.PostedAt.Sub(dues[i]).Seconds()))
			}
		}
	}
	figures(t, "PostgreSQL down %.1f s (deadlines %.1f, %.1f, %.1f s after it stopped); every replica ready again %.1f s after it came back, one leader; escalations (from their deadlines): %s; per job %v",
		back.Sub(stopped).Seconds(), dues[0].Sub(stopped).Seconds(), dues[1].Sub(stopped).Seconds(), dues[2].Sub(stopped).Seconds(),
		readyAfter.Seconds(), strings.Join(lates, ", "), perJob)
	for _, j := range jobs {
		require.Equal(t, 1, perJob[j], "%s escalates exactly once", j)
	}
}
