package main

// Chaos scenarios: the real binary, real signals (kill -9), a faulty fake Slack,
// an immutable database and a broken runbook edit. Each test logs its figures on
// a "FIGURES <test>: ..." line (collected by `make chaos`) and asserts the
// guarantees of docs/spec.md §3, §8 and §12: nothing lost, nothing done twice.
// Timings are only asserted where docs/spec.md states a bound, and then generously.
//
// Short form (default, and with -short): the whole set runs in parallel in a few
// minutes. Long form: RUNBOOK_CHAOS_LONG=1 without -short (1 minute of 429/500,
// drops every 10 s for 3 minutes, more kill cycles).

import (
	"database/sql"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/bot/slack/slacktest"
	"github.com/runbook-bot/runbook-bot/runbook"
)

// Scenario 1: kill -9 while the script sleeps.
func TestChaos_KillDuringRun_OccurrenceInterruptedIncidentPostedScriptGoneNotRerun(t *testing.T) {
	t.Parallel()
	window := nextWindow(20 * time.Second)
	body := `echo $$ > run.pid
echo run >> runs.txt
echo started
sleep 120
echo finished`
	w := newWorkspace(t, jobRow{window: daily(window), freq: "Daily", script: "scripts/sleepy.sh", body: body, deps: "`bash`"})
	srv := slacktest.NewTB(t)
	env := baseEnv(w, srv)
	bot := startBot(t, w, srv, env)
	runAtWindow(t, srv, window, "sleepy")

	pid := readPID(t, w.path("run.pid"), 15*time.Second)
	t.Cleanup(func() { _ = syscall.Kill(-pid, syscall.SIGKILL) }) // never leave the orphan behind
	bot.kill9()
	killedAt := time.Now()
	aliveAfterKill := !groupGone(pid)

	startBot(t, w, srv, env)
	waitFor(t, srv, 20*time.Second, "the incident post", func(s *slacktest.Server) bool { return len(s.Messages(incidentChannel)) > 0 })
	incidentAfter := srv.Messages(incidentChannel)[0].PostedAt.Sub(killedAt)

	views := statusJSON(t, w, env) // a separate process, same RUNBOOK_DB
	v, ok := occurrenceOf(views, "sleepy")
	require.True(t, ok, "the occurrence is listed: %+v", views)
	require.Equal(t, runbook.Failed, v.State)
	require.NotNil(t, v.Reason)
	require.Equal(t, runbook.ReasonInterrupted, *v.Reason)

	// The script's group must not outlive the bot that started it.
	goneDeadline := time.Now().Add(10 * time.Second)
	for !groupGone(pid) && time.Now().Before(goneDeadline) {
		time.Sleep(100 * time.Millisecond)
	}
	groupIsGone := groupGone(pid)

	settle(3 * time.Second) // a wrongful re-run would have started by now
	runs := countLines(w.path("runs.txt"))
	figures(t, "group alive right after kill -9: %v; incident post %.1f s after the kill; state %s (%s); script group gone after restart: %v; executions: %d",
		aliveAfterKill, incidentAfter.Seconds(), v.State, *v.Reason, groupIsGone, runs)
	require.Equal(t, 1, runs, "the interrupted script is never re-run by itself")
	require.Len(t, messagesWith(srv, incidentChannel, "sleepy"), 1, "one incident post")
	require.True(t, groupIsGone, "the script's process group (pgid %d) does not outlive the bot: Recover kills it", pid)
}

