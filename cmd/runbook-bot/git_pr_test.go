package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/runbook"
	"github.com/runbook-bot/runbook-bot/runbook/gitrepo"
)

// protectMain installs a pre-receive hook that refuses the bot's commits on
// main, as a protected branch does: people may push, the bot must go through a pull request.
func protectMain(t *testing.T, bare string) {
	t.Helper()
	hook := `#!/bin/sh
while read old new ref; do
  if [ "$ref" = "refs/heads/main" ] && git log --format=%an "$old..$new" | grep -q '^runbook-bot$'; then
    echo "error: GH006: Protected branch update failed for refs/heads/main." >&2
    echo "error: Changes must be made through a pull request." >&2
    exit 1
  fi
done
`
	require.NoError(t, os.WriteFile(filepath.Join(bare, "hooks", "pre-receive"), []byte(hook), 0o755))
}

// fakePulls is a GitHub-shaped pulls API for acme/platform.
type fakePulls struct {
	*httptest.Server
	mu     sync.Mutex
	opened []map[string]any
}

func newFakePulls(t *testing.T, token string) *fakePulls {
	f := &fakePulls{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		if r.Header.Get("Authorization") != "Bearer "+token || r.URL.Path != "/repos/acme/platform/pulls" {
			http.Error(w, `{"message":"Not Found"}`, http.StatusNotFound)
			return
		}
		if r.Method == http.MethodPost {
			var in map[string]any
			require.NoError(t, json.NewDecoder(r.Body).Decode(&in))
			in["number"], in["html_url"] = 12, "https://github.example/acme/platform/pull/12"
			f.opened = append(f.opened, in)
			w.WriteHeader(http.StatusCreated)
			_ = json.NewEncoder(w).Encode(in)
			return
		}
		var open []map[string]any
		for _, pr := range f.opened {
			if "acme:"+pr["head"].(string) == r.URL.Query().Get("head") && pr["base"] == r.URL.Query().Get("base") {
				open = append(open, pr)
			}
		}
		_ = json.NewEncoder(w).Encode(open)
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakePulls) count() int { f.mu.Lock(); defer f.mu.Unlock(); return len(f.opened) }

func TestGitRecords_GivenAProtectedBranch_WhenRecordsArrive_ThenTheyGoToOnePullRequestAnnouncedOnceAndSurviveTheBranchMovingOn(t *testing.T) {
	const token = "tok-PR-S3CR3T"
	rem := newGitRemote(t, map[string]string{"docs/runbook.md": gitRunbook("Monday 09:00 UTC"), "scripts/seed.sh": "#!/bin/sh\nexit 3\n", "scripts/helper.sh": "#!/bin/sh\n"})
	protectMain(t, rem.bare)
	remote := newGitHTTP(t, filepath.Dir(rem.bare), "x-access-token", token)
	pulls := newFakePulls(t, token)
	data := t.TempDir()
	cfg, err := LoadConfig(env{"RUNBOOK_GIT_URL": remote.URL + "/remote.git", "RUNBOOK_GIT_TOKEN": token, "RUNBOOK_GITHUB_REPO": "acme/platform",
		"RUNBOOK_GITHUB_API_URL": pulls.URL, "RUNBOOK_DATA_DIR": data, "RUNBOOK_DB": filepath.Join(data, "runbook.db")}.lookup)
	require.NoError(t, err)
	var logs bytes.Buffer
	e := &appEnv{cfg: cfg, metrics: newLoopMetrics(), redact: newLiveRedactor(&runbook.Runbook{})}
	e.log = slog.New(redactingHandler{h: slog.NewTextHandler(&logs, nil), r: e.redact})
	e.git, e.rb, err = openGit(context.Background(), cfg, e.log, &logs, true)
	require.NoError(t, err)
	ctx := context.Background()
	svc, db, err := e.openService(ctx, nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	sinks := map[string]runbook.SinkFunc{}
	e.gitSinks(sinks, svc, runbook.LangEN)
	window := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	occ := runbook.Occurrence{ID: 1, Job: "seed", Window: window, Slot: window, State: runbook.Failed, Attempts: 1, Reason: "exit", ExitCode: new(int)}
	deliver := func(id int64, sink string, v any) {
		t.Helper()
		b, err := json.Marshal(v)
		require.NoError(t, err)
		require.NoError(t, sinks[sink](ctx, runbook.Delivery{ID: id, Sink: sink, Payload: b}))
	}
	records := func() string {
		return runGit(t, rem.bare, "show", gitrepo.RecordsBranch+":docs/observabilidade/check-ins.md")
	}
	announced := func() []runbook.Notice {
		var out []runbook.Notice
		require.NoError(t, db.View(ctx, func(tx runbook.Tx) error {
			ds, err := tx.PendingDeliveries(runbook.SinkChat, time.Now().Add(time.Hour), 100)
			for _, d := range ds {
				var n runbook.Notice
				require.NoError(t, json.Unmarshal(d.Payload, &n))
				if n.Kind == runbook.NoticeRecordsPR {
					out = append(out, n)
				}
			}
			return err
		}))
		return out
	}

	// When a check-in and a delay justification arrive, the bot's push to main is refused
	deliver(1, runbook.SinkCheckin, occ)
	deliver(2, runbook.SinkDelayLog, runbook.DelayLine{At: window.Add(40 * time.Minute), Job: "seed", Window: window, Text: "waiting for the DBA", By: "U0ANA", Occ: 1})

	// Then both are on runbook-bot/records, main has none, one pull request is opened and announced once
	assert.Empty(t, rem.botCommits("main"))
	onBranch := rem.botCommits(gitrepo.RecordsBranch)
	require.Len(t, onBranch, 2)
	assert.Contains(t, onBranch[0], "check-in: seed, window 2026-12-07 09:00 UTC: run failed (exit)")
	assert.Contains(t, onBranch[1], "delay: seed, window 2026-12-07 09:00 UTC: justified by U0ANA")
	assert.Equal(t, 1, pulls.count())
	assert.Equal(t, "main", pulls.opened[0]["base"])
	assert.Equal(t, gitrepo.RecordsBranch, pulls.opened[0]["head"])
	ns := announced()
	require.Len(t, ns, 1)
	assert.Equal(t, "https://github.example/acme/platform/pull/12", ns[0].Text)
	assert.Contains(t, ns[0].Lines[1], "Protected branch update failed", "the remote's refusal is the reason given")

	// When a person pushes to main meanwhile, and the incident is recorded later
	rem.push("Bia Lima <bia@example.com>", "README by hand", map[string]string{"README.md": "# Platform\n"})
	occ.IncidentRef = "INC-42"
	deliver(3, runbook.SinkCheckin, occ)

	// Then the records branch is made again on main: the person's commit and every record are there, once
	runGit(t, rem.bare, "merge-base", "--is-ancestor", "main", gitrepo.RecordsBranch)
	assert.Contains(t, records(), "- **Incident:** INC-42")
	assert.Equal(t, 1, strings.Count(records(), "<!-- runbook-bot:checkin 1-1 -->"))
	assert.Contains(t, runGit(t, rem.bare, "show", gitrepo.RecordsBranch+":docs/runbook.md"), "waiting for the DBA")
	assert.Equal(t, 1, pulls.count(), "the same pull request")

	// When the pull request is merged (squashed by a person) and another record comes
	runGit(t, rem.work, "fetch", "-q", "origin")
	runGit(t, rem.work, "merge", "-q", "--squash", "origin/"+gitrepo.RecordsBranch)
	runGit(t, rem.work, "-c", "user.name=Bia Lima", "-c", "user.email=bia@example.com", "commit", "-q", "-m", "Runbook records (#12)")
	runGit(t, rem.work, "push", "-q", "origin", "HEAD:main")
	occ.Learnings = "the DBA was on leave"
	deliver(4, runbook.SinkCheckin, occ)

	// Then the records branch is main plus that one record, and nothing was announced again
	ahead := strings.Fields(runGit(t, rem.bare, "rev-list", "main.."+gitrepo.RecordsBranch))
	assert.Len(t, ahead, 1)
	assert.Contains(t, records(), "the DBA was on leave")
	assert.Len(t, announced(), 1)
	assert.Equal(t, 1, pulls.count())
	assert.NotContains(t, logs.String(), token)

	// And each record's commit is in its occurrence's audit
	commits, err := svc.Commits(ctx, []int64{1})
	require.NoError(t, err)
	assert.Len(t, commits[1], 4)
}
