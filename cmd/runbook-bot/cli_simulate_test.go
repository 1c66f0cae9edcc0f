package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// simWorkspace is a directory holding a copy of the repository's docs/runbook.md (src when given).
func simWorkspace(t *testing.T, src []byte) (*workspace, []string) {
	t.Helper()
	if src == nil {
		var err error
		src, err = os.ReadFile(filepath.Join("..", "..", "docs", "runbook.md"))
		require.NoError(t, err)
	}
	w := &workspace{dir: t.TempDir()}
	require.NoError(t, os.MkdirAll(w.path("docs"), 0o755))
	require.NoError(t, os.WriteFile(w.path("docs", "runbook.md"), src, 0o644))
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "RUNBOOK_FILE=docs/runbook.md",
		"RUNBOOK_DB=" + w.path("data", "runbook.db"), "RUNBOOK_DATA_DIR=" + w.path("data")}
	return w, env
}

func TestSimulate_GivenTheSeedRunbook_WhenAWeekIsSimulated_ThenTheOutputMatchesTheGoldenFile(t *testing.T) {
	t.Parallel()
	w, env := simWorkspace(t, nil)
	// Sunday 00:00 UTC: every job's windows of the week, seed-dev-data's unanswered.
	out, errOut, code := runCLI(t, w, env, "simulate", "--from", "2026-11-29T00:00:00Z", "--days", "7", "--no-answer", "seed-dev-data")
	require.Equal(t, 0, code, errOut)
	path := filepath.Join("testdata", "simulate_week.golden")
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(out), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "go test ./cmd/runbook-bot -run TestSimulate -update")
	assert.Equal(t, string(want), out)
	_, err = os.Stat(w.path("data"))
	assert.True(t, os.IsNotExist(err), "no database file: the simulation is in memory")

	// What the golden file must show, in order: for each of the seed's three jobs,
	// its confirmation request 24 h before each window, the reminders of the
	// unanswered windows, each window opening and their delay alerts.
	stamp := regexp.MustCompile(`^(\d{4}-\d\d-\d\d \d\d:\d\d) UTC  (.*)$`)
	type line struct {
		at   time.Time
		text string
	}
	var lines []line
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		if m := stamp.FindStringSubmatch(sc.Text()); m != nil {
			at, err := time.Parse("2006-01-02 15:04", m[1])
			require.NoError(t, err)
			lines = append(lines, line{at, m[2]})
		}
	}
	require.NotEmpty(t, lines)
	for i := 1; i < len(lines); i++ {
		require.False(t, lines[i].at.Before(lines[i-1].at), "in time order: %q after %q", lines[i].text, lines[i-1].text)
	}
	find := func(at time.Time, text string) {
		t.Helper()
		for _, l := range lines {
			if l.at.Equal(at) && strings.Contains(l.text, text) {
				return
			}
		}
		t.Errorf("no %q at %s", text, at)
	}
	day := func(d, h int) time.Time { return time.Date(2026, 11, 29+d, h, 0, 0, 0, time.UTC) }
	for d := 1; d < 7; d++ { // reset-staging, daily 05:00 UTC
		find(day(d, 5).Add(-24*time.Hour), "Confirmação necessária: reset-staging")
		find(day(d, 5), "Janela aberta: reset-staging")
	}
	find(day(0, 9), "Confirmação necessária: provision-dev") // Monday 09:00
	find(day(1, 9), "Janela aberta: provision-dev")
	find(day(4, 19), "Confirmação necessária: seed-dev-data") // Friday 19:00
	find(day(5, 15), "Lembrete: seed-dev-data ainda não foi confirmado")
	find(day(5, 18), "Lembrete: seed-dev-data ainda não foi confirmado")
	find(day(5, 19), "Janela aberta: seed-dev-data")
	find(day(5, 19).Add(30*time.Minute), "seed-dev-data está atrasado")
	find(day(5, 20), "seed-dev-data está atrasado")
	find(day(5, 21), "seed-dev-data está atrasado")
}

func TestSimulate_GivenFlags_WhenSimulated_ThenFailuresDeclinesAndJSONLines(t *testing.T) {
	t.Parallel()
	w, env := simWorkspace(t, nil)
	out, errOut, code := runCLI(t, w, env, "simulate", "--from", "2026-11-29T00:00:00Z", "--days", "2", "--fail", "provision-dev", "--decline", "reset-staging", "--json")
	require.Equal(t, 0, code, errOut)
	var kinds []string
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var l simLine
		require.NoError(t, json.Unmarshal(sc.Bytes(), &l), sc.Text())
		require.False(t, l.At.IsZero())
		kinds = append(kinds, l.Type+":"+l.Kind+":"+l.Job)
	}
	all := strings.Join(kinds, "\n")
	assert.Contains(t, all, "record:declined:reset-staging")
	assert.Contains(t, all, "message:incident:provision-dev")
	assert.Contains(t, all, "message:escalation:provision-dev")
	assert.Contains(t, all, "checkin::provision-dev")
	assert.NotContains(t, all, "record:run_started:reset-staging", "a declined window does not run")
}

func TestSimulate_GivenBadInput_WhenSimulated_ThenFileLineProblemsOrUsage(t *testing.T) {
	t.Parallel()
	src, err := os.ReadFile(filepath.Join("..", "..", "docs", "runbook.md"))
	require.NoError(t, err)
	w, env := simWorkspace(t, []byte(strings.Replace(string(src), "Sexta-feira 19:00", "Sextou 19:00", 1)))
	_, errOut, code := runCLI(t, w, env, "simulate", "--days", "1")
	assert.Equal(t, 1, code)
	assert.Regexp(t, `docs/runbook.md:\d+: dia da semana desconhecido “Sextou”`, errOut, "in the runbook's language, Portuguese")

	w, env = simWorkspace(t, nil)
	for _, args := range [][]string{{"--days", "0"}, {"--from", "tomorrow"}, {"--fail", "nope"}, {"extra"}} {
		_, errOut, code = runCLI(t, w, env, append([]string{"simulate"}, args...)...)
		assert.Equal(t, 2, code, "%v: %s", args, errOut)
	}
}

func TestCLI_GivenARunbookFreeze_WhenScheduleAndValidateRun_ThenFrozenWindowsAreMarked(t *testing.T) {
	t.Parallel()
	w := newWorkspace(t, jobRow{window: "Daily 05:00 UTC", freq: "Daily", script: "scripts/reset-staging.sh", body: "true", deps: "`bash`"})
	f, err := os.OpenFile(w.path("docs", "runbook.md"), os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteString("\n## Change freezes\n\n| Start | End | Reason |\n| --- | --- | --- |\n| 2026-12-24 00:00 | 2026-12-26 00:00 | Christmas |\n")
	require.NoError(t, err)
	require.NoError(t, f.Close())
	out, errOut, code := runCLI(t, w, cliEnv(w), "schedule", "--from", "2026-12-23T12:00:00Z", "--count", "4")
	require.Equal(t, 0, code, errOut)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 5)
	assert.Contains(t, lines[0], "FREEZE")
	assert.Contains(t, lines[1], "frozen: Christmas", "Dec 24 05:00")
	assert.Contains(t, lines[2], "frozen: Christmas", "Dec 25 05:00")
	assert.NotContains(t, lines[3], "frozen", "Dec 26 05:00 is after it")

	out, errOut, code = runCLI(t, w, cliEnv(w), "validate")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "change freeze (line ")
	assert.Contains(t, out, "2026-12-24 00:00 until 2026-12-26 00:00 UTC — Christmas")
}