// Scenario 2: kill -9 several times during a countdown.
func TestChaos_KillCyclesDuringCountdown_ExactlyOneEscalation(t *testing.T) {
	t.Parallel()
	deadline := pick(20*time.Second, 60*time.Second)
	w, window := failingWorkspace(t)
	srv := slacktest.NewTB(t)
	env := baseEnv(w, srv, append(secretEnv(), "RUNBOOK_INCIDENT_DEADLINE="+deadline.String())...)
	bot := startBot(t, w, srv, env)
	runAtWindow(t, srv, window, "seed")
	waitFor(t, srv, 10*time.Second, "the incident post", func(s *slacktest.Server) bool { return len(s.Messages(incidentChannel)) > 0 })
	first := srv.Messages(incidentChannel)[0]
	due := first.PostedAt.Add(deadline)

	cycles := 0
	for time.Until(due) > 6*time.Second { // the bot is up at the deadline: the timer must fire at once
		bot.kill9()
		time.Sleep(1500 * time.Millisecond) // down for a while: wall time is the point
		bot = startBot(t, w, srv, env)
		cycles++
		time.Sleep(1500 * time.Millisecond)
	}
	waitFor(t, srv, deadline+40*time.Second, "the escalation", func(s *slacktest.Server) bool {
		return len(messagesWith(s, incidentChannel, "<!here>")) > 0
	})
	esc := messagesWith(srv, incidentChannel, "<!here>")[0]
	late := esc.PostedAt.Sub(due)
	settle(6 * time.Second)
	escalations := len(messagesWith(srv, incidentChannel, "<!here>"))
	m, _ := srv.Message(first.Channel, first.TS)
	for _, x := range srv.Messages(incidentChannel) {
		t.Logf("incident channel: ts=%s thread=%s updates=%d posted=%s %q", x.TS, x.ThreadTS, x.Updates, x.PostedAt.Format("15:04:05.000"), truncate(x.Text, 120))
	}
	figures(t, "%d kill -9/restart cycles during a %s countdown; escalation at %+.1f s from (first incident post + deadline); %d escalation(s); %d countdown updates; %d incident post(s) (more than 1 = re-posted after a kill between post and ref)",
		cycles, deadline, late.Seconds(), escalations, m.Updates, len(srv.Messages(incidentChannel))-escalations)
	require.GreaterOrEqual(t, cycles, 2, "several kill cycles fitted in the countdown")
	require.Equal(t, 1, escalations, "exactly one escalation")
	// A kill -9 between Slack accepting a post and its message ref being saved is healed on
	// restart (bot/slack/dedupe.go finds the post by its metadata): never a second post.
	require.Equal(t, 1, len(srv.Messages(incidentChannel))-escalations, "one incident post, however the kills fall")
	require.Less(t, late, 10*time.Second, "the escalation is not lost nor much delayed by restarts")
}

// Scenario 3: kill -9 while a state change's Slack message is stuck in the outbox.
func TestChaos_KillBetweenStateChangeAndPost_DeliveredExactlyOnce(t *testing.T) {
	t.Parallel()
	w := newWorkspace(t, jobRow{window: daily(nextWindow(3 * time.Minute)), freq: "Daily", script: "scripts/ok.sh", body: "echo ok", deps: "`bash`"})
	srv := slacktest.NewTB(t)
	env := baseEnv(w, srv, "RUNBOOK_CONFIRM_LEAD=10m")

	// The confirmation request: the occurrence is awaiting_confirmation, the post fails.
	srv.Fail("chat.postMessage", http.StatusInternalServerError, 0, 0)
	bot := startBot(t, w, srv, env)
	waitFor(t, srv, 20*time.Second, "failed posts of the request", func(s *slacktest.Server) bool {
		f, _, _ := slackRetries(s, "chat.postMessage")
		return f >= 2
	})
	failedPosts, _, _ := slackRetries(srv, "chat.postMessage")
	bot.kill9()
	srv.ClearFaults()
	restarted := time.Now()
	bot = startBot(t, w, srv, env)
	waitFor(t, srv, 20*time.Second, "the request after the restart", func(s *slacktest.Server) bool {
		return len(messagesWith(s, runbookChannel, ana)) > 0
	})
	postDelay := time.Since(restarted)
	request := messagesWith(srv, runbookChannel, ana)[0]

	// The confirmation: the state is confirmed, the request's update fails.
	srv.Fail("chat.update", http.StatusInternalServerError, 0, 0)
	command(srv, ana, "confirm ok")
	waitFor(t, srv, 20*time.Second, "failed updates of the request", func(s *slacktest.Server) bool {
		f, _, _ := slackRetries(s, "chat.update")
		return f >= 2
	})
	failedUpdates, _, _ := slackRetries(srv, "chat.update")
	bot.kill9()
	srv.ClearFaults()
	startBot(t, w, srv, env)
	waitFor(t, srv, 20*time.Second, "the request updated after the restart", func(s *slacktest.Server) bool {
		m, ok := s.Message(request.Channel, request.TS)
		return ok && m.Updates > 0 && !hasActions(m)
	})
	settle(5 * time.Second)                       // a duplicate would show up by now
	requests := len(srv.Messages(runbookChannel)) // the confirmed request shows names, not mentions
	m, _ := srv.Message(request.Channel, request.TS)
	figures(t, "request: %d failed posts (500) before kill -9, posted %.1f s after the restart, %d message(s); confirmation: %d failed updates before kill -9, request updated %d time(s) after the restart; %d top-level message(s) in the channel",
		failedPosts, postDelay.Seconds(), requests, failedUpdates, m.Updates, len(srv.Messages(runbookChannel)))
	require.Equal(t, 1, requests, "the request is delivered exactly once, and nothing else is posted")
	require.Len(t, ephemeralWith(srv, ana, "ok"), 1, "one confirmation reply")
}

