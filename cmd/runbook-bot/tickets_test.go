package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/runbook/tickets/github"
	"github.com/runbook-bot/runbook-bot/runbook/tickets/jira"
)

func TestTicketSource_GivenConfig_WhenBuilt_ThenTheChosenClientOrNone(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		check   func(t *testing.T, src any)
		wantErr string
	}{
		{"given no source when built then nil", Config{}, func(t *testing.T, src any) { assert.Nil(t, src) }, ""},
		{"given github when built then a github client with the configuration",
			Config{Tickets: TicketsGitHub, GitHubRepo: "acme/infra", GitHubToken: "ghp_x", GitHubAPIURL: "https://ghe.example/api/v3/", GitHubLabel: "infra/{job}"},
			func(t *testing.T, src any) {
				c, ok := src.(*github.Client)
				require.True(t, ok)
				assert.Equal(t, "acme/infra", c.Repo)
				assert.Equal(t, "ghp_x", c.Token)
				assert.Equal(t, "https://ghe.example/api/v3/", c.APIURL)
				assert.Equal(t, "infra/{job}", c.LabelTemplate)
				assert.NotNil(t, c.HTTP)
			}, ""},
		{"given jira when built then a jira client with the configuration",
			Config{Tickets: TicketsJira, JiraURL: "https://acme.atlassian.net", JiraEmail: "bot@acme.com", JiraToken: "ATATT"},
			func(t *testing.T, src any) {
				c, ok := src.(*jira.Client)
				require.True(t, ok)
				assert.Equal(t, "https://acme.atlassian.net", c.URL)
				assert.Equal(t, "bot@acme.com", c.Email)
			}, ""},
		{"given github without a token when built then Validate names the variable",
			Config{Tickets: TicketsGitHub, GitHubRepo: "acme/infra"}, nil, "ticket source: RUNBOOK_GITHUB_TOKEN is not set"},
		{"given jira without an e-mail when built then Validate names the variable",
			Config{Tickets: TicketsJira, JiraURL: "https://acme.atlassian.net", JiraToken: "ATATTSECRET"}, nil, "ticket source: RUNBOOK_JIRA_EMAIL is not set"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, err := ticketSource(tt.cfg)
			if tt.wantErr != "" {
				require.EqualError(t, err, tt.wantErr)
				assert.Nil(t, src)
				return
			}
			require.NoError(t, err)
			tt.check(t, src)
		})
	}
}

func TestTicketSourceText_GivenConfig_WhenDescribed_ThenKindAndPlaceButNeverTheToken(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"given none when described then none", Config{}, "none"},
		{"given github with defaults when described then repository, API and label",
			Config{Tickets: TicketsGitHub, GitHubRepo: "acme/infra", GitHubToken: "ghp_SECRET"},
			"github acme/infra at https://api.github.com/, label runbook:{job}"},
		{"given an API URL with credentials when described then they are dropped",
			Config{Tickets: TicketsGitHub, GitHubRepo: "acme/infra", GitHubToken: "ghp_SECRET", GitHubAPIURL: "https://u:SECRET@ghe.example/api/v3/?t=SECRET"},
			"github acme/infra at https://ghe.example/api/v3/, label runbook:{job}"},
		{"given jira when described then site, account and JQL",
			Config{Tickets: TicketsJira, JiraURL: "https://acme.atlassian.net", JiraEmail: "bot@acme.com", JiraToken: "SECRET", JiraJQL: "project = OPS"},
			"jira https://acme.atlassian.net as bot@acme.com, JQL project = OPS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ticketSourceText(tt.cfg)
			assert.Equal(t, tt.want, got)
			assert.NotContains(t, got, "SECRET")
		})
	}
}

func TestScriptEnv_GivenTrackerTokens_WhenFiltered_ThenScriptsDoNotGetThem(t *testing.T) {
	got := scriptEnv([]string{"PATH=/bin", "RUNBOOK_GITHUB_TOKEN=ghp_x", "RUNBOOK_JIRA_TOKEN=ATATT", "RUNBOOK_GITHUB_REPO=acme/infra"})
	assert.Equal(t, []string{"PATH=/bin", "RUNBOOK_GITHUB_REPO=acme/infra"}, got)
}
