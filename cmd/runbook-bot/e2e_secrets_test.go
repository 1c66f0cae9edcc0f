package main

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/bot/slack/slacktest"
)

// The secrets of the leaky script: one a dependency of its job, one given to
// scripts by RUNBOOK_SCRIPT_ENV (secret by its name), one token nobody told the bot about.
const (
	leakyPhrase = "Zq7/Lm2+Xw9@Kp4Rt6V"
	leakyDeploy = "dpl-93kf72jd81mz"
)

var leakyGitHub = "ghp_" + strings.Repeat("R4n", 12)

// leakyWorkspace has one daily job at the next minute whose script prints its
// secrets in every common form, one straddling the 64 KiB line cut, terminal
// escapes, and what it can see of the bot's other variables; then it fails.
func leakyWorkspace(t *testing.T) (*workspace, time.Time) {
	window := nextWindow(20 * time.Second)
	body := `echo "plain: $SEED_PHRASE"
echo 'query: ` + url.QueryEscape(leakyPhrase) + `'
echo 'path: ` + url.PathEscape(leakyPhrase) + `'
echo "b64: $(printf '%s' "$SEED_PHRASE" | base64 -w0)"
echo "b64url: $(printf '%s' "$SEED_PHRASE" | base64 -w0 | tr '+/' '-_' | tr -d '=')"
echo "hex: $(printf '%s' "$SEED_PHRASE" | od -An -tx1 | tr -d ' \n')"
echo "HEX: $(printf '%s' "$SEED_PHRASE" | od -An -tx1 | tr -d ' \n' | tr a-f A-F)"
echo "basic: $(printf 'u:%s' "$SEED_PHRASE" | base64 -w0)"
echo "deploy: $DEPLOY_TOKEN $(printf '%s' "$DEPLOY_TOKEN" | base64 -w0)"
echo "github: ` + leakyGitHub + `"
echo "itsm=${RUNBOOK_ITSM_WEBHOOK_URL:-absent} unlisted=${UNLISTED_VAR:-absent} window=${RUNBOOK_WINDOW:-none}"
printf '\033]0;owned\007\033[31mred\033[0m \xe2\x80\xaegnp.exe done\n'
head -c 65528 /dev/zero | tr '\0' A
printf '%s' "$SEED_PHRASE"
head -c 300 /dev/zero | tr '\0' B
echo
exit 3`
	return newWorkspace(t, jobRow{window: daily(window), freq: "Daily", script: "scripts/leaky.sh", body: body, deps: "`SEED_PHRASE`, `bash`"}), window
}

// leakyForms are what must appear nowhere: each form of each secret, and each half of the phrase.
func leakyForms() []string {
	b := []byte(leakyPhrase)
	return []string{
		leakyPhrase, leakyPhrase[:len(leakyPhrase)/2], leakyPhrase[len(leakyPhrase)/2:],
		url.QueryEscape(leakyPhrase), url.PathEscape(leakyPhrase),
		base64.StdEncoding.EncodeToString(b), base64.RawURLEncoding.EncodeToString(b),
		hex.EncodeToString(b), strings.ToUpper(hex.EncodeToString(b)),
		base64.StdEncoding.EncodeToString([]byte("u:" + leakyPhrase)),
		leakyDeploy, base64.StdEncoding.EncodeToString([]byte(leakyDeploy)),
		leakyGitHub, "itsm.example", "unlisted-value",
		"\x1b[31m", "\x1b]0;owned", "\u202Egnp", // escape sequences (a lone byte would be found in a database page)
	}
}