// Scenario 4: kill -9 right around the end of a run, while its check-in is appended.
func TestChaos_KillDuringCheckinAppend_OneEntryPerExecution(t *testing.T) {
	t.Parallel()
	delays := []time.Duration{0, 10 * time.Millisecond, 30 * time.Millisecond, 100 * time.Millisecond, 300 * time.Millisecond}
	window := nextWindow(25 * time.Second)
	var rows []jobRow
	for i := range delays {
		job := fmt.Sprintf("quick%d", i+1)
		rows = append(rows, jobRow{window: daily(window), freq: "Daily", script: "scripts/" + job + ".sh", body: "echo " + job + " >> runs.txt\necho done", deps: "`bash`"})
	}
	w := newWorkspace(t, rows...)
	srv := slacktest.NewTB(t)
	env := baseEnv(w, srv)
	bot := startBot(t, w, srv, env)
	for i := range delays {
		command(srv, ana, fmt.Sprintf("confirm quick%d", i+1))
	}
	waitFor(t, srv, 20*time.Second, "the confirmations", func(s *slacktest.Server) bool { return len(s.Ephemerals(ana)) >= len(delays) })
	time.Sleep(time.Until(window) + 500*time.Millisecond) // the window is a wall-clock minute

	checkins := w.path("docs", "observabilidade", "check-ins.md")
	var notes []string
	for i, d := range delays {
		job := fmt.Sprintf("quick%d", i+1)
		command(srv, ana, "run "+job)
		require.Eventually(t, func() bool { return countLines(w.path("runs.txt")) >= i+1 }, 20*time.Second, 2*time.Millisecond, "%s runs", job)
		time.Sleep(d) // the race: kill at a different point after the script's end each time
		bot.kill9()
		h, ok := checkinEntries(t, checkins)
		require.True(t, ok, "no partial entry right after kill -9 (%s):\n%s", job, readFile(checkins))
		notes = append(notes, fmt.Sprintf("%s killed %s after exit (%d entries on disk)", job, d, len(h)))
		bot = startBot(t, w, srv, env)
	}
	require.Eventually(t, func() bool {
		h, _ := checkinEntries(t, checkins)
		return len(h) >= len(delays)
	}, 30*time.Second, 100*time.Millisecond, "one check-in per execution:\n%s", readFile(checkins))
	settle(4 * time.Second) // a duplicate append would show up by now

	headings, balanced := checkinEntries(t, checkins)
	views := statusJSON(t, w, env)
	var states []string
	for i := range delays {
		job := fmt.Sprintf("quick%d", i+1)
		n := 0
		for _, h := range headings {
			if strings.Contains(h, job) {
				n++
			}
		}
		v, ok := occurrenceOf(views, job)
		require.True(t, ok)
		reason := ""
		if v.Reason != nil {
			reason = "/" + *v.Reason
		}
		states = append(states, string(v.State)+reason)
		require.Equal(t, 1, n, "one entry for %s:\n%s", job, readFile(checkins))
		require.Equal(t, 1, v.Attempts, "%s executed once", job)
	}
	figures(t, "%s; final states %v; %d executions, %d check-in entries, markers balanced: %v",
		strings.Join(notes, "; "), states, countLines(w.path("runs.txt")), len(headings), balanced)
	require.Equal(t, len(delays), countLines(w.path("runs.txt")), "no script re-run")
	require.Len(t, headings, len(delays))
	require.True(t, balanced, "every entry complete:\n%s", readFile(checkins))
	leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(checkins), ".*"))
	require.Empty(t, leftovers, "no temporary file left beside the check-ins")
}

