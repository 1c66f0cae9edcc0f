package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/bot/slack/slacktest"
)

// homeButton is the value of the first button with actionID on view, "" when none.
func homeButton(t *testing.T, v slacktest.View, actionID string) string {
	t.Helper()
	var view struct {
		Blocks []struct {
			Type     string `json:"type"`
			Elements []struct {
				ActionID string `json:"action_id"`
				Value    string `json:"value"`
			} `json:"elements"`
		} `json:"blocks"`
	}
	require.NoError(t, json.Unmarshal(v.JSON, &view))
	for _, b := range view.Blocks {
		for _, e := range b.Elements {
			if b.Type == "actions" && e.ActionID == actionID {
				return e.Value
			}
		}
	}
	return ""
}

func TestE2E_GivenTheHomeTab_WhenTheOwnerPressesConfirmThere_ThenTheWindowIsConfirmedAndTheHomeRepublished(t *testing.T) {
	t.Parallel()
	w := newWorkspace(t, jobRow{window: daily(nextWindow(60 * time.Second)), freq: "Daily", script: "scripts/ok.sh", body: "echo ok", deps: "`bash`"})
	srv := slacktest.NewTB(t)
	startBot(t, w, srv, baseEnv(w, srv))
	waitFor(t, srv, 15*time.Second, "the confirmation request", func(s *slacktest.Server) bool {
		return len(messagesWith(s, runbookChannel, ana)) > 0
	})
	request := messagesWith(srv, runbookChannel, ana)[0]

	env := srv.SendAppHomeOpened(ana)
	_, err := srv.WaitAck(env, 3*time.Second)
	require.NoError(t, err, "acked within 3 s")
	waitFor(t, srv, 10*time.Second, "the Home published", func(s *slacktest.Server) bool { return s.Publishes(ana) > 0 })
	home, _ := srv.HomeView(ana)
	require.Contains(t, string(home.JSON), "Needs you")
	value := homeButton(t, home, "confirm")
	require.True(t, strings.HasPrefix(value, "v1/ok/"), "Confirm on the Home, bound to its occurrence: %q", value)
	published := srv.Publishes(ana)

	srv.SendBlockAction(slacktest.BlockAction{UserID: ana, ViewID: home.ID, Actions: []slacktest.Action{{ActionID: "confirm", Value: value}}})
	waitFor(t, srv, 10*time.Second, "the request updated: confirmed", func(s *slacktest.Server) bool {
		m, ok := s.Message(request.Channel, request.TS)
		return ok && m.Updates > 0 && !hasActions(m) && strings.Contains(content(m), "Confirmed by")
	})
	waitFor(t, srv, 10*time.Second, "the Home republished without the Confirm button", func(s *slacktest.Server) bool {
		v, _ := s.HomeView(ana)
		return s.Publishes(ana) > published && homeButton(t, v, "confirm") == "" && strings.Contains(string(v.JSON), "confirmed")
	})
}
