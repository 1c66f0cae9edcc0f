package runbook

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// directory is a Directory answering from maps; chanErr fails the channel look-ups.
type directory struct {
	groups   map[string][]string
	channels map[string][]string
	chanErr  error
	asked    []string
}

func (d *directory) UserByEmail(context.Context, string) (string, error) {
	return "", errors.New("unknown")
}

func (d *directory) InGroup(_ context.Context, user, group string) (bool, error) {
	return slices.Contains(d.groups[group], user), nil
}

func (d *directory) InChannel(_ context.Context, user, channel string) (bool, error) {
	d.asked = append(d.asked, channel)
	if d.chanErr != nil {
		return false, d.chanErr
	}
	return slices.Contains(d.channels[channel], user), nil
}

func testRunbook(t *testing.T) *Runbook {
	t.Helper()
	src, err := os.ReadFile("testdata/runbook.pt.md")
	require.NoError(t, err)
	rb, problems := Parse("testdata/runbook.pt.md", src, ParseOptions{DefaultZone: time.UTC})
	require.Empty(t, problems)
	return rb
}

// TestAuth_GivenWhoAsks_WhenTheServiceResolvesThemAndTheRuleApplies_ThenOnlyTheirActionsAreAllowed
// is the whole decision of who may do what, for seed-dev-data (primary Marcos
// Paulo, backup Bianca Ramos): owners do everything, operators all but
// approving, responders only record incidents, strangers nothing.
func TestAuth_GivenWhoAsks_WhenTheServiceResolvesThemAndTheRuleApplies_ThenOnlyTheirActionsAreAllowed(t *testing.T) {
	all := []Action{ActConfirm, ActDecline, ActReschedule, ActRun, ActDryRun, ActCancel, ActJustify, ActLearnings, ActIncident}
	operating := []Action{ActRun, ActDryRun, ActCancel, ActJustify, ActLearnings, ActIncident}
	groups := map[string][]string{"S0OPS": {"U0OPSMEMBER"}, "S0ONCALL": {"U0ONCALL"}}
	channel := map[string][]string{"#infra-incident": {"U0CHANNEL"}}
	tests := []struct {
		name       string
		user       string
		responders []string
		dir        *directory
		want       []Action
		unverified bool   // the refusal says the look-up failed
		asked      bool   // the incident channel was looked up
		logged     string // an error logged
	}{
		{name: "primary", user: "U03MARCOSPAULO", want: all},
		{name: "backup", user: "U04BIANCARAMOS", want: all},
		{name: "operator by user ID", user: "U0OPERATOR", want: operating},
		{name: "operator by group", user: "U0OPSMEMBER", want: operating},
		{name: "responder by user ID", user: "U0RESPONDER", responders: []string{"U0RESPONDER", "S0ONCALL"}, want: []Action{ActIncident}},
		{name: "responder by group (the on-call group)", user: "U0ONCALL", responders: []string{"U0RESPONDER", "S0ONCALL"}, want: []Action{ActIncident}},
		{name: "member of the incident channel is not a responder when responders are set", user: "U0CHANNEL", responders: []string{"U0RESPONDER"}},
		{name: "member of the incident channel when no responders are set", user: "U0CHANNEL", want: []Action{ActIncident}, asked: true},
		{name: "stranger", user: "U0STRANGER", asked: true},
		{name: "nobody (the bot's own timers)", user: ""},
		{name: "the channel look-up fails", user: "U0CHANNEL", dir: &directory{chanErr: errors.New("slack conversations.members: ratelimited")},
			unverified: true, asked: true, logged: "ratelimited"},
		{name: "an owner needs no channel look-up", user: "U03MARCOSPAULO", dir: &directory{chanErr: errors.New("down")}, want: all},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := tc.dir
			if dir == nil {
				dir = &directory{channels: channel}
			}
			dir.groups = groups
			var logs bytes.Buffer
			s := NewService(testRunbook(t), Settings{Operators: []string{"U0OPERATOR", "S0OPS"}, Responders: tc.responders},
				Deps{Directory: dir, Log: slog.New(slog.NewTextHandler(&logs, nil))})
			j, _ := s.Runbook().Job("seed-dev-data")
			var got []Action
			for _, act := range all {
				a := s.actor(context.Background(), Request{User: tc.user}, j, act)
				if Allowed(a, act) {
					got = append(got, act)
				}
				if act == ActIncident && !Allowed(a, act) {
					// The refusal carries what the reply needs to say who may.
					args := a.refusal(act)
					require.Equal(t, "incident", args["action"])
					if tc.asked {
						require.Equal(t, "#infra-incident", args["channel"])
					} else {
						require.NotContains(t, args, "channel")
					}
					require.Equal(t, tc.unverified, args["unverified"] == "true")
				}
			}
			require.Equal(t, tc.want, got)
			require.Equal(t, tc.asked, len(dir.asked) > 0, "channel look-ups: %v", dir.asked)
			if tc.logged != "" {
				require.Contains(t, logs.String(), "level=ERROR")
				require.Contains(t, logs.String(), tc.logged)
			}
		})
	}
}

func TestAuth_GivenTheRuleTable_ThenEveryActionHasItsRoles(t *testing.T) {
	require.Equal(t, RoleOwner, MayDo(ActConfirm))
	require.Equal(t, RoleOwner|RoleOperator, MayDo(ActRun))
	require.Equal(t, RoleOwner|RoleOperator|RoleResponder, MayDo(ActIncident))
	require.Zero(t, MayDo("launch"), "an unknown action is nobody's")
	require.False(t, Allowed(Actor{User: "U1", Owner: true}, "launch"))
}

func TestStep_GivenAnIncidentByWhoever_ThenTheRuleDecidesAndARefusalChangesNothing(t *testing.T) {
	failed := func() Occurrence {
		o := occ(Failed)
		d := t0.Add(15 * time.Minute)
		o.FailedAt, o.IncidentDeadline = &t0, &d
		return o
	}
	for _, tc := range []struct {
		name  string
		actor Actor
		ok    bool
	}{
		{"owner", owner, true},
		{"operator", oper, true},
		{"responder", Actor{User: "U0ONCALL", Responder: true}, true},
		{"stranger", nobody, false},
		{"unverified member", Actor{User: "U0CHANNEL", ResponderChannel: "#infra-incident", Unverified: true}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := Step(failed(), Event{Kind: EvIncident, Actor: tc.actor, Text: "INC-1"}, env(t0.Add(time.Minute)))
			if tc.ok {
				require.NoError(t, err)
				require.Equal(t, "INC-1", out.Occ.IncidentRef)
				require.Equal(t, []TimerKind{TimerDeadline}, out.Disarm, "the countdown stops")
				return
			}
			require.Equal(t, KindNotAllowed, KindOf(err))
			require.Equal(t, failed(), out.Occ, "nothing changes")
			require.Empty(t, out.Disarm, "the countdown goes on")
			require.Len(t, out.Records, 1)
			require.Equal(t, RecRefused, out.Records[0].Kind)
			require.Equal(t, "not_allowed", out.Records[0].Fields["reason"])
		})
	}
}

func TestContactName_GivenAnID_ThenTheRunbooksNameForItIsFound(t *testing.T) {
	s := NewService(testRunbook(t), Settings{}, Deps{Directory: &directory{}, Log: slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil))})
	tests := []struct{ id, want string }{
		{"U03MARCOSPAULO", "Marcos Paulo"},
		{"U01ANASOUZA", "Ana Souza"},
		{"U9UNKNOWN", ""},
		{"", ""},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, s.ContactName(context.Background(), tt.id), tt.id)
	}
}