// Scenario 5: the socket drops periodically while commands arrive every second.
func TestChaos_SocketDropsWhileCommandsArrive_EachHandledOnce(t *testing.T) {
	t.Parallel()
	total := pick(25*time.Second, 3*time.Minute)
	every := pick(8*time.Second, 10*time.Second)
	w := newWorkspace(t, jobRow{window: daily(nextWindow(5 * time.Minute)), freq: "Daily", script: "scripts/ok.sh", body: "echo ok", deps: "`bash`"})
	srv := slacktest.NewTB(t)
	startBot(t, w, srv, baseEnv(w, srv, "RUNBOOK_CONFIRM_LEAD=10m"))
	waitFor(t, srv, 20*time.Second, "the request", func(s *slacktest.Server) bool { return len(messagesWith(s, runbookChannel, ana)) > 0 })
	request := messagesWith(srv, runbookChannel, ana)[0]

	var users []string
	drops, redelivered := 0, 0
	pendingRedelivery := false
	start := time.Now()
	lastDrop := start
	tick := time.NewTicker(time.Second)
	for i := 0; time.Since(start) < total; i++ {
		user := fmt.Sprintf("U0CHAOS%03d", i)
		users = append(users, user)
		command(srv, user, "status ok")
		if i == 3 {
			command(srv, ana, "confirm ok")
		}
		if time.Since(lastDrop) >= every {
			drops += srv.DropConnection()
			lastDrop = time.Now()
			pendingRedelivery = true
		}
		<-tick.C
		if pendingRedelivery && srv.ActiveConnections() > 0 {
			redelivered += len(srv.RedeliverUnacked()) // what Slack does after a lost connection
			pendingRedelivery = false
		}
	}
	tick.Stop()
	require.NoError(t, srv.WaitConnected(1, 30*time.Second))
	redelivered += len(srv.RedeliverUnacked())

	lost := func(s *slacktest.Server) int {
		n := 0
		for _, u := range users {
			if len(s.Ephemerals(u)) == 0 {
				n++
			}
		}
		return n
	}
	_ = srv.WaitFor(30*time.Second, func(s *slacktest.Server) bool { return lost(s) == 0 && len(s.Ephemerals(ana)) > 0 })
	settle(4 * time.Second) // a late duplicate would show up by now
	dups := 0
	for _, u := range users {
		dups += max(0, len(srv.Ephemerals(u))-1)
	}
	m, _ := srv.Message(request.Channel, request.TS)
	figures(t, "%d commands over %s, %d drops (every %s), %d envelopes redelivered, %d connections; replies lost: %d, duplicate replies: %d; confirmation replies: %d, request messages: %d, request confirmed: %v",
		len(users)+1, total, drops, every, redelivered, srv.Connections(), lost(srv), dups, len(srv.Ephemerals(ana)),
		len(srv.Messages(runbookChannel)), !hasActions(m))
	require.GreaterOrEqual(t, drops, 2)
	require.Zero(t, lost(srv), "every command is eventually answered")
	require.Zero(t, dups, "no command is answered twice")
	require.Len(t, srv.Ephemerals(ana), 1, "one confirmation")
	require.Len(t, srv.Messages(runbookChannel), 1, "the request is not posted again")
	require.False(t, hasActions(m), "the request shows the confirmation")
}