func TestE2E_GivenAScriptPrintingItsSecretsInEveryForm_ThenNoneReachesSlackTheLogTheCheckInsOrTheDatabase(t *testing.T) {
	t.Parallel()
	sink := &fakeITSM{}
	hook := httptest.NewServer(sink)
	defer hook.Close()
	w, window := leakyWorkspace(t)
	srv := slacktest.NewTB(t)
	startBot(t, w, srv, baseEnv(w, srv,
		"SEED_PHRASE="+leakyPhrase, "DEPLOY_TOKEN="+leakyDeploy, "UNLISTED_VAR=unlisted-value",
		"RUNBOOK_SCRIPT_ENV=DEPLOY_TOKEN", "RUNBOOK_ITSM_WEBHOOK_URL="+hook.URL+"/itsm.example/hook"))

	// check names the variables the script will get, never the bot's others
	command(srv, ana, "check leaky")
	waitFor(t, srv, 10*time.Second, "the pre-flight", func(s *slacktest.Server) bool { return len(ephemeralWith(s, ana, "RUNBOOK_RUN_ID")) > 0 })
	checkReply := ephemeralWith(srv, ana, "RUNBOOK_RUN_ID")[0]
	for _, name := range []string{"SEED_PHRASE", "DEPLOY_TOKEN", "PATH", "RUNBOOK_WINDOW"} {
		require.Contains(t, checkReply.Text+plain(checkReply.Blocks), name)
	}
	for _, name := range []string{"RUNBOOK_ITSM_WEBHOOK_URL", "UNLISTED_VAR", "SLACK_BOT_TOKEN", leakyPhrase} {
		require.NotContains(t, checkReply.Text+plain(checkReply.Blocks), name)
	}

	runAtWindow(t, srv, window, "leaky")
	waitFor(t, srv, 15*time.Second, "the incident post", func(s *slacktest.Server) bool { return len(s.Messages(incidentChannel)) > 0 })
	require.Eventually(t, func() bool {
		b, _ := os.ReadFile(w.path("docs", "observabilidade", "check-ins.md"))
		return strings.Contains(string(b), "leaky")
	}, 15*time.Second, 100*time.Millisecond, "the check-in")
	require.Eventually(t, func() bool { return len(sink.events()) >= 3 }, 15*time.Second, 100*time.Millisecond, "the evidence reached the ITSM")
	time.Sleep(3 * time.Second) // the last output batches and edits

	// Every Slack call, the log file, the check-ins, the ITSM events and the database, as raw bytes
	var slackText strings.Builder
	for _, c := range srv.Calls("") {
		for k, v := range c.Params {
			fmt.Fprintf(&slackText, "%s=%s\n", k, v)
		}
	}
	for _, c := range srv.ResponseURLCalls() {
		slackText.Write(c.Body)
	}
	for _, a := range srv.Acks() {
		slackText.Write(a.Payload)
	}
	surfaces := map[string]string{"slack": slackText.String()}
	for i, e := range sink.events() {
		surfaces[fmt.Sprintf("itsm event %d", i)] = fmt.Sprint(e)
	}
	logs, err := filepath.Glob(w.path("data", "logs", "*.log"))
	require.NoError(t, err)
	require.Len(t, logs, 1)
	for _, p := range append(logs, w.path("docs", "observabilidade", "check-ins.md"), w.path("docs", "runbook.md")) {
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		surfaces[p] = string(b)
	}
	dbFiles, err := filepath.Glob(w.path("data", "runbook.db*"))
	require.NoError(t, err)
	require.NotEmpty(t, dbFiles)
	for _, p := range dbFiles {
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		surfaces[p] = string(b)
	}
	for where, text := range surfaces {
		for _, form := range leakyForms() {
			require.False(t, strings.Contains(text, form), "%q found in %s", form, where)
		}
	}

	// and the masks show where the secrets were: the log has every line, the split one included
	log := surfaces[logs[0]]
	require.Equal(t, 9, strings.Count(log, "[SEED_PHRASE]"), "plain, query, path, b64, b64url, hex, HEX, basic and the split line:\n%.3000s", log)
	for _, want := range []string{
		"\ndeploy: [DEPLOY_TOKEN] [DEPLOY_TOKEN]\n",
		"\ngithub: [github-token]\n",
		"\nitsm=absent unlisted=absent window=" + window.UTC().Format(time.RFC3339) + "\n",
		"\nred gnp.exe done\n",
		// the line read in two pieces around the 64 KiB cut is whole in the log, the secret masked
		"\n" + strings.Repeat("A", 65528) + "[SEED_PHRASE]" + strings.Repeat("B", 300) + "\n",
	} {
		require.True(t, strings.Contains(log, want), "the log has %.80q", want)
	}
	require.True(t, strings.Contains(surfaces["slack"], "[SEED_PHRASE]"), "Slack shows the mask")
	require.True(t, strings.Contains(surfaces["slack"], "[github-token]"), "Slack shows the mask")
}
