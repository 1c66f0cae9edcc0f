package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"testing"

	"github.com/runbook-bot/runbook-bot/bot/slack/slacktest"
)

// bareBotEnv, set in the environment of this test binary, makes it run the bare
// slack-go acker (slacktest.RunBareAckBot) instead of the tests: the baseline of
// BenchmarkAckLatency then runs in its own process, as runbook-bot does. Run
// inside the benchmark's process, the baseline skipped the wake-up of another
// process on every envelope and ack (at concurrency 1: p50 0.04 ms in-process
// against 0.17 ms for any separate process), which is not the bot's overhead.
const bareBotEnv = "RUNBOOK_BENCH_BARE_BOT"

// runBareBotIfAsked runs the bare acker until SIGTERM and exits, when this
// process was started as one by startBareBot; otherwise it returns.
func runBareBotIfAsked() {
	if os.Getenv(bareBotEnv) != "1" {
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	err := slacktest.RunBareAckBot(ctx, os.Getenv("SLACK_API_URL"), os.Getenv("SLACK_APP_TOKEN"), os.Getenv("SLACK_BOT_TOKEN"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "bare bot:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

// startBareBot starts the bare acker as a separate process (this test binary
// re-executed) against srv and waits until its socket is connected.
func startBareBot(tb testing.TB, srv *slacktest.Server) *benchBot {
	tb.Helper()
	self, err := os.Executable()
	must(tb, err)
	cmd := exec.Command(self)
	cmd.Env = append(os.Environ(), bareBotEnv+"=1", "SLACK_API_URL="+srv.APIURL(),
		"SLACK_APP_TOKEN="+srv.AppToken(), "SLACK_BOT_TOKEN="+srv.BotToken())
	return startConnected(tb, srv, cmd, "bare bot")
}