// Scenario 6: Slack answers 429 and 500 on chat.postMessage / chat.update while a run fails.
func TestChaos_SlackErrorsDuringAFailure_IncidentCountdownAndEscalationArrive(t *testing.T) {
	t.Parallel()
	faultFor := pick(15*time.Second, time.Minute)
	w, window := failingWorkspace(t)
	srv := slacktest.NewTB(t)
	startBot(t, w, srv, baseEnv(w, srv, secretEnv()...))
	command(srv, ana, "confirm seed")
	waitFor(t, srv, 10*time.Second, "the confirmation", func(s *slacktest.Server) bool { return len(s.Ephemerals(ana)) > 0 })
	time.Sleep(time.Until(window) + 500*time.Millisecond)

	// Alternate 429 (Retry-After 2 s) and 500 on both methods for faultFor.
	faultsDone := make(chan struct{})
	faultStart := time.Now()
	go func() {
		defer close(faultsDone)
		for i := 0; time.Since(faultStart) < faultFor; i++ {
			srv.ClearFaults()
			status := http.StatusTooManyRequests
			if i%2 == 1 {
				status = http.StatusInternalServerError
			}
			srv.Fail("chat.postMessage", status, 2*time.Second, 0)
			srv.Fail("chat.update", status, 2*time.Second, 0)
			time.Sleep(min(3*time.Second, faultFor-time.Since(faultStart)))
		}
		srv.ClearFaults()
	}()
	command(srv, ana, "run seed")
	<-faultsDone
	cleared := time.Now()
	require.Empty(t, srv.Messages(incidentChannel), "nothing got through the faults")

	// Each notice retries on its own outbox backoff (runbook.Backoff: doubling, jittered, up
	// to 5 min), so after a minute of faults the next attempt of one may come ~2 min after
	// the faults cleared: wait for each of them, not for the first message in the channel.
	// Only the escalation waits for its incident post.
	arrival := pick(90*time.Second, 4*time.Minute)
	waitFor(t, srv, arrival, "the incident post", func(s *slacktest.Server) bool { return len(incidentPosts(s)) > 0 })
	first := incidentPosts(srv)[0]
	waitFor(t, srv, arrival, "the escalation", func(s *slacktest.Server) bool { return len(messagesWith(s, incidentChannel, "<!here>")) > 0 })
	waitFor(t, srv, arrival, "the run thread", func(s *slacktest.Server) bool { return len(runThreads(s)) > 0 })
	esc := messagesWith(srv, incidentChannel, "<!here>")[0]
	// The countdown is the incident post itself: updated in place while the deadline runs,
	// or already showing the countdown's end when the faults outlasted the deadline.
	settle(5 * time.Second)
	f1, p429, p5xx := slackRetries(srv, "chat.postMessage")
	f2, u429, u5xx := slackRetries(srv, "chat.update")
	m, _ := srv.Message(first.Channel, first.TS)
	escalations := len(messagesWith(srv, incidentChannel, "<!here>"))
	figures(t, "faults for %s; chat.postMessage %d failed answers (%d×429, %d×5xx), chat.update %d (%d×429, %d×5xx); incident post %.1f s after the faults cleared, escalation %.1f s, run thread %.1f s; %d countdown updates, %d escalation(s), %d run thread(s)",
		faultFor, f1, p429, p5xx, f2, u429, u5xx, first.PostedAt.Sub(cleared).Seconds(), esc.PostedAt.Sub(cleared).Seconds(),
		runThreads(srv)[0].PostedAt.Sub(cleared).Seconds(), m.Updates, escalations, len(runThreads(srv)))
	require.Greater(t, f1, 0, "the faults were met")
	require.Equal(t, 1, escalations, "exactly one escalation")
	require.Equal(t, 1, len(srv.Messages(incidentChannel))-escalations, "one incident post")
	require.Len(t, runThreads(srv), 1, "one run thread")
	require.False(t, esc.PostedAt.Before(first.PostedAt), "the escalation is never posted before its incident post (Notice.After)")
	assertNoSecrets(t, srv, w)
}

