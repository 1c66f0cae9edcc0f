package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// shippedLayout is a directory laid out as the repository: its docs/runbook.md
// and docs/observabilidade/check-ins.md, as shipped.
func shippedLayout(t *testing.T) (dir string, shipped map[string][]byte) {
	t.Helper()
	dir = t.TempDir()
	shipped = map[string][]byte{}
	for _, p := range []string{"docs/runbook.md", "docs/observabilidade/check-ins.md"} {
		data, err := os.ReadFile(filepath.Join("..", "..", p))
		require.NoError(t, err)
		require.NoError(t, os.MkdirAll(filepath.Join(dir, filepath.Dir(p)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, p), data, 0o644))
		shipped[p] = data
	}
	return dir, shipped
}

// runShell runs `runbook-bot shell` in dir with input typed, until the end of input.
func runShell(t *testing.T, dir string, env []string, input string) string {
	t.Helper()
	cmd := exec.Command(binPath, "shell")
	cmd.Dir = dir
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "RUNBOOK_HTTP_ADDR="}, env...)
	cmd.Stdin = strings.NewReader(input)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	return string(out)
}

func TestShell_GivenTheShippedRunbook_WhenRescheduledAndDelayed_ThenNoTrackedFileChangesAndTheCopiesGetTheRecords(t *testing.T) {
	t.Parallel()
	// Given the repository's layout, nothing set (a fresh clone's make run)
	dir, shipped := shippedLayout(t)
	to := time.Now().UTC().Add(3 * time.Hour).Format("2006-01-02 15:04")

	// When a newcomer reschedules and delays, as whoever the shell starts as
	out := runShell(t, dir, nil, "reschedule provision-dev "+to+" plataforma pediu outro horário\n"+
		"delay provision-dev aguardando a plataforma\nconfirm provision-dev\n")

	// Then the shell said who they are, how to change, and where the records go
	assert.Contains(t, out, "Ana Souza (U0ANASOUZA), o primeiro contato do runbook")
	assert.Contains(t, out, ":as U0LUCASLIMA")
	assert.Contains(t, out, "o log de atrasos em data/runbook.md (cópia de docs/runbook.md)")
	assert.Contains(t, out, "os check-ins em data/check-ins.md (cópia de docs/observabilidade/check-ins.md)")
	assert.Contains(t, out, "provision-dev movido para", "the first contact owns provision-dev: not refused")
	assert.NotContains(t, out, "Somente o responsável")
	assert.NotContains(t, out, "Enviado com atraso", "the first start's requests are not late: the bot was never down")
	// And the tracked files are as shipped
	for p, data := range shipped {
		got, err := os.ReadFile(filepath.Join(dir, p))
		require.NoError(t, err)
		assert.Equal(t, string(data), string(got), "%s is left as shipped", p)
	}
	// And the runbook's copy got the reschedule's justification in its delay log
	runbookCopy, err := os.ReadFile(filepath.Join(dir, "data", "runbook.md"))
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(runbookCopy), string(shipped["docs/runbook.md"])), "a copy of the runbook")
	toPT, err := time.Parse("2006-01-02 15:04", to)
	require.NoError(t, err)
	assert.Regexp(t, `provision-dev · janela \S+ `+regexp.QuoteMeta(toPT.Format("02/01/2006 15:04"))+` UTC · plataforma pediu outro horário \(por @Ana Souza\)`, string(runbookCopy))
	checkinsCopy, err := os.ReadFile(filepath.Join(dir, "data", "check-ins.md"))
	require.NoError(t, err)
	assert.Equal(t, string(shipped["docs/observabilidade/check-ins.md"]), string(checkinsCopy))

	// When the shell starts again
	out = runShell(t, dir, nil, "status provision-dev\n")
	// Then the copies of the first session are kept, records and all
	again, err := os.ReadFile(filepath.Join(dir, "data", "runbook.md"))
	require.NoError(t, err)
	assert.Equal(t, string(runbookCopy), string(again), out)
}

func TestShell_GivenRUNBOOK_FILESet_WhenRescheduled_ThenThatFileGetsTheRecordAndNoCopyIsMade(t *testing.T) {
	t.Parallel()
	// Given the user's own runbook file, and --as not given
	dir, shipped := shippedLayout(t)
	to := time.Now().UTC().Add(3 * time.Hour).Format("2006-01-02 15:04")
	// When the first contact reschedules
	out := runShell(t, dir, []string{"RUNBOOK_FILE=docs/runbook.md", "RUNBOOK_LANG=en"}, "reschedule provision-dev "+to+" platform asked for a later slot\n")
	// Then the shell speaks English, names the user and copies nothing: the record is in the user's file
	assert.Contains(t, out, "You act as Ana Souza (U0ANASOUZA), the runbook's first contact; act as someone else with :as U0LUCASLIMA")
	assert.NotContains(t, out, "copies")
	got, err := os.ReadFile(filepath.Join(dir, "docs", "runbook.md"))
	require.NoError(t, err)
	assert.Contains(t, string(got), "platform asked for a later slot")
	assert.NotEqual(t, string(shipped["docs/runbook.md"]), string(got))
	assert.NoFileExists(t, filepath.Join(dir, "data", "runbook.md"))
}

func TestShell_GivenAsAnotherContact_WhenStarted_ThenItNamesThemAndHowToSwitch(t *testing.T) {
	t.Parallel()
	// Given the shipped runbook and --as naming its second contact
	dir, _ := shippedLayout(t)
	cmd := exec.Command(binPath, "shell", "--as", "U0LUCASLIMA")
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "RUNBOOK_HTTP_ADDR="}
	// When it starts
	out, err := cmd.CombinedOutput()
	// Then it names who that is and how to switch
	require.NoError(t, err, "%s", out)
	assert.Contains(t, string(out), "Você age como Lucas Lima (U0LUCASLIMA); para agir como outra pessoa, use :as U0ANASOUZA.")
}
