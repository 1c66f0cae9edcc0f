package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/bot/slack/slacktest"
	"github.com/runbook-bot/runbook-bot/runbook"
)

func TestE2E_GivenThreeReplicasOnPostgreSQL_WhenAFollowerRunsAJob_ThenOneLeaderPostsAndAnyProcessReadsTheFullLog(t *testing.T) {
	t.Parallel()
	// Given three replicas on one PostgreSQL and one Slack app (an installation
	// an hour old, so that today's past window can be run at once)
	window := pastWindow()
	body := "for i in $(seq 1 3000); do echo \"line $i of the seed\"; done\necho done"
	w := newWorkspace(t, jobRow{window: daily(window), freq: "Daily", script: "scripts/seed.sh", body: body, deps: "`bash`"})
	srv := slacktest.NewTB(t)
	c := haCluster(t, w, srv, 3)
	leader := c.waitLeader(15 * time.Second)
	follower := c.followerOf(leader)
	for i := range c.reps {
		d, _ := c.readyz(i)
		assert.True(t, d.Ready, "%s ready: %+v", c.reps[i].name, d)
		want := "0"
		if i == leader {
			want = "1"
		}
		assert.Equal(t, want, c.metric(i, "runbook_leader"), c.reps[i].name)
	}
	out, errOut, code := runCLI(t, w, c.reps[follower].env, "status", "--json")
	require.Equal(t, 0, code, errOut)
	var doc struct {
		Leader struct {
			Replica string  `json:"replica"`
			Epoch   int64   `json:"epoch"`
			Expires float64 `json:"expires_in_seconds"`
		} `json:"leader"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &doc))
	lead, _ := c.readyz(leader)
	assert.Equal(t, lead.Replica, doc.Leader.Replica, "status names the leader")
	assert.Positive(t, doc.Leader.Expires)
	assert.Contains(t, c.reps[leader].proc.out.String(), "role=leader")

	// When the owner confirms and runs the job through a follower's connection
	command(srv, ana, "confirm seed", slacktest.ToClient(c.reps[follower].name))
	waitFor(t, srv, 10*time.Second, "the confirmation", func(s *slacktest.Server) bool { return len(s.Ephemerals(ana)) > 0 })
	command(srv, ana, "run seed", slacktest.ToClient(c.reps[follower].name))
	waitFor(t, srv, 30*time.Second, "the result", func(s *slacktest.Server) bool {
		v, ok := occurrenceOf(apiOccurrences(c.reps[leader].addr), "seed")
		return ok && v.State == runbook.Succeeded
	})

	// Then the script ran on the follower, and only the leader posted to the channels
	v, _ := occurrenceOf(apiOccurrences(c.reps[leader].addr), "seed")
	require.NotNil(t, v.RunBy)
	waitFor(t, srv, 20*time.Second, "the run thread", func(s *slacktest.Server) bool { return len(runThreads(s)) == 1 })
	for i, r := range c.reps {
		posts := len(srv.ClientCalls(r.name, "chat.postMessage")) + len(srv.ClientCalls(r.name, "chat.update"))
		if i == leader {
			assert.Positive(t, posts, "the leader delivers")
		} else {
			assert.Zero(t, posts, "%s, a follower, delivers nothing", r.name)
		}
	}

	// and the full log is in the database: another process, with none of the
	// replicas' files, prints it whole; the follower kept no copy.
	cli := cliEnv(w, "RUNBOOK_DB="+c.db, "RUNBOOK_DATA_DIR="+w.path("elsewhere"))
	out, errOut, code = runCLI(t, w, cli, "evidence", "seed", "--log")
	require.Equal(t, 0, code, errOut)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	require.Len(t, lines, 3001)
	assert.Equal(t, "line 1 of the seed", lines[0])
	assert.Equal(t, "line 3000 of the seed", lines[2999])
	assert.Equal(t, "done", lines[3000])
	left, _ := filepath.Glob(filepath.Join(w.path("data-"+c.reps[follower].name), "logs", "*.log"))
	assert.Empty(t, left, "the replica's local copy is removed once stored")
	_, err := os.Stat(w.path("data", "runbook.db"))
	assert.True(t, os.IsNotExist(err), "no SQLite file anywhere")
}