// Scenario 7: the database becomes unwritable while the bot runs.
//
// chmod does not stop root, and a read-only remount of a bind mount fails (EBUSY)
// while SQLite holds the file open for writing. The real way used here is the
// immutable attribute (chattr +i): it makes writes through already open file
// descriptors fail with EPERM, even for root. Without chattr (or on a file system
// that does not support it) the test is skipped, never faked.
func TestChaos_DatabaseReadOnly_ClearErrorReadyzAndRecovery(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("chattr"); err != nil {
		t.Skip("chattr is not available: no real way to make the open database unwritable here")
	}
	w := newWorkspace(t, jobRow{window: daily(nextWindow(5 * time.Minute)), freq: "Daily", script: "scripts/ok.sh", body: "echo ok", deps: "`bash`"})
	srv := slacktest.NewTB(t)
	addr := freeAddr(t)
	env := baseEnv(w, srv, "RUNBOOK_CONFIRM_LEAD=10m", "RUNBOOK_HTTP_ADDR="+addr)
	startBot(t, w, srv, env)
	waitFor(t, srv, 20*time.Second, "the request", func(s *slacktest.Server) bool { return len(messagesWith(s, runbookChannel, ana)) > 0 })
	code, _ := httpGet("http://" + addr + "/readyz")
	require.Equal(t, http.StatusOK, code)

	db := w.path("data", "runbook.db")
	targets := []string{db, db + "-wal", w.path("data")}
	immutable := func(on bool) error {
		flag := "-i"
		if on {
			flag = "+i"
		}
		for _, p := range targets {
			if _, err := os.Stat(p); err != nil {
				continue
			}
			if out, err := exec.Command("chattr", flag, p).CombinedOutput(); err != nil {
				return fmt.Errorf("chattr %s %s: %v: %s", flag, p, err, out)
			}
		}
		return nil
	}
	t.Cleanup(func() { _ = immutable(false) }) // or the temporary directory cannot be removed
	if err := immutable(true); err != nil {
		t.Skipf("cannot make the database immutable here: %v", err)
	}

	command(srv, ana, "confirm ok")
	waitFor(t, srv, 20*time.Second, "a reply to the confirmation", func(s *slacktest.Server) bool { return len(s.Ephemerals(ana)) > 0 })
	reply := srv.Ephemerals(ana)[0]
	var readyCode int
	var readyBody string
	_ = srv.WaitFor(10*time.Second, func(*slacktest.Server) bool {
		readyCode, readyBody = httpGet("http://" + addr + "/readyz")
		return readyCode == http.StatusServiceUnavailable
	})
	var stateWhileRO runbook.State
	if v, ok := occurrenceOfAny(apiOccurrences(addr), "ok"); ok {
		stateWhileRO = v.State
	}

	require.NoError(t, immutable(false))
	restored := time.Now()
	command(srv, lucas, "confirm ok")
	var confirmedAfter time.Duration
	require.Eventually(t, func() bool {
		v, ok := occurrenceOfAny(apiOccurrences(addr), "ok")
		confirmedAfter = time.Since(restored)
		return ok && v.State == runbook.Confirmed
	}, 30*time.Second, 200*time.Millisecond, "the confirmation works once the database is writable again")
	readyAfterCode, _ := httpGet("http://" + addr + "/readyz")

	integrity := integrityCheck(t, db)
	replyText := reply.Text + " " + plain(reply.Blocks)
	figures(t, "reply while read-only: %q; /readyz while read-only: %d %s; state while read-only: %s; confirmed %.1f s after restoring; /readyz after: %d; integrity_check: %s",
		truncate(replyText, 160), readyCode, strings.TrimSpace(readyBody), stateWhileRO, confirmedAfter.Seconds(), readyAfterCode, integrity)
	require.Equal(t, "ok", integrity, "nothing corrupted")
	require.Equal(t, runbook.AwaitingConfirmation, stateWhileRO, "nothing changed while the database was unwritable")
	require.Equal(t, http.StatusOK, readyAfterCode)
	require.Equal(t, http.StatusServiceUnavailable, readyCode, "/readyz reports the unwritable database")
	require.Contains(t, readyBody, "database")
}

