package main

import (
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/bot/slack/slacktest"
	"github.com/runbook-bot/runbook-bot/internal/pgtest"
	"github.com/runbook-bot/runbook-bot/runbook"
)

func TestE2E_GivenAPostgreSQLDatabase_WhenTheBackupConfirmsInSlack_ThenStatusFromAnotherProcessShowsItAndThePasswordNeverShows(t *testing.T) {
	t.Parallel()
	// Given the bot serving Slack on a PostgreSQL RUNBOOK_DB (a URL with a password)
	w := newWorkspace(t, jobRow{window: daily(nextWindow(30 * time.Second)), freq: "Daily", script: "scripts/ok.sh", body: "echo ok", deps: "`bash`"})
	srv := slacktest.NewTB(t)
	dbURL := pgtest.NewDatabase(t)
	addr := freeHTTPAddr(t)
	env := append(baseEnv(w, srv), "RUNBOOK_DB="+dbURL, "RUNBOOK_HTTP_ADDR="+addr)
	bot := startBot(t, w, srv, env)

	// When the backup confirms the job
	command(srv, lucas, "confirm ok")
	waitFor(t, srv, 10*time.Second, "the reply", func(s *slacktest.Server) bool { return len(s.Ephemerals(lucas)) > 0 })

	// Then `status --json`, a separate process on the same database, shows it confirmed by the backup
	out, errOut, code := runCLI(t, w, env, "status", "--json")
	require.Equal(t, 0, code, errOut)
	var doc struct {
		Occurrences []runbook.View `json:"occurrences"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &doc), out)
	var confirmed []runbook.View
	for _, v := range doc.Occurrences {
		if v.Job == "ok" && v.State == runbook.Confirmed {
			confirmed = append(confirmed, v)
		}
	}
	require.Len(t, confirmed, 1, out)
	require.NotNil(t, confirmed[0].ApprovedBy)
	assert.Equal(t, lucas, *confirmed[0].ApprovedBy)

	// and the operations endpoints work on PostgreSQL.
	for _, path := range []string{"/readyz", "/metrics"} {
		code, body := httpGet("http://" + addr + path)
		assert.Equal(t, http.StatusOK, code, "%s: %s", path, body)
		if path == "/metrics" {
			assert.Contains(t, body, `runbook_occurrences{state="confirmed"} 1`)
		}
	}

	// validate names the store with the password replaced; nothing was written to a SQLite file.
	vout, verr, vcode := runCLI(t, w, env, "validate")
	require.Equal(t, 0, vcode, verr)
	assert.Contains(t, vout, "state store: PostgreSQL postgres://postgres:xxxxx@127.0.0.1:")
	_, err := os.Stat(w.path("data", "runbook.db"))
	assert.True(t, os.IsNotExist(err), "no SQLite file: %v", err)

	// The log names the store, without the password; no output and no Slack message holds it.
	assert.Contains(t, bot.out.String(), "store=\"PostgreSQL postgres://postgres:") // the log masks it again: ***
	everything := bot.out.String() + out + errOut + vout + verr
	for _, m := range srv.Messages(runbookChannel) {
		everything += content(m)
	}
	for _, e := range srv.Ephemerals(lucas) {
		everything += e.Text + plain(e.Blocks)
	}
	assert.False(t, strings.Contains(everything, pgtest.Password), "the password never shows")
}

func TestCLI_GivenAPostgreSQLDatabaseThatRefuses_WhenStatusRuns_ThenItFailsNamingTheDatabaseWithoutThePassword(t *testing.T) {
	t.Parallel()
	good := pgtest.NewDatabase(t)
	tests := []struct {
		name, url, want string
	}{
		{"wrong password", strings.Replace(good, pgtest.Password, "Wr0ng-S3cret", 1), "password authentication failed"},
		{"nothing listens", "postgres://postgres:Wr0ng-S3cret@127.0.0.1:1/runbook?sslmode=disable&connect_timeout=5", "127.0.0.1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := newWorkspace(t, jobRow{window: "Daily 05:00 UTC", freq: "Daily", script: "scripts/ok.sh", body: "true", deps: "`bash`"})
			out, errOut, code := runCLI(t, w, cliEnv(w, "RUNBOOK_DB="+tc.url), "status", "--json")
			assert.Equal(t, 1, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
			assert.Contains(t, errOut, "postgres://postgres:xxxxx@127.0.0.1:")
			assert.Contains(t, errOut, tc.want)
			assert.NotContains(t, out+errOut, "Wr0ng-S3cret")
			assert.NotContains(t, out+errOut, pgtest.Password)
		})
	}
}