// Scenario 8: the runbook edited into a broken state, then fixed.
func TestChaos_BrokenRunbookEdit_ReportedOnceLastGoodKeptFixPickedUp(t *testing.T) {
	t.Parallel()
	// Windows within the materialisation horizon (lead + 1 h), so the API lists them.
	at := nextWindow(5 * time.Minute)
	weekday := at.Weekday().String()
	row := weekday + " " + at.Format("15:04") + " UTC"
	w := newWorkspace(t, jobRow{window: row, freq: "Weekly", script: "scripts/ok.sh", body: "echo ok", deps: "`bash`"})
	srv := slacktest.NewTB(t)
	addr := freeAddr(t)
	startBot(t, w, srv, baseEnv(w, srv, "RUNBOOK_HTTP_ADDR="+addr, "RUNBOOK_CONFIRM_LEAD=10m"))
	waitFor(t, srv, 20*time.Second, "the request", func(s *slacktest.Server) bool { return len(s.Messages(runbookChannel)) > 0 })
	doc := w.path("docs", "runbook.md")
	good := readFile(doc)
	require.Contains(t, good, row)

	misspelled := weekday[:len(weekday)-2] + weekday[len(weekday)-1:] // Monday → Mondy
	broken := strings.Replace(good, row, misspelled+" "+at.Format("15:04")+" UTC", 1)
	brokenAt := time.Now()
	writeAtomic(t, doc, broken)
	waitFor(t, srv, 15*time.Second, "the problems posted", func(s *slacktest.Server) bool {
		return len(messagesWith(s, runbookChannel, "runbook.md:")) > 0
	})
	problem := messagesWith(srv, runbookChannel, "runbook.md:")[0]
	reportAfter := problem.PostedAt.Sub(brokenAt)

	writeAtomic(t, doc, broken+"\n") // the same problems again, another content
	command(srv, ana, "check ok")
	waitFor(t, srv, 15*time.Second, "a command on the existing job", func(s *slacktest.Server) bool { return len(s.Ephemerals(ana)) > 0 })
	checkReply := srv.Ephemerals(ana)[0]
	settle(5 * time.Second) // two polls of the watcher
	reports := len(messagesWith(srv, runbookChannel, "runbook.md:"))
	_, okStillListed := occurrenceOfAny(apiOccurrences(addr), "ok")

	line := "| " + row + " | Weekly | `scripts/ok.sh` | Platform (Ana) | SRE (Lucas) | `bash` |"
	require.Contains(t, good, line)
	fixed := strings.Replace(good, line, line+"\n| "+daily(at)+" | Daily | `scripts/fresh.sh` | Platform (Ana) | SRE (Lucas) | `bash` |", 1)
	require.NoError(t, os.WriteFile(w.path("scripts", "fresh.sh"), []byte("#!/usr/bin/env bash\necho fresh\n"), 0o755))
	fixedAt := time.Now()
	writeAtomic(t, doc, fixed)
	var pickedUp time.Duration
	require.Eventually(t, func() bool {
		_, ok := occurrenceOfAny(apiOccurrences(addr), "fresh")
		pickedUp = time.Since(fixedAt)
		return ok
	}, 20*time.Second, 100*time.Millisecond, "the fixed runbook is picked up")

	figures(t, "problems posted %.1f s after the broken edit (%d report(s) for 2 broken writes): %q; last good kept: %v; `check ok` answered: %q; fixed edit picked up in %.1f s",
		reportAfter.Seconds(), reports, truncate(problem.Text, 140), okStillListed, truncate(checkReply.Text, 80), pickedUp.Seconds())
	require.Contains(t, content(problem), "runbook.md:", "the problems name file:line")
	require.Equal(t, 1, reports, "the problems are posted once")
	require.True(t, okStillListed, "the last good version stays in force")
	require.NotContains(t, strings.ToLower(checkReply.Text), "unknown", "a command on the existing job still works")
	require.LessOrEqual(t, pickedUp, 5*time.Second, "docs/spec.md §2.8: a change is picked up within 5 s")
}

// incidentPosts are the messages of the incident channel that are not escalations.
func incidentPosts(srv *slacktest.Server) []slacktest.Message {
	var out []slacktest.Message
	for _, m := range srv.Messages(incidentChannel) {
		if !strings.Contains(content(m), "<!here>") {
			out = append(out, m)
		}
	}
	return out
}

// occurrenceOfAny is any listed occurrence of job.
func occurrenceOfAny(views []runbook.View, job string) (runbook.View, bool) {
	if v, ok := occurrenceOf(views, job); ok {
		return v, true
	}
	for _, v := range views {
		if v.Job == job {
			return v, true
		}
	}
	return runbook.View{}, false
}

// integrityCheck runs SQLite's integrity_check on the database file.
func integrityCheck(t *testing.T, path string) string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	require.NoError(t, err)
	defer db.Close()
	var res string
	require.NoError(t, db.QueryRow("PRAGMA integrity_check").Scan(&res))
	return res
}

// writeAtomic replaces a file the way an editor or a git checkout does.
func writeAtomic(t *testing.T, path, content string) {
	t.Helper()
	tmp := path + ".tmp-edit"
	require.NoError(t, os.WriteFile(tmp, []byte(content), 0o644))
	require.NoError(t, os.Rename(tmp, path))
}

func readFile(path string) string {
	b, _ := os.ReadFile(path)
	return string(b)
}

func truncate(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
